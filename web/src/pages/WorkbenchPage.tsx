export default function WorkbenchPage() { return <div>WorkbenchPage</div>; }
