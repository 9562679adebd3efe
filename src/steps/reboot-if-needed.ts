// reboot-if-needed: a reboot is needed when the newest installed kernel is not the running one (or
// /run/reboot-required exists); it is proved only by a new boot id, never by the command returning
// or SSH answering: molly-guard once made a tool carry on without a reboot
// (docs/domain/reboots.md). On resume a reboot this run asked for is recognised by the boot id
// it recorded: changed, it happened; unchanged long after the request, it is asked for again.

import { formatDuration } from "../config/index.js";
import { readBootId } from "../observe/nodes.js";
import { predictReboot } from "../plan/reboot.js";
import { changeCommand, commandLine } from "../transport/remote-command.js";
import { RemoteError } from "../transport/ssh.js";
import { done, observeContextOf, targetOf, toDo, type RebootRequest, type Step, type StepContext } from "./contract.js";
import { resumeCommand, StepFailure } from "./failures.js";
import { waitUntil } from "./wait.js";

const rebootCommand = changeCommand(["systemctl", "reboot"]);

interface RebootPlan {
  bootIdBefore: string;
  kernelBefore: string | null;
  kernelAfter: string;
  reason: string;
  /** The request went out recently enough that the node may still be on its way down: wait, do not ask twice. */
  awaitingEarlierRequest: boolean;
}

const requestOf = (plan: RebootPlan, sentAt: number | null): RebootRequest => ({
  bootIdBefore: plan.bootIdBefore,
  kernelBefore: plan.kernelBefore,
  kernelAfter: plan.kernelAfter,
  sentAt,
});

const humanActionFor = (ctx: StepContext, node: string) =>
  `Look at ${node}'s console: did it shut down? (molly-guard, a hung unit, a failed shutdown). When it has rebooted, continue with ${resumeCommand(ctx.upgradesTo)}.`;

async function liveFacts(ctx: StepContext, node: string) {
  const state = await ctx.observe(["ssh", "packages"], { nodes: [node] });
  return { reach: state.ssh?.[node], packages: state.packages?.[node] };
}

export const rebootIfNeeded: Step<RebootPlan> = {
  title: "Reboot if a new kernel is installed (proved by a new boot id)",
  needs: ["ssh", "packages"],
  takesNodeDown: "stop",
  async satisfied(ctx) {
    const node = targetOf(ctx);
    const asked = ctx.facts.reboots.get(node);
    const { reach, packages } = await liveFacts(ctx, node);
    if (asked && reach?.ok && reach.value.bootId !== asked.bootIdBefore)
      return done(`${node} rebooted since this run asked (boot id ${asked.bootIdBefore.slice(0, 8)} → ${reach.value.bootId.slice(0, 8)})`);
    if (!reach?.ok) {
      // A node that does not answer after this run asked it to reboot is on its way: wait for it.
      if (asked)
        return toDo({
          bootIdBefore: asked.bootIdBefore,
          kernelBefore: asked.kernelBefore,
          kernelAfter: asked.kernelAfter,
          reason: "asked before the interruption",
          awaitingEarlierRequest: true,
        });
      throw new StepFailure(
        `cannot read ${node}'s boot id before rebooting it: ${reach?.ok === false ? reach.error : "not read"}`,
        humanActionFor(ctx, node),
      );
    }
    if (!packages?.ok)
      throw new StepFailure(
        `cannot tell whether ${node} needs a reboot: ${packages?.ok === false ? packages.error : "not read"}`,
        humanActionFor(ctx, node),
      );
    const prediction = predictReboot(packages.value);
    if (!prediction.needed) return done(prediction.reason);
    const recent = asked?.sentAt !== null && asked?.sentAt !== undefined && ctx.clock.now() - asked.sentAt < ctx.config.timeouts.reboot;
    return toDo({
      bootIdBefore: reach.value.bootId,
      kernelBefore: packages.value.runningKernel,
      kernelAfter: prediction.kernelAfter,
      reason: prediction.reason,
      awaitingEarlierRequest: recent && asked?.bootIdBefore === reach.value.bootId,
    });
  },
  describe: (ctx, plan) => [
    `${commandLine(rebootCommand)} on ${targetOf(ctx)}: ${plan.reason}; wait for a new boot id (now ${plan.bootIdBefore.slice(0, 8)})`,
  ],
  async act(ctx, plan) {
    const node = targetOf(ctx);
    if (plan.awaitingEarlierRequest) {
      ctx.progress(`${node} was asked to reboot before the interruption: waiting for it, not asking twice`);
      return;
    }
    ctx.facts.reboots.set(node, requestOf(plan, null));
    await ctx.action(
      "reboot",
      {
        node,
        bootIdBefore: plan.bootIdBefore,
        reason: plan.reason,
        kernelBefore: plan.kernelBefore,
        kernelAfter: plan.kernelAfter,
      },
      async () => {
        try {
          const run = await ctx.shell.run(node, rebootCommand);
          if (run.exitCode !== 0)
            throw new StepFailure(
              `${commandLine(rebootCommand)} on ${node} exited ${run.exitCode}: ${run.stderr.trim()}`,
              humanActionFor(ctx, node),
            );
        } catch (error) {
          // The connection going away is what a reboot looks like from here.
          if (!(error instanceof RemoteError && /connection lost|no exit status/.test(error.message))) throw error;
        }
      },
    );
    ctx.facts.reboots.set(node, requestOf(plan, ctx.clock.now()));
  },
  async verify(ctx, plan) {
    const node = targetOf(ctx);
    const limit = ctx.config.timeouts.reboot;
    // The node must go away (or already be back with a new boot id) within `reboot`.
    await waitUntil(
      ctx,
      limit,
      () =>
        new StepFailure(
          `${node} did not reboot within ${formatDuration(limit)}: it still answers with boot id ${plan.bootIdBefore}`,
          humanActionFor(ctx, node),
        ),
      async () => {
        const boot = await readBootId(observeContextOf(ctx), node);
        if (!boot.ok) return true;
        return boot.value.bootId !== plan.bootIdBefore
          ? true
          : `waiting for ${node} to go down (boot id still ${plan.bootIdBefore.slice(0, 8)})`;
      },
    );
    return `${node} is rebooting (boot id was ${plan.bootIdBefore.slice(0, 8)}): ${plan.reason}`;
  },
  simulate(ctx, plan) {
    const node = targetOf(ctx);
    ctx.simulation?.reboot(node);
    ctx.facts.reboots.set(node, requestOf(plan, ctx.clock.now()));
  },
};
