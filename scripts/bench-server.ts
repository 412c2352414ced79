// What the benchmarks share about the server process they start: waiting for it to answer.
import type { ChildProcess } from 'node:child_process';

/** Polls `url` every 200 ms until it answers 2xx; fails if the process exits or `seconds` pass. */
export async function waitForServer(url: string, child: ChildProcess, seconds: number): Promise<void> {
  for (let i = 0; i < seconds * 5; i++) {
    if (child.exitCode !== null) throw new Error('server exited during start');
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('server did not start');
}
