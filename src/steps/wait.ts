// The one wait loop of a run, and the gate wait built on it: poll every `poll` until the answer
// is yes (for gates: until they pass and keep passing for `settle`), or until the limit. The live
// view shows what is still refused (heal entries per brick and their trend). A gate that passes
// once is not enough: heal info can read 0 for a moment while entries are still coming, and
// pmxcfs lags after a migration. Nor does the wait sit out its limit for what cannot come: a fault
// (a brick process down while its glusterd answers, a split-brain) that holds for `settle`, or
// heal entries that stop going down for `healStall`, end it at once with the root cause.

import type { Config } from "../config/index.js";
import { formatDuration } from "../config/index.js";
import { evaluateGates, facetsFor } from "../gates/evaluate.js";
import type { GateName, Verdict } from "../gates/index.js";
import type { ClusterState } from "../observe/state.js";
import type { StepContext } from "./contract.js";
import { resumeCommand, StepFailure, StopRequested } from "./failures.js";
import { PveConnectionError, PveHttpError } from "../transport/pve.js";
import { HostKeyError, RemoteError } from "../transport/ssh.js";

/**
 * A read that may well answer next time: no connection to the API or a node, or pveproxy
 * answering 5xx (it does while pvedaemon restarts, e.g. when pve-manager is upgraded on that
 * node: docs/domain/watching.md).
 * A host key that changed, a 4xx or an answer of the wrong shape will not mend by asking again.
 */
export function mayAnswerNextTime(error: unknown): error is Error {
  if (error instanceof PveConnectionError) return true;
  if (error instanceof PveHttpError) return error.status >= 500;
  return error instanceof RemoteError && !(error instanceof HostKeyError);
}

/** Waits one poll interval; a stop request ends the wait (the caller is at a safe point). */
export async function pausePoll(ctx: Pick<StepContext, "clock" | "config" | "stop">): Promise<void> {
  try {
    await ctx.clock.sleep(ctx.config.timeouts.poll, ctx.stop);
  } catch {
    throw new StopRequested(stopReason(ctx.stop));
  }
}

/** What asked the run to stop: a reason given with the abort, or a plain request (Ctrl-C). */
function stopReason(stop: AbortSignal): string {
  const reason: unknown = stop.reason;
  return reason instanceof Error && reason.name !== "AbortError" ? reason.message : "stopped on request";
}

/** Throws at a safe point when a stop was requested. */
export function stopIfAsked(stop: AbortSignal): void {
  if (stop.aborted) throw new StopRequested(stopReason(stop));
}

/**
 * Polls `check` until it says true; each other answer is shown as progress. After `limitMs` the
 * failure is thrown. A stop request ends the wait at the next poll, unless the wait follows a
 * change in flight that must finish first (`finishFirst`: a migration is not abandoned halfway).
 */
export async function waitUntil(
  ctx: StepContext,
  limitMs: number,
  failure: () => Error,
  check: () => Promise<string | true>,
  options: { finishFirst?: boolean } = {},
): Promise<void> {
  const deadline = ctx.clock.now() + limitMs;
  let unanswered: Error | null = null;
  for (;;) {
    let result: string | true;
    try {
      result = await check();
      unanswered = null;
    } catch (error) {
      if (!mayAnswerNextTime(error)) throw error;
      unanswered = error;
      result = `no answer this time (${error.message}); asking again`;
    }
    if (result === true) return;
    ctx.progress(result);
    if (ctx.clock.now() >= deadline) {
      const failed = failure();
      if (unanswered) failed.message += `; the last read failed: ${unanswered.message}`;
      throw failed;
    }
    if (options.finishFirst) await ctx.clock.sleep(ctx.config.timeouts.poll);
    else await pausePoll(ctx);
  }
}

export interface GateWait {
  limitMs: number;
  settleMs: number;
  /** Runs after each observation (e.g. to trigger a heal once every brick is back). */
  onPoll?: (verdicts: Verdict[], state: ClusterState) => Promise<void>;
  /** Says what a human must do when the limit passes. */
  humanAction?: string;
}

/** Observes what the gates need and evaluates them. */
export async function observeGates(
  ctx: StepContext,
  config: Config,
  gates: readonly GateName[],
): Promise<{ verdicts: Verdict[]; state: ClusterState }> {
  const state = await ctx.observe(facetsFor(config, gates));
  return { verdicts: evaluateGates(config, state, gates), state };
}

/** Sum of the metrics (e.g. heal entries of all bricks); null when any is unknown. */
function total(metrics: Record<string, number | null> | undefined): number | null {
  if (!metrics || Object.keys(metrics).length === 0) return null;
  let sum = 0;
  for (const value of Object.values(metrics)) {
    if (value === null) return null;
    sum += value;
  }
  return sum;
}

/** Per-minute change of the metrics' total since the first poll that had one. */
class Trend {
  private first: { at: number; total: number } | null = null;

  describe(at: number, metrics: Record<string, number | null> | undefined): string {
    const now = total(metrics);
    if (now === null) {
      this.first = null;
      return "";
    }
    this.first ??= { at, total: now };
    const minutes = (at - this.first.at) / 60_000;
    if (minutes <= 0) return "";
    const rate = (now - this.first.total) / minutes;
    const eta = rate < 0 ? `, about ${formatDuration(Math.ceil((now / -rate) * 60) * 1000)} left` : "";
    return ` (${rate >= 0 ? "+" : "−"}${Math.abs(Math.round(rate))}/min${eta})`;
  }
}

/**
 * Whether the metrics' total still goes down: the lowest total seen and when it was reached.
 * Entries that rise while a peer is away are no stall; unknown counts start the watch again.
 */
class Progress {
  private lowest: { total: number; at: number } | null = null;

  /** How long the total has not gone below its lowest, or null while it cannot be a stall. */
  stalledFor(at: number, metrics: Record<string, number | null> | undefined): number | null {
    const now = total(metrics);
    if (now === null || now === 0) {
      this.lowest = null;
      return null;
    }
    if (this.lowest === null || now < this.lowest.total) this.lowest = { total: now, at };
    return at - this.lowest.at;
  }

  forget(): void {
    this.lowest = null;
  }
}

/** Since when each fault has been seen without a break. */
class Faults {
  private since = new Map<string, number>();

  /** The faults seen now, each with how long it has held. */
  update(at: number, faults: string[]): Array<{ fault: string; heldMs: number }> {
    const seen = new Map<string, number>();
    for (const fault of faults) seen.set(fault, this.since.get(fault) ?? at);
    this.since = seen;
    return [...seen].map(([fault, since]) => ({ fault, heldMs: at - since }));
  }

  forget(): void {
    this.since.clear();
  }
}

/**
 * The longest pause between two observations that still counts as watching without a break:
 * beyond it (this machine suspended, the process stopped, the clock stepped) nobody saw what
 * happened in between, so "steady", "held" and "stalled" start again from the next observation
 * (docs/domain/watching.md).
 */
export function longestUnwatchedGap(config: Pick<Config, "timeouts">): number {
  return Math.max(2 * config.timeouts.poll, config.timeouts.settle / 2);
}

const stuck = (ctx: StepContext, gate: string, what: string) =>
  `Waiting will not fix this: ${what}. Then check with \`rollgate check --gate ${gate}\` and continue with ${resumeCommand(ctx.upgradesTo)}; do not take another node down until \`rollgate check\` passes.`;

/** One line on what a gate still waits for: its root cause if it has one, the counts it follows, else its first reason. */
function waitingFor(verdict: Verdict): string {
  const fault = verdict.faults?.[0];
  if (fault !== undefined) return fault;
  const counts = Object.entries(verdict.metrics ?? {}).filter(([, v]) => v !== 0);
  if (counts.length > 0 && counts.every(([, v]) => v !== null))
    return `entries pending: ${counts.map(([key, v]) => `${key} ${v}`).join(", ")}`;
  const more = verdict.reasons.length > 1 ? ` (+${verdict.reasons.length - 1} more)` : "";
  return `${verdict.reasons[0]}${more}`;
}

/**
 * Waits until every gate passes and keeps passing for `settleMs`; returns the last verdicts. It
 * watches the gates of the node's later waits too (`facts.steady.ahead`), and counts the time its
 * own gates were already seen passing without a break by an earlier wait of the node.
 */
export async function waitForGates(ctx: StepContext, config: Config, gates: readonly GateName[], wait: GateWait): Promise<Verdict[]> {
  const start = ctx.clock.now();
  const trend = new Trend();
  const progress = new Progress();
  const faults = new Faults();
  const steady = ctx.facts.steady;
  const watched = [...new Set([...gates, ...steady.ahead])];
  let lastObserved: number | null = null;
  for (;;) {
    stopIfAsked(ctx.stop);
    const observing = ctx.clock.now();
    const unwatched = lastObserved === null ? 0 : observing - lastObserved;
    if (unwatched > longestUnwatchedGap(config)) {
      faults.forget();
      progress.forget();
      ctx.progress(
        `nothing was watched for ${formatDuration(unwatched)} (this machine or rollgate was suspended, or the clock jumped): what holds steadily is judged again from now`,
      );
    }
    const observed = await observeGates(ctx, config, watched);
    const now = (lastObserved = ctx.clock.now());
    steady.seen(observing, now, observed.verdicts, longestUnwatchedGap(config));
    const verdicts = observed.verdicts.filter((v) => gates.includes(v.gate));
    await wait.onPoll?.(verdicts, observed.state);
    const refusing = verdicts.filter((v) => !v.pass);
    const metrics = Object.assign({}, ...verdicts.map((v) => v.metrics ?? {})) as Record<string, number | null>;
    const names = gates.join(", ");
    if (refusing.length === 0) {
      // onPoll may have changed something (a heal trigger), which ends every streak: from now, then.
      const held = now - (steady.steadySince(gates) ?? now);
      if (held >= wait.settleMs) return verdicts;
      const holding = held < config.timeouts.poll ? "it must hold" : `held ${formatDuration(held)} of`;
      ctx.progress(
        `${names} ${gates.length === 1 ? "passes" : "pass"}; ${holding} ${formatDuration(wait.settleMs)} before it counts`,
        metrics,
      );
    } else {
      const first = refusing.find((v) => (v.faults?.length ?? 0) > 0) ?? refusing[0]!;
      ctx.progress(`waiting for ${first.gate}: ${waitingFor(first)}${trend.describe(now, first.metrics)}`, metrics);
      const held = faults.update(
        now,
        refusing.flatMap((v) => (v.faults ?? []).map((f) => `${v.gate}: ${f}`)),
      );
      const settled = held.filter((f) => f.heldMs >= wait.settleMs);
      if (settled.length > 0) {
        const gate = refusing.find((v) => v.faults?.some((f) => settled[0]!.fault === `${v.gate}: ${f}`))?.gate ?? first.gate;
        throw new StepFailure(
          `${settled.map((f) => f.fault).join("; ")} (seen for ${formatDuration(settled[0]!.heldMs)})`,
          stuck(ctx, gate, "fix the cause above as it says"),
        );
      }
      const stalledMs = progress.stalledFor(now, metrics);
      if (stalledMs !== null && stalledMs >= config.timeouts.healStall) {
        const pending = Object.entries(metrics).filter(([, v]) => v !== 0);
        const volumes = [...new Set(pending.map(([key]) => key.split(" ")[0]!))];
        throw new StepFailure(
          `${first.gate}: no heal progress for ${formatDuration(stalledMs)} (timeouts.healStall): entries pending: ${pending.map(([key, v]) => `${key} ${v}`).join(", ")}`,
          stuck(
            ctx,
            first.gate,
            `the self-heal daemons are not getting through these entries. Look with ${volumes.map((v) => `\`gluster volume heal ${v} info\``).join(", ")} and in /var/log/glusterfs/glustershd.log on each node (a file held open or locked, a full or failing disk)`,
          ),
        );
      }
      if (now - start >= wait.limitMs) {
        throw new StepFailure(
          refusing.map((v) => `${v.gate} still refuses after ${formatDuration(wait.limitMs)}: ${v.reasons.join("; ")}`).join("; "),
          wait.humanAction ??
            `Find out why (the reasons above), fix it, and continue with ${resumeCommand(ctx.upgradesTo)}; do not take another node down until \`rollgate check\` passes.`,
        );
      }
    }
    await pausePoll(ctx);
  }
}
