// The PVE API paths rollgate uses, answered from the lab's model with PVE 8's JSON shapes
// (booleans as 0/1, `kversion` and `current-kernel`, UPID tasks, 595 for a node that is down).

import { LabApiError, type LabCluster } from "../model/cluster.js";
import type { GuestState, NodeState } from "../model/state.js";
import { ctime } from "../ctime.js";

export interface ApiRequest {
  method: string;
  /** Path below /api2/json, e.g. `/nodes/pve1/status`. */
  path: string;
  query: URLSearchParams;
  body: URLSearchParams;
  /** The node whose pveproxy received the request. */
  via: string;
  /** The authenticated token, `user@realm!id`. */
  user: string;
}

type Params = Record<string, string>;
type Handler = (cluster: LabCluster, req: ApiRequest, params: Params) => unknown;

interface Route {
  method: "GET" | "POST";
  pattern: RegExp;
  keys: string[];
  handler: Handler;
  /** Requests for another node are proxied to it: they fail with 595 when it is down. */
  proxiedTo?: (params: Params) => string;
}

const routes: Route[] = [];

function route(method: Route["method"], path: string, handler: Handler): void {
  const keys: string[] = [];
  const pattern = new RegExp(
    `^${path.replace(/\{(\w+)\}/g, (_, key: string) => {
      keys.push(key);
      return key === "upid" ? "([^/]+)" : "([A-Za-z0-9._-]+)";
    })}$`,
  );
  routes.push({
    method,
    pattern,
    keys,
    handler,
    ...(keys.includes("node") ? { proxiedTo: (p: Params) => p["node"]! } : {}),
  });
}

const flag = (value: boolean): 0 | 1 => (value ? 1 : 0);
const seconds = (ms: number) => Math.max(0, Math.floor(ms / 1000));
const GiB = 1024 ** 3;

function nodeEntry(cluster: LabCluster, node: NodeState) {
  const name = node.spec.name;
  const online = cluster.isOnline(name);
  const running = runningGuests(cluster, name);
  return {
    id: `node/${name}`,
    type: "node",
    node: name,
    status: online ? "online" : "offline",
    ...(online
      ? {
          uptime: seconds(cluster.clock.now() - node.upSince),
          cpu: 0.04 + running.length * 0.03,
          maxcpu: 16,
          mem: 6 * GiB + running.reduce((sum, g) => sum + g.spec.memoryBytes, 0),
          maxmem: node.spec.memoryBytes,
          disk: 12 * GiB,
          maxdisk: 100 * GiB,
          level: "",
        }
      : {}),
    hastate: node.haStatus,
  };
}

function runningGuests(cluster: LabCluster, node: string): GuestState[] {
  return [...cluster.guests.values()].filter((g) => g.node === node && g.status === "running");
}

function guestResource(cluster: LabCluster, guest: GuestState) {
  const nodeOnline = cluster.isOnline(guest.node);
  const running = guest.status === "running";
  return {
    id: `${guest.spec.type}/${guest.spec.vmid}`,
    type: guest.spec.type,
    vmid: guest.spec.vmid,
    name: guest.spec.name,
    node: guest.node,
    // pmxcfs has no fresh status for guests of an offline node: PVE reports "unknown".
    status: nodeOnline ? guest.status : "unknown",
    template: 0,
    maxmem: guest.spec.memoryBytes,
    mem: running ? Math.floor(guest.spec.memoryBytes * 0.6) : 0,
    maxcpu: 2,
    cpu: running ? 0.05 : 0,
    maxdisk: 32 * GiB,
    disk: 0,
    uptime: running ? seconds(cluster.clock.now() - guest.startedAt) : 0,
    netin: 0,
    netout: 0,
    diskread: 0,
    diskwrite: 0,
    ...(guest.spec.haManaged ? { hastate: guest.haState } : {}),
    ...(guest.lock ? { lock: guest.lock } : {}),
  };
}

function guestStatus(cluster: LabCluster, guest: GuestState) {
  const running = guest.status === "running";
  return {
    vmid: guest.spec.vmid,
    name: guest.spec.name,
    status: guest.status,
    ...(guest.spec.type === "qemu" ? { qmpstatus: guest.qmpStatus, agent: flag(guest.spec.agent), "running-qemu": "9.0.2", "running-machine": "pc-i440fx-9.0+pve0" } : {}),
    uptime: running ? seconds(cluster.clock.now() - guest.startedAt) : 0,
    maxmem: guest.spec.memoryBytes,
    mem: running ? Math.floor(guest.spec.memoryBytes * 0.6) : 0,
    cpus: 2,
    cpu: running ? 0.05 : 0,
    ...(running ? { pid: 1000 + guest.spec.vmid } : {}),
    ...(guest.lock ? { lock: guest.lock } : {}),
    ha: guest.spec.haManaged ? { managed: 1, state: guest.haState === "stopped" ? "stopped" : "started" } : { managed: 0 },
  };
}

function guestOf(cluster: LabCluster, node: string, vmid: string, type: "qemu" | "lxc"): GuestState {
  const guest = cluster.guests.get(Number(vmid));
  if (!guest || guest.node !== node || guest.spec.type !== type) {
    const dir = type === "qemu" ? "qemu-server" : "lxc";
    throw new LabApiError(500, `Configuration file 'nodes/${node}/${dir}/${vmid}.conf' does not exist`);
  }
  return guest;
}

function haStatusText(status: NodeState["haStatus"]): string {
  return status === "maintenance" ? "maintenance mode" : "active";
}

route("GET", "/version", () => ({ version: "8.2.4", release: "8.2", repoid: "faa83925c9641325" }));

route("GET", "/cluster/status", (cluster, req) => {
  const nodes = [...cluster.nodes.values()];
  // With corosync partitioned, each node sees only itself.
  const visible = (n: NodeState) => (cluster.faults.quorumLost ? n.spec.name === req.via : cluster.isOnline(n.spec.name));
  return [
    { id: "cluster", type: "cluster", name: cluster.topology.clusterName, nodes: nodes.length, quorate: flag(!cluster.faults.quorumLost && cluster.quorate()), version: 3 },
    ...nodes.map((n) => ({
      id: `node/${n.spec.name}`,
      type: "node",
      name: n.spec.name,
      nodeid: n.spec.nodeId,
      ip: n.spec.address,
      online: flag(visible(n)),
      local: flag(n.spec.name === req.via),
      level: "",
    })),
  ];
});

route("GET", "/cluster/resources", (cluster, req) => {
  const type = req.query.get("type");
  const nodes = [...cluster.nodes.values()].map((n) => nodeEntry(cluster, n));
  const guests = [...cluster.guests.values()].map((g) => guestResource(cluster, g));
  const storage = [...cluster.nodes.values()].map((n) => ({
    id: `storage/${n.spec.name}/gv0`,
    type: "storage",
    storage: "gv0",
    node: n.spec.name,
    status: cluster.isOnline(n.spec.name) ? "available" : "unknown",
    plugintype: "glusterfs",
    shared: 1,
    content: "images",
  }));
  if (type === "vm") return guests;
  if (type === "node") return nodes;
  if (type === "storage") return storage;
  if (type !== null) throw new LabApiError(400, `Parameter verification failed. type: value '${type}' does not have a value in the enumeration 'vm, storage, node, sdn'`);
  return [...nodes, ...guests, ...storage];
});

route("GET", "/storage", (cluster) => {
  const [first, second] = cluster.topology.nodes;
  return [
    { storage: "local", type: "dir", path: "/var/lib/vz", content: "iso,vztmpl,backup", digest: "5b0a3d1f" },
    {
      storage: cluster.volume.name,
      type: "glusterfs",
      volume: cluster.volume.name,
      server: first!.name,
      ...(cluster.faults.storageWithoutServer2 ? {} : { server2: second!.name }),
      content: "images",
      shared: 1,
      digest: "5b0a3d1f",
    },
  ];
});

route("GET", "/nodes", (cluster) =>
  [...cluster.nodes.values()].map((n) => {
    const { id: _id, type: _type, hastate: _ha, ...entry } = nodeEntry(cluster, n);
    return { ...entry, ssl_fingerprint: "" };
  }),
);

route("GET", "/nodes/{node}/status", (cluster, _req, p) => {
  const node = cluster.node(p["node"]!);
  const release = node.runningKernel;
  const version = "#1 SMP PREEMPT_DYNAMIC PMX 6.8.12-4 (2024-11-06T15:04Z)";
  return {
    uptime: seconds(cluster.clock.now() - node.upSince),
    idle: 0,
    loadavg: ["0.31", "0.27", "0.22"],
    cpu: 0.05,
    wait: 0,
    cpuinfo: { cores: 8, cpus: 16, model: "Intel(R) Xeon(R) E-2288G CPU @ 3.70GHz", sockets: 1, mhz: "3700.000", hvm: "1", flags: "fpu vme de pse", user_hz: 100 },
    memory: { total: node.spec.memoryBytes, used: 12 * GiB, free: node.spec.memoryBytes - 12 * GiB, available: node.spec.memoryBytes - 10 * GiB },
    swap: { total: 8 * GiB, used: 0, free: 8 * GiB },
    ksm: { shared: 0 },
    rootfs: { total: 100 * GiB, used: 12 * GiB, avail: 88 * GiB, free: 88 * GiB },
    pveversion: `pve-manager/${node.pveVersion}/b4a0dd8fb7c3e5f6`,
    kversion: `Linux ${release} ${version}`,
    "current-kernel": { sysname: "Linux", release, version, machine: "x86_64" },
    "boot-info": { mode: "efi", secureboot: 0 },
  };
});

route("GET", "/nodes/{node}/version", (cluster, _req, p) => {
  const version = cluster.node(p["node"]!).pveVersion;
  return { version, release: version.split(".").slice(0, 2).join("."), repoid: "b4a0dd8fb7c3e5f6" };
});

for (const type of ["qemu", "lxc"] as const) {
  route("GET", `/nodes/{node}/${type}`, (cluster, _req, p) =>
    [...cluster.guests.values()]
      .filter((g) => g.node === p["node"] && g.spec.type === type)
      .map((g) => {
        const { vmid, name, status, uptime, maxmem, mem, cpus, cpu, pid, lock } = guestStatus(cluster, g);
        return { vmid, name, status, uptime, maxmem, mem, cpus, cpu, ...(pid ? { pid } : {}), ...(lock ? { lock } : {}) };
      }),
  );
  route("GET", `/nodes/{node}/${type}/{vmid}/status/current`, (cluster, _req, p) => guestStatus(cluster, guestOf(cluster, p["node"]!, p["vmid"]!, type)));
  route("POST", `/nodes/{node}/${type}/{vmid}/migrate`, (cluster, req, p) => {
    guestOf(cluster, p["node"]!, p["vmid"]!, type);
    const target = req.body.get("target");
    if (!target) throw new LabApiError(400, "Parameter verification failed. target: property is missing and it is not optional");
    const truthy = (key: string) => ["1", "true"].includes(req.body.get(key) ?? "");
    return cluster.migrate(p["node"]!, Number(p["vmid"]), { target, online: truthy("online"), restart: truthy("restart"), user: req.user }, `api ${req.via}`);
  });
  for (const action of ["shutdown", "start"] as const) {
    route("POST", `/nodes/{node}/${type}/{vmid}/status/${action}`, (cluster, req, p) => {
      guestOf(cluster, p["node"]!, p["vmid"]!, type);
      return cluster.setGuestPower(p["node"]!, Number(p["vmid"]), action, req.user, `api ${req.via}`);
    });
  }
}

route("GET", "/nodes/{node}/qemu/{vmid}/migrate", (cluster, _req, p) => {
  const guest = guestOf(cluster, p["node"]!, p["vmid"]!, "qemu");
  const others = [...cluster.nodes.keys()].filter((n) => n !== guest.node);
  return {
    running: flag(guest.status === "running"),
    allowed_nodes: others.filter((n) => cluster.isOnline(n)),
    not_allowed_nodes: Object.fromEntries(others.filter((n) => !cluster.isOnline(n)).map((n) => [n, { unavailable_storages: ["gv0"] }])),
    local_disks: guest.spec.localDisks ? [{ volid: `local-lvm:vm-${guest.spec.vmid}-disk-0`, size: 32 * GiB, is_attached: 1, drivename: "scsi0" }] : [],
    local_resources: [],
    "mapped-resources": [],
  };
});

route("POST", "/nodes/{node}/qemu/{vmid}/agent/ping", (cluster, _req, p) => {
  const guest = guestOf(cluster, p["node"]!, p["vmid"]!, "qemu");
  if (!guest.spec.agent) throw new LabApiError(500, "No QEMU guest agent configured");
  if (guest.status !== "running") throw new LabApiError(500, `VM ${guest.spec.vmid} is not running`);
  if (!cluster.agentAnswers(guest)) throw new LabApiError(500, "QEMU guest agent is not running");
  return { result: {} };
});

route("GET", "/nodes/{node}/tasks", (cluster, req, p) => {
  const vmid = req.query.get("vmid");
  const typefilter = req.query.get("typefilter");
  const activeOnly = req.query.get("source") === "active";
  return [...cluster.tasks.values()]
    .filter((t) => t.node === p["node"] && (!vmid || t.id === vmid) && (!typefilter || t.type === typefilter) && (!activeOnly || t.status === "running"))
    .map((t) => ({
      upid: t.upid,
      node: t.node,
      pid: t.pid,
      pstart: t.pstart,
      starttime: t.starttime,
      type: t.type,
      id: t.id,
      user: t.user,
      ...(t.endtime !== null ? { endtime: t.endtime, status: t.exitstatus } : {}),
    }));
});

route("GET", "/nodes/{node}/tasks/{upid}/status", (cluster, _req, p) => {
  const upid = decodeURIComponent(p["upid"]!);
  const task = cluster.tasks.get(upid);
  if (!task || task.node !== p["node"]) throw new LabApiError(500, `unable to open file '/var/log/pve/tasks/active' - no such task`);
  return {
    upid: task.upid,
    node: task.node,
    pid: task.pid,
    pstart: task.pstart,
    starttime: task.starttime,
    type: task.type,
    id: task.id,
    user: task.user,
    status: task.status,
    ...(task.exitstatus !== null ? { exitstatus: task.exitstatus } : {}),
  };
});

route("GET", "/nodes/{node}/tasks/{upid}/log", (cluster, _req, p) => {
  const task = cluster.tasks.get(decodeURIComponent(p["upid"]!));
  if (!task) throw new LabApiError(500, "no such task");
  return task.log.map((t, i) => ({ n: i + 1, t }));
});

route("GET", "/cluster/ha/resources", (cluster) =>
  [...cluster.guests.values()]
    .filter((g) => g.spec.haManaged)
    .map((g) => ({ sid: `vm:${g.spec.vmid}`, type: "vm", state: "started", max_restart: 1, max_relocate: 1, digest: "0c9bc2ab0a1f" })),
);

route("GET", "/cluster/ha/status/current", (cluster) => {
  const date = ctime();
  const master = [...cluster.nodes.values()].find((n) => cluster.isOnline(n.spec.name));
  const quorate = cluster.quorate();
  return [
    { id: "quorum", type: "quorum", node: master?.spec.name ?? "", status: quorate ? "OK" : "No quorum on node", quorate: flag(quorate) },
    ...(master ? [{ id: "master", type: "master", node: master.spec.name, status: `${master.spec.name} (active, ${date})`, timestamp: Math.floor(Date.now() / 1000) }] : []),
    ...[...cluster.nodes.values()].map((n) => ({
      id: `lrm:${n.spec.name}`,
      type: "lrm",
      node: n.spec.name,
      status: cluster.isOnline(n.spec.name) ? `${n.spec.name} (${haStatusText(n.haStatus)}, ${date})` : `${n.spec.name} (old timestamp - dead?, ${date})`,
      timestamp: Math.floor(Date.now() / 1000),
    })),
    ...[...cluster.guests.values()]
      .filter((g) => g.spec.haManaged)
      .map((g) => ({
        id: `service:vm:${g.spec.vmid}`,
        type: "service",
        sid: `vm:${g.spec.vmid}`,
        node: g.node,
        crm_state: g.haState,
        state: g.haState === "stopped" ? "stopped" : "started",
        request_state: g.haState === "stopped" ? "stopped" : "started",
        status: `vm:${g.spec.vmid} (${g.node}, ${g.haState})`,
        max_restart: 1,
        max_relocate: 1,
      })),
  ];
});

route("GET", "/cluster/ha/status/manager_status", (cluster) => {
  const master = [...cluster.nodes.values()].find((n) => cluster.isOnline(n.spec.name));
  const now = Math.floor(Date.now() / 1000);
  return {
    manager_status: {
      master_node: master?.spec.name ?? "",
      timestamp: now,
      node_status: Object.fromEntries([...cluster.nodes.values()].map((n) => [n.spec.name, cluster.isOnline(n.spec.name) ? n.haStatus : "unknown"])),
      service_status: Object.fromEntries(
        [...cluster.guests.values()].filter((g) => g.spec.haManaged).map((g) => [`vm:${g.spec.vmid}`, { node: g.node, state: g.haState, running: flag(g.status === "running"), uid: "a1b2c3" }]),
      ),
    },
    lrm_status: Object.fromEntries(
      [...cluster.nodes.values()].map((n) => [n.spec.name, { mode: n.maintenanceRequested ? "maintenance" : "active", state: cluster.isOnline(n.spec.name) ? "active" : "lost_agent_lock", timestamp: now, results: {} }]),
    ),
    quorum: { node: master?.spec.name ?? "", quorate: String(flag(cluster.quorate())) },
  };
});

export interface RouteMatch {
  handler: () => unknown;
  /** The node a real cluster would proxy this request to, if not the receiving one. */
  proxiedTo: string | null;
}

/** The route for a request, or null: pveproxy answers 501 for a path or method it does not know. */
export function matchRoute(cluster: LabCluster, req: ApiRequest): RouteMatch | null {
  for (const r of routes) {
    const m = r.pattern.exec(req.path);
    if (!m || r.method !== req.method) continue;
    const params = Object.fromEntries(r.keys.map((k, i) => [k, m[i + 1]!]));
    const target = r.proxiedTo?.(params) ?? null;
    return { handler: () => r.handler(cluster, req, params), proxiedTo: target !== null && target !== req.via ? target : null };
  }
  return null;
}
