// The one model behind the lab's API and SSH servers: nodes with kernels, packages and boot ids;
// guests that run, migrate and stop; a replica-3 volume whose bricks collect heal entries while a
// brick is away; HA maintenance; quorum; the replicated /etc/pve. Time is model time (see ../clock.ts).

import { EventEmitter } from "node:events";
import { randomUUID } from "node:crypto";
import type { LabClock } from "../clock.js";
import type { Faults } from "./scenarios.js";
import type { Topology, NodeSpec } from "./topology.js";
import type { GuestState, NodeState, TaskState, VolumeState, UnitState } from "./state.js";
import { EntryNames, drain, emptyIndex, recordWrites } from "./heal.js";
import { LabRecord } from "./record.js";
import { CFS_LOCK_TIMEOUT_MS, Pmxcfs } from "./pmxcfs.js";
import { newestKernel } from "../../util/kernel-version.js";

/** An error the PVE API answers with: HTTP status and the reason pveproxy puts in the status line. */
export class LabApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Durations of a real cluster, in model milliseconds. */
export const timings = {
  shutdown: 5_000,
  boot: 40_000,
  clusterJoinAfterBoot: 3_000,
  glusterAfterBoot: 4_000,
  guestsStartAfterBoot: 8_000,
  agentStartsAfterGuest: 5_000,
  maintenancePickup: 2_000,
  migration: 10_000,
  haMigrateDispatch: 1_000,
  containerRestartMigration: 6_000,
  guestShutdown: 4_000,
  guestStart: 3_000,
  aptUpdate: 3_000,
  distUpgrade: 20_000,
  /** A powered-off peer keeps reading `Connected` until glusterd's ping timeout notices. */
  peerStaleAfterDown: 30_000,
  writesPerSecondWhileDegraded: 5,
} as const;

export type LabEvent = "node-down" | "node-up";

export interface LabClusterOptions {
  /** Model ms after which an unchanged pmxcfs lock expires (120 s, as pmxcfs, unless the lab stretches it). */
  pmxcfsLockTimeoutMs?: number;
}

export class LabCluster extends EventEmitter<{ [K in LabEvent]: [node: string] }> {
  readonly nodes = new Map<string, NodeState>();
  readonly guests = new Map<number, GuestState>();
  readonly tasks = new Map<string, TaskState>();
  readonly volume: VolumeState;
  readonly record: LabRecord;
  /** /etc/pve, one tree for every node. */
  readonly pmxcfs: Pmxcfs;
  readonly entryNames: EntryNames;
  private lastAdvance = 0;
  private nextPid = 0x2f00;
  /** The node the scenario's fault strikes: the first one to reboot. */
  private faultNode: string | null = null;
  private apiRequests = 0;

  constructor(
    readonly topology: Topology,
    readonly faults: Faults,
    readonly clock: LabClock,
    options: LabClusterOptions = {},
  ) {
    super();
    this.record = new LabRecord(() => clock.now());
    // pve-cluster src/pmxcfs/dcdb.c: a node outside the quorate partition takes no writes.
    this.pmxcfs = new Pmxcfs({ modelNow: () => clock.now(), lockTimeoutMs: options.pmxcfsLockTimeoutMs ?? CFS_LOCK_TIMEOUT_MS, writable: (node) => this.isOnline(node) && this.quorate() });
    for (const spec of topology.nodes) this.nodes.set(spec.name, this.freshNode(spec));
    const routersHome = topology.nodes[0]!.name;
    const routers = new Set(topology.critical.flatMap((group) => group.vms));
    for (const spec of topology.guests) {
      const node = faults.routersOnOneNode && routers.has(spec.vmid) ? routersHome : spec.node;
      this.guests.set(spec.vmid, {
        spec,
        node,
        status: "running",
        qmpStatus: "running",
        startedAt: -3_600_000,
        lock: null,
        haState: "started",
        evacuatedFrom: null,
        restartOnBoot: true,
      });
    }
    this.entryNames = new EntryNames(
      topology.guests.filter((g) => g.type === "qemu").map((g) => `/images/${g.vmid}/vm-${g.vmid}-disk-0.raw`),
    );
    this.volume = {
      name: topology.volume.name,
      id: topology.volume.id,
      brickPath: topology.volume.brickPath,
      status: "Started",
      heal: new Map(topology.nodes.map((n) => [n.name, emptyIndex()])),
    };
    if (faults.splitBrain) {
      const [first, second] = topology.nodes;
      for (const node of [first!, second!]) {
        this.volume.heal.get(node.name)!.splitBrain.push("/images/101/vm-101-disk-0.raw", `<gfid:${randomUUID()}>`);
      }
    }
  }

  private freshNode(spec: NodeSpec): NodeState {
    const t = this.topology;
    return {
      spec,
      power: "up",
      bootId: randomUUID(),
      upSince: -86_400_000 * 30,
      downSince: null,
      clusterJoined: true,
      runningKernel: t.runningKernel,
      installedKernels: ["6.8.8-4-pve", t.runningKernel],
      pending: [...t.pendingPackages],
      pveVersion: t.pveVersion.from,
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
    return node.power === "up" && node.brickUp && node.glusterdUp && node.privateNetworkUp;
  }

  /** Can `from` reach `to` over the private network? */
  privateReachable(from: string, to: string): boolean {
    const a = this.node(from);
    const b = this.node(to);
    return a.power === "up" && b.power === "up" && a.privateNetworkUp && b.privateNetworkUp;
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
    const names = [...this.nodes.keys()];
    const available = names.filter((n) => this.brickAvailable(n));
    if (available.length < names.length) {
      if (available.length > 0) {
        for (const n of available) recordWrites(this.volume.heal.get(n)!, timings.writesPerSecondWhileDegraded * seconds);
      }
      return;
    }
    for (const n of names) drain(this.volume.heal.get(n)!, this.faults.healRatePerSecond * seconds);
  }

  get apiRequestCount(): number {
    return this.apiRequests;
  }

  /** Counts every API request; a flaky API fails some of them. */
  nextApiRequest(): { fail: boolean; slowMs: number } {
    this.apiRequests += 1;
    if (!this.faults.apiFlaky) return { fail: false, slowMs: 0 };
    const phase = this.apiRequests % 4;
    return { fail: phase === 1, slowMs: phase === 3 ? 1_500 : 0 };
  }

  // ---- changes (each recorded with its source) --------------------------------------------

  private changed(): void {
    this.record.outOfService(this.outOfServiceNodes());
    for (const group of this.topology.critical) {
      const members = group.vms.map((vmid) => this.guests.get(vmid)).filter((g): g is GuestState => g !== undefined);
      const healthy = members.filter((g) => this.guestHealthy(g));
      const detail = members.map((g) => `${g.spec.vmid}@${g.node}:${this.guestHealthy(g) ? "healthy" : g.status}`).join(", ");
      this.record.criticalHealth(group.group, healthy.length, group.minHealthy, detail);
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

  reboot(name: string, source: string): void {
    this.record.mutation(source, `reboot ${name}`);
    this.tookDown(name, "reboot", source);
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
    for (const [node, index] of this.volume.heal) {
      if (Math.floor(index.pending) > 0) unsafe.push(`${node}'s brick has ${Math.floor(index.pending)} heal entries`);
      if (index.splitBrain.length > 0) unsafe.push(`${node}'s brick has entries in split-brain`);
    }
    if (!this.quorate()) unsafe.push("the cluster is not quorate");
    if (how === "reboot") {
      for (const guest of this.guests.values()) if (guest.node === name && guest.status === "running") unsafe.push(`${guest.spec.vmid} (${guest.spec.name}) still runs on ${name}`);
    }
    this.record.takeDown(source, name, how, unsafe);
  }

  /** A reboot or power cut; the scenario's fault strikes the first node this happens to. */
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

  private powerOff(name: string): void {
    const node = this.node(name);
    this.change(() => {
      node.power = "down";
      node.downSince = this.clock.now();
      node.clusterJoined = false;
      node.glusterdUp = false;
      node.brickUp = false;
      node.dpkgBusy = false;
      for (const unit of node.units.keys()) node.units.set(unit, "inactive");
    });
    this.emit("node-down", name);
    if (this.faults.nodeNeverReturns && this.faultStrikes(name)) return;
    this.clock.after(timings.boot, () => this.bootUp(name));
  }

  private bootUp(name: string): void {
    const node = this.node(name);
    const fault = this.faultStrikes(name);
    this.change(() => {
      node.power = "up";
      node.bootId = randomUUID();
      node.upSince = this.clock.now();
      node.downSince = null;
      node.runningKernel = newestKernel(node.installedKernels) ?? node.runningKernel;
      node.rebootRequiredFile = false;
      node.privateNetworkUp = !(fault && this.faults.privateNetworkStaysDown);
      for (const unit of node.units.keys()) {
        // The worker that was never restarted: it strikes the node that runs it, whenever it reboots.
        const stays = this.faults.serviceNotRestarted && unit === this.topology.service.unit;
        node.units.set(unit, stays ? "inactive" : "active");
      }
    });
    this.emit("node-up", name);
    this.clock.after(timings.clusterJoinAfterBoot, () => this.change(() => (node.clusterJoined = true)));
    this.clock.after(timings.glusterAfterBoot, () =>
      this.change(() => {
        node.glusterdUp = true;
        node.brickUp = !(fault && this.faults.brickStaysDown);
        node.brickPid = this.allocatePid();
        node.shdPid = this.allocatePid();
        if (fault && this.faults.healStallsWithEntriesLeft !== null) {
          for (const index of this.volume.heal.values()) {
            index.stalledFloor = Math.min(Math.floor(index.pending), this.faults.healStallsWithEntriesLeft);
          }
        }
      }),
    );
    this.clock.after(timings.guestsStartAfterBoot, () =>
      this.change(() => {
        for (const guest of this.guests.values()) {
          if (guest.node !== name || guest.status === "running" || !guest.restartOnBoot) continue;
          this.startGuestNow(guest);
        }
      }),
    );
  }

  private startGuestNow(guest: GuestState): void {
    guest.status = "running";
    guest.qmpStatus = "running";
    guest.startedAt = this.clock.now();
    if (guest.spec.haManaged) guest.haState = "started";
  }

  aptUpdate(name: string, source: string): void {
    this.record.mutation(source, `apt-get update on ${name}`);
  }

  beginDistUpgrade(name: string, source: string): void {
    this.record.mutation(source, `apt-get dist-upgrade on ${name}`);
    this.tookDown(name, "dist-upgrade", source);
    this.change(() => (this.node(name).dpkgBusy = true));
  }

  finishDistUpgrade(name: string): void {
    const node = this.node(name);
    this.change(() => {
      for (const pkg of node.pending) {
        if (pkg.kernel && !node.installedKernels.includes(pkg.kernel)) node.installedKernels.push(pkg.kernel);
        if (pkg.name === "pve-manager") node.pveVersion = pkg.to;
      }
      node.pending = [];
      node.dpkgBusy = false;
      node.rebootRequiredFile = node.runningKernel !== newestKernel(node.installedKernels);
    });
  }

  /** The connection dropped mid-install: dpkg is left half-configured until `dpkg --configure -a`. */
  interruptDistUpgrade(name: string): void {
    const node = this.node(name);
    this.change(() => {
      node.dpkgBusy = false;
      node.dpkgInterrupted = true;
      const kernel = node.pending.find((p) => p.kernel);
      if (kernel?.kernel) node.installedKernels.push(kernel.kernel);
      node.pending = node.pending.filter((p) => p !== kernel);
    });
  }

  /** `dpkg --configure -a`: finishes what an interrupted dist-upgrade left half-configured. */
  configurePending(name: string, source: string): void {
    this.record.mutation(source, `dpkg --configure -a on ${name}`);
    this.change(() => (this.node(name).dpkgInterrupted = false));
  }

  sshDropsDuringApt(name: string): boolean {
    if (!this.faults.sshDropDuringApt) return false;
    this.faultNode ??= name;
    return this.faultStrikes(name);
  }

  setMaintenance(name: string, enable: boolean, source: string): void {
    this.record.mutation(source, `ha-manager node-maintenance ${enable ? "enable" : "disable"} ${name}`);
    if (enable) this.tookDown(name, "maintenance", source);
    const node = this.node(name);
    this.change(() => (node.maintenanceRequested = enable));
    this.clock.after(timings.maintenancePickup, () => {
      if (node.maintenanceRequested !== enable || !this.isUp(name)) return;
      this.change(() => (node.haStatus = enable ? "maintenance" : "online"));
      if (enable) this.evacuateHaGuests(name);
      else this.returnHaGuests(name);
    });
  }

  /** What the HA stack does on maintenance: it moves the HA guests left on the node by itself. */
  private evacuateHaGuests(name: string): void {
    for (const guest of this.guests.values()) {
      if (guest.node !== name || !guest.spec.haManaged || guest.status !== "running" || guest.lock) continue;
      const target = this.leastLoadedNode([name]);
      if (!target) continue;
      guest.evacuatedFrom = name;
      this.startMigration(guest, target, "root@pam", "qmigrate");
    }
  }

  private returnHaGuests(name: string): void {
    for (const guest of this.guests.values()) {
      if (guest.evacuatedFrom !== name || guest.lock) continue;
      guest.evacuatedFrom = null;
      if (guest.node !== name && guest.status === "running") this.startMigration(guest, name, "root@pam", "qmigrate");
    }
  }

  private leastLoadedNode(exclude: string[]): string | null {
    let best: { name: string; free: number } | null = null;
    for (const node of this.nodes.values()) {
      const name = node.spec.name;
      if (exclude.includes(name) || !this.isOnline(name) || node.maintenanceRequested) continue;
      const used = [...this.guests.values()].filter((g) => g.node === name && g.status === "running").reduce((s, g) => s + g.spec.memoryBytes, 0);
      const free = node.spec.memoryBytes - used;
      if (!best || free > best.free) best = { name, free };
    }
    return best?.name ?? null;
  }

  triggerHeal(volume: string, source: string): void {
    this.record.mutation(source, `gluster volume heal ${volume}`);
  }

  // ---- guests and tasks -------------------------------------------------------------------

  /** POST /nodes/{node}/{qemu|lxc}/{vmid}/migrate. Returns the UPID, or throws what PVE would answer. */
  migrate(node: string, vmid: number, params: { target: string; online: boolean; restart: boolean; user: string }, source: string): string {
    this.record.mutation(source, `migrate ${vmid} from ${node} to ${params.target}`);
    const guest = this.guestOn(node, vmid);
    if (params.target === node) throw new LabApiError(500, "target is local node.");
    if (!this.nodes.has(params.target)) throw new LabApiError(400, `Parameter verification failed. target: no such cluster node '${params.target}'`);
    if (!this.isOnline(params.target)) throw new LabApiError(500, `target node '${params.target}' not online`);
    if (!this.quorate()) throw new LabApiError(500, "cluster not ready - no quorum?");
    if (guest.lock) throw new LabApiError(500, `VM is locked (${guest.lock})`);
    if (guest.spec.type === "lxc") {
      if (guest.status === "running" && !params.restart) throw new LabApiError(500, "lxc live migration is currently not implemented");
    } else if (guest.status === "running" && !params.online) {
      throw new LabApiError(500, "can't migrate running VM without --online");
    }
    if (guest.spec.haManaged) {
      // An HA guest's migrate request only asks the HA manager; the task ends OK at once and the
      // real migration runs later as root@pam (pve-manager forks `ha-manager migrate`).
      const upid = this.startTask(node, "hamigrate", String(vmid), params.user);
      this.finishTask(upid, "OK");
      this.change(() => (guest.haState = "migrate"));
      this.clock.after(timings.haMigrateDispatch, () => {
        if (guest.node === node && !guest.lock) this.startMigration(guest, params.target, "root@pam", "qmigrate");
      });
      return upid;
    }
    return this.startMigration(guest, params.target, params.user, guest.spec.type === "lxc" ? "vzmigrate" : "qmigrate");
  }

  private guestOn(node: string, vmid: number): GuestState {
    const guest = this.guests.get(vmid);
    if (!guest || guest.node !== node) {
      throw new LabApiError(500, `Configuration file 'nodes/${node}/qemu-server/${vmid}.conf' does not exist`);
    }
    return guest;
  }

  private startMigration(guest: GuestState, target: string, user: string, type: string): string {
    const from = guest.node;
    const vmid = guest.spec.vmid;
    const restart = guest.spec.type === "lxc" && guest.status === "running";
    const duration = restart ? timings.containerRestartMigration : timings.migration;
    const upid = this.startTask(from, type, String(vmid), user);
    this.change(() => {
      guest.lock = "migrate";
      if (guest.spec.haManaged) guest.haState = "migrate";
      if (restart) {
        guest.status = "stopped";
        guest.qmpStatus = "stopped";
      }
    });
    this.clock.after(duration, () => {
      const fails = this.faults.migrationFailsFor === vmid || !this.isOnline(target) || !this.isUp(from);
      this.change(() => {
        guest.lock = null;
        if (guest.spec.haManaged) guest.haState = "started";
        if (!fails) guest.node = target;
        if (restart && this.isUp(guest.node)) this.startGuestNow(guest);
      });
      this.finishTask(upid, fails ? `migration problems` : "OK");
    });
    return upid;
  }

  /** POST .../status/shutdown or .../status/start. */
  setGuestPower(node: string, vmid: number, action: "shutdown" | "start", user: string, source: string): string {
    this.record.mutation(source, `${action} ${vmid} on ${node}`);
    const guest = this.guestOn(node, vmid);
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
          if (guest.spec.haManaged) guest.haState = "stopped";
        }
      });
      this.finishTask(upid, "OK");
    });
    return upid;
  }

  private startTask(node: string, type: string, id: string, user: string): string {
    const pid = this.allocatePid();
    const pstart = 1_000_000 + Math.floor(this.clock.now() / 10);
    const starttime = Math.floor(Date.now() / 1000);
    const hex = (n: number) => n.toString(16).toUpperCase().padStart(8, "0");
    const upid = `UPID:${node}:${hex(pid)}:${hex(pstart)}:${hex(starttime)}:${type}:${id}:${user}:`;
    this.tasks.set(upid, { upid, node, type, id, user, pid, pstart, starttime, status: "running", exitstatus: null, endtime: null, log: [] });
    return upid;
  }

  private finishTask(upid: string, exitstatus: string): void {
    const task = this.tasks.get(upid);
    if (!task) return;
    task.status = "stopped";
    task.exitstatus = exitstatus;
    task.endtime = Math.floor(Date.now() / 1000);
    task.log.push(exitstatus === "OK" ? "TASK OK" : `TASK ERROR: ${exitstatus}`);
  }

  /** Lab control for tests and demos (not a rollgate action): a unit fails or is stopped by hand. */
  setUnit(node: string, unit: string, state: UnitState): void {
    this.change(() => this.node(node).units.set(unit, state));
  }
}
