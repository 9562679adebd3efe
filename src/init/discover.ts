// What `rollgate init` reads from a live cluster, read-only: membership and addresses from the API
// (`/cluster/status`, corosync's nodelist), guests and HA rules, then over SSH the Gluster volumes
// and each node's running services (docs/domain/init.md).

import { parseVolumeInfoText, parseVolumeInfoXml } from "../gluster/index.js";
import type { ObserveContext } from "../observe/context.js";
import { glusterXml } from "../observe/gluster.js";
import { readHaConfig } from "../observe/ha-config.js";
import { readGuestList } from "../observe/pve.js";
import { clusterStatusSchema, corosyncNodesSchema, validated } from "../observe/pve-schemas.js";
import { readCommand } from "../transport/remote-command.js";
import type { PveApi } from "../transport/pve.js";
import type { DiscoveredNode, Discovery, DiscoveredVolume } from "./propose.js";

export interface Membership {
  cluster: string;
  quorate: boolean;
  nodes: DiscoveredNode[];
}

/** corosync's link keys, `ring0_addr` … `ring7_addr` (pve-cluster src/PVE/Corosync.pm $link_addr_re). */
const LINK_KEY = /^(?:ring|link)(\d+)_addr$/;

export async function readMembership(pve: PveApi): Promise<Membership> {
  const [status, corosync] = await Promise.all([pve.get("/cluster/status"), pve.get("/cluster/config/nodes")]);
  const entries = validated(clusterStatusSchema, status, "/cluster/status");
  const cluster = entries.find((e) => e.type === "cluster");
  if (!cluster || cluster.type !== "cluster")
    throw new Error("/cluster/status has no cluster entry: this node is not part of a cluster, and rollgate upgrades clusters");
  const links = new Map(
    validated(corosyncNodesSchema, corosync, "/cluster/config/nodes").map((entry) => [
      entry.node,
      Object.entries(entry)
        .flatMap(([key, value]) => {
          const link = LINK_KEY.exec(key);
          return link && typeof value === "string" ? [{ number: Number(link[1]), address: value }] : [];
        })
        .sort((a, b) => a.number - b.number)
        .map((l) => l.address),
    ]),
  );
  const nodes = entries.flatMap((e) =>
    e.type === "node" ? [{ name: e.name, ip: e.ip ?? null, online: e.online, links: links.get(e.name) ?? [] }] : [],
  );
  return { cluster: cluster.name, quorate: cluster.quorate, nodes };
}

/** `systemctl list-units … --plain --no-legend`: UNIT LOAD ACTIVE SUB DESCRIPTION, one unit per line. */
export function parseRunningUnits(stdout: string): string[] {
  return stdout
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => {
      const unit = line.trim().split(/\s+/)[0]!;
      if (!/\.(service|socket|target|timer|mount|scope|slice)$/.test(unit))
        throw new Error(`systemctl list-units printed a line that names no unit: ${JSON.stringify(line.slice(0, 120))}`);
      return unit;
    });
}

async function runningUnits(ctx: ObserveContext, node: string): Promise<string[]> {
  const argv = ["systemctl", "list-units", "--type=service", "--state=running", "--plain", "--no-legend", "--no-pager"];
  const run = await ctx.shell.run(node, readCommand(...argv));
  if (run.exitCode !== 0) throw new Error(`\`${argv.join(" ")}\` on ${node} exited ${run.exitCode ?? run.signal}: ${run.stderr.trim()}`);
  return parseRunningUnits(run.stdout);
}

/** Every volume, from the first online node whose glusterd answers; each node's failure if none does. */
async function readVolumes(ctx: ObserveContext, online: readonly string[]): Promise<{ volumes: DiscoveredVolume[]; from: string }> {
  const failures: string[] = [];
  for (const node of online) {
    try {
      const infos = await glusterXml(ctx, node, ["volume", "info"], { xml: parseVolumeInfoXml, text: parseVolumeInfoText });
      return {
        volumes: infos.map((v) => ({
          name: v.name,
          type: v.type,
          status: v.status,
          bricks: v.bricks.map((b) => ({ host: b.host, path: b.path })),
        })),
        from: node,
      };
    } catch (error) {
      failures.push((error as Error).message);
    }
  }
  throw new Error(`no node could list the Gluster volumes: ${failures.join("; ")}`);
}

export interface DiscoverOptions {
  /** The cluster runs no GlusterFS: its volumes are not read. */
  gluster: boolean;
}

/** The rest of what init proposes from, once the nodes are known; `problems` are what it could not read and did not need. */
export async function discover(
  ctx: ObserveContext,
  membership: Membership,
  options: DiscoverOptions,
): Promise<{ discovery: Discovery; problems: string[] }> {
  const online = membership.nodes.filter((n) => n.online).map((n) => n.name);
  if (online.length === 0) throw new Error("/cluster/status lists no online node");
  const [guests, ha, gluster, units] = await Promise.all([
    readGuestList(ctx),
    readHaConfig(ctx),
    options.gluster ? readVolumes(ctx, online) : Promise.resolve({ volumes: [], from: "(not read: --no-gluster)" }),
    Promise.all(
      online.map((node) =>
        runningUnits(ctx, node).then(
          (list) => ({ node, list }),
          (error: Error) => ({ node, error }),
        ),
      ),
    ),
  ]);
  if (!ha.ok) throw new Error(`the HA configuration: ${ha.error}`);
  const problems = units.flatMap((u) => ("error" in u ? [`running services on ${u.node} not read: ${u.error.message}`] : []));
  return {
    discovery: {
      cluster: membership.cluster,
      quorate: membership.quorate,
      nodes: membership.nodes,
      guests: guests.map((g) => ({ vmid: g.vmid, name: g.name, type: g.type, node: g.node, template: g.template })),
      apartRules: ha.value.affinityRules
        .filter((r) => r.affinity === "negative" && !r.disabled)
        .map((r) => ({ rule: r.name.replace(/^rule /, ""), sids: r.resources })),
      volumes: gluster.volumes,
      glusterFrom: gluster.from,
      runningUnits: Object.fromEntries(units.flatMap((u) => ("list" in u ? [[u.node, u.list]] : []))),
    },
    problems,
  };
}
