// Do HA's own rules agree with cluster.yaml's critical groups? PVE 9's negative resource-affinity
// rule over the routers is PVE's own "never on one node" (docs/domain/proxmox-ha.md): where the
// two disagree, HA's placement (maintenance, a failed node) and rollgate's are not the same.

import type { Config } from "../config/index.js";
import { sidOf, type HaConfig } from "../observe/ha-config.js";

type CriticalGroup = Config["critical"][number];

// Guests of the critical groups: containers and VMs share the vmid space; HA says which it is.
const sidsOf = (ha: HaConfig, vms: number[]) => vms.map((vmid) => ha.resources.find((r) => r.vmid === vmid)?.sid ?? sidOf(vmid, "qemu"));

/** The active negative resource-affinity rules that keep every member of the group apart. */
function keptApartBy(ha: HaConfig, sids: string[]) {
  return ha.affinityRules.filter(
    (r) => r.affinity === "negative" && sids.every((sid) => r.resources.includes(sid)) && !r.disabled && r.errors.length === 0,
  );
}

/** The negative resource-affinity rule that keeps a spread group apart, as `ha-manager rules add` takes it. */
export function spreadRule(group: CriticalGroup, ha: HaConfig): { rule: string; sids: string[]; argv: string[] } {
  const rule = `${group.group}-apart`;
  const sids = sidsOf(ha, group.vms);
  return {
    rule,
    sids,
    argv: ["ha-manager", "rules", "add", "resource-affinity", rule, "--resources", sids.join(","), "--affinity", "negative"],
  };
}

/** On PVE 9, a group cluster.yaml spreads that no HA rule keeps apart: the finding, with the rule to add; else null. */
export function unkeptSpread(group: CriticalGroup, ha: HaConfig): string | null {
  if (ha.source !== "rules" || !group.spread) return null;
  const { sids, argv } = spreadRule(group, ha);
  if (keptApartBy(ha, sids).length > 0) return null;
  return `group ${group.group} is spread in cluster.yaml, but no HA rule keeps ${sids.join(" and ")} apart: HA's own placement (maintenance, a failed node) may put them on one node. To agree: \`${argv.join(" ")}\``;
}

/** Findings a sysadmin should act on; none means HA and cluster.yaml agree. */
export function haRuleFindings(config: Config, ha: HaConfig): string[] {
  const findings: string[] = [];
  for (const group of config.critical) {
    const sids = sidsOf(ha, group.vms);
    const active = keptApartBy(ha, sids);
    const unkept = unkeptSpread(group, ha);
    if (unkept) findings.push(unkept);
    if (!group.spread && active.length > 0) {
      findings.push(
        `HA keeps ${sids.join(" and ")} apart (${active.map((r) => r.name).join(", ")}), but group ${group.group} has spread: false in cluster.yaml: set spread: true so rollgate places them as HA does`,
      );
    }
    for (const rule of [...ha.affinityRules, ...ha.nodeRules].filter((r) => r.resources.some((sid) => sids.includes(sid)))) {
      if (rule.disabled)
        findings.push(`${rule.name} (over ${rule.resources.join(", ")}, members of group ${group.group}) is disabled: HA ignores it`);
      if (rule.errors.length > 0)
        findings.push(`${rule.name} (over ${rule.resources.join(", ")}) cannot be satisfied, so HA disabled it: ${rule.errors.join("; ")}`);
    }
  }
  return [...new Set(findings)];
}

/** One line per rule HA has about the critical groups' guests, for plan and check to show. */
export function describeHaRules(config: Config, ha: HaConfig): string[] {
  const critical = new Set(config.critical.flatMap((g) => g.vms));
  const concerns = (resources: string[]) => resources.some((sid) => critical.has(Number(sid.split(":")[1])));
  return [
    ...ha.nodeRules
      .filter((r) => concerns(r.resources))
      .map(
        (r) =>
          `${r.name}: ${r.resources.join(", ")} on ${r.nodes.map((n) => `${n.node}:${n.priority}`).join(", ")}${r.strict ? " (only these)" : ""}`,
      ),
    ...ha.affinityRules
      .filter((r) => concerns(r.resources))
      .map((r) => `${r.name}: ${r.resources.join(", ")} ${r.affinity === "negative" ? "kept apart" : "kept together"}`),
  ];
}
