// Named failure scenarios. Most of them strike the first node that reboots, because that is when
// the real outages happened: a heal that had not finished, a private network that did not come
// back after a power cut, a worker that was never restarted.

import type { PveRelease } from "./releases.js";

/**
 * Where in a node's upgrade a timed fault strikes (`--fault-at`): when rollgate first takes the
 * fault node out of service (maintenance), when the first migration leaves it, when its
 * dist-upgrade begins, when it powers off for its reboot, when its brick is back and healing.
 */
export const strikePoints = ["take-down", "during-migration", "before-apt", "during-reboot", "during-heal"] as const;
export type StrikePoint = (typeof strikePoints)[number];

export interface Faults {
  /** The node the faults strike (`--fault-node`); null: the first node rollgate takes out of service. */
  faultNode: string | null;
  /**
   * When the timed faults strike on the fault node (`--fault-at`); null: each at its own moment
   * (api-flaky fails requests from the start and resets from the first take-down). At a point,
   * api-flaky's failures and resets both last `apiResetsForMs` from it; a peer power cycle happens then.
   */
  strikeAt: StrikePoint | null;
  /** At the strike point, the node after the fault node (in node order) loses power and boots again. */
  peerPowerCycle: boolean;
  /** Heal entries the self-heal daemons drain per model second once every brick is back. */
  healRatePerSecond: number;
  /**
   * Instead of a rate: how long (model ms) the heal after each node's return takes, whatever its
   * backlog, by node (the benchmark's seeded heals of 30 s to 20 min). Real heal time follows the
   * data written while the brick was away and the disks' speed, not the entry count alone
   * (gluster/glusterfs issue #3072).
   */
  healDurationsMs: Readonly<Record<string, number>> | null;
  /** After the first reboot, the heal stops with this many entries left, forever "possibly undergoing heal". */
  healStallsWithEntriesLeft: number | null;
  /** The first rebooted node's brick process does not start again. */
  brickStaysDown: boolean;
  /** The first rebooted node comes back without its private network. */
  privateNetworkStaysDown: boolean;
  /** The declared service stays inactive after its node reboots. */
  serviceNotRestarted: boolean;
  /** The first rebooted node never boots again. */
  nodeNeverReturns: boolean;
  /** Both routers start on the same node. */
  routersOnOneNode: boolean;
  /** Live migration of this guest fails. */
  migrationFailsFor: number | null;
  /** Two files are in split-brain from the start. */
  splitBrain: boolean;
  /** The API answers some requests with 500 and some slowly (1.5 model seconds). */
  apiFlaky: boolean;
  /** From the strike point on, the first node's API resets every connection for this long (model ms). */
  apiResetsForMs: number | null;
  /** The SSH connection of the first dist-upgrade drops halfway through, leaving dpkg interrupted (once). */
  sshDropDuringApt: boolean;
  /** Corosync is partitioned: no node sees a quorum. */
  quorumLost: boolean;
  /** PVE's Gluster storage names only one volfile server (no server2). */
  storageWithoutServer2: boolean;
  /** rollgate's API token lacks Datastore.Audit and the guest-agent privilege. */
  tokenMissingPrivileges: boolean;
  /** No HA resource was ever configured: the CRM has never been active, manager_status is empty. */
  noHaResources: boolean;
  /** Without HA resources the CRM never becomes active, so queued CRM commands wait forever (pve-ha-manager < 4.0.6, PVE 8.0-8.2). */
  haIgnoresCommandsWithoutResources: boolean;
  /** HA placement pulls the routers back to their preferred nodes (PVE 8: no nofailback; PVE 9: a node-affinity rule). */
  haFailback: boolean;
  /** This guest's HA resource has just been added while no CRM was master: it has no service state yet. */
  haStateNullFor: number | null;
  /** VMs without an EFI disk start with a warning: their start tasks end `WARNINGS: 1`. */
  taskWarnings: boolean;
  /** A vzdump backup holds `lock: backup` on these guests for this long (model ms) from the lab's start. */
  backupLocks: Array<{ vmid: number; forMs: number }>;
  /** pve-manager's next version reaches the repository as the first node finishes its dist-upgrade. */
  repoMovesMidRun: boolean;
  /** vzdump of this guest fails (its disk answers I/O errors): the backup job ends `job errors`. */
  backupFailsFor: number | null;
  /** apt-get update gets 401 from the enterprise repository (no subscription). */
  enterpriseRepo401: boolean;
  /** Guest 104's disk lies on a shared storage restricted to some nodes. */
  storageRestrictedNodes: boolean;
  /** Every node mounts the Gluster volume from the first node only (no backup-volfile-servers). */
  mountWithoutBackupVolfile: boolean;
  /** `gluster volume status VOL` never gets its peers' answers: it holds the volume lock until the CLI gives up. */
  volumeStatusHangs: boolean;
  /** Model ms glfsheal takes before `heal info` answers. */
  healInfoDelayMs: number;
  /** The last node's self-heal daemon is not running (its brick and glusterd are). */
  shdDown: boolean;
  /** The first rebooted node's glusterd starts its brick this many model ms after it answers its peers. */
  brickStartsLateMs: number;
  /** Server quorum is enforced (`cluster.server-quorum-type server`, as `group virt` sets it). */
  serverQuorum: boolean;
  /** The storage network's switch is off: no node reaches another over the private network. */
  storageNetworkDown: boolean;
  /** No brick process runs on any node, though every glusterd does. */
  allBricksDown: boolean;
  /** The pool was probed by private IP address: bricks and peers are named `10.10.0.x`, not by hostname. */
  peersByIp: boolean;
  /** A second volume, `vmstore`, replica 2 + arbiter 1 on the first three nodes (topology.ts arbiterVolumeSpec). */
  arbiterVolume: boolean;
  /**
   * From the lab's start, the fault node's sshd accepts TCP connections and never sends its banner
   * (its kernel answers, its userland hangs: a swap storm, a hung NFS or FUSE mount). The
   * scenario strikes pve2, a node rollgate neither asks the API of first nor upgrades first.
   */
  sshSilent: boolean;
  /** From the lab's start, the fault node (pve2, as for sshSilent) resets every SSH connection once accepted. */
  sshResets: boolean;
  /**
   * On this node one APT list already names trixie while the others name bookworm (a half-done
   * switch of the sources): pve8to9 FAILs "Found mixed old and new package repository suites".
   * Only pve8to9 reads it; apt-get's emulation is unchanged.
   */
  mixedAptSuitesOn: string | null;
  /**
   * A PVE 8.4 cluster prepared for its major upgrade as `rollgate plan --to 9` says: the minor
   * upgrade installed and booted, the Gluster volume a `dir` storage on an fstab FUSE mount, and
   * rollgate's role given VM.GuestAgent.Audit beside VM.Monitor in user.cfg.
   */
  readyFor9: boolean;
  /** The Gluster volume stays PVE 8's `glusterfs` storage (a PVE 8.4 lab's default), even where readyFor9 converted the rest. */
  glusterfsStorageKept: boolean;
  /** The first node to boot on GlusterFS 11 is "Peer Rejected" (volume checksums differ) until its glusterd is restarted. */
  peerRejectedAfterUpgrade: boolean;
  /** On this node / has 3.1 GB free (ISO images and backups in /var/lib/vz): too little for the dist-upgrade to trixie. */
  lowDiskSpaceOn: string | null;
}

export const healthyFaults: Faults = {
  faultNode: null,
  strikeAt: null,
  peerPowerCycle: false,
  healRatePerSecond: 40,
  healDurationsMs: null,
  healStallsWithEntriesLeft: null,
  brickStaysDown: false,
  privateNetworkStaysDown: false,
  serviceNotRestarted: false,
  nodeNeverReturns: false,
  routersOnOneNode: false,
  migrationFailsFor: null,
  splitBrain: false,
  apiFlaky: false,
  apiResetsForMs: null,
  sshDropDuringApt: false,
  quorumLost: false,
  storageWithoutServer2: false,
  tokenMissingPrivileges: false,
  noHaResources: false,
  haIgnoresCommandsWithoutResources: false,
  haFailback: false,
  haStateNullFor: null,
  taskWarnings: false,
  backupLocks: [],
  backupFailsFor: null,
  repoMovesMidRun: false,
  enterpriseRepo401: false,
  storageRestrictedNodes: false,
  mountWithoutBackupVolfile: false,
  volumeStatusHangs: false,
  healInfoDelayMs: 0,
  shdDown: false,
  brickStartsLateMs: 0,
  serverQuorum: false,
  storageNetworkDown: false,
  allBricksDown: false,
  peersByIp: false,
  arbiterVolume: false,
  sshSilent: false,
  sshResets: false,
  mixedAptSuitesOn: null,
  readyFor9: false,
  glusterfsStorageKept: false,
  peerRejectedAfterUpgrade: false,
  lowDiskSpaceOn: null,
};

export const scenarios = {
  healthy: {},
  "heal-slow": { healRatePerSecond: 0.5 },
  "heal-stalls": { healStallsWithEntriesLeft: 3 },
  "brick-stays-down": { brickStaysDown: true },
  "no-private-network-after-reboot": { privateNetworkStaysDown: true },
  "service-not-restarted": { serviceNotRestarted: true },
  "node-never-returns": { nodeNeverReturns: true },
  "routers-on-one-node": { routersOnOneNode: true },
  "migration-fails": { migrationFailsFor: 103 },
  "split-brain": { splitBrain: true },
  // Every fourth request fails (check and preflight refuse, quoting it); and once a node is out of
  // service, pve1's API resets connections for two minutes (a run that got past preflight meets it).
  "api-flaky": { apiFlaky: true, apiResetsForMs: 120_000 },
  "ssh-drop-during-apt": { sshDropDuringApt: true },
  "quorum-lost": { quorumLost: true },
  "storage-without-server2": { storageWithoutServer2: true },
  "token-missing-privileges": { tokenMissingPrivileges: true },
  "no-ha-resources": { noHaResources: true },
  "ha-ignores-maintenance": { noHaResources: true, haIgnoresCommandsWithoutResources: true },
  "ha-failback": { haFailback: true },
  "ha-state-null": { haStateNullFor: 103 },
  "task-warnings": { taskWarnings: true },
  // A nightly vzdump still at work: db (103, on the node rollgate drains first) for 15 minutes, and
  // dns (200, on the node it drains last) for one, long before it must move.
  "vm-locked-backup": {
    backupLocks: [
      { vmid: 103, forMs: 900_000 },
      { vmid: 200, forMs: 60_000 },
    ],
  },
  // Proxmox publishes a pve-manager bump while the run is on its first node: a plain dist-upgrade
  // gives the later nodes a newer set than the first (upgrade.sameVersions pins the first's).
  "repo-moves-mid-run": { repoMovesMidRun: true },
  // A router's disk returns I/O errors to QEMU's backup job (it runs, but cannot be read whole).
  "backup-fails": { backupFailsFor: 101 },
  "enterprise-repo-401": { enterpriseRepo401: true },
  "storage-restricted-nodes": { storageRestrictedNodes: true },
  "mount-without-backup-volfile": { mountWithoutBackupVolfile: true },
  // gluster/glusterfs cli/src/cli-cmd.c cli_cmd_await_response, glusterd-syncop.c gd_sync_task_begin (mgmt_v3 volume lock).
  "volume-status-hangs": { volumeStatusHangs: true },
  // gluster/glusterfs issues #584 and #3072: heal info over a large backlog takes long to answer.
  "heal-info-slow": { healInfoDelayMs: 10_000, healRatePerSecond: 0.5 },
  // gluster/glusterfs doc/admin-guide/en-US/markdown/admin_logging.md: glustershd dies alone, its log in glustershd.log.
  "shd-down": { shdDown: true },
  // gluster/glusterfs xlators/mgmt/glusterd/src/glusterd-utils.c glusterd_restart_bricks: bricks start after the peer handshake.
  "just-back": { brickStartsLateMs: 20_000 },
  // gluster/glusterfs xlators/mgmt/glusterd/src/glusterd-server-quorum.c: a glusterd that loses server quorum stops its bricks.
  "server-quorum-lost": { serverQuorum: true, storageNetworkDown: true },
  // gluster/glusterfs xlators/storage/posix/src/posix-common.c posix_init: a brick whose filesystem did not mount refuses to start.
  "all-bricks-down": { allBricksDown: true },
  // gluster/glusterfs glusterd-handler.c glusterd_probe_begin: a peer keeps the name it was probed by (captures in test/fixtures/gluster/peers-by-ip).
  "peers-by-ip": { peersByIp: true },
  // gluster/glusterdocs docs/Administrator-Guide/arbiter-volumes-and-quorum.md: `replica 2 arbiter 1`, the third brick the arbiter (captures in test/fixtures/gluster/arbiter).
  "arbiter-volume": { arbiterVolume: true },
  // pve-ha-manager src/PVE/HA/NodeStatus.pm: a peer that loses power is fenced only if it holds HA services; it just boots again.
  "peer-power-cycle": { peerPowerCycle: true, strikeAt: "during-heal" },
  // openssh-portable sshd.c server_accept_loop: a hung sshd leaves connections in the kernel's listen backlog, banner never sent.
  "ssh-silent": { sshSilent: true, faultNode: "pve2" },
  // iptables-extensions(8) REJECT --reject-with tcp-reset; openssh-portable sshd.c drop_connection (MaxStartups) then close().
  "ssh-resets": { sshResets: true, faultNode: "pve2" },
  // pve-manager PVE/CLI/pve8to9.pm check_apt_repos: a .list file on another suite than the rest is a FAIL (docs/domain/pve8to9.md).
  "pve8to9-fails": { mixedAptSuitesOn: "pve2" },
  // pve-manager PVE/CLI/pve8to9.pm check_glusterfs_storage_usage, Proxmox wiki "Upgrade from 8 to 9": what a cluster looks like before its first node.
  "ready-for-9": { readyFor9: true },
  // pve-manager PVE/CLI/pve8to9.pm check_glusterfs_storage_usage: prepared for 9 in every way but the storage, still `glusterfs:`.
  "glusterfs-storage": { readyFor9: true, glusterfsStorageKept: true },
  // gluster/glusterdocs docs/Upgrade-Guide/upgrade-to-11.md: an online upgrade meets "Peer Rejected"; stopping and starting the server's glusterd fixes it.
  "peer-rejected-after-upgrade": { readyFor9: true, peerRejectedAfterUpgrade: true },
  // pve-manager PVE/CLI/pve8to9.pm check_misc: below 5 GB free on / "upgrade may fail"; prepared for 9 in every other way.
  "low-disk-space": { readyFor9: true, lowDiskSpaceOn: "pve2" },
} satisfies Record<string, Partial<Faults>>;

/**
 * Scenarios that exist on one release only: PVE 9 has no glusterfs storage (so no server2) but a
 * FUSE mount; ha-ignores-maintenance is pve-ha-manager < 4.0.6, a PVE 8 behaviour. A lab started
 * with such a scenario and no release gets that release.
 */
export const scenarioReleases: Partial<Record<keyof typeof scenarios, readonly PveRelease[]>> = {
  "storage-without-server2": ["8.4"],
  "ha-ignores-maintenance": ["8.4"],
  "mount-without-backup-volfile": ["9.1"],
  // pve8to9 reads *.list files only; PVE 9's deb822 .sources are not checked, so the FAIL exists before the upgrade only.
  "pve8to9-fails": ["8.4"],
  "ready-for-9": ["8.4"],
  "glusterfs-storage": ["8.4"],
  "peer-rejected-after-upgrade": ["8.4"],
  "low-disk-space": ["8.4"],
};

export type ScenarioName = keyof typeof scenarios;

export const scenarioNames = Object.keys(scenarios) as ScenarioName[];

export function isScenarioName(name: string): name is ScenarioName {
  return Object.hasOwn(scenarios, name);
}

/** The release a lab gets when none is asked for: 9.1, unless a scenario exists on 8.4 only. */
export function defaultRelease(names: readonly ScenarioName[]): PveRelease {
  for (const name of names) {
    const only = scenarioReleases[name];
    if (only) return only[0]!;
  }
  return "9.1";
}

/** Why `names` cannot run on `release`, or null. (No two scenarios set a fault differently: a unit test keeps it so.) */
export function scenarioRefusal(names: readonly ScenarioName[], release: PveRelease): string | null {
  for (const name of names) {
    const only = scenarioReleases[name];
    if (only && !only.includes(release)) return `scenario ${name} exists on PVE ${only.join(", ")} only, not on ${release}`;
  }
  return null;
}

/** The faults of one or several scenarios together (their backup locks add up). */
export function faultsOf(names: ScenarioName | readonly ScenarioName[]): Faults {
  const list = typeof names === "string" ? [names] : names;
  const faults: Faults = { ...healthyFaults };
  for (const name of list) {
    const own: Partial<Faults> = scenarios[name];
    Object.assign(faults, own, { backupLocks: [...faults.backupLocks, ...(own.backupLocks ?? [])] });
  }
  return faults;
}

/** `a,b`: known scenario names, each once; `healthy` only alone. */
export function parseScenarioList(value: string): ScenarioName[] | string {
  const names = value.split(",").map((n) => n.trim());
  const unknown = names.filter((n) => !isScenarioName(n));
  if (unknown.length > 0)
    return `unknown scenario ${unknown.map((n) => JSON.stringify(n)).join(", ")}; one of: ${scenarioNames.join(", ")}`;
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) return `scenario ${twice} is named twice`;
  if (names.length > 1 && names.includes("healthy")) return "healthy means no fault: it does not combine with another scenario";
  return names as ScenarioName[];
}
