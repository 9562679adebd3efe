// `rollgate status`: the running or last run, from its journal. Reads only local files.

import { Command } from "commander";
import { loadConfig } from "../config/index.js";
import { currentRunFile, readJournal, runFile } from "../run/journal.js";
import { lockIsLive, readLockInfo } from "../run/lock.js";
import { summarizeRun } from "../run/run-summary.js";
import { UsageError } from "../util/errors.js";
import { println, type CliIo } from "./io.js";
import { renderStatus } from "./render/status.js";
import { styleFor } from "./render/style.js";

export interface StatusOptions {
  config: string;
  journalDir?: string;
  run?: string;
  json?: boolean;
  color: boolean;
}

export async function runStatusCommand(io: CliIo, opts: StatusOptions): Promise<void> {
  // Only the journal directory is needed from cluster.yaml: no secret, no connection.
  const dir = opts.journalDir ?? (await loadConfig(opts.config)).config.journal.dir;
  if (opts.run && !/^[0-9TZ]+-[0-9a-f]+$/.test(opts.run)) throw new UsageError(`--run ${opts.run}: not a run id (like 20261122T225001Z-3fa2)`);
  const file = opts.run ? runFile(dir, opts.run) : await currentRunFile(dir);
  if (!file) {
    println(io.stdout, opts.json ? "null" : `no run recorded in ${dir}`);
    return;
  }
  const { events, truncated } = await readJournal(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") throw new UsageError(`no journal ${file}`);
    throw error;
  });
  const summary = summarizeRun(events);
  const lock = await readLockInfo(dir);
  const live = lock !== null && lock.runId === summary.runId && lockIsLive(lock);
  if (opts.json) {
    println(io.stdout, JSON.stringify({ ...summary, live, truncated }, null, 2));
    return;
  }
  println(io.stdout, renderStatus(summary, lock, live, styleFor(io.stdout, io.env, opts.color)));
  if (truncated) println(io.stdout, "(the journal's last record was cut off: the process died while writing it)");
}

export function statusCommand(io: CliIo): Command {
  return new Command("status")
    .description("the journal of the running or last run: node by node, step by step, with times (reads local files only)")
    .option("-c, --config <file>", "cluster description (for journal.dir)", "cluster.yaml")
    .option("--journal-dir <dir>", "journal directory (default: journal.dir of cluster.yaml)")
    .option("--run <id>", "a run other than the latest")
    .option("--json", "one JSON document")
    .option("--no-color", "plain output")
    .action((opts: StatusOptions) => runStatusCommand(io, opts));
}
