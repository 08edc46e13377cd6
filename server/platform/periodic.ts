/**
 * A background round every `intervalMs` (timer sweeps, import recovery): never two rounds at once,
 * the interval does not keep the process alive, and the returned stop function waits for a round
 * in flight, so a shutdown never cuts a transaction. `round` handles its own errors.
 */
export function everyInterval(intervalMs: number, round: (stopped: () => boolean) => Promise<void>) {
  let current: Promise<void> | undefined;
  let stopped = false;
  const timer = setInterval(() => {
    if (current || stopped) return;
    current = round(() => stopped).finally(() => {
      current = undefined;
    });
  }, intervalMs);
  timer.unref();
  return async (): Promise<void> => {
    stopped = true;
    clearInterval(timer);
    await current;
  };
}
