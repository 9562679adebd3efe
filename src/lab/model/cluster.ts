// The one model behind the lab's API and SSH servers: nodes with kernels, packages and boot ids;
// guests that run, migrate and stop; a replica-3 volume whose bricks collect heal entries while a
// brick is away, FUSE-mounted on every node (arbiter-volume: a replica 2 + arbiter one beside it); the HA stack (a CRM that works in rounds and places
// services by the release's groups or rules); quorum; the replicated /etc/pve. Time is model time
// (see ../clock.ts).

import { EventEmitter } from "node:events";
import { randomUUID } from "node:crypto";
import type { LabClock } from "../clock.js";
import type { Faults, StrikePoint } from "./scenarios.js";
import { arbiterVolumeSpec, type Topology, type NodeSpec, type PackageUpgrade, type VolumeSpec } from "./topology.js";
import type { BackupVolume, GuestState, NodeState, TaskState, VolumeState, UnitState } from "./state.js";
import { EntryNames, drain, emptyIndex, pendingCount, recordWrites } from "./heal.js";
import { LabRecord } from "./record.js";
import { CFS_LOCK_TIMEOUT_MS, Pmxcfs } from "./pmxcfs.js";
import { haConfigFor, migrateGroupsToRules, selectServiceNode, sidOf, type HaConfig, type ServicePlacement } from "./ha.js";
import { releaseOf, releaseProfile, type PveRelease, type ReleaseProfile } from "./releases.js";
import { initialAptFiles } from "./apt-files.js";
import type { UserConfig } from "../pve/acl.js";
import { newestKernel } from "../../util/kernel-version.js";
import { compareQemu, machineVersion, qemuVersion } from "../../pve/qemu-version.js";

/** An error the PVE API answers with: HTTP status, the reason pveproxy puts in the status line, and per-parameter `errors`. */
export class LabApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: Record<string, string>,
  ) {
    super(message);
  }
}

/** pve-common src/PVE/Exception.pm raise_param_exc: 400 "Parameter verification failed.", the reasons only in `errors`. */
export function parameterError(errors: Record<string, string>): LabApiError {
  return new LabApiError(400, "Parameter verification failed.", errors);
}

/** Durations of a real cluster, in model milliseconds. */
export const timings = {
  shutdown: 5_000,
  boot: 40_000,
  clusterJoinAfterBoot: 3_000,
  glusterAfterBoot: 4_000,
  guestsStartAfterBoot: 8_000,
  agentStartsAfterGuest: 5_000,
  /** The LRM's loop picks up a maintenance request the CRM wrote. */
  maintenancePickup: 2_000,
  migration: 10_000,
  containerRestartMigration: 6_000,
  guestShutdown: 4_000,
  guestStart: 3_000,
  aptUpdate: 3_000,
  distUpgrade: 20_000,
  /** vzdump of one guest (a router's 32 GiB disk to a local zstd archive). */
  backupPerGuest: 20_000,
  /** A migration to a node that is down fails once its SSH connection test gives up. */
  sshConnectFails: 3_000,
  /** A powered-off peer keeps reading `Connected` until glusterd's ping timeout notices. */
  peerStaleAfterDown: 30_000,
  writesPerSecondWhileDegraded: 5,
  // pve-ha-manager src/PVE/HA/CRM.pm work: an active CRM works in rounds of max_time 10 s; one
  // waiting for the manager lock sleeps 5 s; with nothing to manage it goes idle after 90 rounds.
  crmRound: 10_000,
  crmWait: 5_000,
  crmMaxIdleRounds: 90,
  // pve-ha-manager src/PVE/HA/LRM.pm: an LRM without services gives its lock back after 60 rounds of 10 s.
  lrmIdle: 600_000,
  // pve-cluster src/pmxcfs/status.c rrd_entry_is_old: status broadcasts are dropped after 5 minutes.
  rrdExpiry: 300_000,
} as const;

/** Power (node-down/-up) and the network between rollgate's machine and a node (link-down/-up). */
export type LabEvent = "node-down" | "node-up" | "link-down" | "link-up";

export interface LabClusterOptions {
  /** Model ms after which an unchanged pmxcfs lock expires (120 s, as pmxcfs, unless the lab stretches it). */
  pmxcfsLockTimeoutMs?: number;
}

/** The commands `ha-manager crm-command` and the HA API queue for the CRM (/etc/pve/ha/crm_commands). */
type CrmCommand =
  | { kind: "maintenance"; node: string; enable: boolean }
  | { kind: "migrate"; vmid: number; target: string }
  | { kind: "stop"; vmid: number };

/** The CRM master's view, written to /etc/pve/ha/manager_status. */
export interface CrmState {
  /** The node holding the HA manager lock; null while every CRM waits (idle, or the lock not yet free). */
  master: string | null;
  /** The master manager_status names: the last one that wrote it. */
  statusMaster: string | null;
  /** manager_status exists: some CRM was active once. */
  written: boolean;
  /** Model ms of the master's last write. */
  writtenAt: number | null;
  idleRounds: number;
  commands: CrmCommand[];
  /** node_request maintenance, as the CRM recorded the command. */
  maintenanceRequests: Set<string>;
  /** The services in service_status. */
  known: Set<string>;
  /** Requested state per service (resources.cfg `state`). */
  requested: Map<string, "started" | "stopped">;
  /** No CRM can become master before this (the previous master's lock has not expired). */
  lockedUntil: number;
}

export class LabCluster extends EventEmitter<{ [K in LabEvent]: [node: string] }> {
  readonly nodes = new Map<string, NodeState>();
  readonly guests = new Map<number, GuestState>();
  readonly tasks = new Map<string, TaskState>();
  readonly backups: BackupVolume[] = [];
  /** The volume the guests' disks are on (the PVE storage, FUSE-mounted on every node). */
  readonly volume: VolumeState;
  /** Every volume of the pool, the first one first (arbiter-volume adds a second). */
  readonly volumes: readonly VolumeState[];
  readonly record: LabRecord;
  /** /etc/pve, one tree for every node. */
  readonly pmxcfs: Pmxcfs;
  readonly entryNames: EntryNames;
  /**
   * The Gluster volume is mounted from /etc/fstab and PVE uses it as a `dir` storage (PVE 9, or a
   * PVE 8 cluster converted for the major upgrade); otherwise PVE 8's glusterfs storage mounts it.
   */
  readonly storageOnFstab: boolean;
  /** The Gluster pool's cluster.op-version: a new pool starts at its glusterd's maximum (glusterd-store.c), an upgraded one keeps its old one until raised. */
  glusterOpVersion: number;
  /** peer-rejected-after-upgrade: the node its peers (and it, them) see as "Peer Rejected" until its glusterd restarts. */
  rejectedPeer: string | null = null;
  private peerRejectionStruck = false;
  /** pve-ha-manager src/PVE/HA/Manager.pm new: group_migration_round starts at 3, "wait a little bit". */
  private groupMigrationRound = 3;
  /** /etc/pve/ha: resources, PVE 8's groups, PVE 9's rules. */
  readonly ha: HaConfig;
  /** /etc/pve/user.cfg: the API's access checks (pve/access.ts) and pve8to9's role check read the same one. */
  readonly userConfig: UserConfig = { roles: {}, users: {}, groups: {}, tokens: {} };
  readonly crm: CrmState;
  private lastAdvance = 0;
  /** Per volume, the node whose brick was away last, and the drain rate its heal duration gives (healDurationsMs). */
  private readonly lastAway = new Map<string, string>();
  private readonly drainRates = new Map<string, number>();
  private nextPid = 0x2f00;
  /** The node the scenario's faults strike: as configured, else the first one rollgate acts on. */
  private faultNode: string | null;
  private apiRequests = 0;
  private apiResets = 0;
  /** When the fault node reached the strike point (api-flaky's mid-node window starts there). */
  private struckAt: number | null = null;
  /** Nodes whose power a timed fault cut, until they have rejoined the cluster. */
  private readonly faultCut = new Map<string, number>();
  /** ssh-drop-during-apt strikes one dist-upgrade only, so the repaired node can be upgraded. */
  private sshDropStruck = false;
  /** Nodes going down by a reboot command, not a power cut: their SSH sessions close before the power goes (power-switch.ts). */
  private readonly orderlyShutdowns = new Set<string>();
  /** Packages dpkg unpacked but did not configure before it was interrupted, per node. */
  private readonly unconfigured = new Map<string, PackageUpgrade[]>();
  /** glusterd's mgmt_v3 volume locks: the model ms each volume's lock is held until. */
  private readonly glusterLocks = new Map<string, number>();

  constructor(
    readonly topology: Topology,
    readonly faults: Faults,
    readonly clock: LabClock,
    options: LabClusterOptions = {},
  ) {
    super();
    this.faultNode = faults.faultNode;
    this.storageOnFstab = topology.release === "9.1" || (faults.readyFor9 && !faults.glusterfsStorageKept);
    this.glusterOpVersion = releaseProfile(topology.release).glusterMaxOpVersion;
    this.record = new LabRecord(() => clock.now());
    // pve-cluster src/pmxcfs/dcdb.c: a node outside the quorate partition takes no writes.
    this.pmxcfs = new Pmxcfs({
      modelNow: () => clock.now(),
      lockTimeoutMs: options.pmxcfsLockTimeoutMs ?? CFS_LOCK_TIMEOUT_MS,
      writable: (node) => this.isOnline(node) && this.quorate(),
    });
    this.ha = haConfigFor(topology, faults);
    const haSids = new Set(this.ha.resources.map((r) => r.sid));
    const routersHome = topology.nodes[0]!.name;
    const routers = new Set(topology.critical.flatMap((group) => group.vms));
    for (const spec of topology.guests) {
      const node = faults.routersOnOneNode && routers.has(spec.vmid) ? routersHome : spec.node;
      this.guests.set(spec.vmid, {
        spec: { ...spec, haManaged: haSids.has(sidOf(spec)) },
        node,
        status: "running",
        qmpStatus: "running",
        startedAt: -3_600_000,
        lock: null,
        haState: "started",
        maintenanceFallback: null,
        migrateTarget: null,
        lastBroadcast: "running",
        restartOnBoot: true,
        qemu: spec.type === "qemu" ? { ...releaseProfile(topology.release).qemu } : null,
      });
    }
    for (const spec of topology.nodes) this.nodes.set(spec.name, this.freshNode(spec));
    // all-bricks-down: posix_init refuses a brick without its volume-id xattr (a brick filesystem not mounted);
    // server-quorum-lost: the storage switch lost power, so every glusterd is alone.
    for (const node of this.nodes.values()) {
      if (faults.allBricksDown) node.brickUp = false;
      if (faults.storageNetworkDown) node.privateNetworkUp = false;
    }
    this.entryNames = new EntryNames(
      topology.guests.filter((g) => g.type === "qemu").map((g) => `/images/${g.vmid}/vm-${g.vmid}-disk-0.raw`),
    );
    this.volume = {
      name: topology.volume.name,
      id: topology.volume.id,
      brickPath: topology.volume.brickPath,
      status: "Started",
      arbiterCount: 0,
      heal: new Map(topology.nodes.map((n) => [n.name, emptyIndex()])),
      brickProcesses: null,
    };
    this.volumes = [this.volume, ...(faults.arbiterVolume ? [this.volumeFrom(arbiterVolumeSpec(topology), 1)] : [])];
    if (faults.splitBrain) {
      const [first, second] = topology.nodes;
      for (const node of [first!, second!]) {
        this.volume.heal.get(node.name)!.splitBrain.push("/images/101/vm-101-disk-0.raw", `<gfid:${randomUUID()}>`);
      }
    }
    for (const node of this.nodes.values()) node.glusterMount = this.mountAttempt(node.spec.name);
    const unprocessed = faults.haStateNullFor === null ? null : `vm:${faults.haStateNullFor}`;
    const active = this.ha.resources.length > 0;
    this.crm = {
      master: active && unprocessed === null ? topology.nodes[0]!.name : null,
      statusMaster: active ? topology.nodes[0]!.name : null,
      written: active,
      writtenAt: active ? 0 : null,
      idleRounds: 0,
      commands: [],
      maintenanceRequests: new Set(),
      known: new Set(this.ha.resources.map((r) => r.sid).filter((sid) => sid !== unprocessed)),
      requested: new Map(this.ha.resources.map((r) => [r.sid, "started"])),
      // The master's pve-ha-crm died just before the resource was added: its lock runs out after
      // pmxcfs' 120 s (pve-cluster src/pmxcfs/memdb.c CFS_LOCK_TIMEOUT), then another CRM takes over.
      lockedUntil: unprocessed === null ? 0 : CFS_LOCK_TIMEOUT_MS,
    };
    for (const node of this.nodes.values()) this.updateLrm(node);
    for (const { vmid, forMs } of faults.backupLocks) this.startBackup(vmid, forMs);
    this.clock.after(this.crm.master ? timings.crmRound : timings.crmWait, () => this.crmLoop());
  }

  private freshNode(spec: NodeSpec): NodeState {
    const t = this.topology;
    // ready-for-9: the minor upgrade was installed and its kernel booted.
    const updated = this.faults.readyFor9;
    const installedKernels = updated ? [...t.installedKernels, t.pendingKernel] : [...t.installedKernels];
    return {
      spec,
      power: "up",
      bootId: randomUUID(),
      upSince: -86_400_000 * 30,
      downSince: null,
      clusterJoined: true,
      runningKernel: updated ? t.pendingKernel : t.runningKernel,
      installedKernels,
      pending: updated ? [] : [...t.pendingPackages],
      pveVersion: updated ? t.pveVersion.to : t.pveVersion.from,
      privateNetworkUp: true,
      glusterdUp: true,
      brickUp: true,
      brickPid: this.allocatePid(),
      brickPort: 49152 + spec.nodeId,
      shdPid: this.allocatePid(),
      units: new Map([...t.systemUnits, ...(t.service.node === spec.name ? [t.service.unit] : [])].map((u) => [u, "active"])),
      maintenanceRequested: false,
      haStatus: "online",
      dpkgBusy: false,
      dpkgInterrupted: false,
      rebootRequiredFile: false,
      aptFiles: initialAptFiles(t.release, this.faults.enterpriseRepo401),
      aptLists: releaseProfile(t.release).codename,
      glusterMount: null,
      lrmState: "wait_for_agent_lock",
      lrmMode: "active",
      lrmBusyAt: null,
    };
  }

  /** A volume beyond the first: each of its bricks a glusterfsd of its own, with its own port and pid. */
  private volumeFrom(spec: VolumeSpec, index: number): VolumeState {
    return {
      name: spec.name,
      id: spec.id,
      brickPath: spec.brickPath,
      status: "Started",
      arbiterCount: spec.arbiterCount,
      heal: new Map(spec.nodes.map((n) => [n, emptyIndex()])),
      brickProcesses: new Map(spec.nodes.map((n) => [n, { port: 49152 + 16 * index + this.node(n).spec.nodeId, pid: this.allocatePid() }])),
    };
  }

  private allocatePid(): number {
    this.nextPid += 1 + (this.nextPid % 7);
    return this.nextPid;
  }

  // ---- reading ---------------------------------------------------------------------------

  node(name: string): NodeState {
    const node = this.nodes.get(name);
    if (!node) throw new LabApiError(500, `no such node '${name}'`);
    return node;
  }

  nodeByAddress(address: string): NodeState | undefined {
    return [...this.nodes.values()].find((n) => n.spec.address === address || n.spec.privateAddress === address);
  }

  isUp(name: string): boolean {
    return this.nodes.get(name)?.power === "up";
  }

  /** A node is in the API's cluster view once it runs and has rejoined corosync. */
  isOnline(name: string): boolean {
    const node = this.nodes.get(name);
    return node !== undefined && node.power === "up" && node.clusterJoined && !this.faults.quorumLost;
  }

  quorate(): boolean {
    const online = [...this.nodes.keys()].filter((n) => this.isOnline(n)).length;
    return online * 2 > this.nodes.size;
  }

  /** Bricks take writes only when their node runs, the brick process runs and the private network carries the traffic. */
  brickAvailable(name: string): boolean {
    const node = this.node(name);
    // A rejected peer's bricks get no volfile from the pool: clients cannot reach them (glusterdocs troubleshooting-glusterd.md).
    return (
      node.power === "up" &&
      node.brickUp &&
      node.glusterdUp &&
      node.privateNetworkUp &&
      this.serverQuorumMet(name) &&
      this.rejectedPeer !== name
    );
  }

  /**
   * With server quorum enforced, a glusterd that sees no more than half of the pool (itself and the
   * peers that answer) stops its bricks (glusterfs glusterd-server-quorum.c does_quorum_meet:
   * active >= total * 50 / 100 + 1).
   */
  serverQuorumMet(name: string): boolean {
    if (!this.faults.serverQuorum) return true;
    const active = [...this.nodes.keys()].filter((other) => this.glusterdAnswers(name, other)).length;
    return active >= Math.floor((this.nodes.size * 50) / 100) + 1;
  }

  /** The node's self-heal daemon runs: glusterd started it, and under shd-down the last node's has died (log: glustershd.log). */
  shdRuns(name: string): boolean {
    const node = this.node(name);
    const dead = this.faults.shdDown && name === this.topology.nodes[this.topology.nodes.length - 1]!.name;
    return node.power === "up" && node.glusterdUp && !dead;
  }

  /** Whether another command holds glusterd's lock on `volume` (the lock is cluster-wide: every peer takes it). */
  glusterVolumeLocked(volume: string): boolean {
    return (this.glusterLocks.get(volume) ?? 0) > this.clock.now();
  }

  /** A glusterd transaction takes the volume lock; a peer that never answers keeps it until its timer (glusterd-locks.c). */
  holdGlusterVolumeLock(volume: string, forMs: number): void {
    this.glusterLocks.set(volume, this.clock.now() + forMs);
  }

  /** Can `from` reach `to` over the private network? */
  privateReachable(from: string, to: string): boolean {
    const a = this.node(from);
    const b = this.node(to);
    return a.power === "up" && b.power === "up" && a.privateNetworkUp && b.privateNetworkUp;
  }

  /** Does `server`'s glusterd answer `client` (the volfile fetch of a mount, the TCP ping to 24007)? */
  glusterdAnswers(client: string, server: string): boolean {
    const s = this.nodes.get(server);
    if (!s || s.power !== "up" || !s.glusterdUp) return false;
    return client === server || this.privateReachable(client, server);
  }

  unitState(node: string, unit: string): UnitState | "unknown" {
    return this.node(node).units.get(unit) ?? "unknown";
  }

  guest(vmid: number): GuestState {
    const guest = this.guests.get(vmid);
    if (!guest) throw new LabApiError(500, `Configuration file 'nodes/*/qemu-server/${vmid}.conf' does not exist`);
    return guest;
  }

  guestHealthy(guest: GuestState): boolean {
    return guest.status === "running" && guest.qmpStatus === "running" && this.isUp(guest.node);
  }

  agentAnswers(guest: GuestState): boolean {
    return guest.spec.agent && this.guestHealthy(guest) && this.clock.now() - guest.startedAt >= timings.agentStartsAfterGuest;
  }

  /**
   * A guest's status in /cluster/resources: pvestatd's broadcasts, which pmxcfs keeps for up to 5
   * minutes after its node stopped sending them, then "unknown" (pve-manager PVE/API2Tools.pm
   * extract_vm_stats without an RRD entry).
   */
  broadcastStatus(guest: GuestState): GuestState["status"] | "unknown" {
    if (this.isOnline(guest.node)) return guest.status;
    const node = this.node(guest.node);
    if (this.faults.quorumLost || node.downSince === null) return "unknown";
    return this.clock.now() - node.downSince <= timings.rrdExpiry ? guest.lastBroadcast : "unknown";
  }

  /** Whether a node's storage status is still broadcast (the same 5 minutes for storages and node stats). */
  broadcastFresh(name: string): boolean {
    if (this.isOnline(name)) return true;
    const node = this.node(name);
    return !this.faults.quorumLost && node.downSince !== null && this.clock.now() - node.downSince <= timings.rrdExpiry;
  }

  /** The storage a guest's disk lies on. */
  guestStorage(guest: GuestState): string {
    return this.faults.storageRestrictedNodes && guest.spec.vmid === restrictedGuest ? restrictedStorage.storage : this.volume.name;
  }

  /** The nodes a storage is restricted to (storage.cfg `nodes`), or null for all. */
  storageNodes(storage: string): string[] | null {
    if (storage !== restrictedStorage.storage) return null;
    const [first, , third] = this.topology.nodes;
    return [first!.name, third!.name];
  }

  /** Under task-warnings every VM is OVMF without an EFI disk, so its start warns (qemu-server src/PVE/QemuServer/OVMF.pm). */
  startWarnings(guest: GuestState): string[] {
    return this.faults.taskWarnings && guest.spec.type === "qemu" ? ["no efidisk configured! Using temporary efivars disk."] : [];
  }

  /** Out of service: not running, not back in the cluster, in maintenance, or with dpkg at work. */
  outOfServiceNodes(): string[] {
    return [...this.nodes.values()]
      .filter((n) => n.power !== "up" || !n.clusterJoined || n.maintenanceRequested || n.dpkgBusy || n.dpkgInterrupted)
      .map((n) => n.spec.name);
  }

  /** Brings the continuous processes (writes while degraded, heal drain) up to now. */
  advance(): void {
    const now = this.clock.now();
    const seconds = (now - this.lastAdvance) / 1000;
    this.lastAdvance = now;
    if (seconds <= 0) return;
    for (const volume of this.volumes) {
      // A volume's bricks share their node's fate; each volume heals as soon as all of its own are back.
      const names = [...volume.heal.keys()];
      const available = names.filter((n) => this.brickAvailable(n));
      if (available.length < names.length) {
        this.lastAway.set(
          volume.name,
          names.find((n) => !available.includes(n))!,
        );
        this.drainRates.delete(volume.name);
        // An arbiter indexes the writes like a data brick: it holds every file's metadata (glusterdocs arbiter-volumes-and-quorum.md).
        for (const n of available) recordWrites(volume.heal.get(n)!, timings.writesPerSecondWhileDegraded * seconds);
        continue;
      }
      const listed = () => names.some((n) => pendingCount(volume.heal.get(n)!) > 0);
      const wasListed = listed();
      if (wasListed) this.record.busyFrom("heal", volume.name, now - seconds * 1000);
      const backlog = Math.max(...names.map((n) => volume.heal.get(n)!.pending));
      const rate = this.healRate(volume, backlog);
      // Each self-heal daemon crawls the index of its own node's brick only (afr-self-heald.c afr_shd_is_subvol_local).
      for (const n of names) if (this.shdRuns(n)) drain(volume.heal.get(n)!, rate * seconds);
      // heal info lists whole entries: the last one leaves the list when less than one is left.
      if (wasListed && !listed()) {
        const healedAt = now - seconds * 1000 + ((backlog - 1) / rate) * 1000;
        this.record.milestone(`${volume.name} healed`, healedAt);
        this.record.busyUntil("heal", volume.name, healedAt);
      }
    }
  }

  /** Entries per second the heal drains: the scenario's rate, or the rate that ends this backlog in its node's heal duration. */
  private healRate(volume: VolumeState, backlog: number): number {
    const durations = this.faults.healDurationsMs;
    const away = this.lastAway.get(volume.name);
    if (durations === null || away === undefined) return this.faults.healRatePerSecond;
    let rate = this.drainRates.get(volume.name);
    if (rate === undefined) {
      rate = backlog / ((durations[away] ?? 1_000) / 1000);
      this.drainRates.set(volume.name, rate);
    }
    return rate;
  }

  /** The release `name`'s installed pve-manager belongs to: a node of an 8.4 lab runs 9.1 once its major upgrade is installed. */
  releaseOf(name: string): PveRelease {
    return releaseOf(this.node(name).pveVersion);
  }

  profileOf(name: string): ReleaseProfile {
    return releaseProfile(this.releaseOf(name));
  }

  /**
   * Whether `name`'s glusterd keeps `nfs.disable=on` in its record of each volume: 10.x writes it at
   * volume create and keeps it; Debian's 11.1, built without gNFS, drops it whenever its glusterd
   * starts (glusterfs xlators/mgmt/glusterd/src/glusterd-store.c _storeopts; docs/domain/major-upgrade.md,
   * "Peer Rejected"). An admin preparing for 9 removed it from every record.
   */
  gnfsOptionInRecord(name: string): boolean {
    return this.profileOf(name).glusterfs === "10.3" && !this.faults.readyFor9;
  }

  /** The volume called `name`, if the pool has it. */
  glusterVolume(name: string): VolumeState | undefined {
    return this.volumes.find((v) => v.name === name);
  }

  /**
   * A client writes `files` files to `volume` while `away`'s brick of it cannot be reached (its
   * glusterfsd killed alone, say): every other brick of the volume indexes them, an arbiter
   * included; the self-heal daemons drain them as usual once every brick is back.
   */
  writeWhileBrickAway(volume: string, away: string, files: number): void {
    const state = this.glusterVolume(volume);
    if (!state?.heal.has(away)) throw new RangeError(`${away} holds no brick of volume ${volume}`);
    this.advance();
    for (const [n, index] of state.heal) if (n !== away && this.brickAvailable(n)) recordWrites(index, files);
  }

  get apiRequestCount(): number {
    return this.apiRequests;
  }

  /** API requests api-flaky's mid-node window answered with a reset. */
  get apiResetCount(): number {
    return this.apiResets;
  }

  /**
   * Counts every API request; a flaky API fails some of them (500, slow), and within api-flaky's
   * mid-node window the first node's API resets every connection it is asked on.
   */
  nextApiRequest(via: string): { fail: boolean; slowMs: number; reset: boolean } {
    this.apiRequests += 1;
    const window = this.faults.apiResetsForMs;
    const since = this.struckAt === null ? null : this.clock.now() - this.struckAt;
    const inWindow = window !== null && since !== null && since < window;
    const reset = inWindow && via === this.topology.nodes[0]!.name;
    if (reset) this.apiResets += 1;
    if (!this.faults.apiFlaky || (this.faults.strikeAt !== null && !inWindow)) return { fail: false, slowMs: 0, reset };
    const phase = this.apiRequests % 4;
    return { fail: phase === 1, slowMs: phase === 3 ? 1_500 : 0, reset };
  }

  // ---- changes (each recorded with its source) --------------------------------------------

  private changed(): void {
    for (const [name, cutAt] of this.faultCut) {
      const node = this.node(name);
      if (node.power === "up" && node.clusterJoined && (node.upSince ?? -1) > cutAt) this.faultCut.delete(name);
    }
    const cut = new Set(this.faultCut.keys());
    this.record.outOfService(this.outOfServiceNodes(), cut);
    for (const group of this.topology.critical) {
      const members = group.vms.map((vmid) => this.guests.get(vmid)).filter((g): g is GuestState => g !== undefined);
      const healthy = members.filter((g) => this.guestHealthy(g));
      const detail = members.map((g) => `${g.spec.vmid}@${g.node}:${this.guestHealthy(g) ? "healthy" : g.status}`).join(", ");
      this.record.criticalHealth(group.group, healthy.length, group.minHealthy, detail, cut);
    }
  }

  /** Applies a change at the current model time, keeping the continuous processes consistent. */
  private change(fn: () => void): void {
    this.advance();
    fn();
    this.changed();
  }

  private faultStrikes(node: string): boolean {
    return this.faultNode === node;
  }

  /**
   * `node` reached `point` of its upgrade. The first node rollgate acts on becomes the fault node
   * unless one was chosen; when the fault node reaches the strike point, the timed faults begin.
   */
  private reached(node: string, point: StrikePoint): void {
    this.faultNode ??= node;
    if (this.struckAt !== null || node !== this.faultNode || point !== (this.faults.strikeAt ?? "take-down")) return;
    this.struckAt = this.clock.now();
    if (this.faults.peerPowerCycle) {
      const names = this.topology.nodes.map((n) => n.name);
      const peer = names[(names.indexOf(node) + 1) % names.length]!;
      this.record.fault(`power cut on ${peer} (${point} of ${node})`);
      this.faultCut.set(peer, this.clock.now());
      this.powerCycle(peer);
    }
  }

  /**
   * The network between rollgate's machine and `name` fails for `forMs` (a switch port, a cable,
   * a firewall reload): the node runs on and keeps its cluster links; only its API and SSH are
   * out of reach from outside.
   */
  cutManagementLink(name: string, forMs: number): void {
    this.record.fault(`management link of ${name} down for ${forMs / 1000} s`);
    this.emit("link-down", name);
    this.clock.after(forMs, () => this.emit("link-up", name));
  }

  reboot(name: string, source: string): void {
    this.record.mutation(source, `reboot ${name}`);
    this.record.busyFrom("reboot", name);
    this.tookDown(name, "reboot", source);
    if (this.node(name).power === "up") this.orderlyShutdowns.add(name);
    this.powerCycle(name);
  }

  /**
   * What made taking `name` out of service unsafe at this moment: another node out of service or
   * its brick away, heal entries or split-brain on any brick, no quorum, and (for a reboot) guests
   * still running on it. The safety contract says this list stays empty.
   */
  private tookDown(name: string, how: "maintenance" | "dist-upgrade" | "reboot", source: string): void {
    this.advance();
    const unsafe: string[] = [];
    for (const node of this.nodes.values()) {
      const other = node.spec.name;
      if (other === name) continue;
      if (node.power !== "up") unsafe.push(`${other} is ${node.power}`);
      else if (!node.clusterJoined) unsafe.push(`${other} has not rejoined the cluster`);
      else if (!this.brickAvailable(other)) unsafe.push(`${other}'s brick is unavailable`);
      if (node.maintenanceRequested) unsafe.push(`${other} is in maintenance`);
      if (node.dpkgBusy || node.dpkgInterrupted) unsafe.push(`${other} has dpkg at work`);
    }
    for (const volume of this.volumes) {
      const brick = volume === this.volume ? "brick" : `${volume.name} brick`;
      for (const [node, index] of volume.heal) {
        if (Math.floor(index.pending) > 0) unsafe.push(`${node}'s ${brick} has ${Math.floor(index.pending)} heal entries`);
        if (index.splitBrain.length > 0) unsafe.push(`${node}'s ${brick} has entries in split-brain`);
      }
    }
    if (!this.quorate()) unsafe.push("the cluster is not quorate");
    if (how === "reboot") {
      for (const guest of this.guests.values())
        if (guest.node === name && guest.status === "running") unsafe.push(`${guest.spec.vmid} (${guest.spec.name}) still runs on ${name}`);
    }
    this.record.takeDown(source, name, how, unsafe);
    this.reached(name, "take-down");
  }

  /** How `name` went down: in order (a reboot command), or by a power cut (powerCycle called alone). */
  shutdownOf(name: string): "orderly" | "power-cut" {
    return this.orderlyShutdowns.has(name) ? "orderly" : "power-cut";
  }

  /** ssh-silent, ssh-resets: what the fault node's sshd does with a new connection; null: it serves it. */
  sshFaultOn(name: string): "silent" | "reset" | null {
    if (name !== this.faultNode) return null;
    if (this.faults.sshSilent) return "silent";
    return this.faults.sshResets ? "reset" : null;
  }

  /** A reboot or power cut; the scenario's faults strike the first node this happens to, unless rollgate acted on another before. */
  powerCycle(name: string): void {
    const node = this.node(name);
    if (node.power !== "up") return;
    this.faultNode ??= name;
    this.change(() => {
      node.power = "shutting-down";
      for (const guest of this.guests.values()) {
        if (guest.node !== name || guest.status !== "running") continue;
        // PVE's default HA shutdown policy (conditional) freezes HA guests in place on reboot.
        guest.status = "stopped";
        guest.qmpStatus = "stopped";
        guest.restartOnBoot = true;
        if (guest.spec.haManaged) guest.haState = "freeze";
      }
    });
    this.clock.after(timings.shutdown, () => this.powerOff(name));
  }

  /**
   * An out-of-band power cycle (IPMI `chassis power cycle`, a PDU outlet): the power goes off at once,
   * without a shutdown, and the node boots cold. A node hung in its reboot (node-never-returns) comes
   * back this way; the lab's fault is a hang, not a broken machine.
   */
  outOfBandPowerCycle(name: string, source: string): void {
    const node = this.node(name);
    this.record.mutation(source, `power cycle ${name} (out of band)`);
    if (node.power === "up" || node.power === "shutting-down") {
      this.faultNode ??= name;
      this.powerOff(name, { boot: false });
    }
    if (node.power === "down") this.clock.after(timings.boot, () => this.bootUp(name));
  }

  private powerOff(name: string, { boot = true }: { boot?: boolean } = {}): void {
    const node = this.node(name);
    this.change(() => {
      for (const guest of this.guests.values()) if (guest.node === name) guest.lastBroadcast = guest.status;
      node.power = "down";
      node.downSince = this.clock.now();
      node.clusterJoined = false;
      node.glusterdUp = false;
      node.brickUp = false;
      node.dpkgBusy = false;
      node.glusterMount = null;
      node.lrmState = "wait_for_agent_lock";
      node.lrmBusyAt = null;
      for (const unit of node.units.keys()) node.units.set(unit, "inactive");
    });
    this.emit("node-down", name);
    this.reached(name, "during-reboot");
    if (!boot || (this.faults.nodeNeverReturns && this.faultStrikes(name))) return;
    this.clock.after(timings.boot, () => this.bootUp(name));
  }

  private bootUp(name: string): void {
    const node = this.node(name);
    this.orderlyShutdowns.delete(name);
    const fault = this.faultStrikes(name);
    this.change(() => {
      node.power = "up";
      node.bootId = randomUUID();
      node.upSince = this.clock.now();
      node.downSince = null;
      node.runningKernel = newestKernel(node.installedKernels) ?? node.runningKernel;
      node.rebootRequiredFile = false;
      node.privateNetworkUp = !(fault && this.faults.privateNetworkStaysDown) && !this.faults.storageNetworkDown;
      for (const unit of node.units.keys()) {
        // The worker that was never restarted: it strikes the node that runs it, whenever it reboots.
        const stays = this.faults.serviceNotRestarted && unit === this.topology.service.unit;
        node.units.set(unit, stays ? "inactive" : "active");
      }
    });
    this.emit("node-up", name);
    this.clock.after(timings.clusterJoinAfterBoot, () =>
      this.change(() => {
        this.record.milestone(`${name} answers`);
        this.record.busyUntil("reboot", name);
        node.clusterJoined = true;
        // The LRM reads node_request again: a maintenance disabled while it was down ends now.
        node.lrmMode = this.crm.maintenanceRequests.has(name) ? "maintenance" : "active";
      }),
    );
    this.clock.after(timings.glusterAfterBoot, () =>
      this.change(() => {
        node.glusterdUp = true;
        const late = fault && this.faults.brickStartsLateMs > 0;
        node.brickUp = !(fault && this.faults.brickStaysDown) && !this.faults.allBricksDown && !late;
        // just-back: glusterd answers its peers before it has started the brick (glusterd-utils.c glusterd_restart_bricks).
        if (late) this.clock.after(this.faults.brickStartsLateMs, () => this.change(() => (node.brickUp = node.power === "up")));
        node.brickPid = this.allocatePid();
        node.shdPid = this.allocatePid();
        for (const volume of this.volumes) {
          const process = volume.brickProcesses?.get(name);
          if (process) process.pid = this.allocatePid();
        }
        // glusterdocs upgrade-to-11.md: an 11 glusterd's volume checksums differ from the 10.3 peers' (nfs options made optional).
        if (fault && this.faults.peerRejectedAfterUpgrade && !this.peerRejectionStruck && this.releaseOf(name) === "9.1") {
          this.peerRejectionStruck = true;
          this.rejectedPeer = name;
          this.record.fault(`${name} Peer Rejected after its upgrade to GlusterFS 11`);
        }
        // PVE 9: the fstab mount waits for glusterd (x-systemd.requires); PVE 8: pvestatd activates the storage.
        node.glusterMount = this.mountAttempt(name);
        if (fault && this.faults.healStallsWithEntriesLeft !== null) {
          for (const index of this.volumes.flatMap((v) => [...v.heal.values()])) {
            index.stalledFloor = Math.min(Math.floor(index.pending), this.faults.healStallsWithEntriesLeft);
          }
        }
      }),
    );
    this.clock.after(timings.glusterAfterBoot + Math.max(this.faults.brickStartsLateMs, 0), () => this.reached(name, "during-heal"));
    this.clock.after(timings.guestsStartAfterBoot, () =>
      this.change(() => {
        for (const guest of this.guests.values()) {
          if (guest.node !== name || guest.status === "running" || !guest.restartOnBoot) continue;
          // pve-manager's startall (onboot guests) and the LRM (HA guests) each start a guest as a task of its own.
          const upid = this.startTask(name, `${guest.spec.type === "qemu" ? "qm" : "vz"}start`, String(guest.spec.vmid), "root@pam");
          this.startGuestNow(guest);
          this.finishStart(upid, guest);
        }
      }),
    );
  }

  private startGuestNow(guest: GuestState): void {
    guest.status = "running";
    guest.qmpStatus = "running";
    guest.startedAt = this.clock.now();
    if (guest.spec.type === "qemu") guest.qemu = { ...this.profileOf(guest.node).qemu };
    if (guest.spec.haManaged) guest.haState = "started";
  }

  private finishStart(upid: string, guest: GuestState): void {
    const warnings = this.startWarnings(guest);
    const task = this.tasks.get(upid);
    if (task) task.log.push(...warnings.map((w) => `WARN: ${w}`));
    // pve-common src/PVE/RESTEnvironment.pm: a worker that logged warnings ends "TASK WARNINGS: N".
    this.finishTask(upid, warnings.length > 0 ? `WARNINGS: ${warnings.length}` : "OK");
  }

  // ---- the Gluster volume's FUSE mount -----------------------------------------------------

  /**
   * Mounting /mnt/pve/<volume> on `name`: the volfile comes from the first server whose glusterd
   * answers, else the mount fails. PVE 9 (fstab): `pve1:/gv0` with backup-volfile-servers, the
   * source naming the first server (glusterfs xlators/mount/fuse/src/fuse-bridge.c fsname). PVE 8:
   * the glusterfs storage plugin mounts `server:volume`, server2 if server's glusterd does not
   * answer (pve-storage src/PVE/Storage/GlusterfsPlugin.pm get_active_server, glusterfs_mount).
   */
  private mountAttempt(name: string): { source: string } | null {
    const spec = this.mountSpec();
    if (this.storageOnFstab) {
      return spec.servers.some((s) => this.glusterdAnswers(name, s)) ? { source: spec.source } : null;
    }
    const server = spec.servers.find((s) => this.glusterdAnswers(name, s));
    return server ? { source: `${server}:${this.volume.name}` } : null;
  }

  /** The mount every node is configured with: source and the volfile servers it tries, in order. */
  mountSpec(): { source: string; servers: string[]; backups: string[] } {
    const [first, second] = this.topology.nodes;
    if (!this.storageOnFstab) {
      const servers = [first!.name, ...(this.faults.storageWithoutServer2 ? [] : [second!.name])];
      return { source: `${first!.name}:${this.volume.name}`, servers, backups: [] };
    }
    const backups = this.faults.mountWithoutBackupVolfile ? [] : this.topology.nodes.slice(1).map((n) => n.name);
    return { source: `${first!.name}:/${this.volume.name}`, servers: [first!.name, ...backups], backups };
  }

  setGlusterOpVersion(to: number, source: string): void {
    this.record.mutation(source, `gluster volume set all cluster.op-version ${to}`);
    this.change(() => (this.glusterOpVersion = to));
  }

  triggerHeal(volume: string, source: string): void {
    this.record.mutation(source, `gluster volume heal ${volume}`);
  }

  // ---- apt ---------------------------------------------------------------------------------

  aptUpdate(name: string, source: string): void {
    this.record.refresh(source, `apt-get update on ${name}`);
  }

  /** A successful `apt-get update` fetched the PVE repositories' lists of `suite`. */
  aptListsFetched(name: string, suite: "bookworm" | "trixie"): void {
    this.change(() => (this.node(name).aptLists = suite));
  }

  /** What apt would install: the repository's minor upgrade, or the next major release's set once the lists are its suite. */
  pendingOn(name: string): PackageUpgrade[] {
    const node = this.node(name);
    const major = this.profileOf(name).majorUpgrade;
    if (!major || node.aptLists !== major.codename) return [...node.pending];
    return major.packages.map((p) => ({
      ...p,
      from: p.name === "pve-manager" ? node.pveVersion : (node.pending.find((q) => q.name === p.name)?.from ?? p.from),
    }));
  }

  beginDistUpgrade(name: string, source: string): void {
    this.record.mutation(source, `apt-get dist-upgrade on ${name}`);
    this.tookDown(name, "dist-upgrade", source);
    // Just after rollgate's decision, not before it: a fault at the same instant is no unsafe take-down.
    this.reached(name, "before-apt");
    this.change(() => (this.node(name).dpkgBusy = true));
    this.record.busyFrom("dist-upgrade", name);
  }

  /**
   * dpkg set up everything the dist-upgrade planned (`pendingOn`): after the major upgrade's set,
   * pve-manager 9 runs (its services restarted by the packages), the new kernel only after a reboot,
   * and the release's repository offers nothing more (its set is that snapshot's newest).
   */
  finishDistUpgrade(name: string, installed: PackageUpgrade[] = this.pendingOn(name)): void {
    const node = this.node(name);
    const major = node.aptLists === this.profileOf(name).majorUpgrade?.codename;
    this.record.busyUntil("dist-upgrade", name);
    this.change(() => {
      for (const pkg of installed) {
        if (pkg.kernel && !node.installedKernels.includes(pkg.kernel)) node.installedKernels.push(pkg.kernel);
        if (pkg.name === "pve-manager") node.pveVersion = pkg.to;
      }
      // What was not installed (an `apt-get install` of some packages) or was installed at an older
      // version than the repository's newest stays pending.
      node.pending = major
        ? []
        : node.pending.flatMap((p) => {
            const done = installed.find((i) => i.name === p.name);
            if (!done) return [p];
            const newest = this.newestOffered(p);
            return newest !== done.to ? [{ ...p, from: done.to, to: newest }] : [];
          });
      node.dpkgBusy = false;
      node.rebootRequiredFile = node.runningKernel !== newestKernel(node.installedKernels);
    });
    if (this.faults.repoMovesMidRun && !this.repoMoved) this.publishNextPveManager();
  }

  /** repo-moves-mid-run: pve-manager's next bump is published; every node sees it pending (its minor repository only). */
  private repoMoved = false;
  private publishNextPveManager(): void {
    this.repoMoved = true;
    this.change(() => {
      for (const node of this.nodes.values()) {
        if (node.aptLists === this.profileOf(node.spec.name).majorUpgrade?.codename) continue;
        const next = this.profileOf(node.spec.name).nextPveManager;
        // A new entry, not the old one changed: the snapshot's list is shared with the topology.
        const pending = node.pending.some((p) => p.name === "pve-manager");
        if (pending) node.pending = node.pending.map((p) => (p.name === "pve-manager" ? { ...p, to: next } : p));
        else if (node.pveVersion !== next) node.pending.push({ name: "pve-manager", from: node.pveVersion, to: next });
      }
    });
  }

  /** The newest version the repository offers of a pending package (it keeps the older ones). */
  private newestOffered(pkg: PackageUpgrade): string {
    return pkg.name === "pve-manager" && this.repoMoved ? this.profileOf(this.topology.nodes[0]!.name).nextPveManager : pkg.to;
  }

  /** The versions the repository offers of a pending package: the snapshot's, and a newer one once published. */
  offeredVersions(pkg: PackageUpgrade): string[] {
    const snapshot = this.topology.pendingPackages.find((p) => p.name === pkg.name)?.to ?? pkg.to;
    return [...new Set([snapshot, pkg.to, this.newestOffered(pkg)])];
  }

  /**
   * The dist-upgrade's session closed before it finished. Before dpkg ran (the download) nothing
   * changed; once dpkg unpacked something, those packages stay unpacked but not configured and
   * dpkg is interrupted until `dpkg --configure -a`; the rest are still to be installed.
   */
  interruptDistUpgrade(name: string, unpacked: PackageUpgrade[]): void {
    const node = this.node(name);
    this.record.busyUntil("dist-upgrade", name);
    this.change(() => {
      node.dpkgBusy = false;
      if (unpacked.length === 0) return;
      node.dpkgInterrupted = true;
      this.unconfigured.set(name, [...(this.unconfigured.get(name) ?? []), ...unpacked]);
      node.pending = node.pending.filter((p) => !unpacked.some((u) => u.name === p.name));
    });
  }

  /** What `dpkg --configure -a` would set up on `name`: packages unpacked but not configured. */
  unconfiguredOn(name: string): PackageUpgrade[] {
    return [...(this.unconfigured.get(name) ?? [])];
  }

  /** `dpkg --configure -a`: configures what an interrupted dist-upgrade left unpacked. */
  configurePending(name: string, source: string): void {
    this.record.mutation(source, `dpkg --configure -a on ${name}`);
    const node = this.node(name);
    const unpacked = this.unconfiguredOn(name);
    this.unconfigured.delete(name);
    this.change(() => {
      for (const pkg of unpacked) {
        if (pkg.kernel && !node.installedKernels.includes(pkg.kernel)) node.installedKernels.push(pkg.kernel);
        if (pkg.name === "pve-manager") node.pveVersion = pkg.to;
      }
      node.dpkgInterrupted = false;
      if (unpacked.length > 0) node.rebootRequiredFile = node.runningKernel !== newestKernel(node.installedKernels);
    });
  }

  /** ssh-drop-during-apt: the first dist-upgrade (on the first node to run one) loses its connection. */
  sshDropsDuringApt(name: string): boolean {
    if (!this.faults.sshDropDuringApt || this.sshDropStruck) return false;
    this.faultNode ??= name;
    if (!this.faultStrikes(name)) return false;
    this.sshDropStruck = true;
    return true;
  }

  // ---- HA ----------------------------------------------------------------------------------

  /** `ha-manager crm-command node-maintenance enable|disable NODE`: queued for the CRM. */
  setMaintenance(name: string, enable: boolean, source: string): void {
    this.record.mutation(source, `ha-manager node-maintenance ${enable ? "enable" : "disable"} ${name}`);
    if (enable) this.tookDown(name, "maintenance", source);
    this.record.busyFrom("maintenance", name);
    this.change(() => {
      this.node(name).maintenanceRequested = enable;
      this.crm.commands.push({ kind: "maintenance", node: name, enable });
    });
  }

  private crmLoop(): void {
    this.change(() => this.crmWork());
    this.clock.after(this.crm.master ? timings.crmRound : timings.crmWait, () => this.crmLoop());
  }

  /** pve-ha-manager src/PVE/HA/CRM.pm can_get_active (4.0.6+): services, pending commands, or a node to take out of maintenance. */
  private crmCanGetActive(): boolean {
    if (this.ha.resources.length > 0) return true;
    // Before 4.0.6 (PVE 8.0-8.2) a CRM without services never became active.
    if (this.faults.haIgnoresCommandsWithoutResources) return false;
    if (this.crm.commands.length > 0) return true;
    return [...this.nodes.values()].some((n) => n.haStatus === "maintenance" && !this.crm.maintenanceRequests.has(n.spec.name));
  }

  /** One round of the CRM: the work of CRM.pm work() and Manager.pm manage(). */
  private crmWork(): void {
    const now = this.clock.now();
    if (!this.quorate() || now < this.crm.lockedUntil) return;
    if (this.crm.master === null || !this.isOnline(this.crm.master)) {
      this.crm.master = null;
      if (!this.crmCanGetActive()) return;
      this.crm.master = [...this.nodes.keys()].find((n) => this.isOnline(n)) ?? null;
      this.crm.idleRounds = 0;
      if (this.crm.master === null) return;
    } else if (this.ha.resources.length === 0 && this.crm.commands.length === 0) {
      // CRM.pm allowed_to_get_idle: no services; after 90 such rounds the master lets go.
      if (++this.crm.idleRounds > timings.crmMaxIdleRounds) {
        this.crm.master = null;
        this.crm.idleRounds = 0;
        return;
      }
    } else this.crm.idleRounds = 0;
    this.crm.written = true;
    this.crm.writtenAt = now;
    this.crm.statusMaster = this.crm.master;
    this.updateNodeStatus();
    if (this.ha.groups.length > 0 && this.releaseOf(this.crm.master) === "9.1") this.tryGroupMigration();
    // Manager.pm manage: new services are added before update_crm_commands reads the queue.
    for (const resource of this.ha.resources) this.crm.known.add(resource.sid);
    for (const command of this.crm.commands.splice(0)) this.crmCommand(command);
    for (const guest of this.guests.values()) this.manageService(guest);
    for (const node of this.nodes.values()) this.updateLrm(node);
  }

  /**
   * pve-ha-manager 5 src/PVE/HA/Manager.pm try_persistent_group_migration: a PVE 9 master tries
   * every 6th round (the first after 3) and migrates only when every node is online, its LRM in
   * mode active, and its pve-manager 9 ($assert_cluster_can_migrate_ha_groups).
   */
  private tryGroupMigration(): void {
    if (--this.groupMigrationRound > 0) return;
    this.groupMigrationRound = 6;
    const ready = [...this.nodes.values()].every(
      (n) => this.isOnline(n.spec.name) && n.haStatus === "online" && n.lrmMode === "active" && this.releaseOf(n.spec.name) === "9.1",
    );
    if (ready) migrateGroupsToRules(this.ha);
  }

  // pve-ha-manager src/PVE/HA/NodeStatus.pm update: an online node follows its LRM's mode; a node
  // that left the quorate partition becomes unknown, unless its LRM was in maintenance mode.
  private updateNodeStatus(): void {
    for (const node of this.nodes.values()) {
      if (this.isOnline(node.spec.name)) {
        node.haStatus = node.lrmMode === "maintenance" ? "maintenance" : "online";
        // The request has taken effect once the manager reports it: what the API shows, and rollgate waits for.
        if ((node.haStatus === "maintenance") === this.crm.maintenanceRequests.has(node.spec.name))
          this.record.busyUntil("maintenance", node.spec.name);
      } else if (!(node.haStatus === "maintenance" && node.lrmMode === "maintenance")) node.haStatus = "unknown";
    }
  }

  private crmCommand(command: CrmCommand): void {
    if (command.kind === "maintenance") {
      // Manager.pm update_crm_commands: node_request; each node's LRM picks it up in its own loop.
      if (command.enable) this.crm.maintenanceRequests.add(command.node);
      else this.crm.maintenanceRequests.delete(command.node);
      const node = this.node(command.node);
      this.clock.after(timings.maintenancePickup, () => {
        if (!this.isOnline(command.node)) return;
        this.change(() => (node.lrmMode = this.crm.maintenanceRequests.has(command.node) ? "maintenance" : "active"));
      });
      return;
    }
    const guest = this.guests.get(command.vmid);
    if (!guest || !this.crm.known.has(sidOf(guest.spec))) return;
    if (command.kind === "stop") {
      this.crm.requested.set(sidOf(guest.spec), "stopped");
      return;
    }
    // Manager.pm next_state_started: "ignore service '$sid' migrate request - node '$target' not online".
    if (this.node(command.target).haStatus !== "online" || !this.isOnline(command.target) || guest.node === command.target) return;
    if (guest.haState === "started" && guest.status === "running") this.startMigration(guest, command.target, "root@pam");
  }

  private placements(): ServicePlacement[] {
    return [...this.guests.values()]
      .filter((g) => g.spec.haManaged && this.crm.known.has(sidOf(g.spec)))
      .map((g) => ({ sid: sidOf(g.spec), node: g.node, target: g.migrateTarget, state: g.haState }));
  }

  /** Manager.pm next_state_started/stopped for one service: start, stop, or move it where its placement wants it. */
  private manageService(guest: GuestState): void {
    const sid = sidOf(guest.spec);
    if (!guest.spec.haManaged || !this.crm.known.has(sid) || guest.lock || guest.haState === "migrate" || guest.haState === "freeze")
      return;
    const node = this.node(guest.node);
    const requested = this.crm.requested.get(sid) ?? "started";
    if (requested === "stopped" && guest.status === "running") return this.lrmStop(guest);
    if (requested === "started" && guest.status === "stopped" && node.haStatus === "online" && this.isUp(guest.node))
      return this.lrmStart(guest);
    if (guest.status !== "running") return;
    if (node.haStatus !== "online") {
      if (node.haStatus !== "maintenance") return;
      // Save the current node as fallback for when it comes out of maintenance.
      guest.maintenanceFallback = guest.node;
    }
    const online = [...this.nodes.values()].filter((n) => n.haStatus === "online" && this.isOnline(n.spec.name)).map((n) => n.spec.name);
    const target = selectServiceNode({
      release: this.ha.groups.length > 0 ? "8.4" : "9.1",
      config: this.ha,
      sid,
      current: guest.node,
      online,
      maintenanceFallback: guest.maintenanceFallback,
      services: this.placements(),
    });
    if (!target || target === guest.node) return;
    const fallback = guest.maintenanceFallback;
    if (fallback !== null && (target === fallback || guest.node !== fallback)) guest.maintenanceFallback = null;
    this.startMigration(guest, target, "root@pam");
  }

  /** The LRM starts a service the CRM wants started: a start task of its own, as root@pam. */
  private lrmStart(guest: GuestState): void {
    const upid = this.startTask(guest.node, `${guest.spec.type === "qemu" ? "qm" : "vz"}start`, String(guest.spec.vmid), "root@pam");
    this.clock.after(timings.guestStart, () =>
      this.change(() => {
        this.startGuestNow(guest);
        this.finishStart(upid, guest);
      }),
    );
  }

  /** The LRM shuts a service down; qemu-server hard-stops it after the request's timeout (60 s), and the lab's guests obey in time. */
  private lrmStop(guest: GuestState): void {
    const upid = this.startTask(guest.node, `${guest.spec.type === "qemu" ? "qm" : "vz"}shutdown`, String(guest.spec.vmid), "root@pam");
    this.clock.after(timings.guestShutdown, () =>
      this.change(() => {
        guest.status = "stopped";
        guest.qmpStatus = "stopped";
        guest.restartOnBoot = false;
        guest.haState = "stopped";
        this.finishTask(upid, "OK");
      }),
    );
  }

  // pve-ha-manager src/PVE/HA/LRM.pm: it takes the agent lock when it has services and lets go
  // after 60 idle rounds; the status API shows "idle" for an LRM waiting for the lock.
  private updateLrm(node: NodeState): void {
    if (!this.isOnline(node.spec.name)) return;
    const now = this.clock.now();
    const busy = [...this.guests.values()].some(
      (g) =>
        g.spec.haManaged &&
        (g.node === node.spec.name || g.migrateTarget === node.spec.name) &&
        g.haState !== "stopped" &&
        g.haState !== "freeze",
    );
    if (busy) {
      node.lrmBusyAt = now;
      node.lrmState = "active";
    } else if (node.lrmState === "active" && (node.lrmBusyAt === null || now - node.lrmBusyAt > timings.lrmIdle))
      node.lrmState = "wait_for_agent_lock";
  }

  // ---- guests and tasks -------------------------------------------------------------------

  /** POST /nodes/{node}/{qemu|lxc}/{vmid}/migrate. Returns the UPID, or throws what PVE would answer. */
  migrate(node: string, vmid: number, params: { target: string; online: boolean; restart: boolean; user: string }, source: string): string {
    this.record.mutation(source, `migrate ${vmid} from ${node} to ${params.target}`);
    const guest = this.guestOn(node, vmid);
    const target = params.target;
    // qemu-server src/PVE/API2/Qemu.pm migrate_vm (pve-container LXC.pm alike), in this order.
    if (target === node) throw parameterError({ target: "target is local node." });
    if (!this.quorate()) throw new LabApiError(500, "cluster not ready - no quorum?");
    if (!this.nodes.has(target)) throw new LabApiError(500, `no such cluster node '${target}'`);
    if (guest.spec.type === "qemu") {
      // PVE::AbstractConfig check_lock: "VM is locked (backup)" (a container's is checked in the task).
      if (guest.lock) throw new LabApiError(500, `VM is locked (${guest.lock})`);
      if (guest.status === "running" && !params.online) throw new LabApiError(500, "can't migrate running VM without --online");
      // PVE::QemuServer check_storage_availability → PVE::Storage storage_check_node.
      const storage = this.guestStorage(guest);
      const allowed = this.storageNodes(storage);
      if (allowed && !allowed.includes(target)) throw new LabApiError(500, `storage '${storage}' is not available on node '${target}'`);
    } else if (guest.status === "running" && !params.online && !params.restart) {
      throw new LabApiError(500, "can't migrate running container without --online or --restart");
    }
    if (guest.spec.haManaged) return this.requestHaMigration(node, guest, target, params.user);
    const type = guest.spec.type === "lxc" ? "vzmigrate" : "qmigrate";
    if (guest.spec.type === "lxc") {
      // pve-container src/PVE/LXC/Migrate.pm prepare: the lock, then live migration, are refused inside the task.
      const refusal = guest.lock
        ? `CT is locked (${guest.lock})`
        : guest.status === "running" && !params.restart
          ? "lxc live migration is currently not implemented"
          : null;
      if (refusal) return this.abortedMigration(node, type, vmid, params.user, refusal, 0);
    }
    // PVE::QemuMigrate prepare: "# test ssh connection" to the target.
    if (!this.isUp(target))
      return this.abortedMigration(
        node,
        type,
        vmid,
        params.user,
        "Can't connect to destination address using public key",
        timings.sshConnectFails,
      );
    return this.startMigration(guest, target, params.user);
  }

  /**
   * An HA guest's migrate only asks the HA manager: a `hamigrate` task runs `ha-manager migrate`
   * and ends at once, the CRM migrates in its next round as root@pam. pve-ha-manager 5's CLI
   * refuses a target that a negative resource affinity blocks (after queueing the command:
   * src/PVE/CLI/ha_manager.pm), so the task fails while the CRM still gets the request.
   */
  private requestHaMigration(node: string, guest: GuestState, target: string, user: string): string {
    const vmid = guest.spec.vmid;
    const upid = this.startTask(node, "hamigrate", String(vmid), user);
    const task = this.tasks.get(upid)!;
    task.log.push(`Requesting HA migration for VM ${vmid} to node ${target}`);
    this.crm.commands.push({ kind: "migrate", vmid, target });
    const blocking = this.blockingResources(guest)[target] ?? [];
    if (blocking.length > 0) {
      task.log.push(
        `cannot migrate resource '${sidOf(guest.spec)}' to node '${target}':`,
        "",
        ...blocking.map(
          (b) => `- resource '${b.sid}' on target node '${target}' in negative affinity with resource '${sidOf(guest.spec)}'`,
        ),
      );
      this.finishTask(upid, `command 'ha-manager migrate ${sidOf(guest.spec)} ${target}' failed: exit code 255`);
    } else this.finishTask(upid, "OK");
    return upid;
  }

  /**
   * PVE 9's `blocking-ha-resources` per node (pve-ha-manager src/PVE/HA/Config.pm
   * get_resource_motion_info): the services in negative affinity with this one, on or migrating to
   * each node the CRM counts as online.
   */
  blockingResources(guest: GuestState): Record<string, Array<{ sid: string; cause: "resource-affinity" }>> {
    const sid = sidOf(guest.spec);
    const result: Record<string, Array<{ sid: string; cause: "resource-affinity" }>> = {};
    if (!guest.spec.haManaged) return result;
    const separate = new Set(
      this.ha.rules.flatMap((r) =>
        r.type === "resource-affinity" && r.affinity === "negative" && r.resources.includes(sid)
          ? r.resources.filter((s) => s !== sid)
          : [],
      ),
    );
    for (const node of this.nodes.values()) {
      if (node.haStatus !== "online") continue;
      for (const other of this.guests.values()) {
        const otherSid = sidOf(other.spec);
        if (!separate.has(otherSid) || !this.crm.known.has(otherSid)) continue;
        if (other.node !== node.spec.name || (other.migrateTarget !== null && other.migrateTarget !== node.spec.name)) continue;
        (result[node.spec.name] ??= []).push({ sid: otherSid, cause: "resource-affinity" });
      }
    }
    return result;
  }

  private guestOn(node: string, vmid: number): GuestState {
    const guest = this.guests.get(vmid);
    if (!guest || guest.node !== node) {
      throw new LabApiError(500, `Configuration file 'nodes/${node}/qemu-server/${vmid}.conf' does not exist`);
    }
    return guest;
  }

  /** pve-guest-common src/PVE/AbstractMigrate.pm migrate: an error in prepare aborts the task. */
  private abortedMigration(node: string, type: string, vmid: number, user: string, reason: string, afterMs: number): string {
    const upid = this.startTask(node, type, String(vmid), user);
    this.clock.after(afterMs, () => {
      this.tasks
        .get(upid)
        ?.log.push(
          `${logStamp()} ERROR: migration aborted (duration 00:00:${String(Math.round(afterMs / 1000)).padStart(2, "0")}): ${reason}`,
        );
      this.finishTask(upid, "migration aborted");
    });
    return upid;
  }

  private startMigration(guest: GuestState, target: string, user: string): string {
    const from = guest.node;
    const vmid = guest.spec.vmid;
    const restart = guest.spec.type === "lxc" && guest.status === "running";
    const tooOld = this.machineRefusal(guest, target);
    // A refused machine ends the migration in phase 2, as soon as the target's `qm start` fails.
    const duration = tooOld ? timings.guestStart : restart ? timings.containerRestartMigration : timings.migration;
    const type = guest.spec.type === "lxc" ? "vzmigrate" : "qmigrate";
    const upid = this.startTask(from, type, String(vmid), user);
    const task = this.tasks.get(upid)!;
    const targetSpec = this.node(target).spec;
    task.log.push(
      `${logStamp()} starting migration of ${guest.spec.type === "lxc" ? "CT" : "VM"} ${vmid} to node '${target}' (${targetSpec.privateAddress})`,
    );
    this.reached(from, "during-migration");
    this.record.busyFrom("migration", String(vmid));
    this.change(() => {
      guest.lock = "migrate";
      guest.migrateTarget = target;
      if (guest.spec.haManaged) guest.haState = "migrate";
      if (restart) {
        guest.status = "stopped";
        guest.qmpStatus = "stopped";
      }
    });
    this.clock.after(duration, () => {
      const fails = tooOld !== null || this.faults.migrationFailsFor === vmid || !this.isOnline(target) || !this.isUp(from);
      this.change(() => {
        guest.lock = null;
        guest.migrateTarget = null;
        if (guest.spec.haManaged) guest.haState = "started";
        if (!fails) guest.node = target;
        if (!fails && guest.qemu && !restart) guest.qemu = { ...guest.qemu, version: this.profileOf(target).qemu.version };
        if (restart && this.isUp(guest.node)) this.startGuestNow(guest);
      });
      // The VM starts on the target with `qm start --migratedfrom`: its warnings are log lines of the
      // migration, not warnings of it (qemu-server src/PVE/QemuMigrate.pm phase2_start_local_cluster errfunc).
      if (!restart && !fails) task.log.push(...this.startWarnings(guest).map((w) => `${logStamp()} [${target}] WARN: ${w}`));
      if (tooOld) task.log.push(...phase2Failure(vmid, target, tooOld).map((line) => `${logStamp()} ${line}`));
      const took = `00:00:${String(Math.round(duration / 1000)).padStart(2, "0")}`;
      task.log.push(
        fails
          ? `${logStamp()} ERROR: migration finished with problems (duration ${took})`
          : `${logStamp()} migration finished successfully (duration ${took})`,
      );
      this.finishTask(upid, fails ? "migration problems" : "OK");
      this.record.busyUntil("migration", String(vmid));
      if (!fails) this.record.milestone(`${vmid} migrated to ${target}`);
    });
    return upid;
  }

  /**
   * What the target's `qm start --machine` of a live migration answers when its installed QEMU is
   * older than the machine the VM runs (qemu-server src/PVE/QemuServer.pm config_to_command, 8.4 and 9.x).
   */
  private machineRefusal(guest: GuestState, target: string): string | null {
    if (guest.qemu === null || guest.status !== "running") return null;
    const installed = this.profileOf(target).qemu.version;
    const machine = machineVersion(guest.qemu.machine);
    if (machine === null || compareQemu(qemuVersion(installed)!, machine) >= 0) return null;
    return `Installed QEMU version '${installed}' is too old to run machine type '${guest.qemu.machine}', please upgrade node '${target}'`;
  }

  /**
   * POST .../status/shutdown or .../status/start. An HA guest's only asks the HA stack: a `hastop`
   * task runs `ha-manager crm-command stop SID 60`, a `hastart` task `ha-manager set SID --state
   * started`, each ending at once; the LRM does the real stop or start after the CRM's next round.
   */
  setGuestPower(node: string, vmid: number, action: "shutdown" | "start", user: string, source: string): string {
    this.record.mutation(source, `${action} ${vmid} on ${node}`);
    const guest = this.guestOn(node, vmid);
    if (guest.spec.haManaged) {
      const upid = this.startTask(node, action === "shutdown" ? "hastop" : "hastart", String(vmid), user);
      this.tasks.get(upid)!.log.push(action === "shutdown" ? `Requesting HA stop for VM ${vmid}` : `Requesting HA start for VM ${vmid}`);
      if (action === "shutdown") this.crm.commands.push({ kind: "stop", vmid });
      else {
        this.crm.requested.set(sidOf(guest.spec), "started");
        guest.restartOnBoot = true;
      }
      this.finishTask(upid, "OK");
      return upid;
    }
    const type = `${guest.spec.type === "qemu" ? "qm" : "vz"}${action}`;
    const duration = action === "shutdown" ? timings.guestShutdown : timings.guestStart;
    const upid = this.startTask(node, type, String(vmid), user);
    this.clock.after(duration, () => {
      this.change(() => {
        if (action === "start") this.startGuestNow(guest);
        else {
          guest.status = "stopped";
          guest.qmpStatus = "stopped";
          guest.restartOnBoot = false;
        }
      });
      if (action === "start") this.finishStart(upid, guest);
      else this.finishTask(upid, "OK");
    });
    return upid;
  }

  /** A vzdump job backing the guest up: `lock: backup` until it ends (PVE::VZDump locks the config). */
  private startBackup(vmid: number, forMs: number): void {
    const guest = this.guests.get(vmid);
    if (!guest) return;
    guest.lock = "backup";
    const upid = this.startTask(guest.node, "vzdump", String(vmid), "root@pam");
    this.tasks
      .get(upid)!
      .log.push(
        `INFO: starting new backup job: vzdump ${vmid} --mode snapshot --storage backup --compress zstd`,
        `INFO: Starting Backup of VM ${vmid} (${guest.spec.type})`,
      );
    const minutes = Math.floor(forMs / 60_000);
    const took = `00:${String(minutes).padStart(2, "0")}:${String(Math.round((forMs - minutes * 60_000) / 1000)).padStart(2, "0")}`;
    this.clock.after(forMs, () =>
      this.change(() => {
        if (guest.lock === "backup") guest.lock = null;
        this.tasks.get(upid)?.log.push(`INFO: Finished Backup of VM ${vmid} (${took})`, "INFO: Backup job finished successfully");
        this.finishTask(upid, "OK");
      }),
    );
  }

  /**
   * POST /nodes/{node}/vzdump (pve-manager PVE/API2/VZDump.pm vzdump; docs/domain/backup.md): the
   * node backs up only its own guests, and answers a plain "OK", starting nothing, when none of them
   * is there. The rest happens in the task: a storage without `backup` content, a guest without
   * VM.Backup, a guest whose backup fails (PVE/VZDump.pm new, exec_backup, exec_backup_task).
   */
  vzdump(
    node: string,
    request: { vmids: number[]; storage: string; storageProblem: string | null; mode: string; compress: string; notes: string | null },
    access: { user: string; mayBackup: (vmid: number) => boolean },
    source: string,
  ): string {
    const local = request.vmids.filter((vmid) => this.guests.get(vmid)?.node === node).sort((a, b) => a - b);
    if (local.length === 0) return "OK";
    this.record.mutation(source, `vzdump ${local.join(" ")} --storage ${request.storage} on ${node}`);
    const upid = this.startTask(node, "vzdump", local.length === 1 ? String(local[0]) : "", access.user);
    const task = this.tasks.get(upid)!;
    const info = (line: string) => task.log.push(`INFO: ${line}`);
    if (request.storageProblem !== null) {
      this.finishTask(upid, request.storageProblem);
      return upid;
    }
    info(
      `starting new backup job: vzdump ${local.join(" ")} --compress ${request.compress} --mode ${request.mode} --storage ${request.storage}`,
    );
    const denied = local.find((vmid) => !access.mayBackup(vmid));
    if (denied !== undefined) {
      this.finishTask(upid, `Permission check failed (/vms/${denied}, VM.Backup)`);
      return upid;
    }
    const stamp = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace("T", " ");
    const extension = { "0": "", "1": ".lzo", gzip: ".gz", lzo: ".lzo", zstd: ".zst" }[request.compress] ?? "";
    let errors = 0;
    const backUp = (index: number) => {
      const vmid = local[index];
      if (vmid === undefined) {
        info(errors > 0 ? "Backup job finished with errors" : "Backup job finished successfully");
        this.finishTask(upid, errors > 0 ? "job errors" : "OK");
        return;
      }
      const guest = this.guests.get(vmid)!;
      const startedAt = Date.now();
      const type = guest.spec.type;
      const name = `vzdump-${type}-${vmid}-${new Date(startedAt).toISOString().slice(0, 19).replace(/-/g, "_").replace("T", "-").replace(/:/g, "_")}`;
      const format = `${type === "qemu" ? "vma" : "tar"}${extension}`;
      info(`Starting Backup of VM ${vmid} (${type})`);
      info(`Backup started at ${stamp(startedAt)}`);
      info(`status = ${guest.status}`);
      info(`backup mode: ${request.mode}`);
      info("ionice priority: 7");
      info(`creating vzdump archive '/var/lib/vz/dump/${name}.${format}'`);
      guest.lock = "backup";
      this.clock.after(timings.backupPerGuest, () => {
        this.change(() => {
          if (guest.lock === "backup") guest.lock = null;
        });
        const took = `00:00:${String(Math.round(timings.backupPerGuest / 1000)).padStart(2, "0")}`;
        if (this.faults.backupFailsFor === vmid) {
          errors += 1;
          task.log.push(`ERROR: Backup of VM ${vmid} failed - job failed with err -5 - Input/output error`);
          info(`Failed at ${stamp(Date.now())}`);
        } else {
          info(`archive file size: ${(guest.spec.memoryBytes / 1024 ** 3).toFixed(2)}GB`);
          this.backups.push({
            storage: request.storage,
            node,
            volid: `${request.storage}:backup/${name}.${format}`,
            format,
            subtype: type,
            vmid,
            ctime: Math.floor(startedAt / 1000),
            size: guest.spec.memoryBytes,
            // PVE/VZDump.pm: the template's {{guestname}}, {{node}} and {{vmid}} filled in.
            notes:
              request.notes
                ?.replaceAll("{{guestname}}", guest.spec.name)
                .replaceAll("{{node}}", node)
                .replaceAll("{{vmid}}", String(vmid)) ?? null,
          });
          info(`Finished Backup of VM ${vmid} (${took})`);
          info(`Backup finished at ${stamp(Date.now())}`);
        }
        backUp(index + 1);
      });
    };
    backUp(0);
    return upid;
  }

  private startTask(node: string, type: string, id: string, user: string): string {
    const pid = this.allocatePid();
    const pstart = 1_000_000 + Math.floor(this.clock.now() / 10);
    const starttime = Math.floor(Date.now() / 1000);
    const hex = (n: number) => n.toString(16).toUpperCase().padStart(8, "0");
    const upid = `UPID:${node}:${hex(pid)}:${hex(pstart)}:${hex(starttime)}:${type}:${id}:${user}:`;
    this.tasks.set(upid, {
      upid,
      node,
      type,
      id,
      user,
      pid,
      pstart,
      starttime,
      status: "running",
      exitstatus: null,
      endtime: null,
      log: [],
    });
    return upid;
  }

  private finishTask(upid: string, exitstatus: string): void {
    const task = this.tasks.get(upid);
    if (!task) return;
    task.status = "stopped";
    task.exitstatus = exitstatus;
    task.endtime = Math.floor(Date.now() / 1000);
    // pve-common src/PVE/RESTEnvironment.pm fork_worker: the last line is the exit status.
    task.log.push(exitstatus === "OK" || /^WARNINGS: \d+$/.test(exitstatus) ? `TASK ${exitstatus}` : `TASK ERROR: ${exitstatus}`);
  }

  /** Lab control for tests and demos (not a rollgate action): a unit fails or is stopped by hand. */
  /** `systemctl restart glusterd`: it handshakes with its peers again; a rejection from checksums of an upgrade ends (upgrade-to-11.md). */
  restartGlusterd(name: string): void {
    this.change(() => {
      if (this.rejectedPeer === name) this.rejectedPeer = null;
    });
  }

  setUnit(node: string, unit: string, state: UnitState): void {
    this.change(() => this.node(node).units.set(unit, state));
  }
}

/** storage-restricted-nodes: ci-runner's disk on an NFS share only two nodes mount. */
const restrictedGuest = 104;
export const restrictedStorage = { storage: "ci-nfs", server: "10.10.0.50", export: "/srv/ci" } as const;

/**
 * A failed phase 2 as the source logs it: the target's stderr prefixed with its name, the exit code
 * Perl's uncaught die gives `qm start` (255), then the cleanup; the VM keeps running on the source
 * (qemu-server src/PVE/QemuMigrate.pm phase2_start_local_cluster, phase2_cleanup; pve-guest-common
 * src/PVE/AbstractMigrate.pm migrate).
 */
function phase2Failure(vmid: number, target: string, targetError: string): string[] {
  return [
    `starting VM ${vmid} on remote node '${target}'`,
    `[${target}] ${targetError}`,
    "ERROR: online migrate failure - remote command failed with exit code 255",
    "aborting phase 2 - cleanup resources",
    "migrate_cancel",
  ];
}

/** pve-guest-common src/PVE/AbstractMigrate.pm: migration log lines start with strftime("%F %H:%M:%S"). */
function logStamp(): string {
  const d = new Date();
  const p = (n: number) => String(n).padStart(2, "0");
  // The lab runs in UTC (../ctime.ts).
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}
