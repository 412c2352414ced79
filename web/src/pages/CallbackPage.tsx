export default function CallbackPage() { return <div>CallbackPage</div>; }
