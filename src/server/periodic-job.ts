// A background job of the server (outbox relay, deadline warnings, scheduled reports): run shortly
// after start and then every `intervalMs`, one run at a time; the returned stop waits for the run
// under way, so shutdown never cuts a transaction short.
export function startPeriodicJob(run: () => Promise<unknown>, intervalMs: number, onError: (err: unknown) => void = () => undefined, firstAfterMs = Math.min(intervalMs, 2_000)): () => Promise<void> {
  let running = true;
  let current: Promise<unknown> = Promise.resolve();
  const tick = () => {
    if (!running) return;
    current = current.then(() => (running ? run() : undefined)).catch(onError);
  };
  const first = setTimeout(tick, firstAfterMs);
  const timer = setInterval(tick, intervalMs);
  first.unref();
  timer.unref();
  return async () => {
    running = false;
    clearTimeout(first);
    clearInterval(timer);
    await current;
  };
}
