// Another run going on right now, as a command that only reads (`check`, `plan`, `status`,
// `upgrade --dry-run`) can tell: from the lock in the journal directory (with that run's journal)
// and from the cluster lock's record, read without ever taking, refreshing or breaking either.
// Reading is at the edge (`lookForOtherRuns`); what the locks mean (`judgeOtherRuns`) is pure.

import type { Config } from "../config/index.js";
import { UsageError } from "../util/errors.js";
import { describeClusterLock, inspectClusterLock, type ClusterLockState, type ClusterLockWork } from "./cluster-lock.js";
import { inspectLock, lockFile, type LockState } from "./lock.js";
import { readRun } from "./previous-run.js";
import { summarizeRun, type RunSummary } from "./run-summary.js";
import type { RemoteShell } from "../transport/remote-command.js";

/**
 * live: its process runs on this host, or it refreshed its cluster lock within the lease;
 * unconfirmed: it holds the journal directory's lock from another host, and no live cluster
 * record vouches for it (nor against it);
 * stale: its process is gone, or it stopped refreshing its cluster lock: it may have died.
 */
export type RunLiveness = "live" | "unconfirmed" | "stale";

export interface OtherRun {
  liveness: RunLiveness;
  runId: string;
  host: string;
  pid: number;
  startedAt: string;
  /** Where it is; null when nothing read says (a record written by an older rollgate, a journal that cannot be read). */
  working: ClusterLockWork | null;
  /** From the cluster record: its last refresh (ISO 8601, the writing node's clock); null when only the local lock was read. */
  lastRefresh: string | null;
  /** Its journal directory on its host, when its journal is not the one read here (known from the cluster record only). */
  journalDir: string | null;
}

export interface OtherRuns {
  runs: OtherRun[];
  /** What could not be read, so that whether a run is going on is not known. */
  unknown: string[];
}

/** What was read: the journal directory's lock (and its run's whereabouts, from its journal), and the cluster lock. */
export interface LockSightings {
  dir: string;
  local: LockState;
  /** Where the local lock's run is, from its journal; null: unknown. */
  localWorking: ClusterLockWork | null;
  /** Null: not read (no cluster.yaml to reach it with). */
  cluster: ClusterLockState | null;
  leaseMs: number;
}

/** Where a run is, from its journal: the node it started and has not finished, and its last step there. */
export function workingIn(summary: RunSummary): ClusterLockWork {
  const inFlight = summary.outcome === null ? summary.inFlight : null;
  return inFlight?.status === "in-flight" ? { node: inFlight.node, step: inFlight.lastStep } : { node: null, step: null };
}

const sameRun = (a: Pick<OtherRun, "runId" | "pid" | "host">, b: Pick<OtherRun, "runId" | "pid" | "host">) =>
  a.runId === b.runId && a.pid === b.pid && a.host === b.host;

export function judgeOtherRuns({ dir, local, localWorking, cluster, leaseMs }: LockSightings): OtherRuns {
  const unknown: string[] = [];
  let here: OtherRun | null = null;
  if (local.kind === "unreadable") unknown.push(`the lock ${lockFile(dir)} cannot be read: ${local.problem}`);
  else if (local.kind !== "free") {
    const liveness: RunLiveness = local.kind === "live" ? "live" : local.kind === "foreign" ? "unconfirmed" : "stale";
    const { runId, host, pid, startedAt } = local.info;
    here = { liveness, runId, host, pid, startedAt, working: localWorking, lastRefresh: null, journalDir: null };
  }
  let onCluster: OtherRun | null = null;
  if (cluster?.kind === "live" || cluster?.kind === "stale") {
    const { runId, host, pid, startedAt, journalDir } = cluster.holder;
    onCluster = {
      liveness: cluster.kind,
      runId,
      host,
      pid,
      startedAt,
      working: cluster.working,
      lastRefresh: cluster.writtenAt,
      journalDir,
    };
  } else if (cluster !== null && cluster.kind !== "free") unknown.push(describeClusterLock(cluster, leaseMs));

  if (here && onCluster && sameRun(here, onCluster)) {
    // This host knows best whether its own process lives; the cluster, whether a foreign one refreshes.
    const liveness = here.liveness === "unconfirmed" ? onCluster.liveness : here.liveness;
    return { runs: [{ ...here, liveness, working: here.working ?? onCluster.working, lastRefresh: onCluster.lastRefresh }], unknown };
  }
  return { runs: [here, onCluster].filter((run): run is OtherRun => run !== null), unknown };
}

/** The nodes runs that may be going on are upgrading right now: nobody else should touch them. */
export function busyNodes(found: OtherRuns): string[] {
  return [...new Set(found.runs.filter((r) => r.liveness !== "stale" && r.working?.node).map((r) => r.working!.node!))];
}

async function localWorking(dir: string, runId: string): Promise<ClusterLockWork | null> {
  const run = await readRun(dir, runId);
  if (run.kind === "none") return null;
  // A run whose file holds nothing yet has not reached any node.
  if (run.kind === "unreadable") return run.nothingRecorded ? { node: null, step: null } : null;
  return workingIn(summarizeRun(run.journal.events));
}

async function localSighting(dir: string): Promise<Pick<LockSightings, "local" | "localWorking">> {
  let local: LockState;
  try {
    local = await inspectLock(dir);
  } catch (error) {
    // A journal directory that cannot be one is for `upgrade` and `status` to refuse; here it only means unknown.
    if (!(error instanceof UsageError)) throw error;
    return { local: { kind: "unreadable", problem: error.message }, localWorking: null };
  }
  if (local.kind === "free" || local.kind === "unreadable") return { local, localWorking: null };
  return {
    local,
    localWorking: await localWorking(dir, local.info.runId).catch((error: unknown) =>
      error instanceof UsageError ? null : Promise.reject(error),
    ),
  };
}

/** Where to read the cluster lock's record: the nodes and lease of cluster.yaml, and a shell (only reads are sent). */
export interface ClusterReach {
  config: Pick<Config, "nodes" | "timeouts">;
  shell: RemoteShell;
}

/** Reads the lock in `dir` and, given the means, the cluster lock's record, changing nothing, and judges them. */
export async function lookForOtherRuns(dir: string, cluster: ClusterReach | null): Promise<OtherRuns> {
  const leaseMs = cluster?.config.timeouts.lockLease ?? 0;
  const record = cluster
    ? inspectClusterLock(
        cluster.shell,
        cluster.config.nodes.map((n) => n.name),
        leaseMs,
      ).catch(unreadableEverywhere)
    : null;
  const [local, state] = await Promise.all([localSighting(dir), record]);
  return judgeOtherRuns({ dir, ...local, cluster: state, leaseMs });
}

/** A failure no node-by-node answer explains (no identity file to log in with): the lock is unknown, and a reading command goes on. */
function unreadableEverywhere(error: unknown): ClusterLockState {
  return { kind: "unknown", problems: [{ node: "every node", problem: error instanceof Error ? error.message : String(error) }] };
}
