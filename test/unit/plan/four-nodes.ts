// The four-node cluster the planner's tests place guests on (routers 100 and 101 spread), its guests and its memory.

import { parseConfig } from "../../../src/config/index.js";
import type { Guest, NodeCapacity } from "../../../src/observe/state.js";

export function fourNodeConfig(extra = "") {
  return parseConfig(
    `cluster: lab
proxmox: { api: "https://10.0.0.1:8006", tokenId: "rollgate@pve!up", tokenSecretEnv: PVE_TOKEN, caFile: /etc/pve/pve-root-ca.pem }
ssh: { identityFile: /root/.ssh/id_ed25519 }
nodes:
  - { name: pve1, address: 10.0.0.1 }
  - { name: pve2, address: 10.0.0.2 }
  - { name: pve3, address: 10.0.0.3 }
  - { name: pve4, address: 10.0.0.4 }
critical:
  - { group: routers, vms: [100, 101], minHealthy: 2, spread: true }
${extra}`,
    "cluster.yaml",
    "/etc/rollgate",
  );
}

const GiB = 2 ** 30;

/** A running guest of `gib` GiB on `node`. */
export const guest = (vmid: number, node: string, gib = 2, type: Guest["type"] = "qemu"): Guest => ({
  vmid,
  name: `vm${vmid}`,
  type,
  node,
  status: "running",
  maxmem: gib * GiB,
  haState: null,
  lock: null,
  template: false,
});

/** 64 GiB per node, `used` GiB of it in use (8 unless given). */
export const capacity = (used: Record<string, number> = {}): NodeCapacity[] =>
  ["pve1", "pve2", "pve3", "pve4"].map((name) => ({ name, maxmem: 64 * GiB, mem: (used[name] ?? 8) * GiB }));
