// What the last run's journal means for a new `rollgate upgrade`: continue it (--resume), start a
// new run (--fresh, which never reads it, so a broken journal cannot wedge the next run), or
// refuse, saying which file holds what and what to do. Reading is at the edge (`readRun`); the
// decision (`judgeLastRun`) is pure over what was read.

import { NodeOutOfServiceError, UsageError } from "../util/errors.js";
import type { ResumeState } from "./engine.js";
import { CorruptJournalError, currentFile, currentRunId, readJournal, runFile, type JournalContents } from "./journal.js";
import { checkJournalDir } from "./journal-dir.js";
import { summarizeRun } from "./run-summary.js";

export interface UnreadableRun {
  kind: "unreadable";
  /** Null when `current` itself cannot be read. */
  runId: string | null;
  /** What is wrong, naming the file (and line). */
  problem: string;
  /** The run file holds no record yet: its run may be starting right now. */
  nothingRecorded: boolean;
}

/** A run as its journal directory holds it. */
export type RecordedRun = { kind: "none" } | { kind: "readable"; runId: string; file: string; journal: JournalContents } | UnreadableRun;

/**
 * The latest run (runId null), or the one named; "none" when there is none (or no file for the
 * one named). Whatever is in the files is reported, not thrown; only a journal directory that
 * cannot be read at all throws (JournalDirError).
 */
export async function readRun(dir: string, runId: string | null = null): Promise<RecordedRun> {
  await checkJournalDir(dir, "read");
  const unreadable = (id: string | null, problem: string, nothingRecorded = false): UnreadableRun => ({
    kind: "unreadable",
    runId: id,
    problem,
    nothingRecorded,
  });
  let id: string | null;
  try {
    id = runId ?? (await currentRunId(dir));
  } catch (error) {
    if (error instanceof CorruptJournalError) return unreadable(null, error.message);
    throw error;
  }
  if (id === null) return { kind: "none" };
  const file = runFile(dir, id);
  let journal: JournalContents | null;
  try {
    journal = await readJournal(file);
  } catch (error) {
    if (error instanceof CorruptJournalError) return unreadable(id, error.message);
    throw error;
  }
  if (journal === null)
    return runId === null ? unreadable(id, `${currentFile(dir)} names run ${id}, but its journal ${file} is missing`) : { kind: "none" };
  if (journal.events.length > 0) return { kind: "readable", runId: id, file, journal };
  const why = journal.truncated ? "holds no complete record: its first was cut off as it was written" : "is empty";
  return unreadable(id, `${file} ${why} (the run stopped as it began, before recording its start)`, true);
}

/** Who is told about a journal that cannot be read; each gets the same explanation and its own advice. */
export type Reader = "upgrade" | "resume" | "status";

const FRESH = "start a new run with `rollgate upgrade --fresh`, which does not read the old journal";

const toldTo: Record<Reader, (problem: string) => string> = {
  upgrade: (problem) =>
    `the last run's journal cannot be read: ${problem}. Whether that run changed the cluster cannot be told from it: check \`rollgate status\` and the cluster, then ${FRESH}`,
  resume: (problem) =>
    `cannot resume: the last run's journal cannot be read: ${problem}. Check \`rollgate status\` and the cluster, then ${FRESH}`,
  status: (problem) =>
    `cannot show the run: its journal cannot be read: ${problem}. Whether it changed the cluster cannot be told from it: check the cluster (\`rollgate check\`), then ${FRESH}`,
};

/** A journal that cannot be read, told to `reader`: which file, what is wrong, what to do. */
export function unreadableRunError(run: UnreadableRun, reader: Reader): CorruptJournalError {
  return new CorruptJournalError(toldTo[reader](run.problem));
}

/** How `rollgate upgrade` was asked to treat the last run. */
export type UpgradeMode = "upgrade" | "resume" | "fresh";

/** What an upgrade starts: a new run (resume null) or the continuation of the last one. */
export interface NextRun {
  resume: ResumeState | null;
  /** Something to tell the user before starting. */
  notice: string | null;
}

const NEW_RUN: NextRun = { resume: null, notice: null };
const NOTHING_TO_RESUME: NextRun = { resume: null, notice: "nothing to resume; starting a new run" };

/** What the last run means for an upgrade: throws UsageError when the user must decide first. */
export function judgeLastRun(last: RecordedRun, mode: "upgrade" | "resume"): NextRun {
  if (last.kind === "unreadable") throw unreadableRunError(last, mode);
  if (last.kind === "none") return mode === "resume" ? NOTHING_TO_RESUME : NEW_RUN;
  const { events } = last.journal;
  const summary = summarizeRun(events);
  const finishedCleanly = summary.outcome !== null && summary.outcome !== "interrupted" && summary.outcome !== "failed";
  if (finishedCleanly) return mode === "resume" ? NOTHING_TO_RESUME : NEW_RUN;
  // The file that was read is the one to continue, whatever its run-start says.
  if (mode === "resume") return { resume: { runId: last.runId, events }, notice: null };
  const where = summary.inFlight ? `${summary.inFlight.node} (last step: ${summary.inFlight.lastStep ?? "none"})` : "before any node";
  const leftOut = [...new Set([...(summary.inFlight?.touched ? [summary.inFlight.node] : []), ...summary.maintenanceOn])];
  if (leftOut.length > 0) {
    throw new NodeOutOfServiceError(
      `an earlier run (${last.runId}) did not finish and left ${leftOut.join(", ")} out of service; it stopped at ${where}. \`rollgate status\` shows it. Continue it with --resume (it re-checks the cluster from live state), or bring ${leftOut.join(", ")} back by hand and start over with --fresh.`,
    );
  }
  throw new UsageError(
    `an earlier run (${last.runId}) did not finish; it stopped at ${where}. \`rollgate status\` shows it. Continue it with --resume, or, once the cluster is checked, start over with --fresh.`,
  );
}

/** Reads what the mode needs (--fresh: nothing) and judges it. Call it holding the lock. */
export async function nextRun(dir: string, mode: UpgradeMode): Promise<NextRun> {
  if (mode === "fresh") return NEW_RUN;
  return judgeLastRun(await readRun(dir), mode);
}
