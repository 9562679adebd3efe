// A fully healthy 3-node cluster (pve1..pve3, Gluster volume gv0 replica 3, the routers pair 100/101,
// celery on pve1, a private network) as the gates see it, and one small mutator per degradation.
// `degraded(...)` returns a fresh healthy state with the mutators applied, so tests never share state.

import { readFileSync } from "node:fs";
import { expect } from "vitest";
import { parseConfig, type Config } from "../../../src/config/index.js";
import { gates, type GateName, type Verdict } from "../../../src/gates/index.js";
import type { BrickProcessStatus, HealBrick, Peer } from "../../../src/gluster/types.js";
import { parseVolumeStore } from "../../../src/gluster/index.js";
import type { SourceFile } from "../../../src/pve/apt-sources.js";
import { allPrivileges, privilegeNeeds, roleName } from "../../../src/pve/privileges.js";
import { parsePve8to9, type Pve8to9Report } from "../../../src/pve/pve8to9.js";
import { parseDf, type DiskSpace } from "../../../src/observe/parsers/df.js";
import {
  failed,
  observed,
  type ClusterState,
  type CriticalMember,
  type Facet,
  type GlusterVolume,
  type Guest,
  type Observed,
} from "../../../src/observe/state.js";

export const NODES = ["pve1", "pve2", "pve3"] as const;
export type NodeName = (typeof NODES)[number];

export const VOLUME = "gv0";
export const brickOf = (node: string): string => `${node}:/data/brick/${VOLUME}`;
export const DASHBOARD_URL = "https://dashboard.example/health";
export const ROUTER_VIP = "10.0.0.1:443";

const nodeIndex = (node: string): number => NODES.indexOf(node as NodeName) + 1;
const peerIdOf = (node: string): string => `9${nodeIndex(node)}0e85d5-5cec-4f32-ba92-c3fdfd9f363d`;
const privateAddressOf = (node: string): string => `10.10.0.1${nodeIndex(node)}`;

export interface ConfigOptions {
  /** Members of routers that must stay healthy (default 2, both). */
  minHealthy?: 1 | 2;
  /** Whether the nodes declare a privateAddress (default true). */
  privateAddresses?: boolean;
  /** Gluster volumes declared (default [gv0]). */
  volumes?: string[];
}

/** cluster.yaml for the 3-node cluster, parsed and validated by the real config loader. */
export function clusterConfig({ minHealthy = 2, privateAddresses = true, volumes = [VOLUME] }: ConfigOptions = {}): Config {
  const nodes = NODES.map(
    (name) =>
      `  - { name: ${name}, address: 10.0.0.1${nodeIndex(name)}${privateAddresses ? `, privateAddress: ${privateAddressOf(name)}` : ""} }`,
  );
  return parseConfig(
    `cluster: storehouse
proxmox: { api: "https://10.0.0.11:8006", tokenId: "rollgate@pve!upgrade", tokenSecretEnv: PVE_TOKEN, caFile: /etc/pve/pve-root-ca.pem }
ssh: { identityFile: /root/.ssh/id_ed25519 }
nodes:
${nodes.join("\n")}
gluster: { volumes: [${volumes.join(", ")}] }
critical:
  - group: routers
    vms: [100, 101]
    minHealthy: ${minHealthy}
    spread: true
    probes: [{ agent: true }, { tcp: "${ROUTER_VIP}" }]
services:
  - { name: celery, node: pve1, unit: celery.service }
  - { name: dashboard, http: "${DASHBOARD_URL}" }
`,
    "cluster.yaml",
    "/etc/rollgate",
  );
}

const GiB = 2 ** 30;

function guest(vmid: number, name: string, node: string): Guest {
  return { vmid, name, type: "qemu", node, status: "running", maxmem: 2 * GiB, haState: "started", lock: null, template: false };
}

function healthyMember(g: Guest): CriticalMember {
  return {
    vmid: g.vmid,
    guest: g,
    current: observed({ status: "running", qmpStatus: "running", agentConfigured: true }),
    agent: observed(true as const),
    tcp: [{ target: ROUTER_VIP, result: observed(true as const) }],
  };
}

function healBrick(node: string, counts: Pick<HealBrick, "entries" | "splitBrain">): HealBrick {
  return { name: brickOf(node), host: node, path: `/data/brick/${VOLUME}`, status: "Connected", connected: true, ...counts, sample: [] };
}

function healthyVolume(): GlusterVolume {
  const bricks = NODES.map((node) => ({ name: brickOf(node), host: node, path: `/data/brick/${VOLUME}` }));
  return {
    name: VOLUME,
    from: "pve1",
    info: { name: VOLUME, type: "Replicate", status: "Started", bricks: bricks.map((b) => ({ ...b, arbiter: false })), options: {} },
    status: {
      volume: VOLUME,
      bricks: bricks.map((b, i): BrickProcessStatus => ({ ...b, peerId: peerIdOf(b.host), online: true, pid: 2100 + i, port: 49152 })),
      // As `volume status` prints them from pve1: its own daemon is `localhost`.
      selfHealDaemons: NODES.map((node, i) => ({
        host: node === "pve1" ? "localhost" : node,
        peerId: peerIdOf(node),
        online: true,
        pid: 2200 + i,
      })),
    },
    // heal info (XML) has counts but cannot tell split-brain; heal info split-brain has only that count.
    heal: { bricks: NODES.map((node) => healBrick(node, { entries: 0, splitBrain: null })) },
    splitBrain: { bricks: NODES.map((node) => healBrick(node, { entries: null, splitBrain: 0 })) },
  };
}

const peer = (node: string): Peer => ({ uuid: peerIdOf(node), hostname: node, state: "Peer in Cluster", connected: true });

/** `df -B1 --output=file,avail,size,target / /boot` captured on a Debian bookworm host (test/fixtures/df/README.md). */
export function diskSpace(fixture = "same-fs.txt"): DiskSpace {
  return parseDf(readFileSync(new URL(`../../fixtures/df/${fixture}`, import.meta.url), "utf8"));
}

/** glusterd's record of a volume, captured on a real pool (test/fixtures/volume-info/README.md), as a set of lines. */
export function volumeRecord(fixture: string): Set<string> {
  const read = parseVolumeStore(readFileSync(new URL(`../../fixtures/volume-info/${fixture}`, import.meta.url), "utf8"), fixture);
  if (!read.ok) throw new Error(`state factory: fixture ${fixture}: ${read.error}`);
  return read.lines;
}

/** `pve8to9 --full` of a PVE 8.4 node ready for its major upgrade (fixture): WARN lines only. */
export function pve8to9Report(fixture = "pve84-warn-only.txt"): Pve8to9Report {
  const report = parsePve8to9(readFileSync(new URL(`../../fixtures/pve8to9/${fixture}`, import.meta.url), "utf8"));
  if ("error" in report) throw new Error(`state factory: fixture ${fixture}: ${report.error}`);
  return report;
}

/**
 * The APT sources of a PVE 8.4 node without a subscription (docs/domain/apt-sources.md, "What a node
 * has"): Debian and pve-no-subscription in sources.list, the installer's enterprise files commented
 * out; `enterprise` leaves pve-enterprise.list enabled, as the installer wrote it.
 */
export function bookwormSources({ enterprise = false } = {}): SourceFile[] {
  return [
    {
      path: "/etc/apt/sources.list",
      content: [
        "deb http://deb.debian.org/debian bookworm main contrib",
        "deb http://deb.debian.org/debian bookworm-updates main contrib",
        "# security updates",
        "deb http://security.debian.org/debian-security bookworm-security main contrib",
        ...(enterprise ? [] : ["deb http://download.proxmox.com/debian/pve bookworm pve-no-subscription"]),
        "",
      ].join("\n"),
    },
    { path: "/etc/apt/sources.list.d/ceph.list", content: "# deb https://enterprise.proxmox.com/debian/ceph-quincy bookworm enterprise\n" },
    {
      path: "/etc/apt/sources.list.d/pve-enterprise.list",
      content: `${enterprise ? "" : "# "}deb https://enterprise.proxmox.com/debian/pve bookworm pve-enterprise\n`,
    },
  ];
}

/** Every facet a gate can ask for, all healthy. */
export function healthyState(target: string | null = null): ClusterState {
  const guests = [guest(100, "fw1", "pve1"), guest(101, "fw2", "pve2"), guest(200, "celery", "pve1"), guest(300, "dashboard", "pve3")];
  const byVmid = (vmid: number): Guest => guests.find((g) => g.vmid === vmid)!;
  return {
    observedAt: "2024-10-15T03:00:00.000Z",
    target,
    pve: observed({ name: "storehouse", quorate: true, nodeCount: 3, nodes: NODES.map((name) => ({ name, online: true })) }),
    votes: observed({ from: "pve1", expected: 3, total: 3, quorate: true }),
    ssh: Object.fromEntries(NODES.map((node) => [node, observed({ bootId: `0b7c4a5e-55d2-4f0a-9c1e-3a8f2d6b7e0${nodeIndex(node)}` })])),
    guests: observed({
      guests,
      nodes: NODES.map((name) => ({ name, maxmem: 64 * GiB, mem: 8 * GiB })),
      critical: { routers: [healthyMember(byVmid(100)), healthyMember(byVmid(101))] },
    }),
    ha: observed({ managerActive: true, nodeStatus: Object.fromEntries(NODES.map((node) => [node, "online"])), resourceCount: 2 }),
    haConfig: observed({
      source: "groups",
      resources: [100, 101].map((vmid) => ({ sid: `vm:${vmid}`, vmid, state: "started", failback: true })),
      nodeRules: [],
      affinityRules: [],
    }),
    permissions: observed({
      tokenId: "rollgate@pve!upgrade",
      majors: ["8"],
      effective: {
        "8": Object.fromEntries([
          ...privilegeNeeds("8").map((n) => [n.path, allPrivileges("8")] as const),
          ...[100, 101].map((vmid) => [`/vms/${vmid}`, allPrivileges("8")] as const),
        ]),
      },
    }),
    gluster: { [VOLUME]: observed(healthyVolume()) },
    storage: observed({
      listed: [
        { storage: "local", type: "dir" },
        { storage: VOLUME, type: "glusterfs" },
      ],
      gluster: [{ storage: VOLUME, volume: VOLUME, server: "pve1", server2: "pve2" }],
    }),
    mounts: Object.fromEntries(NODES.map((node) => [node, observed([])])),
    pve8to9: Object.fromEntries(NODES.map((node) => [node, observed(pve8to9Report())])),
    diskSpace: Object.fromEntries(NODES.map((node) => [node, observed(diskSpace())])),
    glusterRecords: Object.fromEntries(NODES.map((node) => [node, observed({ [VOLUME]: volumeRecord("11.1-rewritten.info") })])),
    roles: observed([
      { roleid: "PVEAuditor", privileges: ["Sys.Audit", "VM.Audit"], builtIn: true },
      { roleid: "PVEVMAdmin", privileges: ["VM.Audit", "VM.Monitor", "VM.PowerMgmt"], builtIn: true },
      { roleid: roleName, privileges: allPrivileges("9"), builtIn: false },
    ]),
    aptUpdate: Object.fromEntries(NODES.map((node) => [node, observed({ errors: [], warnings: [] })])),
    aptSources: Object.fromEntries(NODES.map((node) => [node, observed(bookwormSources())])),
    packages: Object.fromEntries(
      NODES.map((node) => [
        node,
        observed({
          runningKernel: "6.8.12-11-pve",
          installedKernels: ["6.8.12-11-pve"],
          pinnedKernel: null,
          pending: [],
          rebootRequiredFile: false,
          pveVersion: "8.4.14",
        }),
      ]),
    ),
    peers: Object.fromEntries(NODES.map((node) => [node, observed({ peers: NODES.filter((n) => n !== node).map(peer) })])),
    services: [
      { name: "celery", what: "celery.service on pve1", node: "pve1", result: observed({ healthy: true, detail: "active" }) },
      { name: "dashboard", what: DASHBOARD_URL, node: null, result: observed({ healthy: true, detail: "HTTP 200" }) },
    ],
    privateNetwork: NODES.flatMap((from) =>
      NODES.filter((to) => to !== from).map((to) => ({
        from,
        to,
        address: privateAddressOf(to),
        result: observed({ reachable: true, detail: "answers (1/1 replies)" }),
      })),
    ),
  };
}

export type Mutator = (state: ClusterState) => void;

/** A fresh healthy state with each mutator applied in turn. */
export function degraded(...mutators: Mutator[]): ClusterState {
  const state = healthyState();
  for (const mutate of mutators) mutate(state);
  return state;
}

/** The value of an observation the factory made; a test that unwraps a failure is itself broken. */
function valueOf<T>(seen: Observed<T> | undefined, what: string): T {
  if (!seen?.ok) throw new Error(`state factory: ${what} is not an observed value`);
  return seen.value;
}

function find<T>(list: T[], match: (item: T) => boolean, what: string): T {
  const item = list.find(match);
  if (item === undefined) throw new Error(`state factory: no ${what}`);
  return item;
}

// ── quorum and membership ───────────────────────────────────────────────────────────────────────

export const notQuorate =
  (...offline: NodeName[]): Mutator =>
  (state) => {
    const pve = valueOf(state.pve, "pve");
    pve.quorate = false;
    for (const node of pve.nodes) if (offline.includes(node.name as NodeName)) node.online = false;
  };

export const votes =
  (total: number, quorate = true): Mutator =>
  (state) => {
    Object.assign(valueOf(state.votes, "votes"), { total, quorate });
  };

export const nodeOffline =
  (name: NodeName): Mutator =>
  (state) => {
    find(valueOf(state.pve, "pve").nodes, (n) => n.name === name, `node ${name}`).online = false;
  };

export const nodeMissingFromCluster =
  (name: NodeName): Mutator =>
  (state) => {
    const pve = valueOf(state.pve, "pve");
    pve.nodes = pve.nodes.filter((n) => n.name !== name);
    pve.nodeCount = pve.nodes.length;
  };

export const extraClusterNode =
  (name: string): Mutator =>
  (state) => {
    const pve = valueOf(state.pve, "pve");
    pve.nodes.push({ name, online: true });
    pve.nodeCount = pve.nodes.length;
  };

export const sshFails =
  (node: NodeName, error: string): Mutator =>
  (state) => {
    state.ssh![node] = failed(error);
  };

export const haNodeStatus =
  (node: NodeName, status: string): Mutator =>
  (state) => {
    valueOf(state.ha, "ha").nodeStatus[node] = status;
  };

export const haManagerInactive: Mutator = (state) => {
  state.ha = observed({ managerActive: false, nodeStatus: {}, resourceCount: 2 });
};

// ── Gluster ─────────────────────────────────────────────────────────────────────────────────────

const volumeOf = (state: ClusterState): GlusterVolume => valueOf(state.gluster?.[VOLUME], `volume ${VOLUME}`);
const healBrickOf = (state: ClusterState, node: NodeName): HealBrick =>
  find(volumeOf(state).heal.bricks, (b) => b.host === node, `heal info brick on ${node}`);
const splitBrickOf = (state: ClusterState, node: NodeName): HealBrick =>
  find(volumeOf(state).splitBrain.bricks, (b) => b.host === node, `split-brain brick on ${node}`);
const processOf = (state: ClusterState, node: NodeName): BrickProcessStatus =>
  find(volumeOf(state).status.bricks, (b) => b.host === node, `brick process on ${node}`);

export const healPending =
  (node: NodeName, entries: number, sample: string[] = []): Mutator =>
  (state) => {
    Object.assign(healBrickOf(state, node), { entries, sample });
  };

/** heal info printed `Number of entries: -` for a brick it reports as Connected. */
export const healCountUnknown =
  (node: NodeName): Mutator =>
  (state) => {
    healBrickOf(state, node).entries = null;
  };

/** What heal info prints for a brick it cannot reach: the status text and `-` counts, in both heal infos. */
export const brickUnreachable =
  (node: NodeName, status = "Transport endpoint is not connected"): Mutator =>
  (state) => {
    Object.assign(healBrickOf(state, node), { status, connected: false, entries: null });
    Object.assign(splitBrickOf(state, node), { status, connected: false, splitBrain: null });
  };

export const missingFromHealInfo =
  (node: NodeName): Mutator =>
  (state) => {
    const heal = volumeOf(state).heal;
    heal.bricks = heal.bricks.filter((b) => b.host !== node);
  };

/** `volume status` from a node whose peer's glusterd is down: that node's brick and daemon are simply absent. */
export const glusterdDown =
  (node: NodeName): Mutator =>
  (state) => {
    const status = volumeOf(state).status;
    status.bricks = status.bricks.filter((b) => b.host !== node);
    status.selfHealDaemons = status.selfHealDaemons.filter((d) => d.peerId !== peerIdOf(node));
  };

export const brickProcessOffline =
  (node: NodeName): Mutator =>
  (state) => {
    Object.assign(processOf(state, node), { online: false, pid: null, port: null });
  };

/** The self-heal daemon of `node` is offline; `listedAs` is the host name `volume status` printed for it. */
export const selfHealDaemonOffline =
  (node: NodeName, listedAs: string = node): Mutator =>
  (state) => {
    const daemon = find(volumeOf(state).status.selfHealDaemons, (d) => d.peerId === peerIdOf(node), `self-heal daemon of ${node}`);
    Object.assign(daemon, { host: listedAs, online: false, pid: null });
  };

/** Relabels every self-heal daemon (gluster prints `localhost` for the one it was asked on). */
export const selfHealDaemonsListedAs =
  (hosts: Record<NodeName, string>): Mutator =>
  (state) => {
    for (const node of NODES) {
      find(volumeOf(state).status.selfHealDaemons, (d) => d.peerId === peerIdOf(node), `self-heal daemon of ${node}`).host = hosts[node];
    }
  };

export const splitBrain =
  (node: NodeName, count: number | null, sample: string[] = []): Mutator =>
  (state) => {
    Object.assign(splitBrickOf(state, node), { splitBrain: count, sample });
  };

export const volumeStatus =
  (status: string): Mutator =>
  (state) => {
    volumeOf(state).info.status = status;
  };

/** `volume info` names another type (a plain distribute volume has no replica to heal from). */
export const volumeType =
  (type: string): Mutator =>
  (state) => {
    volumeOf(state).info.type = type;
  };

/** heal info lists a brick `volume info` does not have (a brick added while rollgate read the two). */
export const strangerInHealInfo =
  (node: string): Mutator =>
  (state) => {
    const heal = volumeOf(state).heal;
    heal.bricks.push({ ...heal.bricks[0]!, name: brickOf(node), host: node });
  };

/** `heal info split-brain` does not list this node's brick, or lists it unreachable while `heal info` reached it. */
export const splitBrainView =
  (node: NodeName, seen: "missing" | "unreachable"): Mutator =>
  (state) => {
    const split = volumeOf(state).splitBrain;
    if (seen === "missing") split.bricks = split.bricks.filter((b) => b.host !== node);
    else Object.assign(splitBrickOf(state, node), { status: "Transport endpoint is not connected", connected: false, splitBrain: null });
  };

export const volumeUnobservable =
  (error: string): Mutator =>
  (state) => {
    state.gluster![VOLUME] = failed(error);
  };

const peerSeenBy = (state: ClusterState, seenBy: NodeName, node: NodeName): Peer =>
  find(valueOf(state.peers?.[seenBy], `peers of ${seenBy}`).peers, (p) => p.hostname === node, `peer ${node} of ${seenBy}`);

export const peerDisconnected =
  (seenBy: NodeName, node: NodeName): Mutator =>
  (state) => {
    peerSeenBy(state, seenBy, node).connected = false;
  };

export const peerState =
  (seenBy: NodeName, node: NodeName, peerStateText: string): Mutator =>
  (state) => {
    peerSeenBy(state, seenBy, node).state = peerStateText;
  };

export const peersUnobservable =
  (node: NodeName, error: string): Mutator =>
  (state) => {
    state.peers![node] = failed(error);
  };

export const peersNotRead =
  (node: NodeName): Mutator =>
  (state) => {
    delete state.peers![node];
  };

// ── critical groups ─────────────────────────────────────────────────────────────────────────────

const memberOf = (state: ClusterState, vmid: 100 | 101): CriticalMember =>
  find(valueOf(state.guests, "guests").critical.routers ?? [], (m) => m.vmid === vmid, `member ${vmid}`);
const guestOf = (member: CriticalMember): Guest => {
  if (!member.guest) throw new Error(`state factory: member ${member.vmid} has no guest`);
  return member.guest;
};

/** The guest as PVE lists it stopped: no status/current or probes are read for it. */
export const memberStopped =
  (vmid: 100 | 101): Mutator =>
  (state) => {
    const member = memberOf(state, vmid);
    guestOf(member).status = "stopped";
    Object.assign(member, { current: null, agent: null, tcp: [] });
  };

/** PVE says running, QEMU says paused (e.g. a full storage suspended the VM). */
export const memberPaused =
  (vmid: 100 | 101): Mutator =>
  (state) => {
    memberOf(state, vmid).current = observed({ status: "running", qmpStatus: "paused", agentConfigured: true });
  };

export const memberStatusUnobservable =
  (vmid: 100 | 101, error: string): Mutator =>
  (state) => {
    memberOf(state, vmid).current = failed(error);
  };

export const agentFails =
  (vmid: 100 | 101, error: string): Mutator =>
  (state) => {
    memberOf(state, vmid).agent = failed(error);
  };

export const tcpProbeFails =
  (vmid: 100 | 101, error: string): Mutator =>
  (state) => {
    memberOf(state, vmid).tcp = [{ target: ROUTER_VIP, result: failed(error) }];
  };

export const memberNotInCluster =
  (vmid: 100 | 101): Mutator =>
  (state) => {
    const view = valueOf(state.guests, "guests");
    view.guests = view.guests.filter((g) => g.vmid !== vmid);
    Object.assign(memberOf(state, vmid), { guest: null, current: null, agent: null, tcp: [] });
  };

/** The member now runs on `node` (a migration), healthy. */
export const memberOn =
  (vmid: 100 | 101, node: NodeName): Mutator =>
  (state) => {
    guestOf(memberOf(state, vmid)).node = node;
  };

export const groupNotRead: Mutator = (state) => {
  delete valueOf(state.guests, "guests").critical.routers;
};

export const guestsUnobservable =
  (error: string): Mutator =>
  (state) => {
    state.guests = failed(error);
  };

// ── services and private network ────────────────────────────────────────────────────────────────

export const serviceResult =
  (name: "celery" | "dashboard", result: Observed<{ healthy: boolean; detail: string }>): Mutator =>
  (state) => {
    find(state.services ?? [], (s) => s.name === name, `service ${name}`).result = result;
  };

export const pathResult =
  (from: NodeName, to: NodeName, result: Observed<{ reachable: boolean; detail: string }>): Mutator =>
  (state) => {
    find(state.privateNetwork ?? [], (p) => p.from === from && p.to === to, `path ${from} → ${to}`).result = result;
  };

export const pathsNotChecked =
  (from: NodeName): Mutator =>
  (state) => {
    state.privateNetwork = (state.privateNetwork ?? []).filter((p) => p.from !== from);
  };

// ── facets ──────────────────────────────────────────────────────────────────────────────────────

/** The parts of ClusterState each facet fills (collect.ts: `gluster` reads volumes and peers). */
const FACET_KEYS: Record<Facet, Array<keyof ClusterState>> = {
  pve: ["pve"],
  votes: ["votes"],
  ssh: ["ssh"],
  guests: ["guests"],
  ha: ["ha"],
  haConfig: ["haConfig"],
  permissions: ["permissions"],
  mounts: ["mounts"],
  aptUpdate: ["aptUpdate"],
  aptSources: ["aptSources"],
  gluster: ["gluster", "peers"],
  services: ["services"],
  privateNetwork: ["privateNetwork"],
  packages: ["packages"],
  constraints: ["constraints"],
  qemu: ["qemu"],
  storage: ["storage"],
  pve8to9: ["pve8to9"],
  roles: ["roles"],
  diskSpace: ["diskSpace"],
  glusterRecords: ["glusterRecords"],
};

/** The state as `collect` leaves it when asked only for `facets`. */
export function onlyFacets(state: ClusterState, facets: Iterable<Facet>): ClusterState {
  const kept: ClusterState = { observedAt: state.observedAt, target: state.target };
  for (const facet of facets) for (const key of FACET_KEYS[facet]) Object.assign(kept, { [key]: state[key] });
  return kept;
}

// ── evaluating and asserting ────────────────────────────────────────────────────────────────────

export interface Evaluation {
  config?: Config;
  /** The node about to go down; defaults to the state's own target. */
  target?: string | null;
}

export function evaluate(
  name: GateName,
  state: ClusterState,
  { config = clusterConfig(), target = state.target }: Evaluation = {},
): Verdict {
  return gates[name].evaluate({ config, state, target });
}

export function expectPass(verdict: Verdict): void {
  expect(verdict.reasons).toEqual([]);
  expect(verdict.pass).toBe(true);
}

/** The verdict refuses, and some single reason contains every one of `texts`. */
export function expectRefusal(verdict: Verdict, ...texts: string[]): void {
  expect(verdict.pass).toBe(false);
  expect(
    verdict.reasons.some((reason) => texts.every((text) => reason.includes(text))),
    `no one reason contains all of ${JSON.stringify(texts)} in:\n${verdict.reasons.join("\n")}`,
  ).toBe(true);
}
