// The cluster.yaml a lab writes for itself. Its timeouts are a real cluster's, divided by the
// lab's time scale, so rollgate waits for the same model time it would wait in production.

import type { LabCredentials } from "./credentials.js";
import type { Topology } from "./model/topology.js";

export type LabTimeout = "heal" | "nodeOnline" | "migrate" | "apt" | "reboot" | "poll" | "settle" | "lockLease" | "haPickup" | "healStall";

export interface LabYamlInput {
  topology: Topology;
  credentials: LabCredentials;
  apiPort: number;
  sshPort: number;
  timeScale: number;
  /** The Gluster volumes rollgate is to watch (default: the topology's one). */
  volumes?: readonly string[];
  /** Timeouts written as given instead of scaled (tests that must give up quickly). */
  timeouts?: Partial<Record<LabTimeout, string>>;
}

/** A real duration scaled into the lab, never shorter than `floorMs`, written as rollgate reads it. */
function scaled(realMs: number, timeScale: number, floorMs: number): string {
  return `${Math.max(floorMs, Math.round(realMs / timeScale))}ms`;
}

export function labClusterYaml({
  topology,
  credentials,
  apiPort,
  sshPort,
  timeScale,
  volumes = [topology.volume.name],
  timeouts = {},
}: LabYamlInput): string {
  const t = (realMs: number, floorMs: number) => scaled(realMs, timeScale, floorMs);
  const limit = (name: LabTimeout, realMs: number, floorMs: number) => timeouts[name] ?? t(realMs, floorMs);
  const minute = 60_000;
  const nodes = topology.nodes.map((n) => `  - { name: ${n.name}, address: ${n.address}, privateAddress: ${n.privateAddress} }`).join("\n");
  const critical = topology.critical
    .map((g) =>
      [
        `  - group: ${g.group}`,
        `    vms: [${g.vms.join(", ")}]`,
        `    minHealthy: ${g.minHealthy}`,
        `    spread: ${g.spread}`,
        "    probes: [{ agent: true }]",
      ].join("\n"),
    )
    .join("\n");
  return `# Written by \`rollgate lab up\` for an emulated PVE ${topology.release} cluster (time scale ${timeScale}x).
# Paths are relative to this file. Timeouts are a real cluster's divided by the time scale.
cluster: ${topology.clusterName}
proxmox:
  api: https://${topology.nodes[0]!.address}:${apiPort}
  tokenId: ${credentials.token.tokenId}
  tokenSecretFile: pve-token
  caFile: pve-root-ca.pem
  timeout: ${t(30_000, 2_000)}
ssh:
  user: root
  port: ${sshPort}
  identityFile: id_ed25519
  knownHostsFile: known_hosts
  connectTimeout: ${t(10_000, 2_000)}
  commandTimeout: ${t(10 * minute, 10_000)}
nodes:
${nodes}
gluster:
  volumes: [${volumes.join(", ")}]
critical:
${critical}
services:
  - { name: ${topology.service.name}, node: ${topology.service.node}, unit: ${topology.service.unit} }
upgrade:
  playbook: proxmox-gluster
  guests: migrate
timeouts:
  heal: ${limit("heal", 2 * 60 * minute, 5_000)}
  healStall: ${limit("healStall", 10 * minute, 2_000)}
  nodeOnline: ${limit("nodeOnline", 15 * minute, 5_000)}
  migrate: ${limit("migrate", 30 * minute, 5_000)}
  apt: ${limit("apt", 60 * minute, 10_000)}
  reboot: ${limit("reboot", 15 * minute, 5_000)}
  haPickup: ${limit("haPickup", minute, 1_000)}
  poll: ${limit("poll", 10_000, 50)}
  settle: ${limit("settle", 30_000, 200)}
  lockLease: ${limit("lockLease", 3 * minute, 4_000)}
journal:
  dir: journal
`;
}
