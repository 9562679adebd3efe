// Named failure scenarios. Most of them strike the first node that reboots, because that is when
// the real outages happened: a heal that had not finished, a private network that did not come
// back after a power cut, a worker that was never restarted.

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
  /** The SSH connection drops halfway through `apt-get dist-upgrade`, leaving dpkg interrupted. */
  sshDropDuringApt: boolean;
  /** Corosync is partitioned: no node sees a quorum. */
  quorumLost: boolean;
  /** PVE's Gluster storage names only one volfile server (no server2). */
  storageWithoutServer2: boolean;
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
  sshDropDuringApt: false,
  quorumLost: false,
  storageWithoutServer2: false,
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
  "api-flaky": { apiFlaky: true },
  "ssh-drop-during-apt": { sshDropDuringApt: true },
  "quorum-lost": { quorumLost: true },
  "storage-without-server2": { storageWithoutServer2: true },
} satisfies Record<string, Partial<Faults>>;

export type ScenarioName = keyof typeof scenarios;

export const scenarioNames = Object.keys(scenarios) as ScenarioName[];

export function isScenarioName(name: string): name is ScenarioName {
  return Object.hasOwn(scenarios, name);
}

export function faultsOf(name: ScenarioName): Faults {
  return { ...healthyFaults, ...scenarios[name] };
}
