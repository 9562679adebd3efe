import type { BrickHealIndex } from "./heal.js";
import type { GuestSpec, NodeSpec, PackageUpgrade } from "./topology.js";

export type Power = "up" | "shutting-down" | "down" | "booting";
export type UnitState = "active" | "inactive" | "failed";
export type HaNodeStatus = "online" | "maintenance" | "unknown";

export interface NodeState {
  spec: NodeSpec;
  power: Power;
  bootId: string;
  /** Model ms when the node last finished booting (for `uptime`). */
  upSince: number;
  /** Model ms when the node last went down; null while it runs. */
  downSince: number | null;
  /** Joined to the corosync cluster and pmxcfs (what makes it `online` in the API). */
  clusterJoined: boolean;
  runningKernel: string;
  installedKernels: string[];
  pending: PackageUpgrade[];
  pveVersion: string;
  privateNetworkUp: boolean;
  glusterdUp: boolean;
  brickUp: boolean;
  brickPid: number;
  brickPort: number;
  shdPid: number;
  units: Map<string, UnitState>;
  /** The maintenance request given with `ha-manager crm-command node-maintenance`. */
  maintenanceRequested: boolean;
  /** What the HA manager reports once the LRM has picked the request up. */
  haStatus: HaNodeStatus;
  dpkgBusy: boolean;
  dpkgInterrupted: boolean;
  /** `/run/reboot-required` exists (written by packages that ship `reboot-notifier` hooks). */
  rebootRequiredFile: boolean;
  /** /etc/apt/sources.list and /etc/apt/sources.list.d/*: path → content (apt-files.ts). */
  aptFiles: Map<string, string>;
  /** The suite whose package lists the last successful `apt-get update` fetched for the PVE repositories. */
  aptLists: "bookworm" | "trixie";
  /** The FUSE mount of the Gluster volume at /mnt/pve/<volume>, as the kernel lists it; null while unmounted. */
  glusterMount: { source: string } | null;
  /** The pve-ha-lrm's own state (pve-ha-manager src/PVE/HA/LRM.pm): it holds the agent lock only while it has services. */
  lrmState: "wait_for_agent_lock" | "active";
  /** The LRM's mode: maintenance once it has read the CRM's node_request (kept across a reboot). */
  lrmMode: "active" | "maintenance";
  /** Model ms the LRM last had an active service (it gives the lock back after 60 idle rounds). */
  lrmBusyAt: number | null;
}

export type GuestStatus = "running" | "stopped";

export interface GuestState {
  spec: GuestSpec;
  node: string;
  status: GuestStatus;
  /** QEMU's own view; a paused VM has status running but qmpstatus paused. */
  qmpStatus: "running" | "paused" | "stopped";
  startedAt: number;
  lock: "migrate" | "backup" | null;
  haState: "started" | "migrate" | "stopped" | "freeze" | "error";
  /** The node HA moved it away from for maintenance (sd->{maintenance_node}): HA's placement may send it back. */
  maintenanceFallback: string | null;
  /** While haState is migrate: where to. */
  migrateTarget: string | null;
  /** The status pvestatd last broadcast for it, kept by pmxcfs for a while after its node went away. */
  lastBroadcast: GuestStatus;
  /** Restart when its node boots again (onboot / HA started). */
  restartOnBoot: boolean;
  /**
   * A VM's QEMU and machine type: the machine is pinned when it starts, to the newest of its node's
   * QEMU, and kept by a live migration, which only changes the QEMU it runs on (qemu-server
   * src/PVE/QemuServer/Machine.pm get_vm_machine, src/PVE/QemuMigrate.pm forcemachine). Null for containers.
   */
  qemu: { version: string; machine: string } | null;
}

export interface TaskState {
  upid: string;
  node: string;
  type: string;
  id: string;
  user: string;
  pid: number;
  pstart: number;
  starttime: number;
  status: "running" | "stopped";
  exitstatus: string | null;
  endtime: number | null;
  log: string[];
}

/** A backup archive on a storage, as vzdump left it (pve-storage src/PVE/Storage/Plugin.pm list_volumes). */
export interface BackupVolume {
  storage: string;
  /** The node whose disk holds it: a node-local storage (local) lists only its own. */
  node: string;
  volid: string;
  format: string;
  subtype: "qemu" | "lxc";
  vmid: number;
  /** From the archive's name, the backup's start (seconds since the epoch). */
  ctime: number;
  size: number;
  notes: string | null;
}

export interface VolumeState {
  name: string;
  id: string;
  brickPath: string;
  status: "Started";
  /** Arbiter bricks per replica set (0, or 1 for `replica 2 arbiter 1`: the last brick). */
  arbiterCount: number;
  /** Each brick's heal index, keyed by the brick's node, in brick (volfile) order. */
  heal: Map<string, BrickHealIndex>;
  /**
   * Each brick's glusterfsd, where it is not its node's `brickPort`/`brickPid` (those are the first
   * volume's): without brick multiplexing every brick is a process with a port of its own
   * (gluster/glusterfs xlators/mgmt/glusterd/src/glusterd-pmap.c pmap_assign_port). Null for the first volume.
   */
  brickProcesses: Map<string, { port: number; pid: number }> | null;
}
