// The dry run's memory of what it would have changed. A dry run is the real run with read-only
// transports: every observation still comes from the live cluster, and the changes the run would
// have made by then (migrations, maintenance, packages, reboots) are laid over it, so the gates
// and placements of later nodes reason over the cluster as it would be, not as it was.

import type { HaAffinityRule } from "../observe/ha-config.js";
import type { ClusterState, Guest, NodePackages, Observed } from "../observe/state.js";
import { kernelsAfterUpgrade, predictReboot } from "../plan/reboot.js";

const simulatedBootId = (node: string) => `(${node} after the simulated reboot)`;

export class Simulation {
  private readonly guestNode = new Map<number, string>();
  private readonly guestStatus = new Map<number, "running" | "stopped">();
  private readonly maintenance = new Map<string, boolean>();
  private readonly upgraded = new Set<string>();
  private readonly rebooted = new Set<string>();
  /** Nodes whose major upgrade the dry run went through: their packages cannot be listed before the sources change. */
  private readonly majorUpgraded = new Map<string, string>();
  /** Negative resource-affinity rules the dry run added (ha-spread-rule). */
  private readonly addedRules: HaAffinityRule[] = [];

  moveGuest(vmid: number, to: string): void {
    this.guestNode.set(vmid, to);
  }

  setGuestStatus(vmid: number, status: "running" | "stopped"): void {
    this.guestStatus.set(vmid, status);
  }

  setMaintenance(node: string, on: boolean): void {
    this.maintenance.set(node, on);
  }

  installPackages(node: string): void {
    this.upgraded.add(node);
  }

  /** The node runs `major` after the dist-upgrade, its new kernel unknown until it boots (so a reboot is due). */
  upgradeToMajor(node: string, major: string): void {
    this.majorUpgraded.set(node, major);
  }

  /** Rules the run would add once PVE has migrated the HA groups: HA is then read as PVE 9's rules, with these. */
  addAffinityRules(rules: Array<{ rule: string; sids: string[] }>): void {
    for (const { rule, sids } of rules)
      this.addedRules.push({ name: rule, affinity: "negative", resources: sids, disabled: false, errors: [] });
  }

  reboot(node: string): void {
    this.rebooted.add(node);
  }

  /** The observation as it would be after the simulated changes. */
  apply(state: ClusterState): ClusterState {
    const result: ClusterState = { ...state };
    if (state.guests?.ok) {
      const view = state.guests.value;
      const moved = (g: Guest): Guest => ({
        ...g,
        node: this.guestNode.get(g.vmid) ?? g.node,
        status: this.guestStatus.get(g.vmid) ?? g.status,
      });
      const before = new Map(view.guests.map((g) => [g.vmid, g]));
      const guests = view.guests.map(moved);
      // Memory follows the guests that moved, so later placements see the room they took.
      const nodes = view.nodes.map((n) => {
        let mem = n.mem;
        for (const g of guests) {
          const was = before.get(g.vmid)!;
          const ranHere = was.node === n.name && was.status === "running";
          const runsHere = g.node === n.name && g.status === "running";
          if (ranHere && !runsHere) mem -= g.maxmem;
          if (runsHere && !ranHere) mem += g.maxmem;
        }
        return { ...n, mem: Math.max(0, mem) };
      });
      const critical = Object.fromEntries(
        Object.entries(view.critical).map(([group, members]) => [
          group,
          members.map((m) => (m.guest ? { ...m, guest: moved(m.guest) } : m)),
        ]),
      );
      result.guests = { ok: true, value: { guests, nodes, critical } };
    }
    if (state.ha?.ok && this.maintenance.size > 0) {
      const nodeStatus = { ...state.ha.value.nodeStatus };
      for (const [node, on] of this.maintenance) nodeStatus[node] = on ? "maintenance" : "online";
      result.ha = { ok: true, value: { ...state.ha.value, nodeStatus } };
    }
    if (state.haConfig?.ok && this.addedRules.length > 0) {
      // PVE's migration of the groups makes node-affinity rules only (Groups.pm migrate_groups_to_rules).
      const ha = state.haConfig.value;
      const affinityRules = [...(ha.source === "groups" ? [] : ha.affinityRules), ...this.addedRules];
      result.haConfig = { ok: true, value: { ...ha, source: "rules", affinityRules } };
    }
    if (state.packages) {
      result.packages = Object.fromEntries(
        Object.entries(state.packages).map(([node, observed]) => [node, this.packagesOf(node, observed)]),
      );
    }
    if (state.ssh) {
      result.ssh = Object.fromEntries(
        Object.entries(state.ssh).map(([node, reach]) => [
          node,
          this.rebooted.has(node) && reach.ok ? { ok: true, value: { bootId: simulatedBootId(node) } } : reach,
        ]),
      );
    }
    return result;
  }

  private packagesOf(node: string, observed: Observed<NodePackages>): Observed<NodePackages> {
    if (!observed.ok) return observed;
    const live = observed.value;
    const major = this.majorUpgraded.get(node);
    const installed: NodePackages = major
      ? { ...live, pending: [], pveVersion: `${major}.x`, rebootRequiredFile: true }
      : this.upgraded.has(node)
        ? {
            ...live,
            installedKernels: kernelsAfterUpgrade(live),
            pending: [],
            pveVersion: live.pending.find((p) => p.name === "pve-manager")?.to ?? live.pveVersion,
          }
        : live;
    if (!this.rebooted.has(node)) return { ok: true, value: installed };
    return { ok: true, value: { ...installed, runningKernel: predictReboot(installed).kernelAfter, rebootRequiredFile: false } };
  }
}
