// `rollgate status`: the running or last run, from its journal; first, any run going on now, from
// the journal directory's lock and the cluster lock's record. Needs no secret: the record is read
// over SSH with reads only (`cat`, `stat`, `date`), and without a cluster.yaml (`--journal-dir`
// alone) only local files are read.

import { loadConfig, type Config } from "../config/index.js";
import { isRunId } from "../run/journal.js";
import { lookForOtherRuns, type OtherRuns } from "../run/live-run.js";
import { inspectLock } from "../run/lock.js";
import { listRuns } from "../run/run-list.js";
import { readRun, unreadableRunError } from "../run/previous-run.js";
import { summarizeRun } from "../run/run-summary.js";
import { sshPoolFor } from "../transport/from-config.js";
import { readOnlyShell } from "../transport/remote-command.js";
import { ExitCode, UsageError } from "../util/errors.js";
import { println, type CliIo } from "./io.js";
import { otherRunLines } from "./render/live-run.js";
import { renderRunList, renderStatus } from "./render/status.js";
import { followRun } from "./status-follow.js";
import { styleFor } from "./render/style.js";
import { loadWithWarnings } from "./load-config.js";

export interface StatusOptions {
  config: string;
  journalDir?: string;
  run?: string;
  json?: boolean;
  list?: boolean;
  follow?: boolean;
  verbose?: boolean;
  color: boolean;
}

/** How often `--follow` reads the journal again. */
const FOLLOW_POLL_MS = 1_000;

/** The cluster, as status reads it: waited for this long at most, since status is what is run when things went wrong. */
const CLUSTER_CONNECT_LIMIT_MS = 5_000;

/** Runs going on, from the lock in `dir` and, when cluster.yaml was read, the cluster lock's record. */
async function otherRuns(config: Config | null, dir: string): Promise<OtherRuns> {
  if (config === null) return lookForOtherRuns(dir, null);
  const pool = sshPoolFor({
    ...config,
    ssh: { ...config.ssh, connectTimeout: Math.min(config.ssh.connectTimeout, CLUSTER_CONNECT_LIMIT_MS) },
  });
  try {
    return await lookForOtherRuns(dir, { config, shell: readOnlyShell(pool) });
  } finally {
    await pool.close();
  }
}

/** The journal directory, and cluster.yaml: required unless --journal-dir names the directory; then read if it can be, for the cluster lock only. */
async function whereToLook(io: CliIo, opts: StatusOptions): Promise<{ dir: string; config: Config | null }> {
  if (opts.journalDir === undefined) {
    const { config } = await loadWithWarnings(opts.config, io);
    return { dir: config.journal.dir, config };
  }
  const loaded = await loadConfig(opts.config).catch((error: unknown) => (error instanceof UsageError ? null : Promise.reject(error)));
  return { dir: opts.journalDir, config: loaded?.config ?? null };
}

function checkCombination(opts: StatusOptions): void {
  if (opts.run !== undefined && !isRunId(opts.run)) throw new UsageError(`--run ${opts.run}: not a run id (like 20261122T225001Z-3fa2)`);
  if (opts.list && (opts.follow || opts.run !== undefined))
    throw new UsageError("--list shows every run: it takes neither --follow nor --run");
  if (opts.follow && opts.json) throw new UsageError("--follow shows the run as plain lines; for JSON, read the journal file it names");
}

async function listCommand(io: CliIo, opts: StatusOptions, dir: string): Promise<number> {
  const [runs, lock] = await Promise.all([listRuns(dir), inspectLock(dir)]);
  if (opts.json) println(io.stdout, JSON.stringify(runs, null, 2));
  else println(io.stdout, renderRunList(runs, lock, styleFor(io.stdout, io.env, opts.color)));
  return ExitCode.ok;
}

/** Exit 0, except with --follow: the followed run's exit code. */
export async function runStatusCommand(io: CliIo, opts: StatusOptions): Promise<number> {
  checkCombination(opts);
  const { dir, config } = await whereToLook(io, opts);
  if (opts.list) return listCommand(io, opts, dir);
  const run = await readRun(dir, opts.run ?? null);
  if (run.kind === "none" && opts.run !== undefined) throw new UsageError(`no run ${opts.run} recorded in ${dir}`);
  const lock = await inspectLock(dir);
  let starting: string | null = null;
  let startingRun: string | null = null;
  if (run.kind === "unreadable") {
    // A new run's file stays empty until its session is open and it records its start.
    if (!(run.nothingRecorded && lock.kind === "live" && lock.info.runId === run.runId)) throw unreadableRunError(run, "status");
    startingRun = lock.info.runId;
    starting = `run ${run.runId} is starting: PID ${lock.info.pid} on ${lock.info.host} holds the lock and it has recorded nothing yet`;
  }
  const others = await otherRuns(config, dir);
  const style = styleFor(io.stdout, io.env, opts.color);
  const first = opts.json ? [] : otherRunLines(others, style);
  const say = (text: string) => println(io.stdout, [...first, ...(first.length > 0 ? [""] : []), text].join("\n"));
  if (run.kind !== "readable") {
    say(opts.json ? "null" : (starting ?? `no run recorded in ${dir}`));
    // A run still starting has nothing to follow yet; following it from its first record is what was asked.
    return opts.follow && startingRun !== null ? follow(io, opts, dir, startingRun, 0) : ExitCode.ok;
  }
  const {
    file,
    journal: { events, truncated },
  } = run;
  const view = { summary: summarizeRun(events), lock, journalFile: file, truncated, others };
  if (opts.json) say(JSON.stringify({ ...view.summary, journalFile: file, truncated, lock, otherRuns: others }, null, 2));
  else say(renderStatus(view, style));
  if (!opts.follow) return ExitCode.ok;
  if (view.summary.outcome !== null) return view.summary.exitCode ?? ExitCode.ok;
  return follow(io, opts, dir, run.runId, events.length);
}

async function follow(io: CliIo, opts: StatusOptions, dir: string, runId: string, shown: number): Promise<number> {
  println(io.stdout, `\nfollowing run ${runId} (Ctrl-C stops following; the run goes on)`);
  const stop = new AbortController();
  const off = io.onSignal(() => stop.abort());
  try {
    return await followRun(io, { dir, runId, shown, verbose: Boolean(opts.verbose), pollMs: FOLLOW_POLL_MS, stop: stop.signal });
  } finally {
    off();
  }
}
