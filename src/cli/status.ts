// `rollgate status`: the running or last run, from its journal. Reads only local files: the
// journal directory is all it needs from cluster.yaml (no secret, no connection).

import { Command } from "commander";
import { isRunId } from "../run/journal.js";
import { inspectLock } from "../run/lock.js";
import { readRun, unreadableRunError } from "../run/previous-run.js";
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

export async function runStatusCommand(io: CliIo, opts: StatusOptions): Promise<void> {
  if (opts.run !== undefined && !isRunId(opts.run)) throw new UsageError(`--run ${opts.run}: not a run id (like 20261122T225001Z-3fa2)`);
  const dir = opts.journalDir ?? (await loadWithWarnings(opts.config, io)).config.journal.dir;
  const run = await readRun(dir, opts.run ?? null);
  if (run.kind === "none") {
    if (opts.run !== undefined) throw new UsageError(`no run ${opts.run} recorded in ${dir}`);
    println(io.stdout, opts.json ? "null" : `no run recorded in ${dir}`);
    return;
  }
  const lock = await inspectLock(dir);
  if (run.kind === "unreadable") {
    // A new run's file stays empty until its session is open and it records its start.
    if (!(run.nothingRecorded && lock.kind === "live" && lock.info.runId === run.runId)) throw unreadableRunError(run, "status");
    println(io.stdout, opts.json ? "null" : `run ${run.runId} is starting: PID ${lock.info.pid} on ${lock.info.host} holds the lock and it has recorded nothing yet`);
    return;
  }
  const { file, journal: { events, truncated } } = run;
  const view = { summary: summarizeRun(events), lock, journalFile: file, truncated };
  if (opts.json) println(io.stdout, JSON.stringify({ ...view.summary, journalFile: file, truncated, lock }, null, 2));
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
