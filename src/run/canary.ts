// The canary soak (upgrade.canary.soak, off by default): after the first node this run upgrades,
// the rest wait while every between-node gate is watched for the soak. A gate that refuses and
// keeps refusing for `settle` ends the run there, every node in service (exit 3), saying which
// gate, how far into the soak and what it saw: the new version is suspect before it reaches a
// second node. A refusal that clears within `settle` is a blip, shown and not held against it.
//
// The soak outlives a run: a window that closes ends it (exit 7), and the next run in the window
// goes on with it before it upgrades another node. What earlier runs did comes from their journals
// (`earlierCanary`); whether their canary still runs the new version comes from live state.

import { formatDuration, type Config } from "../config/index.js";
import { reasonsOf, type GateName, type Verdict } from "../gates/index.js";
import type { StepContext } from "../steps/contract.js";
import { Refusal } from "../steps/failures.js";
import { observeGates, pausePoll, stopIfAsked } from "../steps/wait.js";
import type { RunSummary } from "./run-summary.js";

export const canaryEntry = {
  step: "canary-soak",
  title: "Canary: the first upgraded node soaks, every gate watched, before the rest",
} as const;

export interface Soak {
  /** The node upgraded first. */
  canary: string;
  soakMs: number;
  /** When the soak began (ms since the epoch): now, or the journaled start of a soak a stop interrupted. */
  startedAt: number;
  /** Shows what a refusing poll saw, as the engine shows every gate's verdict. */
  saw: (verdicts: Verdict[]) => void;
  /** The earlier run that upgraded the canary, when this run goes on with that run's soak. */
  upgradedBy: string | null;
  /** False once the maintenance window (--window) has closed: the soak is left for the next run. */
  windowOpen: () => boolean;
}

export type SoakEnd = { ended: "soaked"; message: string } | { ended: "window-closed"; message: string };

/** What the runs before this one say of the cluster's canary. */
export type EarlierCanary =
  /** A run soaked it to the end: no node needs another soak. */
  | { soak: "over"; node: string | null; runId: string }
  /** The soak refused: the canary soaks again, whole, before another node is upgraded. */
  | { soak: "again"; node: string | null; runId: string }
  /** Upgraded at `since` (ms), its soak not over: the next run soaks what is left of it. */
  | { soak: "goes-on"; node: string; runId: string; since: number };

/**
 * The canary of the latest run that upgraded a node or soaked one (runs newest first; dry runs do
 * not count), named by the first node that run or an older one upgraded; null if none did.
 */
export function earlierCanary(runs: readonly RunSummary[]): EarlierCanary | null {
  let verdict: { soak: "over" | "again"; runId: string } | null = null;
  for (const run of runs) {
    if (run.dryRun) continue;
    const soak = run.preflight.find((s) => s.step === canaryEntry.step);
    const first = run.nodes.find((n) => n.node === run.nodesDone[0]);
    if (verdict === null && soak?.status === "ok") verdict = { soak: "over", runId: run.runId };
    if (verdict === null && (soak?.status === "refused" || soak?.status === "failed")) verdict = { soak: "again", runId: run.runId };
    if (first) {
      if (verdict !== null) return { ...verdict, node: first.node };
      // A run that upgraded a node and did not finish its soak: the canary's clock began then.
      return { soak: "goes-on", node: first.node, runId: run.runId, since: Date.parse(first.endedAt ?? run.lastRecordAt) };
    }
  }
  return verdict === null ? null : { ...verdict, node: null };
}

/** Watches `gates` until the soak is over or the window closes; what it saw, or a Refusal. */
export async function soakCanary(ctx: StepContext, config: Config, gates: readonly GateName[], soak: Soak): Promise<SoakEnd> {
  const ends = soak.startedAt + soak.soakMs;
  const settle = config.timeouts.settle;
  let refusingSince: number | null = null;
  let blips = 0;
  for (;;) {
    stopIfAsked(ctx.stop);
    const now = ctx.clock.now();
    const into = formatDuration(Math.max(0, now - soak.startedAt));
    if (now < ends && !soak.windowOpen())
      return {
        ended: "window-closed",
        message: `the maintenance window closed ${into} into ${soak.canary}'s ${formatDuration(soak.soakMs)} soak (${formatDuration(ends - now)} left); the next run in the window goes on with it`,
      };
    const { verdicts } = await observeGates(ctx, config, gates);
    const refused = verdicts.filter((v) => !v.pass);
    if (refused.length === 0) {
      if (refusingSince !== null) blips += 1;
      refusingSince = null;
      if (now >= ends) {
        const how =
          soak.upgradedBy === null
            ? `soaked ${formatDuration(soak.soakMs)} with every gate passing`
            : `has run the new version ${into} since run ${soak.upgradedBy} upgraded it (soak ${formatDuration(soak.soakMs)}), every gate passing now`;
        const cleared = blips > 0 ? `; ${blips} refusal${blips === 1 ? "" : "s"} cleared within ${formatDuration(settle)}` : "";
        return { ended: "soaked", message: `${soak.canary} ${how} (${gates.join(", ")})${cleared}` };
      }
      ctx.progress(`soaking ${soak.canary}: ${formatDuration(ends - now)} of ${formatDuration(soak.soakMs)} left, every gate passes`);
    } else {
      soak.saw(refused);
      refusingSince ??= now;
      if (now - refusingSince >= settle)
        throw new Refusal(
          `canary ${soak.canary}: ${reasonsOf(refused)} (refusing for ${formatDuration(now - refusingSince)}, ${into} into a ${formatDuration(soak.soakMs)} soak); no other node was started`,
          refused,
        );
      ctx.progress(
        `soaking ${soak.canary}: ${refused.map((v) => v.gate).join(", ")} refuse${refused.length === 1 ? "s" : ""} ${into} in; stopping unless it clears within ${formatDuration(settle)}`,
      );
    }
    await pausePoll(ctx);
  }
}
