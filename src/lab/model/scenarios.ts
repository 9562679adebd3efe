// Named failure scenarios. Most of them strike the first node that reboots, because that is when
// the real outages happened: a heal that had not finished, a private network that did not come
// back after a power cut, a worker that was never restarted.

import type { PveRelease } from "./releases.js";

export interface Faults {
  /** Heal entries the self-heal daemons drain per model second once every brick is back. */
  healRatePerSecond: number;
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
  /** The API answers some requests with 500 and some slowly. */
  apiFlaky: boolean;
  /** From rollgate's first take-down on, the first node's API resets every connection for this long (model ms). */
  apiResetsAfterFirstTakeDownMs: number | null;
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
}

export const healthyFaults: Faults = {
  healRatePerSecond: 40,
  healStallsWithEntriesLeft: null,
  brickStaysDown: false,
  privateNetworkStaysDown: false,
  serviceNotRestarted: false,
  nodeNeverReturns: false,
  routersOnOneNode: false,
  migrationFailsFor: null,
  splitBrain: false,
  apiFlaky: false,
  apiResetsAfterFirstTakeDownMs: null,
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
  "api-flaky": { apiFlaky: true, apiResetsAfterFirstTakeDownMs: 120_000 },
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
};

export type ScenarioName = keyof typeof scenarios;

export const scenarioNames = Object.keys(scenarios) as ScenarioName[];

export function isScenarioName(name: string): name is ScenarioName {
  return Object.hasOwn(scenarios, name);
}

/** The release a lab gets when none is asked for: 9.1, unless the scenario exists on 8.4 only. */
export function defaultRelease(name: ScenarioName): PveRelease {
  return scenarioReleases[name]?.[0] ?? "9.1";
}

/** Why `name` cannot run on `release`, or null. */
export function scenarioRefusal(name: ScenarioName, release: PveRelease): string | null {
  const only = scenarioReleases[name];
  return only && !only.includes(release) ? `scenario ${name} exists on PVE ${only.join(", ")} only, not on ${release}` : null;
}

export function faultsOf(name: ScenarioName): Faults {
  return { ...healthyFaults, ...scenarios[name] };
}
