// The HA stack's configuration and placement, as pve-ha-manager keeps and computes them: PVE 8's
// groups (node priorities, restricted, nofailback) and PVE 9's rules (node and resource affinity,
// a `failback` flag per resource), and the node the CRM wants each started service on.

import type { PveRelease } from "./releases.js";
import type { Faults } from "./scenarios.js";
import type { GuestSpec, Topology } from "./topology.js";

export interface NodePriority {
  node: string;
  priority: number;
}

export interface HaGroup {
  group: string;
  nodes: NodePriority[];
  restricted: boolean;
  nofailback: boolean;
}

export interface NodeAffinityRule {
  rule: string;
  type: "node-affinity";
  resources: string[];
  nodes: NodePriority[];
  strict: boolean;
  comment?: string;
}

export interface ResourceAffinityRule {
  rule: string;
  type: "resource-affinity";
  resources: string[];
  affinity: "positive" | "negative";
  comment?: string;
}

export type HaRule = NodeAffinityRule | ResourceAffinityRule;

export interface HaResource {
  sid: string;
  vmid: number;
  /** PVE 8 only. */
  group?: string;
  /** PVE 9 only, and only when set explicitly (the GUI drops the default 1). */
  failback?: boolean;
}

/** /etc/pve/ha: resources.cfg, groups.cfg (PVE 8), rules.cfg (PVE 9). */
export interface HaConfig {
  resources: HaResource[];
  groups: HaGroup[];
  rules: HaRule[];
}

export const sidOf = (guest: Pick<GuestSpec, "type" | "vmid">): string => `${guest.type === "lxc" ? "ct" : "vm"}:${guest.vmid}`;

/**
 * A small shop's HA setup. PVE 8: the routers in group `routers` preferring the two nodes they
 * run on, with nofailback so that HA leaves a router where an admin (or rollgate) moved it; PVE 9:
 * a negative resource-affinity rule over the routers (pve-ha-manager 5's "never on one node").
 * `ha-failback` makes the routers' placement pull them home: PVE 8 drops nofailback, PVE 9 uses
 * a node-affinity rule with priorities (failback defaults to 1) instead of the resource-affinity
 * one, which pve-ha-manager 5.0.4+ would drop together with it (src/PVE/HA/Rules.pm
 * check_single_priority_node_affinity_in_resource_affinity_rules).
 */
export function haConfigFor(topology: Topology, faults: Faults): HaConfig {
  if (faults.noHaResources) return { resources: [], groups: [], rules: [] };
  const routers = topology.critical.flatMap((g) => g.vms);
  const routerSids = topology.guests.filter((g) => routers.includes(g.vmid) && g.haManaged).map(sidOf);
  const [first, second] = topology.nodes;
  const homes: NodePriority[] = topology.nodes.map((n) => ({ node: n.name, priority: n === first || n === second ? 2 : 1 }));
  const resources = topology.guests
    .filter((g) => g.haManaged)
    .map((g): HaResource => ({
      sid: sidOf(g),
      vmid: g.vmid,
      ...(topology.release === "8.4" && routers.includes(g.vmid) ? { group: "routers" } : {}),
    }));
  if (topology.release === "8.4") {
    return { resources, groups: [{ group: "routers", nodes: homes, restricted: false, nofailback: !faults.haFailback }], rules: [] };
  }
  if (faults.haFailback) {
    return {
      resources,
      groups: [],
      rules: [{ rule: "routers-home", type: "node-affinity", resources: routerSids, nodes: homes, strict: false }],
    };
  }
  // Routers already sharing a node have no such rule: PVE would separate them in its first round.
  if (faults.routersOnOneNode) return { resources, groups: [], rules: [] };
  return {
    resources,
    groups: [],
    rules: [
      {
        rule: "routers-apart",
        type: "resource-affinity",
        resources: routerSids,
        affinity: "negative",
        comment: "never both routers on one node",
      },
    ],
  };
}

/** `node:priority` lists as the API encodes them (pve-ha-manager src/PVE/HA/Rules/NodeAffinity.pm encode_plugin_value: a 0 priority is left out). */
export function encodeNodes(nodes: NodePriority[]): string {
  return nodes.map((n) => (n.priority ? `${n.node}:${n.priority}` : n.node)).join(",");
}

/**
 * PVE 9's one-time migration of HA groups (pve-ha-manager src/PVE/HA/Groups.pm
 * migrate_groups_to_rules and migrate_groups_to_resources): each group with resources becomes a
 * node-affinity rule `ha-group-NAME` (restricted → strict), each resource's nofailback its
 * `failback`, and groups.cfg is deleted. No group expresses anti-affinity: none comes out of it.
 */
export function migrateGroupsToRules(config: HaConfig): void {
  for (const group of config.groups) {
    const members = config.resources.filter((r) => r.group === group.group).map((r) => r.sid);
    if (members.length === 0) continue;
    config.rules.push({
      rule: `ha-group-${group.group}`,
      type: "node-affinity",
      resources: members,
      nodes: group.nodes.map((n) => ({ ...n })),
      strict: group.restricted,
      comment: `Generated from HA group '${group.group}'.`,
    });
  }
  for (const resource of config.resources) {
    const group = config.groups.find((g) => g.group === resource.group);
    if (!resource.group) continue;
    // $migrate_group_persistently writes failback only where it is 0 (the default is 1).
    if (group?.nofailback) resource.failback = false;
    delete resource.group;
  }
  config.groups.splice(0);
}

/** What the CRM knows of one service (manager_status service_status). */
export interface ServicePlacement {
  sid: string;
  node: string;
  /** The migration target while `state` is migrate. */
  target: string | null;
  state: string;
}

export interface PlacementInput {
  release: PveRelease;
  config: HaConfig;
  sid: string;
  current: string;
  /** Nodes the HA stack counts as online: in the quorate partition and not in maintenance. */
  online: string[];
  /** The node a service left for maintenance, to go back to (sd->{maintenance_node}). */
  maintenanceFallback: string | null;
  services: ServicePlacement[];
}

/** The node the CRM wants a started service on, or null if none is allowed (it stays put). */
export function selectServiceNode(input: PlacementInput): string | null {
  return input.release === "8.4" ? selectByGroup(input) : selectByRules(input);
}

// pve-ha-manager src/PVE/HA/Usage/Basic.pm score_nodes_to_start_service: the HA services on (or
// migrating to) each node; the lowest score wins, ties by name (Manager.pm select_service_node).
function bestScored(candidates: string[], input: PlacementInput): string | null {
  const score = (node: string) => input.services.filter((s) => s.node === node || s.target === node).length;
  return [...candidates].sort((a, b) => score(a) - score(b) || (a < b ? -1 : a > b ? 1 : 0))[0] ?? null;
}

// pve-ha-manager 4.0.7 src/PVE/HA/Manager.pm get_service_group, get_node_priority_groups, select_service_node.
function selectByGroup(input: PlacementInput): string | null {
  const resource = input.config.resources.find((r) => r.sid === input.sid);
  const group = input.config.groups.find((g) => g.group === resource?.group);
  const members = new Map<string, number>();
  for (const { node, priority } of group?.nodes ?? input.online.map((node) => ({ node, priority: 0 }))) {
    if (input.online.includes(node)) members.set(node, priority);
  }
  // Unrestricted groups take every other online node at priority -1.
  if (!group?.restricted) for (const node of input.online) if (!members.has(node)) members.set(node, -1);
  if (members.size === 0) return null;
  // "stay on current node if possible (avoids random migrations)"
  if (group?.nofailback && members.has(input.current)) return input.current;
  const top = Math.max(...members.values());
  const candidates = [...members].filter(([, p]) => p === top).map(([node]) => node);
  if (input.maintenanceFallback && candidates.includes(input.maintenanceFallback)) return input.maintenanceFallback;
  if (candidates.includes(input.current)) return input.current;
  return bestScored(candidates, input);
}

// pve-ha-manager 5.0.8 src/PVE/HA/Manager.pm select_service_node with Rules/NodeAffinity.pm
// get_node_affinity (plugin_compile adds the other nodes at -1 to a non-strict rule) and
// Rules/ResourceAffinity.pm get_resource_affinity, is_allowed_on_node, apply_*_resource_affinity.
function selectByRules(input: PlacementInput): string | null {
  const { config, sid, current, online } = input;
  const nodeRule = config.rules.find((r): r is NodeAffinityRule => r.type === "node-affinity" && r.resources.includes(sid));
  let allowed = online;
  let preferred = online;
  if (nodeRule) {
    const priorities = new Map(nodeRule.nodes.map((n) => [n.node, n.priority]));
    if (!nodeRule.strict) for (const node of online) if (!priorities.has(node)) priorities.set(node, -1);
    allowed = online.filter((n) => priorities.has(n));
    const top = Math.max(...allowed.map((n) => priorities.get(n)!));
    preferred = allowed.filter((n) => priorities.get(n) === top);
  }
  if (preferred.length === 0) return null;
  const together = new Map<string, number>();
  const separate = new Set<string>();
  for (const rule of config.rules) {
    if (rule.type !== "resource-affinity" || !rule.resources.includes(sid)) continue;
    for (const other of input.services) {
      if (other.sid === sid || !rule.resources.includes(other.sid) || other.state === "stopped") continue;
      // Usage.pm get_used_service_nodes: a service occupies its node, and its target while migrating.
      for (const node of [other.node, other.target]) {
        if (node === null || !online.includes(node)) continue;
        if (rule.affinity === "negative") separate.add(node);
        else together.set(node, (together.get(node) ?? 0) + 1);
      }
    }
  }
  const failback = config.resources.find((r) => r.sid === sid)?.failback ?? true;
  if (!failback && allowed.includes(current) && (together.has(current) || !separate.has(current))) return current;
  let candidates = preferred.filter((n) => !separate.has(n));
  const majority = [...together].filter(([n]) => candidates.includes(n)).sort((a, b) => b[1] - a[1])[0];
  if (majority) candidates = [majority[0]];
  if (input.maintenanceFallback && candidates.includes(input.maintenanceFallback)) return input.maintenanceFallback;
  if (candidates.includes(current)) return current;
  return bestScored(candidates, input);
}
