// How a run's outcome is named to a person (run log, live view, notifications): the ones that need a
// human stand out in capitals, the ones that leave the cluster as intended stay quiet.

import type { Outcome } from "../run/events.js";

const outcomeWords: Record<Outcome, string> = {
  success: "success",
  refused: "REFUSED",
  failed: "FAILED",
  interrupted: "INTERRUPTED",
  "outside-window": "outside the maintenance window",
  paused: "paused",
};

export function outcomeWord(outcome: Outcome): string {
  return outcomeWords[outcome];
}

/** Whether the outcome leaves the cluster where the admin wanted it (nothing to look at). */
export function outcomeIsQuiet(outcome: Outcome): boolean {
  return outcome === "success" || outcome === "paused";
}

/** "FAILED (exit 4)": the outcome and the exit code a script sees. */
export function outcomeHeadline(outcome: Outcome, exitCode: number): string {
  return `${outcomeWord(outcome)} (exit ${exitCode})`;
}
