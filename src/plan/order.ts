// The order nodes are upgraded in: as cluster.yaml says, else the node with the fewest critical
// guests first (the first reboot then moves the least that matters).

import type { Config } from "../config/index.js";
import type { Guest } from "../observe/state.js";

export interface NodeOrder {
  nodes: string[];
  reason: string;
}

export function upgradeOrder(config: Config, guests: Guest[], only: readonly string[] | null = null): NodeOrder {
  const all = config.nodes.map((n) => n.name);
  const chosen = only ? all.filter((n) => only.includes(n)) : all;
  if (config.upgrade.order) {
    const listed = config.upgrade.order.filter((n) => chosen.includes(n));
    return { nodes: [...listed, ...chosen.filter((n) => !listed.includes(n))], reason: "upgrade.order in cluster.yaml" };
  }
  const critical = new Set(config.critical.flatMap((g) => g.vms));
  const criticalOn = (node: string) => guests.filter((g) => g.node === node && g.status === "running" && critical.has(g.vmid)).length;
  const runningOn = (node: string) => guests.filter((g) => g.node === node && g.status === "running").length;
  const nodes = [...chosen].sort((a, b) => criticalOn(a) - criticalOn(b) || runningOn(a) - runningOn(b) || all.indexOf(a) - all.indexOf(b));
  return { nodes, reason: "fewest critical guests first" };
}
