// Where HA will let a guest stay, once rollgate has moved it: its groups or rules decide, and a
// placement that disagrees is undone on HA's next round (docs/domain/proxmox-ha.md, "Where HA
// puts a resource"). Pure, over the HA configuration as observed.

import { sidOf, type HaConfig, type HaNodeRule } from "../observe/ha-config.js";

export interface HaPreference {
  /** The nodes HA lets the guest run on (all candidates when no rule restricts it). */
  allowed: string[];
  /** With failback on, HA moves it to one of these on its next round: the highest-priority online ones. */
  preferred: string[];
  failback: boolean;
  rule: HaNodeRule | null;
  /** The node being emptied is the one HA prefers most: with failback on, HA moves the guest back while it runs. */
  wantsTarget: boolean;
  /** Resources HA keeps apart from this one (PVE 9 negative resource-affinity). */
  apart: string[];
}

/** Highest-priority nodes of `rule` among `among` (all of `among` when the rule names none of them and is not strict). */
function highest(rule: HaNodeRule, among: readonly string[]): string[] {
  const listed = rule.nodes.filter((n) => among.includes(n.node));
  if (listed.length === 0) return rule.strict ? [] : [...among];
  const top = Math.max(...listed.map((n) => n.priority));
  return listed.filter((n) => n.priority === top).map((n) => n.node);
}

/**
 * HA's view of one guest leaving `target` for one of `candidates`; null when HA does not manage
 * it (or manages it in a state it does not move: stopped, ignored).
 */
export function haPreferenceFor(
  ha: HaConfig | null,
  vmid: number,
  type: "qemu" | "lxc",
  target: string,
  candidates: readonly string[],
): HaPreference | null {
  const sid = sidOf(vmid, type);
  const resource = ha?.resources.find((r) => r.sid === sid);
  if (!ha || !resource || !["started", "enabled"].includes(resource.state)) return null;
  const rule = ha.nodeRules.find((r) => !r.disabled && r.resources.includes(sid)) ?? null;
  const allowed = rule?.strict ? candidates.filter((n) => rule.nodes.some((p) => p.node === n)) : [...candidates];
  const apart = ha.affinityRules
    .filter((r) => !r.disabled && r.affinity === "negative" && r.resources.includes(sid))
    .flatMap((r) => r.resources.filter((s) => s !== sid));
  return {
    allowed,
    preferred: rule ? highest(rule, allowed) : allowed,
    failback: resource.failback,
    rule,
    // HA leaves a resource on any of its highest-priority nodes: it pulls it back only when the
    // node being emptied is the one such node (select_service_node keeps the current node if preferred).
    wantsTarget: rule !== null && resource.failback && highest(rule, [target, ...candidates]).every((n) => n === target),
    apart,
  };
}

/** The command that stops HA from pulling a guest back while its node is upgraded. */
export function failbackOffCommand(ha: HaConfig, preference: HaPreference, sid: string): string {
  if (ha.source === "groups" && preference.rule) return `ha-manager groupset ${preference.rule.name.replace(/^group /, "")} --nofailback 1`;
  return `ha-manager set ${sid} --failback 0`;
}
