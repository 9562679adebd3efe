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
import { agentPrivilege, roleName } from "../pve/privileges.js";
import { LabSshServer } from "./ssh/server.js";
import type { PowerOff } from "./power-switch.js";
import { labClusterYaml, type LabTimeout } from "./cluster-yaml.js";

export interface LabOptions {
  dir: string;
  nodes?: number;
  /** One scenario or several together (`lab up --scenario a,b`). */
  scenario?: ScenarioName | readonly ScenarioName[];
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
  /** The scenarios' names, comma-separated as `lab up --scenario` takes them. */
  readonly scenario: string;
  readonly release: PveRelease;
  /** The cluster's user.cfg and token secrets, shared by every node's API (tests add tokens to it). */
  readonly access: LabAccess;
  status(): LabStatus;
  stop(): Promise<void>;
}

export interface LabStatus {
  scenario: string;
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
  const names = typeof options.scenario === "string" ? [options.scenario] : (options.scenario ?? ["healthy"]);
  const scenario = names.join(",");
  const timeScale = options.timeScale ?? 1;
  const release = options.pveVersion ?? defaultRelease(names);
  const refusal = scenarioRefusal(names, release);
  if (refusal) throw new RangeError(refusal);
  const topology = buildTopology(options.nodes ?? 3, release);
  const faults = { ...faultsOf(names), ...options.faults };
  if (faults.faultNode !== null && !topology.nodes.some((n) => n.name === faults.faultNode))
    throw new RangeError(`fault node ${faults.faultNode} is not one of ${topology.nodes.map((n) => n.name).join(", ")}`);
  const clock = scaledClock(timeScale);
  // A live holder keeps a pmxcfs lock for a few SSH round trips, which take real time at any
  // scale: at least a real second before it expires, or a fast lab would expire locks in use.
  const cluster = new LabCluster(topology, faults, clock, {
    pmxcfsLockTimeoutMs: Math.max(CFS_LOCK_TIMEOUT_MS, timeScale * 1_000),
  });
  const credentials = await makeCredentials(topology.clusterName, topology.nodes);
  const access = await labAccess(
    topology.release,
    { ...credentials.token, missingPrivileges: cluster.faults.tokenMissingPrivileges },
    cluster.userConfig,
  );
  // ready-for-9: the admin added the PVE 9 agent privilege to the role's line by hand (PVE 8's pveum refuses it; each major ignores the other's).
  if (cluster.faults.readyFor9) cluster.userConfig.roles[roleName]!.push(agentPrivilege("9"));
  const { servers, apiPort, sshPort } = await bindServers(cluster, credentials, access, options.apiPort ?? 0, options.sshPort ?? 0);

  const linkDown = new Set<string>();
  cluster.on("node-down", (name) => void stopServers(servers.get(name)!, cluster.shutdownOf(name)));
  cluster.on("node-up", (name) => void (linkDown.has(name) || startServers(servers.get(name)!)));
  // A cut link: packets vanish both ways, the node and its commands run on (power-switch.ts link-cut).
  cluster.on("link-down", (name) => {
    linkDown.add(name);
    void stopServers(servers.get(name)!, "link-cut");
  });
  cluster.on("link-up", (name) => {
    linkDown.delete(name);
    if (cluster.node(name).power === "up") void startServers(servers.get(name)!);
  });

  const dir = path.resolve(options.dir);
  const files = await writeLabFiles(
    dir,
    credentials,
    labClusterYaml({
      topology,
      credentials,
      apiPort,
      sshPort,
      timeScale,
      volumes: cluster.volumes.map((v) => v.name),
      ...(options.timeouts ? { timeouts: options.timeouts } : {}),
    }),
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
        // Every brick on the node: one per volume that has one there.
        healEntries: cluster.volumes.reduce((sum, v) => sum + Math.floor(v.heal.get(n.spec.name)?.pending ?? 0), 0),
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
      await Promise.all([...servers.values()].map(closeServers));
    },
  };
}

async function startServers(s: Servers): Promise<void> {
  await Promise.all([s.api.start(), s.ssh.start()]);
}

/** The node went down: its servers go silent (power-switch.ts). */
async function stopServers(s: Servers, how: PowerOff): Promise<void> {
  await Promise.all([s.api.stop(how), s.ssh.stop(how)]);
}

/** The lab stops: listeners closed, every connection destroyed. */
async function closeServers(s: Servers): Promise<void> {
  await Promise.all([s.api.close(), s.ssh.close()]);
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
      await Promise.all([...servers.values()].map(closeServers));
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
