// The canary soak (upgrade.canary.soak, off by default): after the first node this run upgrades,
// the rest wait while every between-node gate is watched for the soak. A gate that refuses and
// keeps refusing for `settle` ends the run there, every node in service (exit 3), saying which
// gate, how far into the soak and what it saw: the new version is suspect before it reaches a
// second node. A refusal that clears within `settle` is a blip, shown and not held against it.

import { formatDuration, type Config } from "../config/index.js";
import { reasonsOf, type GateName, type Verdict } from "../gates/index.js";
import type { StepContext } from "../steps/contract.js";
import { Refusal } from "../steps/failures.js";
import { observeGates, pausePoll, stopIfAsked } from "../steps/wait.js";

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
}

/** Watches `gates` until the soak is over; what it saw, or a Refusal. */
export async function soakCanary(ctx: StepContext, config: Config, gates: readonly GateName[], soak: Soak): Promise<string> {
  const ends = soak.startedAt + soak.soakMs;
  const settle = config.timeouts.settle;
  let refusingSince: number | null = null;
  let blips = 0;
  for (;;) {
    stopIfAsked(ctx.stop);
    const now = ctx.clock.now();
    const { verdicts } = await observeGates(ctx, config, gates);
    const refused = verdicts.filter((v) => !v.pass);
    const into = formatDuration(Math.max(0, now - soak.startedAt));
    if (refused.length === 0) {
      if (refusingSince !== null) blips += 1;
      refusingSince = null;
      if (now >= ends)
        return `${soak.canary} soaked ${formatDuration(soak.soakMs)} with every gate passing (${gates.join(", ")})${blips > 0 ? `; ${blips} refusal${blips === 1 ? "" : "s"} cleared within ${formatDuration(settle)}` : ""}`;
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
