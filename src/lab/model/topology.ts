// The cluster the lab builds: a small shop's 3-5 Proxmox nodes that also carry a replica-3
// Gluster volume, with a pfSense pair that must never be down at the same time.

import { createHash } from "node:crypto";
import { releaseProfile } from "./releases.js";

export interface PackageUpgrade {
  name: string;
  from: string | null;
  to: string;
  /** Installing it adds this kernel to `proxmox-boot-tool kernel list`. */
  kernel?: string;
}

export interface NodeSpec {
  name: string;
  nodeId: number;
  address: string;
  privateAddress: string;
  glusterUuid: string;
  memoryBytes: number;
}

export type GuestType = "qemu" | "lxc";

export interface GuestSpec {
  vmid: number;
  name: string;
  type: GuestType;
  node: string;
  memoryBytes: number;
  haManaged: boolean;
  agent: boolean;
  /** Disks on node-local storage: cannot be live-migrated without copying them. */
  localDisks: boolean;
}

export interface CriticalGroupSpec {
  group: string;
  vms: number[];
  minHealthy: number;
  spread: boolean;
}

export interface Topology {
  clusterName: string;
  nodes: NodeSpec[];
  guests: GuestSpec[];
  critical: CriticalGroupSpec[];
  volume: { name: string; brickPath: string; id: string };
  /** The unit rollgate's `services` gate watches (the Celery worker that was once found never restarted). */
  service: { name: string; node: string; unit: string };
  systemUnits: string[];
  /** Kernels installed on every node, oldest first (releases.ts). */
  installedKernels: string[];
  runningKernel: string;
  pendingKernel: string;
  pveVersion: { from: string; to: string };
  /** The PVE release whose API the lab serves: its schema, privileges and roles (src/lab/pve). */
  release: "8.4" | "9.1";
  pendingPackages: PackageUpgrade[];
}

/** A Gluster volume beyond the lab's first: its bricks, one per node, in brick (volfile) order. */
export interface VolumeSpec {
  name: string;
  brickPath: string;
  id: string;
  nodes: string[];
  /** Arbiter bricks per replica set: 1 makes the set's last brick an arbiter (`replica 2 arbiter 1`). */
  arbiterCount: 0 | 1;
}

/**
 * The arbiter-volume scenario's second volume, as `gluster volume create vmstore replica 2 arbiter 1
 * pve1:… pve2:… pve3:…` makes it: the third brick is the arbiter, holding every file's name and
 * metadata but no data (gluster/glusterdocs docs/Administrator-Guide/arbiter-volumes-and-quorum.md).
 */
export function arbiterVolumeSpec(topology: Topology): VolumeSpec {
  return {
    name: "vmstore",
    brickPath: "/data/brick/vmstore",
    id: stableUuid("gluster-volume-vmstore"),
    nodes: topology.nodes.slice(0, 3).map((n) => n.name),
    arbiterCount: 1,
  };
}

const GiB = 1024 ** 3;

/** Stable UUIDs, so a lab's gluster output is the same from one run to the next. */
export function stableUuid(seed: string): string {
  const hex = createHash("sha256").update(seed).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function buildTopology(nodeCount: number, release: Topology["release"] = "9.1"): Topology {
  if (!Number.isInteger(nodeCount) || nodeCount < 3 || nodeCount > 16) {
    throw new RangeError(`the lab models 3 to 16 nodes (a replica-3 volume needs three), got ${nodeCount}`);
  }
  const profile = releaseProfile(release);
  const nodes: NodeSpec[] = Array.from({ length: nodeCount }, (_, i) => ({
    name: `pve${i + 1}`,
    nodeId: i + 1,
    address: `127.0.10.${i + 1}`,
    privateAddress: `10.10.0.${i + 1}`,
    glusterUuid: stableUuid(`gluster-peer-pve${i + 1}`),
    memoryBytes: 64 * GiB,
  }));
  const nodeAt = (i: number) => nodes[i % nodeCount]!.name;
  const guests: GuestSpec[] = [
    { vmid: 100, name: "fw-a", type: "qemu", node: nodeAt(0), memoryBytes: 2 * GiB, haManaged: true, agent: true, localDisks: false },
    { vmid: 101, name: "fw-b", type: "qemu", node: nodeAt(1), memoryBytes: 2 * GiB, haManaged: true, agent: true, localDisks: false },
    { vmid: 102, name: "web", type: "qemu", node: nodeAt(0), memoryBytes: 8 * GiB, haManaged: false, agent: true, localDisks: false },
    { vmid: 103, name: "db", type: "qemu", node: nodeAt(2), memoryBytes: 16 * GiB, haManaged: true, agent: false, localDisks: false },
    {
      vmid: 104,
      name: "ci-runner",
      type: "qemu",
      node: nodeAt(2),
      memoryBytes: 4 * GiB,
      haManaged: false,
      agent: false,
      localDisks: false,
    },
    { vmid: 200, name: "dns", type: "lxc", node: nodeAt(1), memoryBytes: 1 * GiB, haManaged: false, agent: false, localDisks: false },
  ];
  return {
    clusterName: "lab",
    nodes,
    guests,
    critical: [{ group: "routers", vms: [100, 101], minHealthy: 2, spread: true }],
    volume: { name: "gv0", brickPath: "/data/brick/gv0", id: stableUuid("gluster-volume-gv0") },
    service: { name: "celery", node: nodes[0]!.name, unit: "celery.service" },
    systemUnits: [
      "pve-cluster.service",
      "corosync.service",
      "pveproxy.service",
      "pvedaemon.service",
      "pve-ha-lrm.service",
      "pve-ha-crm.service",
      "glusterd.service",
      "ssh.service",
    ],
    installedKernels: [...profile.installedKernels],
    runningKernel: profile.installedKernels.at(-1)!,
    pendingKernel: profile.pendingKernel,
    pveVersion: { ...profile.pveManager },
    release,
    pendingPackages: profile.pendingPackages.map((p) => ({ ...p })),
  };
}
