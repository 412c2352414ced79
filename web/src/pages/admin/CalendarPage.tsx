export default function CalendarPage() { return <div>CalendarPage</div>; }
