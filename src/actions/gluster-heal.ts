// gluster-heal: once every brick and self-heal daemon of a volume is back, ask for an index heal
// (`gluster volume heal VOL` is refused while any brick or daemon is down), then wait until the
// gluster-healed gate holds steadily for `settle`. The self-heal daemon usually starts on its own
// within seconds of the brick reconnecting; the explicit trigger makes sure.

import { changeCommand } from "../transport/remote-command.js";
import { parseHealTrigger } from "../gluster/index.js";
import type { GlusterVolume } from "../observe/state.js";
import type { StepContext, Step } from "../run/context.js";
import { targetOf } from "../run/context.js";
import { waitForGate } from "../run/wait-gate.js";

/** `gluster volume heal VOL` is refused while any brick or self-heal daemon is down: wait for all of them. */
function readyForHeal(volume: GlusterVolume): boolean {
  const listed = new Map(volume.status.bricks.map((b) => [b.name, b]));
  const reachable = new Set(volume.heal.bricks.filter((b) => b.connected).map((b) => b.name));
  return volume.info.bricks.every((b) => {
    const brick = listed.get(b.name);
    const daemonUp = volume.status.selfHealDaemons.some((d) => d.peerId !== null && d.peerId === brick?.peerId && d.online);
    return brick?.online === true && reachable.has(b.name) && daemonUp;
  });
}

async function triggerHeal(ctx: StepContext, volume: string): Promise<boolean> {
  const node = targetOf(ctx);
  return ctx.action("gluster volume heal", { volume, on: node }, async () => {
    const run = await ctx.shell.run(node, changeCommand(["gluster", "volume", "heal", volume]));
    const parsed = parseHealTrigger({ stdout: run.stdout, stderr: run.stderr, exitCode: run.exitCode ?? -1 });
    ctx.progress(parsed.ok ? `heal of ${volume} launched` : `heal of ${volume} not launched yet: ${parsed.error}`);
    return parsed.ok;
  });
}

export const glusterHeal: Step = {
  describe: async (ctx) => [
    ...ctx.config.gluster.volumes.map((v) => `gluster volume heal ${v} once its bricks and self-heal daemons are up`),
    `wait until gluster-healed passes for ${ctx.config.timeouts.settle / 1000} s (at most ${ctx.config.timeouts.heal / 60_000} min)`,
  ],
  async execute(ctx) {
    if (ctx.config.gluster.volumes.length === 0) return { status: "skipped", message: "no Gluster volumes declared" };
    const triggered = new Set<string>();
    const verdict = await waitForGate(ctx, ctx.config, "gluster-healed", {
      limitMs: ctx.config.timeouts.heal,
      settleMs: ctx.config.timeouts.settle,
      onPoll: async (_verdict, state) => {
        for (const volume of ctx.config.gluster.volumes) {
          const seen = state.gluster?.[volume];
          if (triggered.has(volume) || !seen?.ok || !readyForHeal(seen.value)) continue;
          if (await triggerHeal(ctx, volume)) triggered.add(volume);
        }
      },
    });
    return { status: "ok", message: `healed and steady for ${ctx.config.timeouts.settle / 1000} s (${verdict.checked.length} bricks checked)` };
  },
};
