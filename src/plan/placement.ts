// Where each running guest of a node goes before the node goes down. Critical groups first; a
// spread group never gets two members on one node; a VM never onto a node with an older QEMU than
// the one it runs on (qemu-targets.ts); nodes with a newer QEMU, then nodes already upgraded, are
// preferred (what goes there need not move again); never onto the node being upgraded; otherwise
// the node with the most free memory.

import type { Config } from "../config/index.js";
import { sidOf, type HaConfig } from "../observe/ha-config.js";
import type { Guest, MigrationConstraints, NodeCapacity, QemuView } from "../observe/state.js";
import { failbackOffCommand, haPreferenceFor } from "./ha-preference.js";
import { olderQemuAdvice, olderQemuNodes, qemuRank } from "./qemu-targets.js";

export type GuestAction = "migrate" | "restart-migrate" | "shutdown" | "leave";

export interface GuestMove {
  vmid: number;
  name: string;
  type: "qemu" | "lxc";
  from: string;
  action: GuestAction;
  /** Where it goes; null for shutdown/leave, or when no node can take it (see `problem`). */
  to: string | null;
  /** The critical group it belongs to. */
  group: string | null;
  /** Why this action (policy, container, local disks). */
  why: string;
  /** Set when the move cannot be made as planned: the run must not take the node down. */
  problem: string | null;
  /** The guest is locked now (`backup` while vzdump runs): the move waits for the lock to lift. */
  lock: string | null;
}

export interface PlacementInput {
  config: Config;
  guests: Guest[];
  capacity: NodeCapacity[];
  /** The node to empty. */
  target: string;
  /** Nodes already upgraded in this run (preferred targets). */
  upgraded: readonly string[];
  /** Nodes that cannot take guests (offline, in maintenance). */
  unavailable: readonly string[];
  /** Precondition answers for running VMs (local disks pin a VM to its node). */
  constraints: ReadonlyMap<number, MigrationConstraints>;
  /** HA's groups or rules: where HA lets each guest it manages stay. */
  ha?: HaConfig | null;
  /** The QEMU each running VM runs on and each node has; without it, no VM is held back by QEMU versions. */
  qemu?: QemuView | null;
}

export interface Placement {
  moves: GuestMove[];
  /** The guests as they will be once the moves are done. */
  after: Guest[];
}

function policyOf(config: Config, vmid: number): "migrate" | "shutdown" | "leave" {
  return config.upgrade.guestOverrides[vmid] ?? config.upgrade.guests;
}

export function placeGuests(input: PlacementInput): Placement {
  const { config, target } = input;
  const groupOf = new Map(config.critical.flatMap((g) => g.vms.map((vmid) => [vmid, g] as const)));
  const groupRank = (g: Guest) => {
    const group = groupOf.get(g.vmid);
    return group ? config.critical.indexOf(group) : config.critical.length;
  };
  const leaving = input.guests
    .filter((g) => g.node === target && g.status === "running" && !g.template)
    .sort((a, b) => groupRank(a) - groupRank(b) || b.maxmem - a.maxmem || a.vmid - b.vmid);

  const after = input.guests.map((g) => ({ ...g }));
  // A cluster of 32 nodes has thousands of guests: looked up by key, not searched for each move.
  const afterByVmid = new Map(after.map((g) => [g.vmid, g]));
  const capacityOf = new Map(input.capacity.map((c) => [c.name, c]));
  const upgraded = new Set(input.upgraded);
  const used = new Map(input.capacity.map((c) => [c.name, c.mem]));
  const candidates = config.nodes.map((n) => n.name).filter((n) => n !== target && !input.unavailable.includes(n));
  const rank = qemuRank(input.qemu ?? null);
  const moves: GuestMove[] = [];

  for (const guest of leaving) {
    const group = groupOf.get(guest.vmid) ?? null;
    const pinned = input.constraints.get(guest.vmid);
    const base = {
      vmid: guest.vmid,
      name: guest.name,
      type: guest.type,
      from: target,
      group: group?.group ?? null,
      lock: pinned?.lock ?? guest.lock,
    };
    const policy = policyOf(config, guest.vmid);
    if (policy === "leave") {
      moves.push({
        ...base,
        action: "leave",
        to: null,
        why: "guestOverrides: leave (goes down with the node)",
        problem: group ? `critical guest of group ${group.group} set to leave: it would go down with ${target}` : null,
      });
      continue;
    }
    if (policy === "shutdown") {
      moves.push({ ...base, action: "shutdown", to: null, why: "shut down before the reboot, started again after", problem: null });
      continue;
    }
    if (pinned && (pinned.localDisks.length > 0 || pinned.localResources.length > 0)) {
      const what = [...pinned.localDisks, ...pinned.localResources].join(", ");
      moves.push({
        ...base,
        action: "shutdown",
        to: null,
        why: `cannot live-migrate (local ${what}): shut down instead`,
        problem: group ? `critical guest ${guest.vmid} cannot move (local ${what})` : null,
      });
      continue;
    }
    const action: GuestAction = guest.type === "lxc" ? "restart-migrate" : "migrate";
    const why = guest.type === "lxc" ? "containers cannot live-migrate: restart migration (brief downtime)" : "live migration";
    const peersOf = (node: string) =>
      group ? after.filter((g) => g.node === node && g.status === "running" && g.vmid !== guest.vmid && group.vms.includes(g.vmid)) : [];
    const fits = (node: string) => {
      const cap = capacityOf.get(node);
      return cap !== undefined && cap.maxmem - (used.get(node) ?? 0) >= guest.maxmem;
    };
    // HA undoes a placement that disagrees with its groups or rules on its next round.
    const preference = haPreferenceFor(input.ha ?? null, guest.vmid, guest.type, target, candidates);
    if (preference?.wantsTarget && preference.rule) {
      const sid = sidOf(guest.vmid, guest.type);
      moves.push({
        ...base,
        action,
        to: null,
        why,
        problem: `HA would move ${guest.vmid} (${guest.name}) back to ${target} while ${target} runs (${preference.rule.name} prefers ${target}, failback on): for the upgrade, \`${failbackOffCommand(input.ha!, preference, sid)}\`, or give ${target} a lower priority`,
      });
      continue;
    }
    const haNodes = preference ? (preference.failback ? preference.preferred : preference.allowed) : candidates;
    const apart = (node: string) =>
      preference !== null &&
      after.some((g) => g.node === node && g.status === "running" && preference.apart.includes(sidOf(g.vmid, g.type)));
    // PVE names nodes it will not migrate this guest to (a storage missing there, HA affinity); a
    // node with an older QEMU fails or does not support the live migration.
    const olderQemu = olderQemuNodes(input.qemu ?? null, guest.vmid, candidates);
    const notAllowed = { ...pinned?.notAllowed, ...Object.fromEntries(Object.entries(olderQemu).map(([n, r]) => [n, r.why])) };
    const permitted = candidates.filter((n) => notAllowed[n] === undefined && haNodes.includes(n) && !apart(n));
    const allowed = permitted.filter((n) => !(group?.spread && peersOf(n).length > 0));
    const roomy = allowed.filter(fits);
    const free = (n: string) => (capacityOf.get(n)?.maxmem ?? 0) - (used.get(n) ?? 0);
    const upgradedFirst = (n: string) => (upgraded.has(n) ? 0 : 1);
    const better = (a: string, b: string) =>
      rank(b) - rank(a) || upgradedFirst(a) - upgradedFirst(b) || free(b) - free(a) || candidates.indexOf(a) - candidates.indexOf(b);
    // The best node, found in one pass: a sort per guest is most of a big cluster's plan.
    const choice = roomy.reduce<string | null>((best, n) => (best === null || better(n, best) < 0 ? n : best), null);
    if (!choice) {
      const refusedBy = Object.entries(notAllowed)
        .filter(([n]) => candidates.includes(n))
        .map(([n, why]) => `${n}: ${why}`);
      const limits = [
        ...(refusedBy.length > 0 ? [`PVE allows no other node (${refusedBy.join("; ")})`] : []),
        ...(preference?.rule
          ? [
              `HA keeps it on ${haNodes.join(", ") || "no node that is left"} (${preference.rule.name}${preference.failback ? ", failback on" : ""})`,
            ]
          : []),
        ...(candidates.some(apart)
          ? [
              `HA keeps it apart from ${preference!.apart.join(", ")} (negative resource-affinity) on ${candidates.filter(apart).join(", ")}`,
            ]
          : []),
      ];
      // HA's own choice breaks the spread: rollgate's placement would be undone onto a peer's node.
      const haCrowds =
        allowed.length === 0 && permitted.length > 0 && preference?.rule && preference.failback && haNodes.length < candidates.length;
      const crowdedBy = [...new Set(permitted.flatMap((n) => peersOf(n).map((p) => `${p.vmid}@${n}`)))];
      const reason = haCrowds
        ? `HA would move it to ${haNodes.join(" or ")} (${preference.rule!.name}, failback on), where ${crowdedBy.join(", ")} of group ${group?.group} already run (spread: true): for the upgrade, \`${failbackOffCommand(input.ha!, preference, sidOf(guest.vmid, guest.type))}\`${input.ha!.source === "rules" ? `, or a negative resource-affinity rule over group ${group?.group}` : ""}`
        : permitted.length === 0
          ? limits.join("; ")
          : allowed.length === 0
            ? `every other node${refusedBy.length > 0 ? " PVE allows" : ""} already holds a member of group ${group?.group} (spread: true)${refusedBy.length > 0 ? `; not allowed: ${refusedBy.join("; ")}` : ""}`
            : `no other node has ${Math.ceil(guest.maxmem / 2 ** 20)} MiB free`;
      const advice = olderQemuAdvice(olderQemu);
      moves.push({
        ...base,
        action,
        to: null,
        why,
        problem: `nowhere to put ${guest.vmid} (${guest.name}): ${reason}${advice ? `; ${advice}` : ""}`,
      });
      continue;
    }
    moves.push({ ...base, action, to: choice, why, problem: null });
    used.set(choice, (used.get(choice) ?? 0) + guest.maxmem);
    afterByVmid.get(guest.vmid)!.node = choice;
  }
  return { moves, after };
}
