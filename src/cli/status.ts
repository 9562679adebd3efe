// `rollgate status`: the running or last run, from its journal. Reads only local files: the
// journal directory is all it needs from cluster.yaml (no secret, no connection).

import { Command } from "commander";
import { osReason } from "../config/fs-errors.js";
import { currentRunId, isRunId, readJournal, runFile } from "../run/journal.js";
import { inspectLock } from "../run/lock.js";
import { summarizeRun } from "../run/run-summary.js";
import { UsageError } from "../util/errors.js";
import { println, type CliIo } from "./io.js";
import { renderStatus } from "./render/status.js";
import { styleFor } from "./render/style.js";
import { loadWithWarnings } from "./session.js";

export interface StatusOptions {
  config: string;
  journalDir?: string;
  run?: string;
  json?: boolean;
  color: boolean;
}

/** A journal this user may not read is a matter of who runs the command, not a bug. */
async function readingJournal<T>(read: Promise<T>, what: string): Promise<T> {
  try {
    return await read;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EACCES" || code === "EPERM") throw new UsageError(`cannot read ${what}: ${osReason(error)}; the journal is private to the user who runs upgrades: run \`rollgate status\` as that user`);
    throw error;
  }
}

export async function runStatusCommand(io: CliIo, opts: StatusOptions): Promise<void> {
  if (opts.run !== undefined && !isRunId(opts.run)) throw new UsageError(`--run ${opts.run}: not a run id (like 20261122T225001Z-3fa2)`);
  const dir = opts.journalDir ?? (await loadWithWarnings(opts.config, io)).config.journal.dir;
  const runId = opts.run ?? (await readingJournal(currentRunId(dir), `the journal in ${dir}`));
  if (runId === null) {
    println(io.stdout, opts.json ? "null" : `no run recorded in ${dir}`);
    return;
  }
  const file = runFile(dir, runId);
  const { events, truncated } = await readingJournal(readJournal(file), file).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    throw new UsageError(opts.run ? `no run ${runId} recorded in ${dir}` : `${dir}/current names run ${runId}, but its journal ${file} is missing`);
  });
  if (events.length === 0) {
    println(io.stdout, opts.json ? "null" : `run ${runId} recorded nothing: its first record was cut off (${file})`);
    return;
  }
  const view = { summary: summarizeRun(events), lock: await inspectLock(dir), journalFile: file, truncated };
  if (opts.json) println(io.stdout, JSON.stringify({ ...view.summary, journalFile: file, truncated, lock: view.lock }, null, 2));
  else println(io.stdout, renderStatus(view, styleFor(io.stdout, io.env, opts.color)));
}

export function statusCommand(io: CliIo): Command {
  return new Command("status")
    .description("the journal of the running or last run: node by node, step by step, with times (reads local files only)")
    .option("-c, --config <file>", "cluster description (for journal.dir)", "cluster.yaml")
    .option("--journal-dir <dir>", "journal directory (default: journal.dir of cluster.yaml)")
    .option("--run <id>", "a run other than the latest")
    .option("--json", "the run summary as one JSON document")
    .option("--no-color", "plain output")
    .action((opts: StatusOptions) => runStatusCommand(io, opts));
}
