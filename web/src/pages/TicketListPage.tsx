export default function TicketListPage() { return <div>TicketListPage</div>; }
