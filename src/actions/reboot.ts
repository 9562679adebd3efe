// reboot-if-needed and wait-online. A reboot is needed when the newest installed kernel is not the
// running one (or /run/reboot-required exists); it is proved only by a new boot id, never by the
// command returning or SSH answering (molly-guard once made a tool carry on without a reboot).

import { readBootId, readPackages } from "../observe/nodes.js";
import { readPveCluster } from "../observe/pve.js";
import { predictReboot } from "../plan/reboot.js";
import { changeCommand, readCommand } from "../transport/remote-command.js";
import { RemoteError } from "../transport/ssh.js";
import { observeContextOf, targetOf, waitUntil, type Step } from "../run/context.js";
import { StepFailure } from "../run/failures.js";
import { formatDuration } from "../config/index.js";

export const rebootIfNeeded: Step = {
  async describe(ctx) {
    const node = targetOf(ctx);
    const packages = await readPackages(observeContextOf(ctx), node);
    if (!packages.ok) return [`decide after apt-get whether ${node} needs a reboot (packages unknown now: ${packages.error})`];
    const prediction = predictReboot(packages.value);
    return [prediction.needed ? `reboot ${node}: ${prediction.reason}; wait for a new boot id` : `no reboot expected: ${prediction.reason}`];
  },
  async execute(ctx) {
    const node = targetOf(ctx);
    const observe = observeContextOf(ctx);
    const humanAction = `Look at ${node}'s console: did it shut down? (molly-guard, a hung unit, a failed shutdown). When it has rebooted, continue with \`rollgate upgrade --resume\`.`;
    let before = ctx.memory.bootIdBefore.get(node);
    if (before === undefined) {
      const packages = await readPackages(observe, node);
      if (!packages.ok) throw new StepFailure(`cannot tell whether ${node} needs a reboot: ${packages.error}`, humanAction);
      const prediction = predictReboot(packages.value);
      ctx.memory.expectedKernel.set(node, prediction.kernelAfter);
      if (!prediction.needed) return { status: "skipped", message: prediction.reason };
      const boot = await readBootId(observe, node);
      if (!boot.ok) throw new StepFailure(`cannot read ${node}'s boot id before rebooting it: ${boot.error}`, humanAction);
      before = boot.value.bootId;
      ctx.memory.bootIdBefore.set(node, before);
      const bootIdBefore = before;
      await ctx.action("reboot", { node, bootIdBefore, reason: prediction.reason, kernelAfter: prediction.kernelAfter }, async () => {
        try {
          const run = await ctx.shell.run(node, changeCommand(["systemctl", "reboot"]));
          if (run.exitCode !== 0) throw new StepFailure(`systemctl reboot on ${node} exited ${run.exitCode}: ${run.stderr.trim()}`, humanAction);
        } catch (error) {
          // The connection going away is what a reboot looks like from here.
          if (!(error instanceof RemoteError && /connection lost|no exit status/.test(error.message))) throw error;
        }
      });
    }
    const bootIdBefore = before;
    // The node must go away (or already be back with a new boot id) within `reboot`.
    await waitUntil(
      ctx,
      ctx.config.timeouts.reboot,
      () => new StepFailure(`${node} did not reboot within ${formatDuration(ctx.config.timeouts.reboot)}: it still answers with boot id ${bootIdBefore}`, humanAction),
      async () => {
        const boot = await readBootId(observe, node);
        if (!boot.ok) return true;
        return boot.value.bootId !== bootIdBefore ? true : `waiting for ${node} to go down (boot id still ${bootIdBefore.slice(0, 8)})`;
      },
    );
    return { status: "ok", message: `${node} is rebooting (boot id was ${bootIdBefore})` };
  },
};

export const waitOnline: Step = {
  describe: async (ctx) => [`wait until ${targetOf(ctx)} answers over SSH (with a new boot id if it rebooted), is online in the cluster and the cluster is quorate`],
  async execute(ctx) {
    const node = targetOf(ctx);
    const observe = observeContextOf(ctx);
    const before = ctx.memory.bootIdBefore.get(node);
    const limit = ctx.config.timeouts.nodeOnline;
    const humanAction = `Look at ${node}'s console (did it boot? is its network up?). It is in maintenance with its guests elsewhere. When it is back, continue with \`rollgate upgrade --resume\`.`;
    let bootId = "";
    await waitUntil(
      ctx,
      limit,
      () => new StepFailure(`${node} did not come back within ${formatDuration(limit)}`, humanAction),
      async () => {
        const boot = await readBootId(observe, node);
        if (!boot.ok) return `waiting for ${node} to answer over SSH`;
        if (before !== undefined && boot.value.bootId === before) return `${node} answers but has not rebooted yet (same boot id)`;
        bootId = boot.value.bootId;
        const cluster = await readPveCluster({ ...observe, target: node });
        if (!cluster.ok) return `${node} is up; the cluster status cannot be read yet (${cluster.error})`;
        if (!cluster.value.nodes.find((n) => n.name === node)?.online) return `${node} is up; waiting for it to rejoin the cluster`;
        if (!cluster.value.quorate) return `${node} rejoined; waiting for the cluster to be quorate`;
        return true;
      },
    );
    const expected = ctx.memory.expectedKernel.get(node);
    if (before !== undefined && expected) {
      const uname = await ctx.shell.run(node, readCommand("uname", "-r"));
      const running = uname.stdout.trim();
      if (running !== expected) {
        throw new StepFailure(
          `${node} booted kernel ${running}, not ${expected}`,
          `Check the boot loader on ${node} (\`proxmox-boot-tool kernel list\`: is a kernel pinned?), reboot it into ${expected}, then \`rollgate upgrade --resume\`.`,
        );
      }
    }
    if (before !== undefined) ctx.memory.bootIdBefore.delete(node);
    return { status: "ok", message: before !== undefined ? `${node} is back (new boot id ${bootId.slice(0, 8)}, kernel ${expected ?? "unchanged"})` : `${node} is online` };
  },
};
