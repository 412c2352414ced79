// How far V8 lets the heap grow past what survived the last full collection. When collections are
// cheap, as in this server, V8 lets it grow up to 4×: a server whose live heap is some 35 MB sat at
// 110–130 MB of heap under the create bench, over 300 MB resident. At most half again keeps it under
// 300 MB at the same rate (docs/benchmark-history.md, "after the memory and planner changes"). V8
// reads the factor at every collection, so setting it as the server starts takes effect; only the
// server commands set it.
import { setFlagsFromString } from 'node:v8';

const HEAP_GROWING_PERCENT = 50;

export function limitHeapGrowth(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
