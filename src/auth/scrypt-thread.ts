// scrypt on one thread of its own, one derivation at a time. Each derivation takes 16 MB; run on
// libuv's pool, every pool thread keeps its 16 MB in its own malloc arena afterwards (some 65 MB of
// resident memory for good), and a burst of logins at a shift change holds up file reads behind it.
// One thread keeps one arena (about 28 MB with the thread's own heap) and leaves the pool free.
import { Worker } from 'node:worker_threads';
import type { ScryptOptions } from 'node:crypto';

const THREAD_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { scryptSync } = require('node:crypto');
parentPort.on('message', ({ id, password, salt, keylen, params }) => {
  try {
    parentPort.postMessage({ id, key: scryptSync(password, Buffer.from(salt), keylen, params) });
  } catch (e) {
    parentPort.postMessage({ id, error: e instanceof Error ? e.message : String(e) });
  }
});
`;

interface Answer {
  id: number;
  key?: Uint8Array;
  error?: string;
}

let thread: Worker | null = null;
let nextId = 0;
const waiting = new Map<number, { resolve: (key: Buffer) => void; reject: (e: Error) => void }>();

function started(): Worker {
  if (thread) return thread;
  // No inherited flags: the source is plain CommonJS whatever loader or input type the process runs with.
  const w = new Worker(THREAD_SOURCE, { eval: true, name: 'scrypt', execArgv: [] });
  w.on('message', ({ id, key, error }: Answer) => {
    const pending = waiting.get(id);
    waiting.delete(id);
    if (!waiting.size) w.unref();
    if (!pending) return;
    if (error || !key) pending.reject(new Error(error ?? 'scrypt: no key'));
    else pending.resolve(Buffer.from(key.buffer, key.byteOffset, key.byteLength));
  });
  // A thread that dies fails what it was given; the next derivation starts a new one.
  const fail = (e: Error) => {
    if (thread === w) thread = null;
    for (const pending of waiting.values()) pending.reject(e);
    waiting.clear();
  };
  w.on('error', fail);
  w.on('exit', (code) => fail(new Error(`scrypt thread exited (${code})`)));
  thread = w;
  return w;
}

/** Derivations given to the thread and not yet answered (a login refuses early past the city's bound). */
export const pendingDerivations = () => waiting.size;

/** scrypt(password, salt) as node:crypto computes it, on the password thread. */
export function scryptOnThread(password: string, salt: Buffer, keylen: number, params: ScryptOptions): Promise<Buffer> {
  const w = started();
  const id = nextId++;
  return new Promise((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    // Held while a derivation is pending, so a command awaiting it does not exit; let go when idle.
    w.ref();
    w.postMessage({ id, password, salt, keylen, params });
  });
}
