// `rollgate status --follow`: a live run from another terminal. The run's journal is read again
// every poll and each new record is shown as the unattended run shows it (timestamped plain lines);
// it ends with the run, exiting with the run's exit code. A run whose process is gone without
// recording its end is said to have died, and the exit is the one a human must look at.

import { setTimeout as sleep } from "node:timers/promises";
import { readJournal, runFile } from "../run/journal.js";
import { inspectLock } from "../run/lock.js";
import { summarizeRun, type RunSummary } from "../run/run-summary.js";
import { ExitCode } from "../util/errors.js";
import { println, type CliIo } from "./io.js";
import { plainRunRenderer } from "./render/run-plain.js";

export interface FollowOptions {
  dir: string;
  runId: string;
  /** Records already shown (by the status printed first): only those after them are shown. */
  shown: number;
  verbose: boolean;
  /** How often the journal is read again. */
  pollMs: number;
  stop: AbortSignal;
}

/** A run that ended without its end record: 4 if it may have left a node out of service, else 6. */
function diedExit(summary: RunSummary): number {
  return summary.inFlight?.touched || summary.maintenanceOn.length > 0 ? ExitCode.nodeOutOfService : ExitCode.interrupted;
}

/** Follows the run until it ends; returns the exit code to leave with. */
export async function followRun(io: CliIo, options: FollowOptions): Promise<number> {
  const renderer = plainRunRenderer(io, { verbose: options.verbose });
  const file = runFile(options.dir, options.runId);
  let shown = options.shown;
  for (;;) {
    // The lock first: a run that records its end and lets go between the two reads is still seen ending.
    const lock = await inspectLock(options.dir);
    const events = (await readJournal(file))?.events ?? [];
    for (const event of events.slice(shown)) renderer.onEvent(event);
    shown = Math.max(shown, events.length);
    const end = events.findLast((e) => e.type === "run-end");
    const summary = summarizeRun(events);
    if (end?.type === "run-end" && summary.outcome !== null) {
      await renderer.finish();
      return end.exitCode;
    }
    const holds = (lock.kind === "live" || lock.kind === "foreign") && lock.info.runId === options.runId;
    if (!holds) {
      await renderer.finish();
      println(
        io.stdout,
        `rollgate: run ${options.runId} is no longer running and recorded no end (killed?): \`rollgate status\` shows where it stopped; \`rollgate upgrade --resume\` continues it`,
      );
      return diedExit(summary);
    }
    try {
      await sleep(options.pollMs, undefined, { signal: options.stop });
    } catch {
      await renderer.finish();
      return ExitCode.ok;
    }
  }
}
