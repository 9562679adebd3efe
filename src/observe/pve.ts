// Reads from the PVE API: cluster membership and quorum, guests (with the critical groups'
// members checked in depth), and the HA manager's view of the nodes.

import type { CriticalGroup } from "../config/index.js";
import type { z } from "zod";
import { PveHttpError } from "../transport/pve.js";
import { pvePaths } from "../transport/pve-paths.js";
import { avoidTarget, type ObserveContext } from "./context.js";
import {
  clusterStatusSchema,
  guestResourcesSchema,
  haManagerStatusSchema,
  haResourcesSchema,
  migratePreconditionSchema,
  nodeResourcesSchema,
  storageListSchema,
  validated,
  vmStatusSchema,
} from "./pve-schemas.js";
import {
  attempt,
  type CriticalMember,
  type Guest,
  type GuestsView,
  type HaView,
  type MigrationConstraints,
  type NodeCapacity,
  type Observed,
  type PveCluster,
  type StorageView,
} from "./state.js";

export function readPveCluster(ctx: ObserveContext): Promise<Observed<PveCluster>> {
  return attempt(async () => {
    const entries = validated(clusterStatusSchema, await pvePaths(ctx.pve, avoidTarget(ctx)).cluster.status.$get(), "/cluster/status");
    const cluster = entries.find((e) => e.type === "cluster");
    // A standalone node has no cluster entry: rollgate upgrades clusters only.
    if (!cluster || cluster.type !== "cluster") throw new Error("/cluster/status has no cluster entry: this node is not part of a cluster");
    const nodes = entries.flatMap((e) => (e.type === "node" ? [{ name: e.name, online: e.online }] : []));
    return { name: cluster.name, quorate: cluster.quorate, nodeCount: cluster.nodes, nodes };
  });
}

export function readHa(ctx: ObserveContext): Promise<Observed<HaView>> {
  return attempt(async () => {
    const api = pvePaths(ctx.pve, avoidTarget(ctx)).cluster.ha;
    const [status, resources] = await Promise.all([api.status.manager_status.$get(), api.resources.$get()]);
    const manager = validated(haManagerStatusSchema, status, "/cluster/ha/status/manager_status").manager_status;
    return {
      managerActive: Boolean(manager && manager.master_node),
      nodeStatus: manager?.node_status ?? {},
      resourceCount: validated(haResourcesSchema, resources, "/cluster/ha/resources").length,
    };
  });
}

export async function readGuestList(ctx: ObserveContext): Promise<Guest[]> {
  const resources = validated(
    guestResourcesSchema,
    await pvePaths(ctx.pve, avoidTarget(ctx)).cluster.resources.$get({ type: "vm" }),
    "/cluster/resources?type=vm",
  );
  return resources.map((r) => ({
    vmid: r.vmid,
    name: r.name ?? `${r.type}-${r.vmid}`,
    type: r.type,
    node: r.node,
    status: r.status,
    maxmem: r.maxmem ?? 0,
    haState: r.hastate ?? null,
    lock: r.lock ?? null,
    template: r.template ?? false,
  }));
}

async function readMember(ctx: ObserveContext, group: CriticalGroup, vmid: number, guests: Guest[]): Promise<CriticalMember> {
  const guest = guests.find((g) => g.vmid === vmid) ?? null;
  const member: CriticalMember = { vmid, guest, current: null, agent: null, tcp: [] };
  if (!guest || guest.status !== "running") return member;
  const api = pvePaths(ctx.pve, avoidTarget(ctx));
  const kind = guest.type === "qemu" ? api.nodes.$(guest.node).qemu.$(vmid) : api.nodes.$(guest.node).lxc.$(vmid);
  member.current = await attempt(async () => {
    const status = validated(vmStatusSchema, await kind.status.current.$get(), `/nodes/${guest.node}/${guest.type}/${vmid}/status/current`);
    return { status: status.status, qmpStatus: status.qmpstatus ?? null, agentConfigured: status.agent ?? false };
  });
  const wantsAgent = group.probes.some((p) => p.kind === "agent") && guest.type === "qemu";
  const agentConfigured = member.current.ok && member.current.value.agentConfigured;
  // The agent probe applies to members that have the agent enabled (pfSense may run without it).
  if (wantsAgent && agentConfigured) {
    member.agent = await attempt(async () => {
      await api.nodes.$(guest.node).qemu.$(vmid).agent.ping.$post();
      return true as const;
    });
  }
  member.tcp = await Promise.all(
    group.probes.flatMap((p) =>
      p.kind === "tcp"
        ? [
            attempt(() => ctx.probes.tcp(p.host, p.port, ctx.config.proxmox.timeout).then(() => true as const)).then((result) => ({
              target: `${p.host}:${p.port}`,
              result,
            })),
          ]
        : [],
    ),
  );
  return member;
}

export function readStorage(ctx: ObserveContext): Promise<Observed<StorageView>> {
  return attempt(async () => {
    const storages = validated(storageListSchema, await pvePaths(ctx.pve, avoidTarget(ctx)).storage.$get(), "/storage");
    return {
      listed: storages.map((s) => ({ storage: s.storage, type: s.type })),
      gluster: storages
        .filter((s) => s.type === "glusterfs" && !s.disable)
        .map((s) => ({ storage: s.storage, volume: s.volume ?? null, server: s.server ?? null, server2: s.server2 ?? null })),
    };
  });
}

export async function readNodeCapacity(ctx: ObserveContext): Promise<NodeCapacity[]> {
  const nodes = validated(
    nodeResourcesSchema,
    await pvePaths(ctx.pve, avoidTarget(ctx)).cluster.resources.$get({ type: "node" }),
    "/cluster/resources?type=node",
  );
  return nodes.map((n) => ({ name: n.node, maxmem: n.maxmem ?? 0, mem: n.mem ?? 0 }));
}

/**
 * Why PVE will not migrate a guest to each of these nodes, in one line each: the lasting reasons
 * only. PVE 9's blocking-ha-resources name where the guest's affinity partners run right now,
 * which changes as the run moves them; placement follows HA's rules themselves for that.
 */
function whyNotAllowed(notAllowed: z.infer<typeof migratePreconditionSchema>["not_allowed_nodes"]): Record<string, string> {
  return Object.fromEntries(
    Object.entries(notAllowed ?? {}).flatMap(([node, why]) =>
      why.unavailable_storages?.length ? [[node, `storage ${why.unavailable_storages.join(", ")} not available there`]] : [],
    ),
  );
}

/** pve-guest-common PVE/AbstractConfig.pm check_lock: "<guest_type> is locked (<lock>)", VM for qemu-server, CT for pve-container. */
const lockedMessage = /(?:VM|CT) is locked \((\w+)\)/;

/** pve-guest-common PVE/AbstractConfig.pm load_config: the config is not on the node the call went to. */
const configGoneFrom = /Configuration file 'nodes\/([^/']+)\/(?:qemu-server|lxc)\/\d+\.conf' does not exist/;

/**
 * The migrate precondition of a running guest: local disks and resources pin it to its node,
 * `not_allowed_nodes` rule nodes out. A guest whose config is locked (a backup running) cannot be
 * asked: PVE answers HTTP 500 "VM is locked (backup)" or, for a container on PVE 9, "CT is locked
 * (backup)" (both preconditions call check_lock first), read as that lock. A running guest whose
 * config has left the node since the guest list was read is being migrated (its config moves at the
 * end of the migration, before the lock lifts; PVE refuses to destroy a running guest): read as a
 * `migrate` lock, so a placement waits for it and reads the list again (docs/domain/proxmox-api.md).
 * Containers have the call on PVE 9 only: where it is missing (501) nothing is known to pin them.
 */
export function readMigrationConstraints(ctx: ObserveContext, guest: Guest): Promise<Observed<MigrationConstraints>> {
  const none: MigrationConstraints = { localDisks: [], localResources: [], notAllowed: {}, lock: null };
  return attempt(async () => {
    const path = `/nodes/${guest.node}/${guest.type}/${guest.vmid}/migrate`;
    let answer: unknown;
    try {
      answer = await ctx.pve.get(path, {}, avoidTarget(ctx));
    } catch (error) {
      const locked = lockedMessage.exec((error as Error).message);
      if (locked) return { ...none, lock: locked[1]! };
      if (configGoneFrom.exec((error as Error).message)?.[1] === guest.node) return { ...none, lock: "migrate" };
      if (guest.type === "lxc" && error instanceof PveHttpError && error.status === 501) return none;
      throw error;
    }
    const data = validated(migratePreconditionSchema, answer, path);
    return {
      localDisks: (data.local_disks ?? []).map((d) => d.volid),
      localResources: data.local_resources ?? [],
      notAllowed: whyNotAllowed(data.not_allowed_nodes ?? data["not-allowed-nodes"]),
      lock: guest.lock,
    };
  });
}

/** `guestList`: the observation's one read of /cluster/resources?type=vm, shared with other facets. */
export function readGuests(ctx: ObserveContext, guestList: Promise<Guest[]> = readGuestList(ctx)): Promise<Observed<GuestsView>> {
  return attempt(async () => {
    const [guests, nodes] = await Promise.all([guestList, readNodeCapacity(ctx)]);
    const critical: Record<string, CriticalMember[]> = {};
    await Promise.all(
      ctx.config.critical.map(async (group) => {
        critical[group.group] = await Promise.all(group.vms.map((vmid) => readMember(ctx, group, vmid, guests)));
      }),
    );
    return { guests, nodes, critical };
  });
}
