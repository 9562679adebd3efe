// Every run the journal directory holds, newest first, each summarised from its own file: what
// `rollgate status --list` shows. A file that cannot be read is listed with what is wrong with it,
// never skipped: a run missing from the list would hide that it happened.

import { readdir } from "node:fs/promises";
import { errorCode, osReason } from "../config/fs-errors.js";
import { CorruptJournalError, isRunId, readJournal, runFile, runsDir } from "./journal.js";
import { checkJournalDir } from "./journal-dir.js";
import { summarizeRun, type RunSummary } from "./run-summary.js";

export type ListedRun = { runId: string; summary: RunSummary } | { runId: string; problem: string };

export async function listRuns(dir: string): Promise<ListedRun[]> {
  await checkJournalDir(dir, "read");
  let names: string[];
  try {
    names = await readdir(runsDir(dir));
  } catch (error) {
    if (errorCode(error) === "ENOENT") return [];
    throw new CorruptJournalError(`cannot list ${runsDir(dir)}: ${osReason(error)}`);
  }
  // Run ids sort by their start time.
  const ids = names
    .flatMap((name) => (name.endsWith(".jsonl") && isRunId(name.slice(0, -6)) ? [name.slice(0, -6)] : []))
    .sort()
    .reverse();
  return Promise.all(ids.map((runId) => listed(dir, runId)));
}

async function listed(dir: string, runId: string): Promise<ListedRun> {
  try {
    const journal = await readJournal(runFile(dir, runId));
    if (journal === null || journal.events.length === 0) return { runId, problem: "holds no record (it stopped as it began)" };
    return { runId, summary: summarizeRun(journal.events) };
  } catch (error) {
    if (error instanceof CorruptJournalError) return { runId, problem: error.message };
    throw error;
  }
}
