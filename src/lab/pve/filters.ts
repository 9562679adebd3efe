// The checks PVE's handlers make themselves, where the schema's `permissions` is only prose
// (`user: all` and a description): the lists that show only what the caller may audit, and the
// task calls that need Sys.Audit for someone else's task. Applied to the answer the lab's route
// computed, as the handler's last step.

import { allowed, PermissionDenied } from "./acl.js";
import type { PermissionContext as FilterContext } from "./api-schema.js";

type Entry = Record<string, unknown>;
type Filter = (data: unknown, ctx: FilterContext) => unknown;

function entries(data: unknown, call: string): Entry[] {
  if (!Array.isArray(data) || !data.every((e): e is Entry => typeof e === "object" && e !== null))
    throw new Error(`lab: ${call} answered something other than a list of objects`);
  return data;
}

const can = (ctx: FilterContext, path: string, privileges: string[], any = false) =>
  allowed(ctx.cfg, ctx.release, ctx.authid, path, privileges, any);

// pve-manager PVE/API2Tools.pm extract_node_stats: without Sys.Audit on /nodes/NODE a node keeps id, type, status and level only.
const nodeStats = ["uptime", "cpu", "mem", "disk", "maxcpu", "maxmem", "maxdisk"];

function withoutStats(entry: Entry, ctx: FilterContext): Entry {
  if (can(ctx, `/nodes/${String(entry["node"])}`, ["Sys.Audit"])) return entry;
  return Object.fromEntries(Object.entries(entry).filter(([k]) => !nodeStats.includes(k)));
}

/** The guest lists: VM.Audit on /vms/VMID (qemu-server src/PVE/API2/Qemu.pm vmlist; pve-container src/PVE/API2/LXC.pm vmlist). */
const guestList: Filter = (data, ctx) => entries(data, "a guest list").filter((g) => can(ctx, `/vms/${String(g["vmid"])}`, ["VM.Audit"]));

function resource(entry: Entry, ctx: FilterContext): Entry | null {
  const type = String(entry["type"]);
  if (type === "qemu" || type === "lxc" || type === "openvz") {
    if (!can(ctx, `/vms/${String(entry["vmid"])}`, ["VM.Audit"])) return null;
    // pve-manager PVE/API2/Cluster.pm resources: a guest's pool is shown only with Pool.Audit on it.
    if (entry["pool"] !== undefined && !can(ctx, `/pool/${String(entry["pool"])}`, ["Pool.Audit"])) {
      const { pool: _pool, ...rest } = entry;
      return rest;
    }
    return entry;
  }
  if (type === "node") return withoutStats(entry, ctx);
  // pve-manager PVE/API2/Cluster.pm resources: storage needs Datastore.Audit (AllocateSpace is not enough here).
  if (type === "storage") return can(ctx, `/storage/${String(entry["storage"])}`, ["Datastore.Audit"]) ? entry : null;
  if (type === "pool") return can(ctx, `/pool/${String(entry["pool"])}`, ["Pool.Audit"]) ? entry : null;
  if (type === "sdn") return can(ctx, `/sdn/zones/${String(entry["sdn"])}`, ["SDN.Audit"]) ? entry : null;
  throw new Error(`lab: no permission filter for /cluster/resources entries of type '${type}'`);
}

// pve-manager PVE/API2/Tasks.pm $check_task_user: a token sees its own tasks, a user its own and its tokens'.
function ownsTask(authid: string, task: { user: string; tokenid?: string }): boolean {
  if (task.tokenid) return authid === `${task.user}!${task.tokenid}` || authid === task.user;
  return authid === task.user;
}

/** pve-common src/PVE/UPID.pm decode, the user field; with Tasks.pm $convert_token_task's split of a token. */
function upidOwner(upid: string): { user: string; tokenid?: string } | null {
  const m =
    /^UPID:[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?:[0-9A-Fa-f]{8}:[0-9A-Fa-f]{8,9}:[0-9A-Fa-f]{8}:[^:\s/]+:[^:\s/]*:([^:\s/]+):$/.exec(upid);
  if (!m) return null;
  const [user, tokenid] = m[2]!.split("!");
  return tokenid ? { user: user!, tokenid } : { user: user! };
}

/** Task status and log: the owner, or Sys.Audit on /nodes/NODE (pve-manager PVE/API2/Tasks.pm read_task_status, read_task_log). */
const ownTaskOrAudit: Filter = (data, ctx) => {
  const owner = upidOwner(ctx.params["upid"] ?? "");
  // An unparsable or unknown UPID was refused by the handler before this check, as in Tasks.pm.
  if (owner && !ownsTask(ctx.authid, owner) && !can(ctx, `/nodes/${ctx.params["node"]}`, ["Sys.Audit"]))
    throw new PermissionDenied(`/nodes/${ctx.params["node"]}, Sys.Audit`);
  return data;
};

/** `METHOD /schema/path` → the handler's own check, run on the route's answer. */
const filters: Record<string, Filter> = {
  // pve-storage src/PVE/API2/Storage/Config.pm index: Datastore.Audit or Datastore.AllocateSpace on /storage/ID.
  "GET /storage": (data, ctx) =>
    entries(data, "/storage").filter((s) =>
      can(ctx, `/storage/${String(s["storage"])}`, ["Datastore.Audit", "Datastore.AllocateSpace"], true),
    ),
  // pve-manager PVE/API2/Cluster.pm resources: each entry by its type.
  "GET /cluster/resources": (data, ctx) => entries(data, "/cluster/resources").flatMap((e) => resource(e, ctx) ?? []),
  // pve-manager PVE/API2/Nodes.pm index: every node, its stats only with Sys.Audit on it.
  "GET /nodes": (data, ctx) => entries(data, "/nodes").map((n) => withoutStats(n, ctx)),
  "GET /nodes/{node}/qemu": guestList,
  "GET /nodes/{node}/lxc": guestList,
  // pve-manager PVE/API2/Tasks.pm node_tasks: the caller's own tasks, or all with Sys.Audit on /nodes/NODE.
  "GET /nodes/{node}/tasks": (data, ctx) => {
    const auditor = can(ctx, `/nodes/${ctx.params["node"]}`, ["Sys.Audit"]);
    return entries(data, "/nodes/{node}/tasks").filter(
      (t) => auditor || ownsTask(ctx.authid, { user: String(t["user"]), ...(t["tokenid"] ? { tokenid: String(t["tokenid"]) } : {}) }),
    );
  },
  // pve-storage src/PVE/Storage.pm check_volume_access: a backup is listed with Datastore.Allocate,
  // or Datastore.AllocateSpace on the storage and VM.Backup on its guest; others are left out silently.
  "GET /nodes/{node}/storage/{storage}/content": (data, ctx) =>
    entries(data, "storage content").filter((v) => {
      const storage = `/storage/${ctx.params["storage"]}`;
      return (
        can(ctx, storage, ["Datastore.Allocate"]) ||
        (can(ctx, storage, ["Datastore.AllocateSpace"]) && can(ctx, `/vms/${String(v["vmid"])}`, ["VM.Backup"]))
      );
    }),
  "GET /nodes/{node}/tasks/{upid}/status": ownTaskOrAudit,
  "GET /nodes/{node}/tasks/{upid}/log": ownTaskOrAudit,
};

/** Calls whose prose `permissions` the lab implements elsewhere (server.ts answers /access/permissions itself, routes.ts checks vzdump's). */
const implementedElsewhere = new Set(["GET /access/permissions", "POST /nodes/{node}/vzdump"]);

/** The route's answer after the handler's own permission filter (or the refusal it throws). */
export function filterAnswer(call: string, data: unknown, ctx: FilterContext): unknown {
  const filter = filters[call];
  return filter ? filter(data, ctx) : data;
}

/** Whether the lab models the check a call's `permissions.description` describes. */
export function describedCheckModelled(call: string): boolean {
  return call in filters || implementedElsewhere.has(call);
}
