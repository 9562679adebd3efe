// gluster-rejoin: after its upgrade, the node's glusterd is back in the pool. An online upgrade to
// GlusterFS 11 can leave it "Peer Rejected" (its volume checksums differ from the older peers':
// gluster/glusterdocs docs/Upgrade-Guide/upgrade-to-11.md), which no wait mends: GlusterFS's fix is
// to restart that server's glusterd. rollgate does so once; a peer still rejected after it is a
// volume configuration that really differs (docs/Troubleshooting/troubleshooting-glusterd.md), for
// a human. docs/domain/major-upgrade.md, "Peer Rejected".

import type { Config } from "../config/index.js";
import type { ClusterState } from "../observe/state.js";
import { changeCommand, commandLine } from "../transport/remote-command.js";
import { done, targetOf, toDo, type Step, type StepContext } from "./contract.js";
import { StepFailure } from "./failures.js";
import { waitUntil } from "./wait.js";

const restart = changeCommand(["systemctl", "restart", "glusterd"]);

/** The names glusterd may know a node by: its name, or the address it was probed with. */
function namesOf(config: Config, node: string): string[] {
  const spec = config.nodes.find((n) => n.name === node);
  return [node, ...(spec?.address ? [spec.address] : []), ...(spec?.privateAddress ? [spec.privateAddress] : [])];
}

/** "pve1 sees pve3 as Peer Rejected" for every view of `node` (its own, and its peers' of it) that rejects. */
function rejections(config: Config, state: ClusterState, node: string): string[] {
  const names = namesOf(config, node);
  return Object.entries(state.peers ?? {}).flatMap(([viewer, seen]) =>
    seen.ok
      ? seen.value.peers
          .filter((p) => /Rejected/.test(p.state) && (viewer === node || names.includes(p.hostname)))
          .map((p) => `${viewer} sees ${p.hostname} as "${p.state}"`)
      : [],
  );
}

async function rejectedNow(ctx: StepContext, node: string): Promise<string[]> {
  return rejections(ctx.config, await ctx.observe(["gluster"]), node);
}

export const glusterRejoin: Step<string[]> = {
  title: "The node's glusterd is back in the pool (a Peer Rejected after the upgrade: restart it, once)",
  needs: ["gluster"],
  takesNodeDown: null,
  async satisfied(ctx) {
    const node = targetOf(ctx);
    const seen = await rejectedNow(ctx, node);
    // Peers not read, or disconnected, are the heal gate's to refuse: only a rejection is mended here.
    return seen.length === 0 ? done(`no peer rejects ${node}`) : toDo(seen);
  },
  describe(ctx, seen) {
    return [`${commandLine(restart)} on ${targetOf(ctx)}: ${seen.join("; ")}`];
  },
  async act(ctx, seen) {
    const node = targetOf(ctx);
    await ctx.action("restart glusterd", { node, rejected: seen }, async () => {
      const run = await ctx.shell.run(node, restart);
      if (run.exitCode !== 0)
        throw new StepFailure(
          `\`${commandLine(restart)}\` on ${node} exited ${run.exitCode}: ${(run.stderr.trim() || run.stdout.trim()).slice(0, 300)}`,
          `${node} stays in maintenance with its guests elsewhere. Read \`journalctl -u glusterd\` on ${node}, restart glusterd by hand, then \`rollgate upgrade --to 9 --resume\`.`,
        );
    });
  },
  async verify(ctx, before) {
    const node = targetOf(ctx);
    let still: string[] = before;
    await waitUntil(
      ctx,
      ctx.config.timeouts.nodeOnline,
      () =>
        new StepFailure(
          `${node} is still rejected after its glusterd was restarted once: ${still.join("; ")}`,
          `${node} stays in maintenance with its guests elsewhere. Its volume configuration differs from the pool's: look for "Version of Cksums … differ" in /var/log/glusterfs/glusterd.log on the nodes, compare /var/lib/glusterd/vols on ${node} with a healthy peer's, fix it (GlusterFS's troubleshooting-glusterd.md), then \`rollgate upgrade --to 9 --resume\`.`,
        ),
      async () => {
        still = await rejectedNow(ctx, node);
        return still.length === 0 ? true : `waiting for the pool to take ${node} back: ${still.join("; ")}`;
      },
    );
    return `${node} is back in the pool after one restart of its glusterd (was: ${before.join("; ")})`;
  },
  // The dry run sees no rejection: nothing was upgraded.
  simulate() {},
};
