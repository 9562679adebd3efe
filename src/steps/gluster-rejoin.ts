// gluster-rejoin: after its upgrade, the node's glusterd is back in the pool, and stays there. An
// online upgrade to GlusterFS 11 can leave it "Peer Rejected" (its volume checksums differ from its
// peers': gluster/glusterdocs docs/Upgrade-Guide/upgrade-to-11.md), which no wait mends: GlusterFS's
// fix is to restart that server's glusterd. rollgate does so once. A node that reads "in the pool"
// right after it starts is not proof: its glusterd stores the volume again when it starts the
// bricks, and the next handshake may reject it (seen on a real pool). So the step waits until every
// peer holds it in the pool for `settle`. Still rejected after the one restart: the records of the
// volume are compared, and the refusal says what differs (for GlusterFS 11 without gNFS against 10.x,
// `nfs.disable=on`) and what the admin does about it. docs/domain/major-upgrade.md, "Peer Rejected".

import { formatDuration, type Config } from "../config/index.js";
import { onlyGnfsDiffers, storeDifference } from "../gluster/index.js";
import { volumeRecordPath } from "../observe/gluster-records.js";
import type { ClusterState } from "../observe/state.js";
import { changeCommand, commandLine } from "../transport/remote-command.js";
import { done, targetOf, toDo, type Step, type StepContext } from "./contract.js";
import { resumeCommand, StepFailure } from "./failures.js";
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

/** Every view of `node` (its own of its peers, and theirs of it): which reject it, which do not hold it in the pool yet. */
function viewsOf(config: Config, state: ClusterState, node: string): { rejected: string[]; waiting: string[] } {
  const rejected = rejections(config, state, node);
  const names = namesOf(config, node);
  const waiting = Object.entries(state.peers ?? {}).flatMap(([viewer, seen]) => {
    if (!seen.ok) return viewer === node || config.nodes.some((n) => n.name === viewer) ? [`${viewer}'s peer status: ${seen.error}`] : [];
    return seen.value.peers
      .filter((p) => (viewer === node || names.includes(p.hostname)) && !/Rejected/.test(p.state))
      .filter((p) => p.state !== "Peer in Cluster" || !p.connected)
      .map((p) => `${viewer} sees ${p.hostname} as "${p.state} (${p.connected ? "Connected" : "Disconnected"})"`);
  });
  return { rejected, waiting };
}

const listed = (lines: string[]) => lines.map((l) => `\`${l}\``).join(", ");

/** What differs between the node's record of each volume and its peers', in words; or why it could not be compared. */
async function whatDiffers(ctx: StepContext, node: string): Promise<{ gnfsOnly: boolean; said: string[] }> {
  const records = (await ctx.observe(["glusterRecords"])).glusterRecords ?? {};
  const unread = (name: string) => {
    const seen = records[name];
    return seen?.ok ? null : `${name}'s records could not be compared: ${seen?.ok === false ? seen.error : "not read"}`;
  };
  const here = records[node];
  if (!here?.ok) return { gnfsOnly: false, said: [unread(node)!] };
  const said: string[] = [];
  let gnfsOnly = true;
  for (const peer of ctx.config.nodes.map((n) => n.name).filter((n) => n !== node)) {
    const there = records[peer];
    if (!there?.ok) {
      gnfsOnly = false;
      said.push(unread(peer)!);
      continue;
    }
    for (const volume of ctx.config.gluster.volumes) {
      const difference = storeDifference(here.value[volume] ?? new Set(), there.value[volume] ?? new Set());
      if (difference.onlyHere.length + difference.onlyThere.length === 0) continue;
      gnfsOnly &&= onlyGnfsDiffers(difference);
      const parts = [
        ...(difference.onlyThere.length > 0 ? [`lacks ${listed(difference.onlyThere)}, which ${peer}'s has`] : []),
        ...(difference.onlyHere.length > 0 ? [`has ${listed(difference.onlyHere)}, which ${peer}'s lacks`] : []),
      ];
      said.push(`${node}'s ${volumeRecordPath(volume)} ${parts.join(" and ")}`);
    }
  }
  return { gnfsOnly: gnfsOnly && said.length > 0, said };
}

async function stillRejected(ctx: StepContext, node: string, rejected: string[]): Promise<StepFailure> {
  const { gnfsOnly, said } = await whatDiffers(ctx, node);
  const resume = `then ${resumeCommand(ctx.upgradesTo)}`;
  const where = `${node} stays in maintenance with its guests elsewhere`;
  if (gnfsOnly)
    return new StepFailure(
      `${node} is still rejected after its glusterd was restarted once: ${rejected.join("; ")}. ${said.join("; ")}: GlusterFS 11 as built without gNFS (Debian's) drops the gNFS options whenever its glusterd starts, while 10.x keeps \`nfs.disable=on\`, so the checksums differ and no restart mends it`,
      `${where}. On each other server whose record has \`nfs.disable=on\`, one at a time: remove that line from the file named above, \`systemctl restart glusterd\` (a 10.x glusterd keeps the record as it finds it; its CLI cannot remove the option), and wait until \`gluster volume status\` on it shows its brick online before the next. The pool takes ${node} back once every record agrees; ${resume}.`,
    );
  return new StepFailure(
    `${node} is still rejected after its glusterd was restarted once: ${rejected.join("; ")}${said.length > 0 ? `. ${said.join("; ")}` : ""}`,
    `${where}. Its volume configuration differs from the pool's: look for "Version of Cksums … differ" in /var/log/glusterfs/glusterd.log on the nodes, compare /var/lib/glusterd/vols on ${node} with a healthy peer's, fix it (GlusterFS's troubleshooting-glusterd.md), ${resume}.`,
  );
}

async function restartGlusterd(ctx: StepContext, node: string, rejected: string[]): Promise<void> {
  await ctx.action("restart glusterd", { node, rejected }, async () => {
    const run = await ctx.shell.run(node, restart);
    if (run.exitCode !== 0)
      throw new StepFailure(
        `\`${commandLine(restart)}\` on ${node} exited ${run.exitCode}: ${(run.stderr.trim() || run.stdout.trim()).slice(0, 300)}`,
        `${node} stays in maintenance with its guests elsewhere. Read \`journalctl -u glusterd\` on ${node}, restart glusterd by hand, then ${resumeCommand(ctx.upgradesTo)}.`,
      );
  });
}

export const glusterRejoin: Step<string[]> = {
  title: "The node's glusterd is back in the pool, steadily (a Peer Rejected after the upgrade: restart it, once)",
  needs: ["gluster"],
  takesNodeDown: null,
  async satisfied(ctx) {
    if (ctx.config.gluster.volumes.length === 0) return done("no Gluster volumes declared");
    // A node that reads "in the pool" once is not proof: only the steady wait in verify is.
    return toDo(rejections(ctx.config, await ctx.observe(["gluster"]), targetOf(ctx)));
  },
  describe(ctx, seen) {
    const node = targetOf(ctx);
    const wait = `wait until every peer holds ${node} in the pool, connected, for ${formatDuration(ctx.config.timeouts.settle)} (at most ${formatDuration(ctx.config.timeouts.nodeOnline)}); a rejection: ${commandLine(restart)} on ${node}, once`;
    return seen.length > 0 ? [`${commandLine(restart)} on ${node}: ${seen.join("; ")}`, wait] : [wait];
  },
  async act(ctx, seen) {
    if (seen.length > 0) await restartGlusterd(ctx, targetOf(ctx), seen);
  },
  async verify(ctx, seen) {
    const node = targetOf(ctx);
    const { settle } = ctx.config.timeouts;
    let restartedAt = seen.length > 0 ? ctx.clock.now() : null;
    let before = seen;
    let steadySince: number | null = null;
    let last: string[] = [];
    await waitUntil(
      ctx,
      ctx.config.timeouts.nodeOnline,
      () =>
        new StepFailure(
          `${node} is not back in the pool: ${last.join("; ")}`,
          `${node} stays in maintenance with its guests elsewhere. Read \`gluster peer status\` on the nodes, then ${resumeCommand(ctx.upgradesTo)}.`,
        ),
      async () => {
        const { rejected, waiting } = viewsOf(ctx.config, await ctx.observe(["gluster"]), node);
        const now = ctx.clock.now();
        if (rejected.length > 0) {
          steadySince = null;
          last = rejected;
          if (restartedAt === null) {
            await restartGlusterd(ctx, node, rejected);
            [restartedAt, before] = [ctx.clock.now(), rejected];
            return `restarted glusterd on ${node}: ${rejected.join("; ")}`;
          }
          // The restart's handshakes take a moment; the peers keep their old verdict until then.
          if (now - restartedAt < settle) return `waiting for the pool to take ${node} back after its restart: ${rejected.join("; ")}`;
          throw await stillRejected(ctx, node, rejected);
        }
        if (waiting.length > 0) {
          steadySince = null;
          last = waiting;
          return `waiting for the pool to hold ${node}: ${waiting.join("; ")}`;
        }
        steadySince ??= now;
        return now - steadySince >= settle ? true : `${node} is in the pool; it counts once that holds for ${formatDuration(settle)}`;
      },
    );
    return restartedAt === null
      ? `every peer holds ${node} in the pool, steadily for ${formatDuration(settle)}`
      : `${node} is back in the pool after one restart of its glusterd (was: ${before.join("; ")})`;
  },
  // The dry run sees no rejection: nothing was upgraded.
  simulate() {},
};
