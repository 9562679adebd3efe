// Waiting for a gate: poll every `poll` until it passes and keeps passing for `settle`, or until
// the limit; the live view shows what is still refused (heal entries per brick and their trend).
// A gate that passes once is not enough: heal info can lag, and pmxcfs lags after a migration.

import type { Config } from "../config/index.js";
import { evaluateGates, facetsFor } from "../gates/evaluate.js";
import type { GateName, Verdict } from "../gates/index.js";
import type { ClusterState } from "../observe/state.js";
import { formatDuration } from "../config/index.js";
import { pausePoll, type StepContext } from "./context.js";
import { StepFailure, StopRequested } from "./failures.js";

export interface GateWait {
  limitMs: number;
  settleMs: number;
  /** Runs after each observation (e.g. to trigger a heal once every brick is back). */
  onPoll?: (verdict: Verdict, state: ClusterState) => Promise<void>;
}

async function observeGate(ctx: StepContext, config: Config, gate: GateName): Promise<{ verdict: Verdict; state: ClusterState }> {
  const state = await ctx.observe(facetsFor(config, [gate]));
  return { verdict: evaluateGates(config, state, [gate])[0]!, state };
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

/** One line on what the gate still waits for: the counts it follows, else its first reason. */
function waitingFor(verdict: Verdict): string {
  const counts = Object.entries(verdict.metrics ?? {}).filter(([, v]) => v !== 0);
  if (counts.length > 0 && counts.every(([, v]) => v !== null)) return `entries pending: ${counts.map(([key, v]) => `${key} ${v}`).join(", ")}`;
  const more = verdict.reasons.length > 1 ? ` (+${verdict.reasons.length - 1} more)` : "";
  return `${verdict.reasons[0]}${more}`;
}

export async function waitForGate(ctx: StepContext, config: Config, gate: GateName, wait: GateWait): Promise<Verdict> {
  const start = ctx.clock.now();
  const trend = new Trend();
  let passingSince: number | null = null;
  for (;;) {
    if (ctx.stop.aborted) throw new StopRequested();
    const { verdict, state } = await observeGate(ctx, config, gate);
    const now = ctx.clock.now();
    await wait.onPoll?.(verdict, state);
    if (verdict.pass) {
      passingSince ??= now;
      const steady = now - passingSince;
      if (steady >= wait.settleMs) return verdict;
      const held = steady < config.timeouts.poll ? "it must hold" : `held ${formatDuration(steady)} of`;
      ctx.progress(`${gate} passes; ${held} ${formatDuration(wait.settleMs)} before it counts`, verdict.metrics);
    } else {
      passingSince = null;
      ctx.progress(`waiting for ${gate}: ${waitingFor(verdict)}${trend.describe(now, verdict.metrics)}`, verdict.metrics);
      if (now - start >= wait.limitMs) {
        throw new StepFailure(
          `${gate} still refuses after ${formatDuration(wait.limitMs)}: ${verdict.reasons.join("; ")}`,
          `Find out why (the reasons above), fix it, and continue with \`rollgate upgrade --resume\`; do not take another node down until \`rollgate check\` passes.`,
        );
      }
    }
    await pausePoll(ctx);
  }
}
