export default function TicketDetailPage() { return <div>TicketDetailPage</div>; }
