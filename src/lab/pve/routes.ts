// The PVE API paths rollgate uses, answered from the lab's model with the JSON shapes of the lab's
// release, 8.4 or 9.1 (booleans as 0/1, `kversion` and `current-kernel`, UPID tasks, 595 for a
// node that is down, PVE 8's HA groups or PVE 9's HA rules).

import { LabApiError, parameterError, restrictedStorage, type LabCluster } from "../model/cluster.js";
import { PermissionDenied } from "./acl.js";
import { encodeNodes, sidOf } from "../model/ha.js";
import { guestHaStatus, managerStatus, statusCurrent } from "../model/ha-status.js";
import { kernelVersionString, releaseOf, releaseProfile } from "../model/releases.js";
import type { GuestState, NodeState, TaskState } from "../model/state.js";

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
  /** RPCEnvironment::check with `$noerr`: for the checks a handler makes itself, inside its work. */
  may(path: string, privileges: readonly string[]): boolean;
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
const digest = "5b0a3d1f8c2e4a6b9d0f1e2c3b4a5d6e7f809a1b";

function nodeEntry(cluster: LabCluster, node: NodeState) {
  const name = node.spec.name;
  const online = cluster.isOnline(name);
  const running = runningGuests(cluster, name);
  // pve-manager PVE/API2Tools.pm extract_node_stats: live stats only for an online member; the
  // maxima and level while its last broadcast is kept (5 minutes).
  const broadcast = cluster.broadcastFresh(name);
  return {
    id: `node/${name}`,
    type: "node",
    node: name,
    status: online ? "online" : "offline",
    ...(online
      ? {
          uptime: seconds(cluster.clock.now() - node.upSince),
          cpu: 0.04 + running.length * 0.03,
          mem: 6 * GiB + running.reduce((sum, g) => sum + g.spec.memoryBytes, 0),
          disk: 12 * GiB,
        }
      : {}),
    ...(broadcast ? { maxcpu: 16, maxmem: node.spec.memoryBytes, maxdisk: 100 * GiB, level: "" } : {}),
    // pve-manager PVE/API2/Cluster.pm resources: node hastate from manager_status node_status, if any.
    ...(cluster.crm.written ? { hastate: node.haStatus } : {}),
  };
}

function runningGuests(cluster: LabCluster, node: string): GuestState[] {
  return [...cluster.guests.values()].filter((g) => g.node === node && g.status === "running");
}

/** The CRM's state of a guest, else the requested state of its config (pve-manager PVE/API2/Cluster.pm resources). */
function haState(cluster: LabCluster, guest: GuestState): string | undefined {
  if (!guest.spec.haManaged) return undefined;
  return cluster.crm.known.has(sidOf(guest.spec)) ? guest.haState : (cluster.crm.requested.get(sidOf(guest.spec)) ?? "started");
}

function guestResource(cluster: LabCluster, guest: GuestState) {
  const status = cluster.broadcastStatus(guest);
  const running = status === "running";
  const hastate = haState(cluster, guest);
  return {
    id: `${guest.spec.type}/${guest.spec.vmid}`,
    type: guest.spec.type,
    vmid: guest.spec.vmid,
    name: guest.spec.name,
    node: guest.node,
    status,
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
    ...(hastate ? { hastate } : {}),
    ...(guest.lock ? { lock: guest.lock } : {}),
  };
}

function guestStatus(cluster: LabCluster, guest: GuestState) {
  const running = guest.status === "running";
  const qemu = guest.qemu;
  return {
    vmid: guest.spec.vmid,
    name: guest.spec.name,
    status: guest.status,
    ...(guest.spec.type === "qemu"
      ? {
          qmpstatus: guest.qmpStatus,
          agent: flag(guest.spec.agent),
          ...(running && qemu ? { "running-qemu": qemu.version, "running-machine": qemu.machine } : {}),
        }
      : {}),
    uptime: running ? seconds(cluster.clock.now() - guest.startedAt) : 0,
    maxmem: guest.spec.memoryBytes,
    mem: running ? Math.floor(guest.spec.memoryBytes * 0.6) : 0,
    cpus: 2,
    cpu: running ? 0.05 : 0,
    ...(running ? { pid: 1000 + guest.spec.vmid } : {}),
    ...(guest.lock ? { lock: guest.lock } : {}),
    ha: guestHaStatus(cluster, guest),
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

/** pve-manager PVE/API2.pm version: pvecfg's version, release and repoid. */
function versionOf(cluster: LabCluster, version: string) {
  return {
    version,
    release: version.split(".").slice(0, 2).join("."),
    repoid: releaseProfile(releaseOf(version)).repoid[version] ?? "0000000000000000",
  };
}

route("GET", "/version", (cluster, req) => versionOf(cluster, cluster.node(req.via).pveVersion));

route("GET", "/cluster/status", (cluster, req) => {
  const nodes = [...cluster.nodes.values()];
  // With corosync partitioned, each node sees only itself.
  const visible = (n: NodeState) => (cluster.faults.quorumLost ? n.spec.name === req.via : cluster.isOnline(n.spec.name));
  return [
    {
      id: "cluster",
      type: "cluster",
      name: cluster.topology.clusterName,
      nodes: nodes.length,
      quorate: flag(!cluster.faults.quorumLost && cluster.quorate()),
      version: 3,
    },
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

// pve-cluster src/PVE/API2/ClusterConfig.pm `nodes`: corosync.conf's nodelist as src/PVE/Corosync.pm
// parse_conf reads it (every value a string), each entry with `node` added; the lab's corosync runs
// on the private network.
route("GET", "/cluster/config/nodes", (cluster) =>
  [...cluster.nodes.values()].map((n) => ({
    node: n.spec.name,
    name: n.spec.name,
    nodeid: String(n.spec.nodeId),
    quorum_votes: "1",
    ring0_addr: n.spec.privateAddress,
  })),
);

/** storage.cfg: local, the Gluster volume (PVE 8 glusterfs storage; PVE 9 a dir storage on its FUSE mount), and the restricted share. */
export function storageConfig(cluster: LabCluster): Array<Record<string, unknown>> {
  const volume = cluster.volume.name;
  const mount = cluster.mountSpec();
  const gluster = !cluster.storageOnFstab
    ? {
        storage: volume,
        type: "glusterfs",
        volume,
        server: mount.servers[0],
        ...(mount.servers[1] ? { server2: mount.servers[1] } : {}),
        content: "images",
        shared: 1,
      }
    : // libpve-storage-perl 9.0.1 dropped the glusterfs type: the volume is FUSE-mounted and used as a dir storage.
      { storage: volume, type: "dir", path: `/mnt/pve/${volume}`, content: "images", shared: 1, is_mountpoint: "yes" };
  const restricted = cluster.faults.storageRestrictedNodes
    ? [
        {
          storage: restrictedStorage.storage,
          type: "nfs",
          server: restrictedStorage.server,
          export: restrictedStorage.export,
          path: `/mnt/pve/${restrictedStorage.storage}`,
          content: "images",
          nodes: cluster.storageNodes(restrictedStorage.storage)!.join(","),
          options: "vers=4.2",
        },
      ]
    : [];
  return [{ storage: "local", type: "dir", path: "/var/lib/vz", content: "iso,vztmpl,backup" }, gluster, ...restricted].map((s) => ({
    ...s,
    digest,
  }));
}

route("GET", "/cluster/resources", (cluster, req) => {
  const type = req.query.get("type");
  const nodes = [...cluster.nodes.values()].map((n) => nodeEntry(cluster, n));
  const guests = [...cluster.guests.values()].map((g) => guestResource(cluster, g));
  const storage = storageConfig(cluster).flatMap((s) => {
    const name = String(s["storage"]);
    const allowed = cluster.storageNodes(name);
    return [...cluster.nodes.values()]
      .filter((n) => !allowed || allowed.includes(n.spec.name))
      .map((n) => {
        // pve-manager PVE/API2Tools.pm extract_storage_stats: "available" while pvestatd broadcasts it,
        // and it does so for an active storage only (a dir storage with is_mountpoint needs its mount).
        const active = name !== cluster.volume.name || n.glusterMount !== null;
        return {
          id: `storage/${n.spec.name}/${name}`,
          type: "storage",
          storage: name,
          node: n.spec.name,
          status: cluster.isOnline(n.spec.name) && active ? "available" : "unknown",
          plugintype: s["type"],
          shared: s["shared"] ?? (s["type"] === "nfs" ? 1 : 0),
          content: s["content"],
        };
      });
  });
  if (type === "vm") return guests;
  if (type === "node") return nodes;
  if (type === "storage") return storage;
  if (type !== null) throw parameterError({ type: `value '${type}' does not have a value in the enumeration 'vm, storage, node, sdn'` });
  return [...nodes, ...guests, ...storage];
});

route("GET", "/storage", (cluster) => storageConfig(cluster));

route("GET", "/nodes", (cluster) =>
  [...cluster.nodes.values()].map((n) => {
    const { id: _id, type: _type, hastate: _ha, ...entry } = nodeEntry(cluster, n);
    return { ...entry, ssl_fingerprint: "" };
  }),
);

route("GET", "/nodes/{node}/status", (cluster, _req, p) => {
  const node = cluster.node(p["node"]!);
  const release = node.runningKernel;
  const version = kernelVersionString(release);
  return {
    uptime: seconds(cluster.clock.now() - node.upSince),
    idle: 0,
    loadavg: ["0.31", "0.27", "0.22"],
    cpu: 0.05,
    wait: 0,
    cpuinfo: {
      cores: 8,
      cpus: 16,
      model: "Intel(R) Xeon(R) E-2288G CPU @ 3.70GHz",
      sockets: 1,
      mhz: "3700.000",
      hvm: "1",
      flags: "fpu vme de pse",
      user_hz: 100,
    },
    memory: {
      total: node.spec.memoryBytes,
      used: 12 * GiB,
      free: node.spec.memoryBytes - 12 * GiB,
      available: node.spec.memoryBytes - 10 * GiB,
    },
    swap: { total: 8 * GiB, used: 0, free: 8 * GiB },
    ksm: { shared: 0 },
    rootfs: { total: 100 * GiB, used: 12 * GiB, avail: 88 * GiB, free: 88 * GiB },
    pveversion: `pve-manager/${node.pveVersion}/${versionOf(cluster, node.pveVersion).repoid}`,
    kversion: `Linux ${release} ${version}`,
    "current-kernel": { sysname: "Linux", release, version, machine: "x86_64" },
    "boot-info": { mode: "efi", secureboot: 0 },
  };
});

route("GET", "/nodes/{node}/version", (cluster, _req, p) => versionOf(cluster, cluster.node(p["node"]!).pveVersion));

// qemu-server src/PVE/API2/Qemu/Machine.pm types: the machine types of the node's installed QEMU, newest first.
route("GET", "/nodes/{node}/capabilities/qemu/machines", (cluster, _req, p) =>
  cluster
    .profileOf(p["node"]!)
    .machineVersions.flatMap((version) => (["q35", "i440fx"] as const).map((type) => ({ id: `pc-${type}-${version}`, type, version }))),
);

for (const type of ["qemu", "lxc"] as const) {
  route("GET", `/nodes/{node}/${type}`, (cluster, _req, p) =>
    [...cluster.guests.values()]
      .filter((g) => g.node === p["node"] && g.spec.type === type)
      .map((g) => {
        const { vmid, name, status, uptime, maxmem, mem, cpus, cpu, pid, lock } = guestStatus(cluster, g);
        return { vmid, name, status, uptime, maxmem, mem, cpus, cpu, ...(pid ? { pid } : {}), ...(lock ? { lock } : {}) };
      }),
  );
  route("GET", `/nodes/{node}/${type}/{vmid}/status/current`, (cluster, _req, p) =>
    guestStatus(cluster, guestOf(cluster, p["node"]!, p["vmid"]!, type)),
  );
  route("POST", `/nodes/{node}/${type}/{vmid}/migrate`, (cluster, req, p) => {
    guestOf(cluster, p["node"]!, p["vmid"]!, type);
    const target = req.body.get("target");
    if (!target) throw parameterError({ target: "property is missing and it is not optional" });
    const truthy = (key: string) => ["1", "true"].includes(req.body.get(key) ?? "");
    return cluster.migrate(
      p["node"]!,
      Number(p["vmid"]),
      { target, online: truthy("online"), restart: truthy("restart"), user: req.user },
      `api ${req.via}`,
    );
  });
  for (const action of ["shutdown", "start"] as const) {
    route("POST", `/nodes/{node}/${type}/{vmid}/status/${action}`, (cluster, req, p) => {
      guestOf(cluster, p["node"]!, p["vmid"]!, type);
      return cluster.setGuestPower(p["node"]!, Number(p["vmid"]), action, req.user, `api ${req.via}`);
    });
  }
}

/** Nodes a guest may not go to and why; `check_lock` first: a locked guest cannot be asked. */
function notAllowed(cluster: LabCluster, guest: GuestState) {
  const storage = cluster.guestStorage(guest);
  const storageNodes = cluster.storageNodes(storage);
  const blocking = cluster.blockingResources(guest);
  const result: Record<string, Record<string, unknown>> = {};
  for (const node of cluster.nodes.keys()) {
    if (node === guest.node) continue;
    const why: Record<string, unknown> = {};
    if (storageNodes && !storageNodes.includes(node)) why["unavailable_storages"] = [storage];
    if (blocking[node]) why["blocking-ha-resources"] = blocking[node];
    if (Object.keys(why).length > 0) result[node] = why;
  }
  return result;
}

// qemu-server src/PVE/API2/Qemu.pm migrate_vm_precondition: every other cluster node, online or
// not, is allowed unless a storage is restricted away from it (check_local_storage_availability) or,
// on PVE 9, an HA resource in negative affinity blocks it; PVE 9 adds dependent-ha-resources and the
// mapped-resource-info / has-dbus-vmstate keys.
route("GET", "/nodes/{node}/qemu/{vmid}/migrate", (cluster, _req, p) => {
  const guest = guestOf(cluster, p["node"]!, p["vmid"]!, "qemu");
  if (!cluster.quorate()) throw new LabApiError(500, "cluster not ready - no quorum?");
  if (guest.lock) throw new LabApiError(500, `VM is locked (${guest.lock})`);
  const notAllowedNodes = notAllowed(cluster, guest);
  const others = [...cluster.nodes.keys()].filter((n) => n !== guest.node);
  // A /nodes/NODE call is proxied to NODE: its own qemu-server answers.
  const pve9 = cluster.releaseOf(guest.node) === "9.1";
  return {
    running: flag(guest.status === "running"),
    allowed_nodes: others.filter((n) => !notAllowedNodes[n]),
    not_allowed_nodes: notAllowedNodes,
    local_disks: guest.spec.localDisks
      ? [{ volid: `local-lvm:vm-${guest.spec.vmid}-disk-0`, size: 32 * GiB, is_attached: 1, drivename: "scsi0" }]
      : [],
    local_resources: [],
    "mapped-resources": [],
    ...(pve9
      ? { "mapped-resource-info": {}, "has-dbus-vmstate": 1, ...(guest.spec.haManaged ? { "dependent-ha-resources": [] } : {}) }
      : {}),
  };
});

// pve-container src/PVE/API2/LXC.pm migrate_vm_precondition (PVE 9 only): hyphenated keys, HA blocks only.
route("GET", "/nodes/{node}/lxc/{vmid}/migrate", (cluster, _req, p) => {
  const guest = guestOf(cluster, p["node"]!, p["vmid"]!, "lxc");
  if (!cluster.quorate()) throw new LabApiError(500, "cluster not ready - no quorum?");
  if (guest.lock) throw new LabApiError(500, `CT is locked (${guest.lock})`);
  const blocking = cluster.blockingResources(guest);
  const others = [...cluster.nodes.keys()].filter((n) => n !== guest.node);
  return {
    running: flag(guest.status === "running"),
    "allowed-nodes": others.filter((n) => !blocking[n]),
    "not-allowed-nodes": Object.fromEntries(Object.entries(blocking).map(([n, b]) => [n, { "blocking-ha-resources": b }])),
    ...(guest.spec.haManaged ? { "dependent-ha-resources": [] } : {}),
  };
});

route("POST", "/nodes/{node}/qemu/{vmid}/agent/ping", (cluster, _req, p) => {
  const guest = guestOf(cluster, p["node"]!, p["vmid"]!, "qemu");
  if (!guest.spec.agent) throw new LabApiError(500, "No QEMU guest agent configured");
  if (guest.status !== "running") throw new LabApiError(500, `VM ${guest.spec.vmid} is not running`);
  if (!cluster.agentAnswers(guest)) throw new LabApiError(500, "QEMU guest agent is not running");
  return { result: {} };
});

/** A task as pve-common PVE::UPID decode has it, with Tasks.pm $convert_token_task's `user`/`tokenid` split. */
function taskEntry(task: TaskState, split: boolean) {
  const [user, tokenid] = split ? task.user.split("!") : [task.user];
  return {
    upid: task.upid,
    node: task.node,
    pid: task.pid,
    pstart: task.pstart,
    starttime: task.starttime,
    type: task.type,
    id: task.id,
    user: user!,
    ...(tokenid ? { tokenid } : {}),
  };
}

// pve-manager PVE/API2/VZDump.pm vzdump: Datastore.AllocateSpace on the storage before the task is
// forked (a 403), VM.Backup per guest inside it (PVE/VZDump.pm exec_backup); docs/domain/backup.md.
route("POST", "/nodes/{node}/vzdump", (cluster, req, p) => {
  const vmid = req.body.get("vmid");
  const storage = req.body.get("storage");
  if (!vmid || !storage) throw parameterError({ [vmid ? "storage" : "vmid"]: "rollgate's lab needs vmid and storage" });
  const vmids = vmid.split(/[,;\s]+/).map(Number);
  if (vmids.some((id) => !Number.isInteger(id) || id < 100))
    throw parameterError({ vmid: `value '${vmid}' does not look like a valid VM ID` });
  if (!req.may(`/storage/${storage}`, ["Datastore.AllocateSpace"]))
    throw new PermissionDenied(`/storage/${storage}, Datastore.AllocateSpace`);
  const config = storageConfig(cluster).find((s) => s["storage"] === storage);
  // PVE/VZDump.pm storage_info, in the task: PVE::Storage's storage_config, then the content check.
  const storageProblem = !config
    ? `storage '${storage}' does not exist`
    : String(config["content"] ?? "")
          .split(",")
          .includes("backup")
      ? null
      : `can't use storage '${storage}' for backups - wrong content type`;
  return cluster.vzdump(
    p["node"]!,
    {
      vmids,
      storage,
      storageProblem,
      mode: req.body.get("mode") ?? "snapshot",
      compress: req.body.get("compress") ?? "0",
      notes: req.body.get("notes-template"),
    },
    { user: req.user, mayBackup: (id) => req.may(`/vms/${id}`, ["VM.Backup"]) },
    `api ${req.via}`,
  );
});

// pve-storage src/PVE/API2/Storage/Content.pm index: a node-local storage lists the node's own
// archives, newest last as readdir finds them; the per-volume access check is in filters.ts.
route("GET", "/nodes/{node}/storage/{storage}/content", (cluster, req, p) => {
  const storage = p["storage"]!;
  if (!storageConfig(cluster).some((s) => s["storage"] === storage)) throw new LabApiError(500, `storage '${storage}' does not exist`);
  const content = req.query.get("content");
  const vmid = req.query.get("vmid");
  if (content !== null && content !== "backup") return [];
  return cluster.backups
    .filter((b) => b.storage === storage && (storage !== "local" || b.node === p["node"]) && (vmid === null || String(b.vmid) === vmid))
    .map((b) => ({
      volid: b.volid,
      content: "backup",
      format: b.format,
      subtype: b.subtype,
      vmid: b.vmid,
      ctime: b.ctime,
      size: b.size,
      ...(b.notes !== null ? { notes: b.notes } : {}),
    }));
});

// pve-manager PVE/API2/Tasks.pm node_tasks: source=archive by default (finished tasks, newest
// first, the token split off the user), active (running ones, status RUNNING, the user as in the
// UPID) or all (active first); then the filters, start and limit (default 50).
route("GET", "/nodes/{node}/tasks", (cluster, req, p) => {
  const q = req.query;
  const source = q.get("source") ?? "archive";
  if (!["archive", "active", "all"].includes(source))
    throw parameterError({ source: `value '${source}' does not have a value in the enumeration 'archive, active, all'` });
  const vmid = q.get("vmid");
  const typefilter = q.get("typefilter");
  const userfilter = q.get("userfilter");
  const errorsOnly = ["1", "true"].includes(q.get("errors") ?? "");
  const since = q.has("since") ? Number(q.get("since")) : null;
  const until = q.has("until") ? Number(q.get("until")) : null;
  const start = Number(q.get("start") ?? 0);
  let limit = Number(q.get("limit") ?? 50);
  const onNode = [...cluster.tasks.values()].filter((t) => t.node === p["node"]).sort((a, b) => b.starttime - a.starttime || b.pid - a.pid);
  const active = source === "archive" ? [] : onNode.filter((t) => t.status === "running");
  const archived = source === "active" ? [] : onNode.filter((t) => t.status === "stopped");
  const result: unknown[] = [];
  let count = 0;
  const keep = (t: TaskState) => {
    if (userfilter && !t.user.toLowerCase().includes(userfilter.toLowerCase())) return false;
    if (typefilter && t.type !== typefilter) return false;
    if (vmid && t.id !== vmid) return false;
    if (since !== null && t.starttime < since) return false;
    if (until !== null && t.starttime > until) return false;
    if (errorsOnly && (t.exitstatus === "OK" || t.exitstatus === null)) return false;
    if (count++ < start || limit <= 0) return false;
    limit--;
    return true;
  };
  for (const t of active) if (keep(t)) result.push({ ...taskEntry(t, false), status: "RUNNING" });
  for (const t of archived) if (keep(t)) result.push({ ...taskEntry(t, true), endtime: t.endtime, status: t.exitstatus });
  return result;
});

/** The task a UPID names, or PVE's 400 (pve-manager PVE/API2/Tasks.pm read_task_status, read_task_log). */
function taskOf(cluster: LabCluster, node: string, raw: string): TaskState {
  const upid = decodeURIComponent(raw);
  if (!/^UPID:[^:]+:[0-9A-Fa-f]{8}:[0-9A-Fa-f]{8,9}:[0-9A-Fa-f]{8}:[^:]+:[^:]*:[^:]+:$/.test(upid))
    throw parameterError({ upid: "unable to parse worker upid" });
  const task = cluster.tasks.get(upid);
  // The task's log file lives on the node that ran it.
  if (!task || task.node !== node) throw parameterError({ upid: "no such task" });
  return task;
}

route("GET", "/nodes/{node}/tasks/{upid}/status", (cluster, _req, p) => {
  const task = taskOf(cluster, p["node"]!, p["upid"]!);
  return { ...taskEntry(task, true), status: task.status, ...(task.exitstatus !== null ? { exitstatus: task.exitstatus } : {}) };
});

route("GET", "/nodes/{node}/tasks/{upid}/log", (cluster, req, p) => {
  const task = taskOf(cluster, p["node"]!, p["upid"]!);
  const start = Number(req.query.get("start") ?? 0);
  const limit = Number(req.query.get("limit") ?? 50);
  return task.log.map((t, i) => ({ n: i + 1, t })).slice(start, limit > 0 ? start + limit : undefined);
});

// pve-ha-manager src/PVE/API2/HA/Resources.pm index: each resource's config as written (the GUI
// leaves defaults out), its sid and the file's digest; the group migration deletes `group` (Manager.pm
// $migrate_group_persistently), and only PVE 9 knows `failback`.
route("GET", "/cluster/ha/resources", (cluster, req) =>
  cluster.ha.resources.map((r) => ({
    sid: r.sid,
    type: r.sid.split(":")[0],
    state: cluster.crm.requested.get(r.sid) ?? "started",
    ...(r.group ? { group: r.group } : {}),
    ...(cluster.releaseOf(req.via) === "9.1" && r.failback !== undefined ? { failback: flag(r.failback) } : {}),
    digest,
  })),
);

route("GET", "/cluster/ha/groups", (cluster, req) => {
  // pve-ha-manager 5 src/PVE/API2/HA/Groups.pm index: refused once groups are migrated to rules,
  // which have_groups_been_migrated also says of a cluster without groups.cfg.
  if (cluster.releaseOf(req.via) === "9.1" && cluster.ha.groups.length === 0)
    throw new LabApiError(500, "cannot index groups: ha groups have been migrated to rules");
  // pve-ha-manager 4 src/PVE/API2/HA/Groups.pm index: the config, nodes encoded as `node:priority,…`.
  return cluster.ha.groups.map((g) => ({
    group: g.group,
    type: "group",
    nodes: g.nodes.map((n) => `${n.node}:${n.priority}`).join(","),
    ...(g.restricted ? { restricted: 1 } : {}),
    ...(g.nofailback ? { nofailback: 1 } : {}),
    digest,
  }));
});

// pve-ha-manager 5.0.8 src/PVE/API2/HA/Rules.pm index: rules sorted, each with its id, the file's
// digest and its order; defaults are set only where they are truthy (strict 0 stays absent).
route("GET", "/cluster/ha/rules", (cluster, req) => {
  const type = req.query.get("type");
  const resource = req.query.get("resource");
  return cluster.ha.rules
    .map((rule, i) => ({ rule, order: i + 1 }))
    .filter(({ rule }) => (!type || rule.type === type) && (!resource || rule.resources.includes(resource)))
    .sort((a, b) => (a.rule.rule < b.rule.rule ? -1 : 1))
    .map(({ rule, order }) => ({
      rule: rule.rule,
      type: rule.type,
      resources: [...rule.resources].sort().join(","),
      ...(rule.type === "node-affinity"
        ? { nodes: encodeNodes([...rule.nodes].sort((a, b) => (a.node < b.node ? -1 : 1))), ...(rule.strict ? { strict: 1 } : {}) }
        : { affinity: rule.affinity }),
      ...(rule.comment ? { comment: rule.comment } : {}),
      digest,
      order,
    }));
});

route("GET", "/cluster/ha/status/current", (cluster, req) => statusCurrent(cluster, req.via));

route("GET", "/cluster/ha/status/manager_status", (cluster, req) => managerStatus(cluster, req.via));

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
    if (target !== null && !cluster.nodes.has(target)) {
      // pve-manager PVE/HTTPServer.pm remote_node_ip → pve-common PVE/Network.pm get_ip_from_hostname:
      // a node the cluster does not know is looked up by name, after the permission check.
      return { handler: () => unknownNode(target), proxiedTo: null };
    }
    return { handler: () => r.handler(cluster, req, params), proxiedTo: target !== null && target !== req.via ? target : null };
  }
  return null;
}

function unknownNode(node: string): never {
  throw new LabApiError(500, `hostname lookup '${node}' failed - failed to get address info for: ${node}: Name or service not known`);
}
