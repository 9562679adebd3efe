// The lab's API against PVE's own schema (src/lab/pve/api, from pve-docs' apidata.js), per
// release: every call rollgate makes, with the parameters rollgate passes, answers what the
// schema's `returns` says; and every call is allowed or refused as the schema's `permissions`
// and PVE's own handlers decide, with PVE's reason.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AclEntry, PveRelease } from "../../src/lab/pve/acl.js";
import { findMethod, loadApiSchema, type ApiSchema } from "../../src/lab/pve/api-schema.js";
import { allPrivileges, roleName } from "../../src/pve/privileges.js";
import { vzdumpRequest } from "../../src/steps/backup-critical.js";
import { migrateRequest, powerRequest } from "../../src/steps/guests.js";
import { pveClientFor } from "../../src/transport/from-config.js";
import { PveHttpError, type PveClient, type PveParams } from "../../src/transport/pve.js";
import { eventually, startTestLab, type TestLab } from "../helpers/lab.js";
import { schemaMismatches } from "../helpers/pve-returns.js";

type Answer = { ok: true; data: unknown } | { ok: false; status: number; reason: string };

async function call(client: PveClient, method: "GET" | "POST", path: string, params?: PveParams): Promise<Answer> {
  try {
    return { ok: true, data: method === "GET" ? await client.get(path, params) : await client.post(path, params) };
  } catch (error) {
    if (error instanceof PveHttpError) return { ok: false, status: error.status, reason: error.reason };
    throw error;
  }
}

/** A client for another token of the lab's cluster (the lab's user.cfg holds it). */
async function clientAs(t: TestLab, tokenId: string): Promise<PveClient> {
  return pveClientFor({ ...t.loaded.config, proxmox: { ...t.loaded.config.proxmox, tokenId } }, t.secret);
}

/** A privilege-separated token of a user that may do anything: the token has exactly its own ACL. */
function addToken(t: TestLab, name: string, acl: AclEntry[]): string {
  const tokenId = `tester@pve!${name}`;
  if (!t.lab.access.config.users["tester@pve"]) t.lab.access.addUser("tester@pve", [{ path: "/", roles: ["Administrator"] }]);
  t.lab.access.addToken(tokenId, t.secret, { privsep: true, acl });
  return tokenId;
}

interface RollgateCall {
  /** The schema's name for it: `METHOD /template`. */
  name: string;
  method: "GET" | "POST";
  path: string;
  params?: PveParams;
  /** Where rollgate makes it. */
  from: string;
}

/**
 * Every API call rollgate makes (src/observe, src/steps), with the parameters it passes, on the
 * lab's guests: 100 (HA VM, agent) on pve1, 102 (VM) on pve1, 104 (VM) on pve3, 200 (container) on pve2.
 */
function rollgateReads(release: PveRelease): RollgateCall[] {
  return [
    { name: "GET /cluster/status", method: "GET", path: "/cluster/status", from: "observe/pve.ts readPveCluster" },
    {
      name: "GET /cluster/ha/status/manager_status",
      method: "GET",
      path: "/cluster/ha/status/manager_status",
      from: "observe/pve.ts readHa",
    },
    {
      name: "GET /cluster/ha/resources",
      method: "GET",
      path: "/cluster/ha/resources",
      from: "observe/pve.ts readHa, observe/ha-config.ts",
    },
    // rollgate asks for the rules first; only where they are 501 (PVE 8) for the groups.
    { name: "GET /cluster/ha/rules", method: "GET", path: "/cluster/ha/rules", from: "observe/ha-config.ts" },
    ...(release === "8.4"
      ? [{ name: "GET /cluster/ha/groups", method: "GET" as const, path: "/cluster/ha/groups", from: "observe/ha-config.ts" }]
      : []),
    {
      name: "GET /cluster/resources",
      method: "GET",
      path: "/cluster/resources",
      params: { type: "vm" },
      from: "observe/pve.ts readGuestList",
    },
    {
      name: "GET /cluster/resources",
      method: "GET",
      path: "/cluster/resources",
      params: { type: "node" },
      from: "observe/pve.ts readNodeCapacity",
    },
    { name: "GET /storage", method: "GET", path: "/storage", from: "observe/pve.ts readGlusterStorage" },
    {
      name: "GET /nodes/{node}/version",
      method: "GET",
      path: "/nodes/pve1/version",
      from: "observe/nodes.ts readPackages, observe/permissions.ts",
    },
    {
      name: "GET /access/permissions",
      method: "GET",
      path: "/access/permissions",
      params: { path: "/" },
      from: "observe/permissions.ts readPermissions",
    },
    {
      name: "GET /access/permissions",
      method: "GET",
      path: "/access/permissions",
      params: { path: "/vms/100" },
      from: "observe/permissions.ts readPermissions",
    },
    {
      name: "GET /nodes/{node}/qemu/{vmid}/status/current",
      method: "GET",
      path: "/nodes/pve1/qemu/100/status/current",
      from: "observe/pve.ts readMember, steps/guests.ts",
    },
    {
      name: "GET /nodes/{node}/lxc/{vmid}/status/current",
      method: "GET",
      path: "/nodes/pve2/lxc/200/status/current",
      from: "observe/pve.ts readMember, steps/guests.ts",
    },
    {
      name: "POST /nodes/{node}/qemu/{vmid}/agent/ping",
      method: "POST",
      path: "/nodes/pve1/qemu/100/agent/ping",
      from: "observe/pve.ts readMember",
    },
    {
      name: "GET /nodes/{node}/qemu/{vmid}/migrate",
      method: "GET",
      path: "/nodes/pve1/qemu/102/migrate",
      from: "observe/pve.ts readMigrationConstraints",
    },
    {
      name: "GET /nodes/{node}/capabilities/qemu/machines",
      method: "GET",
      path: "/nodes/pve2/capabilities/qemu/machines",
      from: "observe/qemu.ts readQemu",
    },
    {
      name: "GET /nodes/{node}/lxc/{vmid}/migrate",
      method: "GET",
      path: "/nodes/pve2/lxc/200/migrate",
      from: "observe/pve.ts readMigrationConstraints (501 on PVE 8)",
    },
  ];
}

const vm102 = { vmid: 102, name: "web", type: "qemu" as const };
const ct200 = { vmid: 200, name: "dns", type: "lxc" as const };
const vm104 = { vmid: 104, name: "ci-runner", type: "qemu" as const };

/** The changes rollgate makes (steps/guests.ts builds them), each followed by its task reads. */
function rollgateChanges(): Array<RollgateCall & { request: { path: string; params: PveParams } }> {
  const change = (name: string, request: { path: string; params: PveParams }) => ({
    name,
    method: "POST" as const,
    path: request.path,
    params: request.params,
    request,
    from: "steps/guests.ts",
  });
  return [
    change("POST /nodes/{node}/qemu/{vmid}/migrate", migrateRequest({ ...vm102, from: "pve1", to: "pve2" })),
    change("POST /nodes/{node}/lxc/{vmid}/migrate", migrateRequest({ ...ct200, from: "pve2", to: "pve3" })),
    change("POST /nodes/{node}/qemu/{vmid}/status/shutdown", powerRequest("pve3", vm104, "shutdown")),
    change("POST /nodes/{node}/qemu/{vmid}/status/start", powerRequest("pve3", vm104, "start")),
  ];
}

const taskReads = (node: string, upid: string, vmid: number): RollgateCall[] => [
  {
    name: "GET /nodes/{node}/tasks/{upid}/status",
    method: "GET",
    path: `/nodes/${node}/tasks/${encodeURIComponent(upid)}/status`,
    from: "steps/guests.ts taskStatus",
  },
  {
    name: "GET /nodes/{node}/tasks/{upid}/log",
    method: "GET",
    path: `/nodes/${node}/tasks/${encodeURIComponent(upid)}/log`,
    from: "steps/guests.ts reportWarnings",
  },
  { name: "GET /nodes/{node}/tasks", method: "GET", path: `/nodes/${node}/tasks`, params: { vmid }, from: "steps/guests.ts migrateGuest" },
];

/**
 * Where the lab's answer differs from the release's schema today: lab bugs in routes.ts (being
 * rewritten by its owner), listed so that a new difference fails and a fixed one says so.
 * Key: `release call` → the mismatches, or `not served` for a call the release has and the lab answers 501.
 */
const knownLabGaps: Record<string, string[]> = {
  // qemu-server src/PVE/API2/Qemu.pm migrate_vm_precondition sets mapped-resource-info since 8.3.9 (0f55e8be), so on 8.4 too.
  "8.4 GET /nodes/{node}/qemu/{vmid}/migrate": ["$.mapped-resource-info: missing, and it is not optional"],
};

describe.each<PveRelease>(["8.4", "9.1"])("PVE %s: every call rollgate makes answers as the schema's returns say", (release) => {
  let t: TestLab;
  let client: PveClient;
  let schema: ApiSchema;

  beforeAll(async () => {
    t = await startTestLab({ timeScale: 100, pveVersion: release });
    client = await pveClientFor(t.loaded.config, t.secret);
    schema = await loadApiSchema(release);
  });
  afterAll(async () => {
    client?.close();
    await t?.stop();
  });

  /** The differences between the answer and the schema, or why there is no answer to compare. */
  function differences(c: RollgateCall, answer: Answer): string[] {
    const entry = findMethod(schema, c.method, c.path);
    if (!entry) return answer.ok ? [`answered, but PVE ${release} has no such call`] : [];
    expect(entry.template, `${c.path} finds ${c.name}`).toBe(c.name.split(" ")[1]);
    if (!answer.ok) return answer.status === 501 ? ["not served"] : [`HTTP ${answer.status} ${answer.reason}`];
    return schemaMismatches(entry.method.returns, answer.data);
  }

  it("reads, changes and task reads match; a call the release lacks is 501", async () => {
    const found: Record<string, string[]> = {};
    const compared = new Set<string>();
    const record = (c: RollgateCall, diffs: string[]) => {
      compared.add(c.name);
      if (diffs.length > 0) found[`${release} ${c.name}${c.params?.["type"] ? `?type=${String(c.params["type"])}` : ""}`] = diffs;
    };
    for (const c of rollgateReads(release)) {
      const answer = await call(client, c.method, c.path, c.params);
      if (!findMethod(schema, c.method, c.path)) expect(answer, `${c.name} on PVE ${release}`).toMatchObject({ ok: false, status: 501 });
      record(c, differences(c, answer));
    }
    for (const c of rollgateChanges()) {
      if (c.name.endsWith("/status/start"))
        await eventually(
          "104 stopped",
          async () => ((await client.get("/nodes/pve3/qemu/104/status/current")) as { status: string }).status === "stopped",
        );
      const answer = await call(client, c.method, c.path, c.params);
      record(c, differences(c, answer));
      if (!answer.ok) continue;
      const upid = String(answer.data);
      const node = c.path.split("/")[2]!;
      const vmid = Number(c.path.split("/")[4]);
      await eventually(
        `task ${upid} ends`,
        async () =>
          ((await client.get(`/nodes/${node}/tasks/${encodeURIComponent(upid)}/status`)) as { status: string }).status === "stopped",
      );
      for (const read of taskReads(node, upid, vmid))
        record(read, differences(read, await call(client, read.method, read.path, read.params)));
    }
    const expected = Object.fromEntries(Object.entries(knownLabGaps).filter(([k]) => k.startsWith(`${release} `)));
    expect(found).toEqual(expected);
    const all = [...rollgateReads(release), ...rollgateChanges(), ...taskReads("pve1", "", 0)].map((c) => c.name);
    expect([...compared].sort()).toEqual([...new Set(all)].sort());
  });

  it("vzdump and the storage listing answer as the schema says, and as PVE/API2/VZDump.pm and check_volume_access behave", async () => {
    // Where 102 runs now: the calls above may have migrated it.
    const node = t.lab.cluster.guest(102).node;
    const elsewhere = node === "pve1" ? "pve2" : "pve1";
    const request = vzdumpRequest({ node, guests: [vm102] }, { storage: "local", mode: "snapshot", compress: "zstd", timeout: 1 });
    const vzdump = "POST /nodes/{node}/vzdump";
    const started = await call(client, "POST", request.path, request.params);
    expect(differences({ name: vzdump, method: "POST", path: request.path, from: "" }, started)).toEqual([]);
    const upid = started.ok ? String(started.data) : "";
    expect(upid).toMatch(new RegExp(`^UPID:${node}:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]{8}:vzdump:102:rollgate@pve!upgrade:$`));
    const status = () =>
      client.get(`/nodes/${node}/tasks/${encodeURIComponent(upid)}/status`) as Promise<{ status: string; exitstatus?: string }>;
    await eventually("the backup ends", async () => (await status()).status === "stopped");
    expect((await status()).exitstatus).toBe("OK");
    const listing = {
      name: "GET /nodes/{node}/storage/{storage}/content",
      method: "GET" as const,
      path: `/nodes/${node}/storage/local/content`,
    };
    const listed = await call(client, "GET", listing.path, { content: "backup", vmid: 102 });
    expect(differences({ ...listing, from: "" }, listed)).toEqual([]);
    expect(listed).toMatchObject({
      ok: true,
      data: [{ vmid: 102, format: "vma.zst", volid: expect.stringMatching(/^local:backup\/vzdump-qemu-102-/) }],
    });
    // A node-local storage lists only the node's own archives.
    expect(await client.get(`/nodes/${elsewhere}/storage/local/content`, { content: "backup" })).toEqual([]);
    // Guests that are not on the node asked: a plain OK, no task.
    expect(await client.post(`/nodes/${elsewhere}/vzdump`, request.params)).toBe("OK");
    // Without VM.Backup: the task starts and fails on the guest; its archives are left out of the listing, silently.
    const noBackup = addToken(t, `no-backup-${release.replace(".", "")}`, [{ path: "/", roles: ["PVEAuditor", "PVEDatastoreUser"] }]);
    const other = await clientAs(t, noBackup);
    try {
      expect(await other.get(listing.path, { content: "backup" })).toEqual([]);
      const denied = String(await other.post(request.path, request.params));
      await eventually(
        "the refused backup ends",
        async () =>
          ((await other.get(`/nodes/${node}/tasks/${encodeURIComponent(denied)}/status`)) as { status: string }).status === "stopped",
      );
      expect(await other.get(`/nodes/${node}/tasks/${encodeURIComponent(denied)}/status`)).toMatchObject({
        exitstatus: "Permission check failed (/vms/102, VM.Backup)",
      });
    } finally {
      other.close();
    }
  });

  it("the other calls the lab serves match too", async () => {
    const others: RollgateCall[] = [
      { name: "GET /version", method: "GET", path: "/version", from: "" },
      { name: "GET /nodes", method: "GET", path: "/nodes", from: "" },
      { name: "GET /nodes/{node}/status", method: "GET", path: "/nodes/pve1/status", from: "" },
      { name: "GET /nodes/{node}/qemu", method: "GET", path: "/nodes/pve1/qemu", from: "" },
      { name: "GET /nodes/{node}/lxc", method: "GET", path: "/nodes/pve2/lxc", from: "" },
      { name: "GET /cluster/ha/status/current", method: "GET", path: "/cluster/ha/status/current", from: "" },
      { name: "GET /cluster/resources", method: "GET", path: "/cluster/resources", from: "" },
    ];
    const found: Record<string, string[]> = {};
    for (const c of others) {
      const diffs = differences(c, await call(client, c.method, c.path, c.params));
      if (diffs.length > 0) found[`${release} ${c.name}`] = diffs;
    }
    expect(found).toEqual({});
  });
});

describe("the returns validator", () => {
  it("refuses a wrong type, a missing required property, a boolean that is not 0/1 and a value outside the enum", () => {
    const schema = {
      type: "array",
      items: {
        type: "object",
        properties: {
          id: { type: "string" },
          n: { type: "integer", optional: 1 as const },
          up: { type: "boolean", optional: 1 as const },
          kind: { type: "string", enum: ["a", "b"], optional: 1 as const },
        },
      },
    };
    expect(schemaMismatches(schema, [{ id: "x", n: 1, up: 1, kind: "a", extra: true }])).toEqual([]);
    expect(schemaMismatches(schema, [{ n: 1.5, up: true, kind: "c" }])).toEqual([
      "$[0].id: missing, and it is not optional",
      "$[0].n: number 1.5, expected integer",
      "$[0].up: boolean true, expected boolean (0 or 1)",
      '$[0].kind: "c" is not one of a, b',
    ]);
    expect(schemaMismatches(schema, { id: "x" })).toEqual(["$: an object, expected array"]);
  });
});

describe.each<PveRelease>(["8.4", "9.1"])("PVE %s: each call is allowed or refused as PVE's permissions say", (release) => {
  let t: TestLab;
  const clients: PveClient[] = [];
  const as = async (tokenId: string) => {
    const c = await clientAs(t, tokenId);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    t = await startTestLab({ timeScale: 100, pveVersion: release });
  });
  afterAll(async () => {
    clients.forEach((c) => c.close());
    await t?.stop();
  });

  const agent =
    release === "8.4"
      ? { privs: ["VM.Monitor"], reason: "VM.Monitor" }
      : { privs: ["VM.GuestAgent.Audit"], reason: "VM.GuestAgent.Audit|VM.GuestAgent.Unrestricted" };
  // What each checked call of rollgate's needs, as the release's schema names it (written out here, not read from it).
  const checked: Array<{ c: RollgateCall; aclPath: string; privs: string[]; reason: string }> = [
    {
      c: { name: "GET /cluster/status", method: "GET", path: "/cluster/status", from: "" },
      aclPath: "/",
      privs: ["Sys.Audit"],
      reason: "/, Sys.Audit",
    },
    {
      c: { name: "GET /cluster/ha/status/manager_status", method: "GET", path: "/cluster/ha/status/manager_status", from: "" },
      aclPath: "/",
      privs: ["Sys.Audit"],
      reason: "/, Sys.Audit",
    },
    {
      c: { name: "GET /cluster/ha/resources", method: "GET", path: "/cluster/ha/resources", from: "" },
      aclPath: "/",
      privs: ["Sys.Audit"],
      reason: "/, Sys.Audit",
    },
    {
      c: { name: "GET /nodes/{node}/qemu/{vmid}/status/current", method: "GET", path: "/nodes/pve1/qemu/100/status/current", from: "" },
      aclPath: "/vms/100",
      privs: ["VM.Audit"],
      reason: "/vms/100, VM.Audit",
    },
    {
      c: { name: "GET /nodes/{node}/lxc/{vmid}/status/current", method: "GET", path: "/nodes/pve2/lxc/200/status/current", from: "" },
      aclPath: "/vms/200",
      privs: ["VM.Audit"],
      reason: "/vms/200, VM.Audit",
    },
    {
      c: { name: "GET /nodes/{node}/qemu/{vmid}/migrate", method: "GET", path: "/nodes/pve1/qemu/102/migrate", from: "" },
      aclPath: "/vms/102",
      privs: ["VM.Migrate"],
      reason: "/vms/102, VM.Migrate",
    },
    {
      c: { name: "POST /nodes/{node}/qemu/{vmid}/agent/ping", method: "POST", path: "/nodes/pve1/qemu/100/agent/ping", from: "" },
      aclPath: "/vms/100",
      privs: agent.privs,
      reason: `/vms/100, ${agent.reason}`,
    },
    {
      c: {
        name: "POST /nodes/{node}/qemu/{vmid}/migrate",
        method: "POST",
        path: "/nodes/pve1/qemu/102/migrate",
        params: { target: "pve2", online: 1 },
        from: "",
      },
      aclPath: "/vms/102",
      privs: ["VM.Migrate"],
      reason: "/vms/102, VM.Migrate",
    },
    {
      c: { name: "POST /nodes/{node}/qemu/{vmid}/status/shutdown", method: "POST", path: "/nodes/pve3/qemu/104/status/shutdown", from: "" },
      aclPath: "/vms/104",
      privs: ["VM.PowerMgmt"],
      reason: "/vms/104, VM.PowerMgmt",
    },
    {
      c: { name: "POST /nodes/{node}/lxc/{vmid}/status/start", method: "POST", path: "/nodes/pve2/lxc/200/status/start", from: "" },
      aclPath: "/vms/200",
      privs: ["VM.PowerMgmt"],
      reason: "/vms/200, VM.PowerMgmt",
    },
  ];

  it("a token lacking the privilege gets 403 with PVE's reason; one holding only it on that path passes the check", async () => {
    const major = release === "8.4" ? "8" : "9";
    for (const [i, { c, aclPath, privs, reason }] of checked.entries()) {
      const lacking = await as(
        addToken(t, `lacking${i}`, [{ path: "/", privileges: allPrivileges(major).filter((p) => !privs.includes(p)) }]),
      );
      expect(await call(lacking, c.method, c.path, c.params), `${c.name} without ${privs.join(", ")}`).toEqual({
        ok: false,
        status: 403,
        reason: `Permission check failed (${reason})`,
      });
      // Not propagated: the check must be on exactly this path.
      const holding = await as(addToken(t, `holding${i}`, [{ path: aclPath, privileges: privs, propagate: false }]));
      const answer = await call(holding, c.method, c.path, c.params);
      expect(
        answer.ok ? 200 : answer.status,
        `${c.name} with ${privs.join(", ")} on ${aclPath}: ${answer.ok ? "" : answer.reason}`,
      ).not.toBe(403);
    }
  });

  it("the lab's own token holds exactly src/pve/privileges.ts's role (with upgrade.backup's), on / and below", async () => {
    const own = await clientAs(t, "rollgate@pve!upgrade");
    clients.push(own);
    const all = Object.fromEntries(allPrivileges(release === "8.4" ? "8" : "9", { backup: true }).map((p) => [p, 1]));
    expect(await own.get("/access/permissions", { path: "/vms/100" })).toEqual({ "/vms/100": all });
    expect(t.lab.access.config.tokens["rollgate@pve!upgrade"]).toEqual({
      privsep: true,
      acl: [{ path: "/", roles: [roleName], propagate: true }],
    });
  });

  it("filters /storage: Datastore.Audit or Datastore.AllocateSpace on /storage/ID", async () => {
    const none = await as(addToken(t, "storage-none", [{ path: "/", roles: ["PVEVMAdmin"] }]));
    const space = await as(addToken(t, "storage-space", [{ path: "/storage/gv0", privileges: ["Datastore.AllocateSpace"] }]));
    const audit = await as(addToken(t, "storage-audit", [{ path: "/storage", privileges: ["Datastore.Audit"] }]));
    const ids = async (c: PveClient) => ((await c.get("/storage")) as Array<{ storage: string }>).map((s) => s.storage);
    expect(await ids(none)).toEqual([]);
    expect(await ids(space)).toEqual(["gv0"]);
    expect(await ids(audit)).toEqual(["local", "gv0"]);
  });

  it("filters /cluster/resources: guests by VM.Audit, storage by Datastore.Audit alone, node stats by Sys.Audit", async () => {
    const some = await as(
      addToken(t, "resources-100", [
        { path: "/vms/100", privileges: ["VM.Audit"] },
        { path: "/storage/gv0", privileges: ["Datastore.AllocateSpace"] },
      ]),
    );
    const guests = (await some.get("/cluster/resources", { type: "vm" })) as Array<{ vmid: number }>;
    expect(guests.map((g) => g.vmid)).toEqual([100]);
    expect(await some.get("/cluster/resources", { type: "storage" })).toEqual([]);
    const nodes = (await some.get("/cluster/resources", { type: "node" })) as Array<Record<string, unknown>>;
    expect(nodes.map((n) => n["node"])).toEqual(["pve1", "pve2", "pve3"]);
    for (const n of nodes)
      for (const stat of ["uptime", "cpu", "mem", "maxmem", "maxcpu", "disk", "maxdisk"])
        expect(n, String(n["node"])).not.toHaveProperty(stat);
    const auditor = await as(addToken(t, "resources-auditor", [{ path: "/", roles: ["PVEAuditor"] }]));
    const all = (await auditor.get("/cluster/resources")) as Array<Record<string, unknown>>;
    expect(all.filter((r) => r["type"] === "qemu" || r["type"] === "lxc")).toHaveLength(6);
    expect(all.filter((r) => r["type"] === "storage" && r["storage"] === "gv0").map((r) => r["node"])).toEqual(["pve1", "pve2", "pve3"]);
    expect(all.find((r) => r["type"] === "node")).toHaveProperty("maxmem");
  });

  it("filters a node's guest lists by VM.Audit on each guest", async () => {
    const c = await as(addToken(t, "lists", [{ path: "/vms/100", privileges: ["VM.Audit"] }]));
    expect(((await c.get("/nodes/pve1/qemu")) as Array<{ vmid: number }>).map((g) => g.vmid)).toEqual([100]);
    expect(await c.get("/nodes/pve2/lxc")).toEqual([]);
  });

  it("shows a node's tasks to their owner or to Sys.Audit on the node, and refuses another's task status", async () => {
    const own = await clientAs(t, "rollgate@pve!upgrade");
    clients.push(own);
    const upid = String(await own.post("/nodes/pve3/qemu/103/migrate", { target: "pve1", online: 1 }));
    const stranger = await as(addToken(t, "tasks-stranger", [{ path: "/vms", roles: ["PVEVMAdmin"] }]));
    const auditor = await as(addToken(t, "tasks-auditor", [{ path: "/nodes/pve3", privileges: ["Sys.Audit"] }]));
    const upids = async (c: PveClient) => ((await c.get("/nodes/pve3/tasks")) as Array<{ upid: string }>).map((x) => x.upid);
    await eventually("the migration task is listed", async () => (await upids(own)).includes(upid));
    expect(await upids(stranger)).toEqual([]);
    expect(await upids(auditor)).toContain(upid);
    expect(await call(stranger, "GET", `/nodes/pve3/tasks/${encodeURIComponent(upid)}/status`)).toEqual({
      ok: false,
      status: 403,
      reason: "Permission check failed (/nodes/pve3, Sys.Audit)",
    });
    expect(await call(auditor, "GET", `/nodes/pve3/tasks/${encodeURIComponent(upid)}/log`)).toMatchObject({ ok: true });
  });

  it("answers /access/permissions with the effective privileges: propagation, and a more specific ACL on /vms/100", async () => {
    const tokenId = addToken(t, "effective", [
      { path: "/vms", roles: ["PVEVMUser"] },
      { path: "/vms/100", roles: ["PVEAuditor"], propagate: false },
    ]);
    const c = await as(tokenId);
    const user =
      release === "8.4"
        ? ["VM.Audit", "VM.Backup", "VM.Config.CDROM", "VM.Config.Cloudinit", "VM.Console", "VM.PowerMgmt"]
        : [
            "VM.Audit",
            "VM.Backup",
            "VM.Config.CDROM",
            "VM.Config.Cloudinit",
            "VM.Console",
            "VM.GuestAgent.Audit",
            "VM.GuestAgent.FileRead",
            "VM.GuestAgent.FileSystemMgmt",
            "VM.GuestAgent.FileWrite",
            "VM.PowerMgmt",
          ];
    const auditorOnVms = release === "8.4" ? ["VM.Audit"] : ["VM.Audit", "VM.GuestAgent.Audit"];
    // PVEAuditor's other privileges (Sys.Audit, Datastore.Audit…) are granted at /vms/100 too.
    const auditor100 = (await c.get("/access/permissions", { path: "/vms/100" })) as Record<string, Record<string, number>>;
    expect(Object.values(auditor100["/vms/100"]!).every((flag) => flag === 0)).toBe(true);
    for (const p of auditorOnVms) expect(auditor100["/vms/100"]).toHaveProperty(p, 0);
    expect(auditor100["/vms/100"]).not.toHaveProperty("VM.PowerMgmt");
    const sorted = (o: Record<string, number> | undefined) => Object.keys(o ?? {}).sort();
    const at101 = (await c.get("/access/permissions", { path: "/vms/101" })) as Record<string, Record<string, number>>;
    expect(sorted(at101["/vms/101"])).toEqual(user);
    expect(Object.values(at101["/vms/101"]!)).toEqual(user.map(() => 1));
    expect(await c.get("/access/permissions", { path: "/storage" })).toEqual({ "/storage": {} });
    // Every path of the ACL tree where it has something: its own, and other tokens' paths below /vms, which inherit.
    const everything = (await c.get("/access/permissions")) as Record<string, Record<string, number>>;
    expect(Object.keys(everything)).toEqual(expect.arrayContaining(["/vms", "/vms/100"]));
    for (const [path, privs] of Object.entries(everything)) {
      expect(path).toMatch(/^\/vms(\/|$)/);
      if (path !== "/vms/100") expect(sorted(privs), path).toEqual(user);
    }
    expect(await call(c, "GET", "/access/permissions", { userid: "rollgate@pve!upgrade" })).toEqual({
      ok: false,
      status: 403,
      reason: "Permission check failed (/access, Sys.Audit)",
    });
  });
});

describe.each<PveRelease>(["8.4", "9.1"])("PVE %s, scenario token-missing-privileges", (release) => {
  let t: TestLab;
  let client: PveClient;

  beforeAll(async () => {
    t = await startTestLab({ timeScale: 100, pveVersion: release, scenario: "token-missing-privileges" });
    client = await pveClientFor(t.loaded.config, t.secret);
  });
  afterAll(async () => {
    client?.close();
    await t?.stop();
  });

  it("sees no storage and is refused the guest-agent ping, with the privilege PVE names", async () => {
    expect(await client.get("/storage")).toEqual([]);
    const reason = release === "8.4" ? "VM.Monitor" : "VM.GuestAgent.Audit|VM.GuestAgent.Unrestricted";
    expect(await call(client, "POST", "/nodes/pve1/qemu/100/agent/ping")).toEqual({
      ok: false,
      status: 403,
      reason: `Permission check failed (/vms/100, ${reason})`,
    });
    expect(await call(client, "GET", "/nodes/pve1/qemu/100/status/current")).toMatchObject({ ok: true });
  });
});
