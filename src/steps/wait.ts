// The one wait loop of a run, and the gate wait built on it: poll every `poll` until the answer
// is yes (for gates: until they pass and keep passing for `settle`), or until the limit. The live
// view shows what is still refused (heal entries per brick and their trend). A gate that passes
// once is not enough: heal info can read 0 for a moment while entries are still coming, and
// pmxcfs lags after a migration.

import type { Config } from "../config/index.js";
import { formatDuration } from "../config/index.js";
import { evaluateGates, facetsFor } from "../gates/evaluate.js";
import type { GateName, Verdict } from "../gates/index.js";
import type { ClusterState } from "../observe/state.js";
import type { StepContext } from "./contract.js";
import { StepFailure, StopRequested } from "./failures.js";

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
  for (;;) {
    const result = await check();
    if (result === true) return;
    ctx.progress(result);
    if (ctx.clock.now() >= deadline) throw failure();
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
export async function observeGates(ctx: StepContext, config: Config, gates: readonly GateName[]): Promise<{ verdicts: Verdict[]; state: ClusterState }> {
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

/** One line on what a gate still waits for: the counts it follows, else its first reason. */
function waitingFor(verdict: Verdict): string {
  const counts = Object.entries(verdict.metrics ?? {}).filter(([, v]) => v !== 0);
  if (counts.length > 0 && counts.every(([, v]) => v !== null)) return `entries pending: ${counts.map(([key, v]) => `${key} ${v}`).join(", ")}`;
  const more = verdict.reasons.length > 1 ? ` (+${verdict.reasons.length - 1} more)` : "";
  return `${verdict.reasons[0]}${more}`;
}

/** Waits until every gate passes and keeps passing for `settleMs`; returns the last verdicts. */
export async function waitForGates(ctx: StepContext, config: Config, gates: readonly GateName[], wait: GateWait): Promise<Verdict[]> {
  const start = ctx.clock.now();
  const trend = new Trend();
  let passingSince: number | null = null;
  for (;;) {
    stopIfAsked(ctx.stop);
    const { verdicts, state } = await observeGates(ctx, config, gates);
    const now = ctx.clock.now();
    await wait.onPoll?.(verdicts, state);
    const refusing = verdicts.filter((v) => !v.pass);
    const metrics = Object.assign({}, ...verdicts.map((v) => v.metrics ?? {})) as Record<string, number | null>;
    const names = gates.join(", ");
    if (refusing.length === 0) {
      passingSince ??= now;
      const steady = now - passingSince;
      if (steady >= wait.settleMs) return verdicts;
      const held = steady < config.timeouts.poll ? "it must hold" : `held ${formatDuration(steady)} of`;
      ctx.progress(`${names} ${gates.length === 1 ? "passes" : "pass"}; ${held} ${formatDuration(wait.settleMs)} before it counts`, metrics);
    } else {
      passingSince = null;
      const first = refusing[0]!;
      ctx.progress(`waiting for ${first.gate}: ${waitingFor(first)}${trend.describe(now, first.metrics)}`, metrics);
      if (now - start >= wait.limitMs) {
        throw new StepFailure(
          refusing.map((v) => `${v.gate} still refuses after ${formatDuration(wait.limitMs)}: ${v.reasons.join("; ")}`).join("; "),
          wait.humanAction ??
            `Find out why (the reasons above), fix it, and continue with \`rollgate upgrade --resume\`; do not take another node down until \`rollgate check\` passes.`,
        );
      }
    }
    await pausePoll(ctx);
  }
}
