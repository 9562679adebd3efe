// gluster-op-version: once every server runs GlusterFS 11, raise the pool's cluster.op-version to
// cluster.max-op-version, as GlusterFS's upgrade guide asks after the last server (gluster/glusterdocs
// docs/Upgrade-Guide/op-version.md; docs/domain/major-upgrade.md, "Gluster's op-version"). Never
// earlier: a 10.3 server cannot rejoin a pool above its own maximum. Only after a run that
// succeeded, and with every node's glusterfs read: a server that did not answer is not counted by
// max-op-version, so it would not hold the raise back.

import { parseOpVersion } from "../gluster/index.js";
import { vantageNodes } from "../observe/context.js";
import { runChecked } from "../observe/nodes.js";
import { changeCommand, commandLine } from "../transport/remote-command.js";
import { done, observeContextOf, toDo, type Step, type StepContext } from "./contract.js";
import { StepFailure } from "./failures.js";

interface Raise {
  node: string;
  from: number;
  to: number;
}

const raiseTo = (to: number) => changeCommand(["gluster", "volume", "set", "all", "cluster.op-version", String(to)]);
const GLUSTER_11 = /^glusterfs (11)\.\d+/;

async function opVersions(ctx: StepContext, node: string): Promise<{ current: number; max: number }> {
  const read = async (key: "cluster.op-version" | "cluster.max-op-version") => {
    const parsed = parseOpVersion((await runChecked(observeContextOf(ctx), node, ["gluster", "volume", "get", "all", key])).stdout, key);
    if (!parsed.ok) throw new Error(`${node}: ${parsed.error}`);
    return parsed.value;
  };
  return { current: await read("cluster.op-version"), max: await read("cluster.max-op-version") };
}

const unreadable = (what: string, error: unknown) =>
  new StepFailure(
    `cannot tell whether the Gluster op-version can be raised: ${what}: ${(error as Error).message}`,
    "Every node is upgraded. Read `gluster --version` on each node and `gluster volume get all cluster.op-version`, then raise it by hand with `gluster volume set all cluster.op-version N` (N: `gluster volume get all cluster.max-op-version`) once every server runs 11.",
  );

export const glusterOpVersion: Step<Raise> = {
  title: "Raise Gluster's cluster.op-version once every server runs GlusterFS 11",
  needs: [],
  takesNodeDown: null,
  async satisfied(ctx) {
    if (ctx.simulation) return done("after the run: raised to cluster.max-op-version once every server runs GlusterFS 11");
    if (ctx.facts.ending?.outcome !== "success")
      return done("not raised: the run did not finish, so not every server may run GlusterFS 11");
    const versions = await Promise.all(
      ctx.config.nodes.map(async ({ name }) => {
        try {
          return [name, (await runChecked(observeContextOf(ctx), name, ["gluster", "--version"])).stdout.split("\n")[0] ?? ""] as const;
        } catch (error) {
          throw unreadable(`gluster --version on ${name}`, error);
        }
      }),
    );
    const older = versions.filter(([, v]) => !GLUSTER_11.test(v));
    const node = vantageNodes(observeContextOf(ctx))[0]!;
    const { current, max } = await opVersions(ctx, node).catch((error: unknown) => {
      throw unreadable(`the op-versions on ${node}`, error);
    });
    if (older.length > 0)
      return done(
        `kept at ${current}: ${older.map(([n, v]) => `${n} runs ${v || "no glusterfs"}`).join(", ")}; raise it once every server runs 11`,
      );
    if (current >= max) return done(`cluster.op-version is ${current}, the servers' maximum`);
    return toDo({ node, from: current, to: max });
  },
  describe(_ctx, plan) {
    return [`${commandLine(raiseTo(plan.to))} on ${plan.node}: from ${plan.from}, every server on GlusterFS 11`];
  },
  async act(ctx, plan) {
    await ctx.action("raise gluster op-version", { node: plan.node, from: plan.from, to: plan.to }, async () => {
      const run = await ctx.shell.run(plan.node, raiseTo(plan.to));
      if (run.exitCode !== 0)
        throw new StepFailure(
          `\`${commandLine(raiseTo(plan.to))}\` on ${plan.node} exited ${run.exitCode}: ${(run.stderr.trim() || run.stdout.trim()).slice(0, 300)}`,
          `Every node is upgraded; only the op-version is left. Fix what gluster said, then run the command above by hand.`,
        );
    });
  },
  async verify(ctx, plan) {
    const { current } = await opVersions(ctx, plan.node);
    if (current !== plan.to)
      throw new StepFailure(
        `cluster.op-version reads ${current} after it was set to ${plan.to}`,
        "Read `gluster volume get all cluster.op-version` on each node and the glusterd logs.",
      );
    return `cluster.op-version raised from ${plan.from} to ${current}`;
  },
  // Nothing later in the dry run reads the op-version.
  simulate() {},
};
