// gluster-heal: once every brick and self-heal daemon of a volume is back, ask for an index heal
// (`gluster volume heal VOL` is refused while any brick or daemon is down), then wait until the
// gluster-healed gate holds steadily for `settle`. The self-heal daemon usually starts on its own
// within seconds of the brick reconnecting; the explicit trigger makes sure
// (docs/domain/gluster.md, "Heal").

import { formatDuration } from "../config/index.js";
import { parseHealTrigger } from "../gluster/index.js";
import type { GlusterVolume } from "../observe/state.js";
import { changeCommand, commandLine, type RemoteCommand } from "../transport/remote-command.js";
import { done, targetOf, toDo, type Step, type StepContext } from "./contract.js";
import { waitForGates } from "./wait.js";

const healCommand = (volume: string): RemoteCommand => changeCommand(["gluster", "volume", "heal", volume]);

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
    const run = await ctx.shell.run(node, healCommand(volume));
    const parsed = parseHealTrigger({ stdout: run.stdout, stderr: run.stderr, exitCode: run.exitCode ?? -1 });
    ctx.progress(parsed.ok ? `heal of ${volume} launched` : `heal of ${volume} not launched yet: ${parsed.error}`);
    return parsed.ok;
  });
}

export const glusterHeal: Step<string[]> = {
  title: "Trigger Gluster self-heal and wait until fully healed, steadily",
  needs: ["gluster"],
  takesNodeDown: null,
  // A volume that reads healed once is not proof: only the steady wait in verify is.
  satisfied: async (ctx) =>
    ctx.config.gluster.volumes.length === 0 ? done("no Gluster volumes declared") : toDo(ctx.config.gluster.volumes),
  describe: (ctx, volumes) => [
    ...volumes.map((v) => `${commandLine(healCommand(v))} on ${targetOf(ctx)} once its bricks and self-heal daemons are up`),
    `wait until gluster-healed passes for ${formatDuration(ctx.config.timeouts.settle)} (at most ${formatDuration(ctx.config.timeouts.heal)})`,
  ],
  act: async () => {},
  async verify(ctx, volumes) {
    const triggered = new Set<string>();
    const [verdict] = await waitForGates(ctx, ctx.config, ["gluster-healed"], {
      limitMs: ctx.config.timeouts.heal,
      settleMs: ctx.config.timeouts.settle,
      onPoll: async (_verdicts, state) => {
        for (const volume of volumes) {
          const seen = state.gluster?.[volume];
          if (triggered.has(volume) || !seen?.ok || !readyForHeal(seen.value)) continue;
          if (await triggerHeal(ctx, volume)) triggered.add(volume);
        }
      },
    });
    return `healed and steady for ${formatDuration(ctx.config.timeouts.settle)} (${verdict?.checked.length ?? 0} bricks checked)`;
  },
  simulate: () => {},
};
