// The lab runs on model time: every duration the lab models (a reboot, a migration, a heal) is
// written in real-cluster seconds and divided by the time scale, so a demo finishes in seconds
// while rollgate still sees the same sequence of states a real cluster would show.

export interface LabClock {
  readonly scale: number;
  /** Model milliseconds since the lab started. */
  now(): number;
  /** Runs `fn` after `modelMs` of model time. */
  after(modelMs: number, fn: () => void): void;
  /** Resolves after `modelMs` of model time. */
  sleep(modelMs: number): Promise<void>;
  /** Real milliseconds that `modelMs` of model time takes. */
  toRealMs(modelMs: number): number;
  /** Cancels every pending timer (lab shutdown). */
  stop(): void;
}

export function scaledClock(scale: number): LabClock {
  if (!(scale > 0)) throw new RangeError(`time scale must be > 0, got ${scale}`);
  const start = performance.now();
  const timers = new Set<NodeJS.Timeout>();
  const toRealMs = (modelMs: number) => Math.max(0, modelMs / scale);
  const after = (modelMs: number, fn: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, toRealMs(modelMs));
    timers.add(timer);
  };
  return {
    scale,
    now: () => (performance.now() - start) * scale,
    after,
    sleep: (modelMs) => new Promise((resolve) => after(modelMs, resolve)),
    toRealMs,
    stop: () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}
