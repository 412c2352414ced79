export default function IntakePage() { return <div>IntakePage</div>; }
