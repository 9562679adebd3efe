// Keeps a long wait readable in a log: a 2 h heal polled every 10 s would otherwise be 720 lines.
// A message whose wording changes (a brick came back, the gate now passes and is settling) is
// printed at once; one where only the numbers move (entries draining, seconds of steadiness) or
// nothing moves is printed at most once per interval, enough to see the trend and that rollgate
// is alive, few enough to read the whole night's log in a mail. A dry run's "would: …" lines are
// the plan itself, one change each ("vzdump 101 on pve1", "vzdump 102 on pve2"): never dropped.

import { DRY_RUN_PROGRESS } from "../../run/events.js";

/** How often a wait whose wording does not change is shown again. */
export const PROGRESS_REPEAT_MS = 60_000;

/** A message with its numbers blanked: "120 entries (−40/min)" and "95 entries (−41/min)" read the same. */
function wording(message: string): string {
  return message.replace(/\d+(?:[.,]\d+)*/g, "#");
}

export class ProgressThrottle {
  private readonly shown = new Map<string, { wording: string; at: number }>();

  constructor(private readonly repeatMs: number = PROGRESS_REPEAT_MS) {}

  /** Whether a progress message of `key` (one step of one node) is worth showing at `at` (ms). */
  admit(key: string, message: string, at: number): boolean {
    if (message.startsWith(DRY_RUN_PROGRESS)) return true;
    const last = this.shown.get(key);
    const now = wording(message);
    const due = last === undefined || last.wording !== now || !Number.isFinite(at) || at - last.at >= this.repeatMs;
    if (due) this.shown.set(key, { wording: now, at });
    return due;
  }

  /** The step ended: its next wait starts fresh. */
  forget(key: string): void {
    this.shown.delete(key);
  }
}
