// A lab clock that moves only when a test says so, so that model behaviours can be checked at
// exact model times (the lab's own clock follows real time).

import type { LabClock } from "../../../src/lab/clock.js";

export interface ManualClock extends LabClock {
  /** Runs every timer due within `ms`, in order, leaving the clock `ms` later. */
  tick(ms: number): void;
}

export function manualClock(): ManualClock {
  let now = 0;
  let seq = 0;
  let timers: Array<{ at: number; seq: number; fn: () => void }> = [];
  const after = (ms: number, fn: () => void) => void timers.push({ at: now + Math.max(0, ms), seq: seq++, fn });
  return {
    scale: 1,
    now: () => now,
    after,
    sleep: (ms) => new Promise((resolve) => after(ms, resolve)),
    toRealMs: () => 0,
    stop: () => void (timers = []),
    tick(ms: number) {
      const end = now + ms;
      for (;;) {
        const due = timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
        if (!due) break;
        timers = timers.filter((t) => t !== due);
        now = due.at;
        due.fn();
      }
      now = end;
    },
  };
}
