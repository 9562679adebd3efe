// ClusterState: what rollgate observed, as plain data. Each part is collected only when a gate
// or the planner needs it, and each is either a value or the error that prevented reading it:
// gates turn an error into a refusal that quotes it.

import type { HealInfo, PeerStatus, VolumeInfo, VolumeStatus } from "../gluster/types.js";
import type { HaConfig } from "./ha-config.js";
import type { AptUpdate } from "./parsers/apt-update.js";
import type { DiskSpace } from "./parsers/df.js";
import type { GlusterMount } from "./parsers/findmnt.js";
import type { SourceFile } from "../pve/apt-sources.js";
import type { Pve8to9Report } from "../pve/pve8to9.js";
import type { PveRole } from "../pve/user-cfg.js";
import type { TokenPermissions } from "./permissions.js";
import type { QemuVersion } from "../pve/qemu-version.js";

export type Observed<T> = { ok: true; value: T } | { ok: false; error: string };

export const observed = <T>(value: T): Observed<T> => ({ ok: true, value });

/** An SSH error that says the node could not be reached at all (powered off, cut off), not that a command failed. */
const UNREACHABLE =
  /no SSH answer|ECONNREFUSED|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EHOSTDOWN|cannot connect|timed out while connecting|connection timed out/i;
export const isUnreachableError = (error: string): boolean => UNREACHABLE.test(error);
export const failed = <T>(error: unknown): Observed<T> => ({ ok: false, error: error instanceof Error ? error.message : String(error) });

/** Runs a read; its failure becomes the observation's error instead of an exception. */
export async function attempt<T>(read: () => Promise<T>): Promise<Observed<T>> {
  try {
    return observed(await read());
  } catch (error) {
    return failed(error);
  }
}

/** The parts of the state a gate can ask for. */
export type Facet =
  | "pve"
  | "votes"
  | "ssh"
  | "guests"
  | "ha"
  | "haConfig"
  | "permissions"
  | "mounts"
  | "aptUpdate"
  | "aptSources"
  | "gluster"
  | "services"
  | "privateNetwork"
  | "packages"
  | "constraints"
  | "qemu"
  | "storage"
  | "pve8to9"
  | "roles"
  | "diskSpace"
  | "glusterRecords";

export interface PveNode {
  name: string;
  online: boolean;
}

export interface PveCluster {
  name: string;
  quorate: boolean;
  /** The number of nodes corosync knows (the cluster entry's `nodes`). */
  nodeCount: number;
  nodes: PveNode[];
}

export interface CorosyncVotes {
  /** The node whose `pvecm status` this is. */
  from: string;
  expected: number;
  total: number;
  quorate: boolean;
}

export interface NodeReach {
  bootId: string;
}

export interface Guest {
  vmid: number;
  name: string;
  type: "qemu" | "lxc";
  node: string;
  /** `running`, `stopped`, or `unknown` when PVE has no fresh status for it. */
  status: string;
  maxmem: number;
  haState: string | null;
  lock: string | null;
  template: boolean;
}

export interface CriticalMember {
  vmid: number;
  /** Null when the guest is not in the cluster at all. */
  guest: Guest | null;
  /** `status/current` of a running member: status and QEMU's own state. */
  current: Observed<{ status: string; qmpStatus: string | null; agentConfigured: boolean }> | null;
  /** The guest agent's answer, when the group probes it. */
  agent: Observed<true> | null;
  tcp: Array<{ target: string; result: Observed<true> }>;
}

export interface NodeCapacity {
  name: string;
  /** Bytes; 0 when PVE did not say (an offline node). */
  maxmem: number;
  mem: number;
}

/** What the migrate precondition check says about a running guest. */
export interface MigrationConstraints {
  localDisks: string[];
  localResources: string[];
  /** Nodes PVE will not migrate it to, each with why (a storage missing there, a blocking HA resource). */
  notAllowed: Record<string, string>;
  /** A lock that makes PVE refuse to migrate it now (`backup` while vzdump runs); its disks are unknown until it lifts. */
  lock: string | null;
}

/**
 * The QEMU side of a live migration: a VM goes only to a node whose QEMU is not older than the one
 * it runs (docs/domain/major-upgrade.md, "Migrations during a mixed cluster").
 */
export interface QemuView {
  /** Running VMs by vmid: status/current's `running-qemu` and `running-machine`, null where PVE did not say. */
  guests: Record<number, { qemu: QemuVersion | null; machine: string | null }>;
  /** Per node, the newest machine version its installed QEMU offers (/nodes/N/capabilities/qemu/machines). */
  nodes: Record<string, Observed<QemuVersion>>;
}

export interface GuestsView {
  guests: Guest[];
  nodes: NodeCapacity[];
  /** Keyed by group name. */
  critical: Record<string, CriticalMember[]>;
}

export interface HaView {
  /** False when pve-ha-crm reports no manager status (it must fail closed). */
  managerActive: boolean;
  nodeStatus: Record<string, string>;
  /** HA resources configured: with none, no CRM master is needed and maintenance mode means nothing. */
  resourceCount: number;
}

export interface GlusterVolume {
  name: string;
  /** The node whose glusterd answered. */
  from: string;
  info: VolumeInfo;
  status: VolumeStatus;
  heal: HealInfo;
  splitBrain: HealInfo;
}

export interface ServiceCheck {
  name: string;
  /** `celery.service on pve1` or `https://…` */
  what: string;
  node: string | null;
  result: Observed<{ healthy: boolean; detail: string }>;
}

export interface PathCheck {
  from: string;
  to: string;
  address: string;
  result: Observed<{ reachable: boolean; detail: string }>;
}

export interface PendingPackage {
  name: string;
  from: string | null;
  to: string;
}

export interface NodePackages {
  runningKernel: string;
  installedKernels: string[];
  /** A kernel pinned with proxmox-boot-tool: it boots instead of the newest. */
  pinnedKernel: string | null;
  pending: PendingPackage[];
  rebootRequiredFile: boolean;
  pveVersion: string | null;
}

/** A PVE storage of type glusterfs, as /storage defines it. */
export interface GlusterStorage {
  storage: string;
  volume: string | null;
  /** The volfile server PVE asks first; `server2` is the fallback (docs/domain/proxmox-api.md, "PVE's GlusterFS storage"). */
  server: string | null;
  server2: string | null;
}

export interface StorageView {
  /** Every storage /storage listed (a token without Datastore.Audit sees none). */
  listed: Array<{ storage: string; type: string }>;
  gluster: GlusterStorage[];
}

export interface ClusterState {
  observedAt: string;
  /** The node being upgraded, if any: its API is not asked. */
  target: string | null;
  pve?: Observed<PveCluster>;
  votes?: Observed<CorosyncVotes>;
  ssh?: Record<string, Observed<NodeReach>>;
  guests?: Observed<GuestsView>;
  ha?: Observed<HaView>;
  gluster?: Record<string, Observed<GlusterVolume>>;
  peers?: Record<string, Observed<PeerStatus>>;
  services?: ServiceCheck[];
  privateNetwork?: PathCheck[];
  packages?: Record<string, Observed<NodePackages>>;
  /** PVE's storage definitions: every one listed, and the glusterfs ones (PVE 8) in detail. */
  storage?: Observed<StorageView>;
  /** Per node, whether `apt-get update` could fetch every repository. */
  aptUpdate?: Record<string, Observed<AptUpdate>>;
  /** Per node, the files apt reads and rollgate's backups of them (src/observe/apt-sources.ts). */
  aptSources?: Record<string, Observed<SourceFile[]>>;
  /** Per node, the Gluster volumes its /etc/fstab mounts (PVE 9 uses them as dir storage). */
  mounts?: Record<string, Observed<GlusterMount[]>>;
  /** Migrate preconditions of running VMs, by vmid. */
  constraints?: Observed<Record<number, MigrationConstraints>>;
  /** What QEMU each running VM runs and each node (but the one being upgraded) has installed. */
  qemu?: Observed<QemuView>;
  /** HA's groups (PVE 8) or rules (PVE 9): where HA lets the guests it manages stay. */
  haConfig?: Observed<HaConfig>;
  /** The API token's effective privileges, and the PVE versions that decide which it needs. */
  permissions?: Observed<TokenPermissions>;
  /** Per node, Proxmox's checklist for the major upgrade (`pve8to9 --full`). */
  pve8to9?: Record<string, Observed<Pve8to9Report>>;
  /** The roles of user.cfg, built-in and custom, with their privileges. */
  roles?: Observed<PveRole[]>;
  /** Per node, the free space on / and on /boot where it is a file system of its own. */
  diskSpace?: Record<string, Observed<DiskSpace>>;
  /** Per node, glusterd's record of each declared volume as a set of lines (/var/lib/glusterd/vols/VOL/info). */
  glusterRecords?: Record<string, Observed<Record<string, Set<string>>>>;
}
