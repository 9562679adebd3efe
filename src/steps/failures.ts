// How a step or gate stops the run. The engine turns each into an outcome and an exit code: a
// refusal before the node was touched leaves the cluster as it was (3); anything else stops with
// the node as safe as the step could leave it, and says what a human must do (4).

import type { Verdict } from "../gates/index.js";

/** A gate (or a placement) said no. */
export class Refusal extends Error {
  constructor(
    message: string,
    readonly verdicts: Verdict[] = [],
  ) {
    super(message);
  }
}

/** A step could not do its job; `humanAction` says what to look at and how to continue. */
export class StepFailure extends Error {
  constructor(
    message: string,
    readonly humanAction: string,
  ) {
    super(message);
  }
}

/**
 * The command that continues a stopped run, quoted for a humanAction: a run resumes only through
 * the playbook it started with, so a major upgrade's needs its `--to` (src/cli/upgrade.ts).
 */
export const resumeCommand = (upgradesTo: number | null): string =>
  `\`rollgate upgrade${upgradesTo === null ? "" : ` --to ${upgradesTo}`} --resume\``;

/** A stop was requested (SIGINT/SIGTERM, a lost cluster lock) and the run reached a point where stopping is safe. */
export class StopRequested extends Error {
  constructor(reason = "stopped on request") {
    super(reason);
  }
}
