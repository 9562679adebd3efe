// One run per cluster, whatever host or journal directory it starts from: a lock held on the
// cluster itself, in pmxcfs (docs/domain/pmxcfs-locks.md). Its record names the holder; the
// holder rewrites it every quarter of the lease, and a record older than the lease is stale: its
// run died, maybe with a node out of service, so it is reported, never taken over silently. Every
// change of the record happens under a short-lived pmxcfs lock (the guard), so reading, judging
// and writing it is one step for the whole cluster. Any node will do: pmxcfs is the same tree on
// every node, and a node outside the quorate partition refuses the writes. The record also says
// which node the holder is upgrading: it is rewritten as soon as that changes, so that the
// commands that only read (`check`, `plan`, `status`, `upgrade --dry-run`) can name it anywhere.

import { formatDuration } from "../config/duration.js";
import type { RemoteShell } from "../transport/remote-command.js";
import { LockedError, RefusalError } from "../util/errors.js";
import {
  describeClusterLock,
  isDraftSafe,
  lockStateOn,
  RECORD_FILE,
  removeRecordOn,
  sameRun,
  writeRecordOn,
  type ClusterLockHolder,
  type ClusterLockState,
  type ClusterLockWork,
  type KnownClusterLockState,
} from "./cluster-lock-record.js";
import { GuardTimeout, NodeProblem, withGuard } from "./pmxcfs-guard.js";

export { describeClusterLock, type ClusterLockHolder, type ClusterLockState, type ClusterLockWork } from "./cluster-lock-record.js";

/**
 * The state of the lock as the first node to answer shows it; reads only, never the guard. Every
 * node is asked at once: one that is down (often the one being upgraded) must not hold the answer
 * up for its connect timeout.
 */
export async function inspectClusterLock(shell: RemoteShell, nodes: readonly string[], leaseMs: number): Promise<ClusterLockState> {
  const asked = nodes.map((node) => lockStateOn(shell, node, leaseMs));
  try {
    return await Promise.any(asked);
  } catch {
    // Every node failed: each with a NodeProblem, or something unforeseen, which is thrown.
    const failures = await Promise.all(
      asked.map((answer) =>
        answer.then(
          () => null,
          (error: unknown) => error,
        ),
      ),
    );
    const unforeseen = failures.find((error) => !(error instanceof NodeProblem));
    if (unforeseen !== undefined) throw unforeseen instanceof Error ? unforeseen : new Error(String(unforeseen));
    return { kind: "unknown", problems: (failures as NodeProblem[]).map(({ node, problem }) => ({ node, problem })) };
  }
}

export interface AcquireClusterLockOptions {
  shell: RemoteShell;
  /** The cluster's nodes, in the order to ask them. */
  nodes: readonly string[];
  /** timeouts.lockLease. */
  leaseMs: number;
  holder: ClusterLockHolder;
  /** `--break-stale-lock`: replace a stale record (never a live one). */
  breakStale: boolean;
  /**
   * The local lock `--break-stale-lock` just removed: its process is proven gone, so a cluster
   * record it wrote (same PID, host and journal directory) is stale too, whatever its lease says
   * (docs/domain/watching.md).
   */
  brokenLocalLock?: { pid: number; host: string } | null;
  /** Waits, failed refreshes, a lock left behind: what the user should know as it happens. */
  onProgress?: (message: string) => void;
}

export interface HeldClusterLock {
  readonly holder: ClusterLockHolder;
  /** Aborted, with a LockedError saying why, when a refresh finds the record gone or naming another run. */
  readonly lost: AbortSignal;
  /**
   * The node being upgraded (null: none): refreshes and the release ask the others first, and the
   * record is rewritten at once to name it.
   */
  spare(node: string | null): void;
  /** The step just started on the node being upgraded: the record names it from its next refresh. */
  stepStarted(node: string, step: string): void;
  /** Removes the record if it is still ours. Never throws for nodes that cannot be reached: it says so, and the record goes stale. */
  release(): Promise<void>;
}

/**
 * Takes the lock, or throws LockedError (exit 5) naming who holds it, live or stale; RefusalError
 * (exit 3) when no node could take it (unreachable, no quorum): unknown means no.
 */
export async function acquireClusterLock(options: AcquireClusterLockOptions): Promise<HeldClusterLock> {
  const { shell, nodes, leaseMs, holder, breakStale, onProgress } = options;
  if (!isDraftSafe(holder.runId)) throw new Error(`programming error: run id ${JSON.stringify(holder.runId)} cannot name a file`);
  const problems: NodeProblem[] = [];
  for (const node of nodes) {
    try {
      await withGuard({ shell, node, waitMs: leaseMs, onProgress }, async () => {
        // Under the guard nobody else writes the record: what is judged here is what is replaced.
        const state = await lockStateOn(shell, node, leaseMs);
        const ours = (state.kind === "live" || state.kind === "stale") && sameRun(state.holder, holder);
        if (state.kind !== "free" && !ours) {
          const dead = options.brokenLocalLock;
          const provenGone =
            state.kind === "live" &&
            dead != null &&
            state.holder.pid === dead.pid &&
            state.holder.host === dead.host &&
            state.holder.journalDir === holder.journalDir;
          if (!((state.kind === "stale" || provenGone) && breakStale)) throw new LockedError(describeClusterLock(state, leaseMs));
          const { runId, pid, host } = state.holder;
          onProgress?.(
            provenGone
              ? `breaking the cluster lock of run ${runId}: its process (PID ${pid} on ${host}) is gone, as its local lock showed`
              : `breaking the stale cluster lock of run ${runId} (PID ${pid} on ${host}, not refreshed for ${state.ageSeconds} s)`,
          );
        }
        await writeRecordOn(shell, node, holder, { node: null, step: null });
      });
      return new ClusterLock(options);
    } catch (error) {
      if (error instanceof GuardTimeout) throw new RefusalError(`cannot take the cluster lock: ${error.message}`);
      if (!(error instanceof NodeProblem)) throw error;
      problems.push(error);
    }
  }
  throw new RefusalError(`cannot take the cluster lock: ${listed(problems)}. Unknown means no: nothing was changed`);
}

/** Why a refresh gives the lock up: the record is not ours any more. */
class LockLost extends Error {}

class ClusterLock implements HeldClusterLock {
  readonly holder: ClusterLockHolder;
  private readonly lostController = new AbortController();
  private spared: string | null = null;
  private working: ClusterLockWork = { node: null, step: null };
  private timer: NodeJS.Timeout | null = null;
  private refreshing: Promise<void> | null = null;
  /** A refresh was asked for while one was under way: it runs right after. */
  private refreshAgain = false;
  private released = false;

  constructor(private readonly options: AcquireClusterLockOptions) {
    this.holder = options.holder;
    this.schedule();
  }

  get lost(): AbortSignal {
    return this.lostController.signal;
  }

  spare(node: string | null): void {
    this.spared = node;
    if (node === this.working.node) return;
    this.working = { node, step: null };
    this.refreshNow();
  }

  stepStarted(node: string, step: string): void {
    if (node === this.working.node) this.working = { node, step };
  }

  /** Every node but the spared one, in order; the spared one last, if every other one fails. */
  private order(): string[] {
    const others = this.options.nodes.filter((n) => n !== this.spared);
    return others.length < this.options.nodes.length ? [...others, this.spared!] : others;
  }

  private schedule(): void {
    // The lock must not keep a finished process alive.
    this.timer = setTimeout(() => this.refreshNow(), this.options.leaseMs / 4).unref();
  }

  /** Refreshes now (after the refresh under way, if any), then every quarter of the lease again. */
  private refreshNow(): void {
    if (this.released || this.lost.aborted) return;
    if (this.refreshing) {
      this.refreshAgain = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.refreshing = this.refresh().finally(() => {
      this.refreshing = null;
      if (this.released || this.lost.aborted) return;
      if (this.refreshAgain) {
        this.refreshAgain = false;
        this.refreshNow();
      } else this.schedule();
    });
  }

  /** Runs `step` under the guard through the first node that can; else the problems of each. */
  private async throughAnyNode<T>(step: (node: string) => Promise<T>): Promise<{ done: T } | { problems: NodeProblem[] }> {
    const { shell, leaseMs, onProgress } = this.options;
    const problems: NodeProblem[] = [];
    for (const node of this.order()) {
      try {
        return { done: await withGuard({ shell, node, waitMs: leaseMs, onProgress }, () => step(node)) };
      } catch (error) {
        // The guard is the same on every node: another node would only wait as long again.
        if (error instanceof GuardTimeout) return { problems: [...problems, new NodeProblem(node, error.message)] };
        if (!(error instanceof NodeProblem)) throw error;
        problems.push(error);
      }
    }
    return { problems };
  }

  /** The record as `node` shows it, if it is still ours; LockLost otherwise. */
  private async ensureOurs(node: string): Promise<void> {
    const state = await lockStateOn(this.options.shell, node, this.options.leaseMs);
    if ((state.kind === "live" || state.kind === "stale") && sameRun(state.holder, this.holder)) return;
    throw new LockLost(lossOf(state));
  }

  private async refresh(): Promise<void> {
    const { shell, leaseMs, onProgress } = this.options;
    try {
      const outcome = await this.throughAnyNode(async (node) => {
        await this.ensureOurs(node);
        await writeRecordOn(shell, node, this.holder, this.working);
      });
      if ("problems" in outcome) {
        onProgress?.(
          `could not refresh the cluster lock (${listed(outcome.problems)}); it turns stale ${formatDuration(leaseMs)} after its last refresh. Trying again in ${formatDuration(leaseMs / 4)}`,
        );
      }
    } catch (error) {
      // Unknown means no: a refresh that fails in an unforeseen way cannot vouch for the lock either.
      this.lostController.abort(error instanceof LockLost ? new LockedError(error.message) : error);
    }
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    if (this.timer) clearTimeout(this.timer);
    // A refresh under way would write the record back after we removed it.
    await this.refreshing;
    const { shell, leaseMs, onProgress } = this.options;
    const outcome = await this.throughAnyNode(async (node): Promise<string | null> => {
      try {
        await this.ensureOurs(node);
      } catch (error) {
        if (error instanceof LockLost) return error.message;
        throw error;
      }
      await removeRecordOn(shell, node);
      return null;
    });
    if ("problems" in outcome) {
      onProgress?.(
        `could not release the cluster lock (${listed(outcome.problems)}): its record ${RECORD_FILE} turns stale ${formatDuration(leaseMs)} after its last refresh; once the cluster is checked, \`rollgate upgrade --break-stale-lock\` removes it`,
      );
    } else if (outcome.done !== null) onProgress?.(`left the cluster lock as it is: ${outcome.done}`);
  }
}

const listed = (problems: NodeProblem[]) => problems.map((p) => p.message).join("; ");

function lossOf(state: KnownClusterLockState): string {
  switch (state.kind) {
    case "free":
      return `the cluster lock's record ${RECORD_FILE} is gone (seen via ${state.via}): someone removed it, and another run may take nodes down`;
    case "unreadable":
      return `the cluster lock's record ${RECORD_FILE} is garbled (seen via ${state.via}): ${state.problem}`;
    default:
      return `the cluster lock now names run ${state.holder.runId} (PID ${state.holder.pid} on ${state.holder.host}, user ${state.holder.user}, since ${state.holder.startedAt}; seen via ${state.via}): a --break-stale-lock took it over, and that run may take nodes down`;
  }
}
