// wait-online: the node answers over SSH (with a new boot id if this run rebooted it), is online in
// the cluster, the cluster is quorate, and it booted the kernel it was expected to.

import { formatDuration } from "../config/index.js";
import { kernelFallbackAdvice } from "../pve/kernel-fallback.js";
import { readCommand } from "../transport/remote-command.js";
import { done, targetOf, toDo, type RebootRequest, type Step, type StepContext } from "./contract.js";
import { resumeCommand, StepFailure } from "./failures.js";
import { runLocally } from "./run-command.js";
import { waitUntil } from "./wait.js";

/** Why the node does not count as back yet, or true. */
async function backNow(ctx: StepContext, node: string, asked: RebootRequest | undefined): Promise<string | true> {
  const state = await ctx.observe(["ssh", "pve"], { nodes: [node] });
  const reach = state.ssh?.[node];
  if (!reach?.ok) return `waiting for ${node} to answer over SSH`;
  if (asked && reach.value.bootId === asked.bootIdBefore) return `${node} answers but has not rebooted yet (same boot id)`;
  const cluster = state.pve;
  if (!cluster?.ok) return `${node} is up; the cluster status cannot be read yet (${cluster?.error ?? "not read"})`;
  if (!cluster.value.nodes.find((n) => n.name === node)?.online) return `${node} is up; waiting for it to rejoin the cluster`;
  if (!cluster.value.quorate) return `${node} rejoined; waiting for the cluster to be quorate`;
  return true;
}

/** A node that rebooted must run the kernel it was expected to boot (a pin or a failed install would say otherwise). */
async function checkKernel(ctx: StepContext, node: string, asked: RebootRequest | undefined): Promise<string> {
  if (!asked) return `${node} is online`;
  const state = await ctx.observe(["packages", "ssh"], { nodes: [node] });
  const packages = state.packages?.[node];
  const running = packages?.ok ? packages.value.runningKernel : (await ctx.shell.run(node, readCommand("uname", "-r"))).stdout.trim();
  if (running !== asked.kernelAfter) {
    throw new StepFailure(
      `${node} booted kernel ${running}, not ${asked.kernelAfter}`,
      `Check the boot loader on ${node} (\`proxmox-boot-tool kernel list\`: is a kernel pinned?), reboot it into ${asked.kernelAfter}, then ${resumeCommand(ctx.upgradesTo)}.`,
    );
  }
  const reach = state.ssh?.[node];
  return `${node} is back (new boot id ${reach?.ok ? reach.value.bootId.slice(0, 8) : "?"}, kernel ${running})`;
}

/** The node's out-of-band power cycle (nodes[].powerCycle), journaled; a command that fails stops the wait there. */
async function powerCycleOnce(ctx: StepContext, node: string, command: string, limit: number): Promise<void> {
  ctx.progress(`${node} did not come back within ${formatDuration(limit)}: power-cycling it out of band (\`${command}\`)`);
  await ctx.action("power cycle", { node, command }, async () => {
    const run = await runLocally(ctx, command, ctx.config.ssh.commandTimeout);
    if (run.exitCode !== 0)
      throw new StepFailure(
        `${node} did not come back within ${formatDuration(limit)}, and its power cycle \`${command}\` ${run.timedOut ? "timed out" : `exited ${run.exitCode ?? "on a signal"}`}: ${(run.stderr.trim() || run.stdout.trim()).slice(0, 300)}`,
        `Look at ${node}'s console and power it on by hand. ${kernelFallbackAdvice(node, ctx.facts.reboots.get(node)) ?? ""} When it is back, continue with ${resumeCommand(ctx.upgradesTo)}.`,
      );
  });
}

export const waitOnline: Step<null> = {
  title: "Wait for the node: SSH, API online, cluster quorate",
  needs: ["ssh", "pve", "packages"],
  takesNodeDown: null,
  async satisfied(ctx) {
    const node = targetOf(ctx);
    const asked = ctx.facts.reboots.get(node);
    return (await backNow(ctx, node, asked)) === true ? done(await checkKernel(ctx, node, asked)) : toDo(null);
  },
  describe: (ctx) => [
    `wait until ${targetOf(ctx)} answers over SSH (with a new boot id if it rebooted), is online in the cluster and the cluster is quorate`,
  ],
  act: async () => {},
  async verify(ctx) {
    const node = targetOf(ctx);
    const asked = ctx.facts.reboots.get(node);
    const limit = ctx.config.timeouts.nodeOnline;
    const fallback = kernelFallbackAdvice(node, asked);
    const humanAction = `Look at ${node}'s console (did it boot? is its network up?). It is in maintenance with its guests elsewhere.${fallback ? ` ${fallback}` : ""} When it is back, continue with ${resumeCommand(ctx.upgradesTo)}.`;
    const wait = (what: string) =>
      waitUntil(
        ctx,
        limit,
        () => new StepFailure(`${node} did not come back within ${formatDuration(limit)}${what}`, humanAction),
        () => backNow(ctx, node, asked),
      );
    const powerCycle = ctx.config.nodes.find((n) => n.name === node)?.powerCycle;
    try {
      await wait("");
    } catch (error) {
      // Only a reboot this run asked for: a hung shutdown or boot gets one hard power cycle, then the same wait.
      if (!(error instanceof StepFailure) || !powerCycle || !asked) throw error;
      await powerCycleOnce(ctx, node, powerCycle, limit);
      await wait(`, nor within ${formatDuration(limit)} after \`${powerCycle}\` power-cycled it`);
    }
    return checkKernel(ctx, node, asked);
  },
  simulate: () => {},
};
