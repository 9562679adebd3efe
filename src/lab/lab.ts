// Starts and stops a whole lab: the model, one pveproxy and one sshd per node, and the files a
// rollgate user needs to reach it (cluster.yaml, SSH key, known_hosts, API token, cluster CA).

import net from "node:net";
import { mkdir, writeFile, chmod } from "node:fs/promises";
import path from "node:path";
import { scaledClock } from "./clock.js";
import { LabCluster } from "./model/cluster.js";
import { CFS_LOCK_TIMEOUT_MS } from "./model/pmxcfs.js";
import { defaultRelease, faultsOf, scenarioRefusal, type Faults, type ScenarioName } from "./model/scenarios.js";
import type { PveRelease } from "./model/releases.js";
import { buildTopology } from "./model/topology.js";
import type { LabRecordSnapshot } from "./model/record.js";
import { makeCredentials, type LabCredentials } from "./credentials.js";
import { LabApiServer } from "./pve/server.js";
import { labAccess, type LabAccess } from "./pve/access.js";
import { LabSshServer } from "./ssh/server.js";
import { labClusterYaml, type LabTimeout } from "./cluster-yaml.js";

export interface LabOptions {
  dir: string;
  nodes?: number;
  scenario?: ScenarioName;
  timeScale?: number;
  /** 0 picks a free port (the same one on every node address). */
  apiPort?: number;
  sshPort?: number;
  /** Adjustments to the scenario's faults (the demo slows the heal so its wait is visible). */
  faults?: Partial<Faults>;
  /** Timeouts to write into cluster.yaml as given (tests that must give up quickly). */
  timeouts?: Partial<Record<LabTimeout, string>>;
  /** The PVE release the lab answers as (default 9.1, or the one release the scenario exists on). */
  pveVersion?: PveRelease;
}

export interface LabFiles {
  config: string;
  identity: string;
  knownHosts: string;
  token: string;
  ca: string;
}

export interface Lab {
  readonly cluster: LabCluster;
  readonly files: LabFiles;
  readonly apiPort: number;
  readonly sshPort: number;
  readonly scenario: ScenarioName;
  readonly release: PveRelease;
  /** The cluster's user.cfg and token secrets, shared by every node's API (tests add tokens to it). */
  readonly access: LabAccess;
  status(): LabStatus;
  stop(): Promise<void>;
}

export interface LabStatus {
  scenario: ScenarioName;
  release: PveRelease;
  timeScale: number;
  modelSeconds: number;
  nodes: Array<{
    name: string;
    power: string;
    online: boolean;
    maintenance: boolean;
    runningKernel: string;
    pendingPackages: number;
    privateNetwork: boolean;
    brick: boolean;
    healEntries: number;
  }>;
  guests: Array<{ vmid: number; name: string; node: string; status: string }>;
  record: LabRecordSnapshot;
}

interface Servers {
  api: LabApiServer;
  ssh: LabSshServer;
}

export async function startLab(options: LabOptions): Promise<Lab> {
  const scenario = options.scenario ?? "healthy";
  const timeScale = options.timeScale ?? 1;
  const release = options.pveVersion ?? defaultRelease(scenario);
  const refusal = scenarioRefusal(scenario, release);
  if (refusal) throw new RangeError(refusal);
  const topology = buildTopology(options.nodes ?? 3, release);
  const clock = scaledClock(timeScale);
  // A live holder keeps a pmxcfs lock for a few SSH round trips, which take real time at any
  // scale: at least a real second before it expires, or a fast lab would expire locks in use.
  const cluster = new LabCluster(topology, { ...faultsOf(scenario), ...options.faults }, clock, {
    pmxcfsLockTimeoutMs: Math.max(CFS_LOCK_TIMEOUT_MS, timeScale * 1_000),
  });
  const credentials = await makeCredentials(topology.clusterName, topology.nodes);
  const access = await labAccess(topology.release, { ...credentials.token, missingPrivileges: cluster.faults.tokenMissingPrivileges });
  const { servers, apiPort, sshPort } = await bindServers(cluster, credentials, access, options.apiPort ?? 0, options.sshPort ?? 0);

  cluster.on("node-down", (name) => void stopServers(servers.get(name)!));
  cluster.on("node-up", (name) => void startServers(servers.get(name)!));

  const dir = path.resolve(options.dir);
  const files = await writeLabFiles(
    dir,
    credentials,
    labClusterYaml({ topology, credentials, apiPort, sshPort, timeScale, ...(options.timeouts ? { timeouts: options.timeouts } : {}) }),
    topology.nodes.map((n) => ({ address: n.address, key: credentials.nodes.get(n.name)!.hostKey.public })),
    sshPort,
  );

  const status = (): LabStatus => {
    cluster.advance();
    return {
      scenario,
      release,
      timeScale,
      modelSeconds: Math.round(clock.now()) / 1000,
      nodes: [...cluster.nodes.values()].map((n) => ({
        name: n.spec.name,
        power: n.power,
        online: cluster.isOnline(n.spec.name),
        maintenance: n.maintenanceRequested,
        runningKernel: n.runningKernel,
        pendingPackages: n.pending.length,
        privateNetwork: n.privateNetworkUp,
        brick: n.power === "up" && n.brickUp,
        healEntries: Math.floor(cluster.volume.heal.get(n.spec.name)!.pending),
      })),
      guests: [...cluster.guests.values()].map((g) => ({ vmid: g.spec.vmid, name: g.spec.name, node: g.node, status: g.status })),
      record: cluster.record.snapshot(),
    };
  };

  return {
    cluster,
    files,
    apiPort,
    sshPort,
    scenario,
    release,
    access,
    status,
    async stop() {
      clock.stop();
      cluster.removeAllListeners();
      await Promise.all([...servers.values()].map(stopServers));
    },
  };
}

async function startServers(s: Servers): Promise<void> {
  await Promise.all([s.api.start(), s.ssh.start()]);
}

async function stopServers(s: Servers): Promise<void> {
  await Promise.all([s.api.stop(), s.ssh.stop()]);
}

/**
 * Real nodes all serve the API on 8006 and SSH on 22; the lab keeps that shape with one port
 * for all node addresses, picked free (or as asked), so several labs can run side by side.
 */
async function bindServers(cluster: LabCluster, credentials: LabCredentials, access: LabAccess, apiPort: number, sshPort: number) {
  for (let attempt = 0; attempt < 20; attempt++) {
    const api = apiPort || (await freePort(cluster.topology.nodes[0]!.address));
    const ssh = sshPort || (await freePort(cluster.topology.nodes[0]!.address));
    const servers = new Map<string, Servers>();
    for (const node of cluster.topology.nodes) {
      const creds = credentials.nodes.get(node.name)!;
      servers.set(node.name, {
        api: new LabApiServer(cluster, node.name, node.address, api, creds.tls, access),
        ssh: new LabSshServer(cluster, {
          node: node.name,
          address: node.address,
          port: ssh,
          hostKey: creds.hostKey.private,
          user: "root",
          authorizedKey: credentials.clientKey.public,
        }),
      });
    }
    try {
      for (const s of servers.values()) await startServers(s);
      return { servers, apiPort: api, sshPort: ssh };
    } catch (error) {
      await Promise.all([...servers.values()].map(stopServers));
      const inUse = (error as NodeJS.ErrnoException).code === "EADDRINUSE";
      if (!inUse || (apiPort && sshPort)) throw error;
    }
  }
  throw new Error("could not find free ports for the lab's API and SSH servers after 20 attempts");
}

function freePort(address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, address, () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

async function writeLabFiles(
  dir: string,
  credentials: LabCredentials,
  clusterYaml: string,
  hostKeys: Array<{ address: string; key: string }>,
  sshPort: number,
): Promise<LabFiles> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const files: LabFiles = {
    config: path.join(dir, "cluster.yaml"),
    identity: path.join(dir, "id_ed25519"),
    knownHosts: path.join(dir, "known_hosts"),
    token: path.join(dir, "pve-token"),
    ca: path.join(dir, "pve-root-ca.pem"),
  };
  const secret = { mode: 0o600 };
  await writeFile(files.identity, credentials.clientKey.private, secret);
  await writeFile(`${files.identity}.pub`, `${credentials.clientKey.public}\n`, secret);
  // known_hosts names a non-standard port as [address]:port, as ssh-keyscan writes it.
  const hostLine = (address: string) => (sshPort === 22 ? address : `[${address}]:${sshPort}`);
  await writeFile(
    files.knownHosts,
    hostKeys.map((h) => `${hostLine(h.address)} ${h.key.split(" ").slice(0, 2).join(" ")}\n`).join(""),
    secret,
  );
  await writeFile(files.token, `${credentials.token.secret}\n`, secret);
  await writeFile(files.ca, credentials.caCert, secret);
  await writeFile(files.config, clusterYaml, secret);
  // writeFile's mode applies only to new files; a re-used lab dir keeps tight permissions too.
  await Promise.all(Object.values(files).map((f) => chmod(f, 0o600)));
  return files;
}
