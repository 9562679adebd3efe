// The lab answers as PVE 8.4 or 9.1, over HTTPS and SSH as rollgate talks to it: each release's
// versions, kernels, storage, Gluster mounts and HA configuration, every scenario's real-world
// behaviour, and the smaller ways a real cluster answers (error codes and bodies, task lists,
// pmxcfs' memory of a dead node, pvecm's exit status).

import https from "node:https";
import { afterEach, describe, expect, it } from "vitest";
import type { LabOptions } from "../../src/lab/lab.js";
import { pveClientFor, sshPoolFor } from "../../src/transport/from-config.js";
import { PveHttpError, type PveClient } from "../../src/transport/pve.js";
import { changeCommand, readCommand } from "../../src/transport/remote-command.js";
import type { SshPool } from "../../src/transport/ssh.js";
import { eventually, startTestLab, type TestLab } from "../helpers/lab.js";
import { readMigrationConstraints } from "../../src/observe/pve.js";
import type { Guest } from "../../src/observe/state.js";
import { networkProbes } from "../../src/transport/probes.js";

interface Connected {
  t: TestLab;
  api: PveClient;
  ssh: SshPool;
}

let open: Connected | null = null;
afterEach(async () => {
  open?.api.close();
  await open?.ssh.close();
  await open?.t.stop();
  open = null;
});

async function lab(options: Omit<LabOptions, "dir">): Promise<Connected> {
  const t = await startTestLab({ timeScale: 200, ...options });
  open = { t, api: await pveClientFor(t.loaded.config, t.secret), ssh: sshPoolFor(t.loaded.config) };
  return open;
}

type Json = Record<string, unknown>;
const get = async <T = Json>(c: Connected, path: string, params: Record<string, string | number> = {}) =>
  (await c.api.get(path, params)) as T;
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (e: unknown) => e as PveHttpError,
  );
const run = (c: Connected, node: string, ...argv: string[]) => c.ssh.run(node, readCommand(...(argv as [string, ...string[]])));
const change = (c: Connected, node: string, ...argv: string[]) => c.ssh.run(node, changeCommand(argv));

/** A raw HTTPS request, for the bytes of PVE's JSON envelope. */
function raw(c: Connected, method: string, path: string, body = ""): Promise<{ status: number; reason: string; body: string }> {
  const { host, port } = c.t.loaded.config.proxmox.api;
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host,
        port,
        method,
        path: `/api2/json${path}`,
        rejectUnauthorized: false,
        headers: {
          Authorization: `PVEAPIToken=rollgate@pve!upgrade=${c.t.secret}`,
          "Content-Type": "application/x-www-form-urlencoded",
          "Content-Length": Buffer.byteLength(body),
        },
      },
      (res) => {
        let text = "";
        res.on("data", (d: Buffer) => (text += d.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, reason: res.statusMessage ?? "", body: text }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const fuseOptions = "rw,relatime,user_id=0,group_id=0,default_permissions,allow_other,max_read=131072";

describe("versions and kernels", () => {
  it.each([
    [
      "8.4",
      {
        version: "8.4.1",
        repoid: "2a5fa54a8503f96d",
        kernel: "6.8.12-9-pve",
        build: "PMX 6.8.12-9 (2025-03-16T19:18Z)",
        suite: "bookworm",
        next: "8.4.2",
        newKernel: "6.8.12-11-pve",
        gluster: "10.3",
      },
    ],
    [
      "9.1",
      {
        version: "9.1.2",
        repoid: "9d436f37a0ac4172",
        kernel: "6.17.2-2-pve",
        build: "PMX 6.17.2-2 (2025-11-26T12:33Z)",
        suite: "trixie",
        next: "9.1.4",
        newKernel: "6.17.4-2-pve",
        gluster: "11.1",
      },
    ],
  ] as const)("PVE %s answers with its own versions, kernel series, Debian suite and GlusterFS", async (pveVersion, v) => {
    const c = await lab({ pveVersion });
    expect(await get(c, "/version")).toEqual({ version: v.version, release: pveVersion, repoid: v.repoid });
    expect(await get(c, "/nodes/pve2/version")).toEqual({ version: v.version, release: pveVersion, repoid: v.repoid });
    const status = await get(c, "/nodes/pve2/status");
    expect(status).toMatchObject({
      pveversion: `pve-manager/${v.version}/${v.repoid}`,
      kversion: `Linux ${v.kernel} #1 SMP PREEMPT_DYNAMIC ${v.build}`,
      "current-kernel": { release: v.kernel },
    });
    expect((await run(c, "pve1", "uname", "-r")).stdout).toBe(`${v.kernel}\n`);
    const update = await change(c, "pve1", "apt-get", "update");
    expect(update.stdout).toContain(`Hit:1 http://deb.debian.org/debian ${v.suite} InRelease\n`);
    const simulated = await run(c, "pve1", "apt-get", "-s", "dist-upgrade");
    expect(simulated.stdout).toContain(`Inst pve-manager [${v.version}] (${v.next} Proxmox:${pveVersion}/pve-no-subscription [all])`);
    expect(simulated.stdout).toContain(`Inst proxmox-kernel-${v.newKernel}-signed (`);
    expect((await run(c, "pve1", "gluster", "--version")).stdout).toMatch(
      new RegExp(`^glusterfs ${v.gluster.replace(".", "\\.")}\\nRepository revision: git://git.gluster.org/glusterfs.git\\n`),
    );
  });

  it("8.4: after the upgrade proxmox-boot-tool lists 6.8.12-11-pve before 6.8.12-9-pve (text order), and the reboot runs 6.8.12-11", async () => {
    const c = await lab({ pveVersion: "8.4" });
    const upgrade = await c.ssh.run("pve3", changeCommand(["apt-get", "-y", "dist-upgrade"], { DEBIAN_FRONTEND: "noninteractive" }));
    expect(upgrade.exitCode).toBe(0);
    expect((await run(c, "pve3", "proxmox-boot-tool", "kernel", "list")).stdout).toBe(
      "Manually selected kernels:\nNone.\n\nAutomatically selected kernels:\n6.8.12-11-pve\n6.8.12-8-pve\n6.8.12-9-pve\n",
    );
    expect((await get(c, "/nodes/pve3/version"))["version"]).toBe("8.4.2");
    await change(c, "pve3", "reboot");
    await eventually(
      "pve3 back on its new kernel",
      async () => (await run(c, "pve3", "uname", "-r").catch(() => ({ stdout: "" }))).stdout === "6.8.12-11-pve\n",
    );
  });
});

describe("storage and the Gluster mounts", () => {
  it("8.4: /storage keeps PVE's glusterfs storage (server, server2); PVE's plugin FUSE-mounts server:volume, with no fstab entry", async () => {
    const c = await lab({ pveVersion: "8.4" });
    const storage = await get<Json[]>(c, "/storage");
    expect(storage.find((s) => s["storage"] === "gv0")).toEqual({
      storage: "gv0",
      type: "glusterfs",
      volume: "gv0",
      server: "pve1",
      server2: "pve2",
      content: "images",
      shared: 1,
      digest: expect.any(String),
    });
    expect(await run(c, "pve2", "findmnt", "--fstab", "-J", "-t", "glusterfs")).toMatchObject({ exitCode: 1, stdout: "" });
    const live = JSON.parse((await run(c, "pve2", "findmnt", "-J", "-t", "fuse.glusterfs")).stdout) as { filesystems: Json[] };
    expect(live.filesystems).toEqual([{ target: "/mnt/pve/gv0", source: "pve1:gv0", fstype: "fuse.glusterfs", options: fuseOptions }]);
  });

  it("9.1: no glusterfs type; gv0 is a dir storage on the FUSE mount every node has from fstab", async () => {
    const c = await lab({ pveVersion: "9.1" });
    const storage = await get<Json[]>(c, "/storage");
    expect(storage.find((s) => s["storage"] === "gv0")).toEqual({
      storage: "gv0",
      type: "dir",
      path: "/mnt/pve/gv0",
      content: "images",
      shared: 1,
      is_mountpoint: "yes",
      digest: expect.any(String),
    });
    expect(storage.some((s) => s["type"] === "glusterfs")).toBe(false);
    for (const node of ["pve1", "pve2", "pve3"]) {
      expect((await run(c, node, "cat", "/etc/fstab")).stdout).toContain(
        "\npve1:/gv0 /mnt/pve/gv0 glusterfs defaults,_netdev,backup-volfile-servers=pve2:pve3,x-systemd.requires=glusterd.service 0 0\n",
      );
      const fstab = JSON.parse((await run(c, node, "findmnt", "--fstab", "-J", "-t", "glusterfs")).stdout) as { filesystems: Json[] };
      expect(fstab.filesystems).toEqual([
        {
          target: "/mnt/pve/gv0",
          source: "pve1:/gv0",
          fstype: "glusterfs",
          options: "defaults,_netdev,backup-volfile-servers=pve2:pve3,x-systemd.requires=glusterd.service",
        },
      ]);
      const live = JSON.parse((await run(c, node, "findmnt", "-J", "-t", "fuse.glusterfs")).stdout) as { filesystems: Json[] };
      expect(live.filesystems).toEqual([{ target: "/mnt/pve/gv0", source: "pve1:/gv0", fstype: "fuse.glusterfs", options: fuseOptions }]);
    }
    const resources = await get<Json[]>(c, "/cluster/resources", { type: "storage" });
    expect(resources.filter((r) => r["storage"] === "gv0").map((r) => [r["node"], r["plugintype"], r["status"]])).toEqual([
      ["pve1", "dir", "available"],
      ["pve2", "dir", "available"],
      ["pve3", "dir", "available"],
    ]);
  });

  it.each([
    ["healthy", 1],
    ["mount-without-backup-volfile", 0],
  ] as const)(
    "9.1 %s: a node booting while pve1 is down mounts through a backup volfile server (or, without one, not at all)",
    async (scenario, mounts) => {
      const c = await lab({ pveVersion: "9.1", scenario });
      const cluster = c.t.lab.cluster;
      cluster.powerCycle("pve2");
      // pve1 goes down while pve2 reboots, and is still down when pve2's mount runs.
      cluster.clock.after(35_000, () => cluster.powerCycle("pve1"));
      await eventually("pve2's glusterd back", () => cluster.node("pve2").glusterdUp && cluster.node("pve1").power === "down");
      const live = JSON.parse((await run(c, "pve2", "findmnt", "-J", "-t", "fuse.glusterfs")).stdout) as { filesystems: Json[] };
      expect(live.filesystems).toHaveLength(mounts);
      const fstab = (await run(c, "pve2", "findmnt", "--fstab", "-J", "-t", "glusterfs")).stdout;
      expect(fstab.includes("backup-volfile-servers=")).toBe(mounts === 1);
    },
  );
});

describe("HA configuration", () => {
  it("8.4: HA groups with priorities and nofailback, resources with their group, no rules (501)", async () => {
    const c = await lab({ pveVersion: "8.4" });
    expect(await get(c, "/cluster/ha/groups")).toEqual([
      { group: "routers", type: "group", nodes: "pve1:2,pve2:2,pve3:1", nofailback: 1, digest: expect.any(String) },
    ]);
    const resources = await get<Json[]>(c, "/cluster/ha/resources");
    expect(resources.map((r) => [r["sid"], r["group"]])).toEqual([
      ["vm:100", "routers"],
      ["vm:101", "routers"],
      ["vm:103", undefined],
    ]);
    expect(await failure(c.api.get("/cluster/ha/rules"))).toMatchObject({ status: 501 });
    expect((await get(c, "/nodes/pve1/qemu/100/status/current"))["ha"]).toEqual({ managed: 1, group: "routers", state: "started" });
    expect((await get(c, "/nodes/pve3/qemu/103/status/current"))["ha"]).toEqual({ managed: 1, group: null, state: "started" });
  });

  it("9.1: a negative resource-affinity rule over the routers; groups refused as migrated; the precondition names the blocking router", async () => {
    const c = await lab({ pveVersion: "9.1" });
    expect(await get(c, "/cluster/ha/rules")).toEqual([
      {
        rule: "routers-apart",
        type: "resource-affinity",
        resources: "vm:100,vm:101",
        affinity: "negative",
        comment: "never both routers on one node",
        digest: expect.any(String),
        order: 1,
      },
    ]);
    expect(await failure(c.api.get("/cluster/ha/groups"))).toMatchObject({
      status: 500,
      reason: "cannot index groups: ha groups have been migrated to rules",
    });
    const resources = await get<Json[]>(c, "/cluster/ha/resources");
    expect(resources.every((r) => !("group" in r))).toBe(true);
    const current = await get<Json[]>(c, "/cluster/ha/status/current");
    expect(current.find((e) => e["sid"] === "vm:100")).toMatchObject({ failback: 1, request_state: "started", crm_state: "started" });
    expect((await get(c, "/nodes/pve1/qemu/100/status/current"))["ha"]).toEqual({ managed: 1, state: "started" });
    const precondition = await get(c, "/nodes/pve1/qemu/100/migrate");
    expect(precondition).toMatchObject({
      allowed_nodes: ["pve3"],
      not_allowed_nodes: { pve2: { "blocking-ha-resources": [{ sid: "vm:101", cause: "resource-affinity" }] } },
      "dependent-ha-resources": [],
    });
  });
});

describe("scenarios", () => {
  it.each(["8.4", "9.1"] as const)(
    "no-ha-resources on %s: manager_status is empty until a maintenance request, which the CRM then processes",
    async (pveVersion) => {
      const c = await lab({ pveVersion, scenario: "no-ha-resources" });
      expect(await get(c, "/cluster/ha/status/manager_status")).toEqual({ manager_status: {}, quorum: { node: "pve1", quorate: "1" } });
      expect(await get(c, "/cluster/ha/status/current")).toEqual([
        { id: "quorum", type: "quorum", node: "pve1", status: "OK", quorate: 1 },
      ]);
      expect((await get<Json[]>(c, "/cluster/resources", { type: "vm" })).some((g) => "hastate" in g)).toBe(false);
      expect((await change(c, "pve1", "ha-manager", "crm-command", "node-maintenance", "enable", "pve3")).exitCode).toBe(0);
      await eventually("pve3 in maintenance", async () => {
        const status = await get<{ manager_status: { node_status?: Record<string, string> } }>(c, "/cluster/ha/status/manager_status");
        return status.manager_status.node_status?.["pve3"] === "maintenance";
      });
      const current = await get<Json[]>(c, "/cluster/ha/status/current");
      expect(current.map((e) => e["id"])).toEqual(["quorum", "master", "lrm:pve1", "lrm:pve2", "lrm:pve3"]);
    },
  );

  it("ha-ignores-maintenance (8.0-8.2's pve-ha-manager): the request is never processed", async () => {
    const c = await lab({ pveVersion: "8.4", scenario: "ha-ignores-maintenance" });
    await change(c, "pve1", "ha-manager", "crm-command", "node-maintenance", "enable", "pve3");
    await c.t.lab.cluster.clock.sleep(120_000);
    expect(await get(c, "/cluster/ha/status/manager_status")).toEqual({ manager_status: {}, quorum: { node: "pve1", quorate: "1" } });
  });

  it.each(["8.4", "9.1"] as const)(
    "ha-failback on %s: the router HA placement prefers goes back there after an explicit migration",
    async (pveVersion) => {
      const c = await lab({ pveVersion, scenario: "ha-failback" });
      const upid = (await c.api.post("/nodes/pve1/qemu/100/migrate", { target: "pve3", online: 1 })) as string;
      expect(upid).toContain(":hamigrate:100:");
      const where = async () => (await get<Json[]>(c, "/cluster/resources", { type: "vm" })).find((g) => g["vmid"] === 100)!["node"];
      await eventually("vm 100 on pve3", async () => (await where()) === "pve3");
      await eventually("vm 100 pulled back to pve1", async () => (await where()) === "pve1");
    },
  );

  it("task-warnings: an HA start is a hastart task that ends OK at once; the LRM's qmstart ends WARNINGS: 1; a migration stays OK", async () => {
    const c = await lab({ pveVersion: "9.1", scenario: "task-warnings" });
    const stop = (await c.api.post("/nodes/pve1/qemu/100/status/shutdown")) as string;
    expect(stop).toContain(":hastop:100:rollgate@pve!upgrade:");
    expect(await get(c, `/nodes/pve1/tasks/${encodeURIComponent(stop)}/status`)).toMatchObject({
      status: "stopped",
      exitstatus: "OK",
      user: "rollgate@pve",
      tokenid: "upgrade",
    });
    await eventually("vm 100 stopped", async () => (await get(c, "/nodes/pve1/qemu/100/status/current"))["status"] === "stopped");
    const start = (await c.api.post("/nodes/pve1/qemu/100/status/start")) as string;
    expect(await get(c, `/nodes/pve1/tasks/${encodeURIComponent(start)}/status`)).toMatchObject({ type: "hastart", exitstatus: "OK" });
    await eventually("the LRM's start", async () => (await get<Json[]>(c, "/nodes/pve1/tasks", { typefilter: "qmstart" })).length > 0);
    const [qmstart] = await get<Json[]>(c, "/nodes/pve1/tasks", { typefilter: "qmstart" });
    expect(qmstart).toMatchObject({ user: "root@pam", status: "WARNINGS: 1" });
    const log = await get<Array<{ t: string }>>(c, `/nodes/pve1/tasks/${encodeURIComponent(String(qmstart!["upid"]))}/log`);
    expect(log.map((l) => l.t)).toEqual(["WARN: no efidisk configured! Using temporary efivars disk.", "TASK WARNINGS: 1"]);
    // The VM starts on the target in a process of its own: its warning is a line of the migration's log.
    await c.api.post("/nodes/pve2/qemu/101/migrate", { target: "pve3", online: 1 });
    await eventually("the LRM's migration", async () => (await get<Json[]>(c, "/nodes/pve2/tasks", { typefilter: "qmigrate" })).length > 0);
    const [migration] = await get<Json[]>(c, "/nodes/pve2/tasks", { typefilter: "qmigrate" });
    expect(migration!["status"]).toBe("OK");
    const migrationLog = await get<Array<{ t: string }>>(c, `/nodes/pve2/tasks/${encodeURIComponent(String(migration!["upid"]))}/log`);
    expect(migrationLog.some((l) => l.t.endsWith("[pve3] WARN: no efidisk configured! Using temporary efivars disk."))).toBe(true);
  });

  it("token-missing-privileges: the token cannot ping the guest agent", async () => {
    const c = await lab({ pveVersion: "9.1", scenario: "token-missing-privileges" });
    expect(c.t.lab.cluster.faults.tokenMissingPrivileges).toBe(true);
    expect(await failure(c.api.post("/nodes/pve1/qemu/100/agent/ping"))).toMatchObject({ status: 403 });
  });

  it.each(["8.4", "9.1"] as const)(
    "vm-locked-backup on %s: db is locked by a vzdump for 15 minutes, refused by the precondition and the migration; dns's backup ends first",
    async (pveVersion) => {
      // At 20x dns's one-minute lock lasts 3 s of real time: long enough for the calls before its migration.
      const c = await lab({ pveVersion, scenario: "vm-locked-backup", timeScale: 20 });
      const vms = await get<Json[]>(c, "/cluster/resources", { type: "vm" });
      expect(vms.find((g) => g["vmid"] === 103)).toMatchObject({ lock: "backup" });
      expect(await get(c, "/nodes/pve3/qemu/103/status/current")).toMatchObject({ lock: "backup", status: "running" });
      expect(await failure(c.api.get("/nodes/pve3/qemu/103/migrate"))).toMatchObject({ status: 500, reason: "VM is locked (backup)" });
      expect(await failure(c.api.post("/nodes/pve3/qemu/103/migrate", { target: "pve1", online: 1 }))).toMatchObject({
        status: 500,
        reason: "VM is locked (backup)",
      });
      expect(
        (await get<Json[]>(c, "/nodes/pve3/tasks", { source: "active" })).map((t) => [t["type"], t["id"], t["user"], t["status"]]),
      ).toEqual([["vzdump", "103", "root@pam", "RUNNING"]]);
      if (pveVersion === "9.1") {
        // pve-container src/PVE/API2/LXC.pm migrate_vm_precondition (PVE 9) calls check_lock first.
        expect(await failure(c.api.get("/nodes/pve2/lxc/200/migrate"))).toMatchObject({ status: 500, reason: "CT is locked (backup)" });
        const ctx = { config: c.t.loaded.config, shell: c.ssh, pve: c.api, probes: networkProbes, target: null };
        const dns: Guest = {
          vmid: 200,
          name: "dns",
          type: "lxc",
          node: "pve2",
          status: "running",
          maxmem: 0,
          haState: null,
          lock: null,
          template: false,
        };
        expect(await readMigrationConstraints(ctx, dns)).toEqual({
          ok: true,
          value: { localDisks: [], localResources: [], notAllowed: {}, lock: "backup" },
        });
      }
      // A container's lock is checked inside its migration task.
      const ct = (await c.api.post("/nodes/pve2/lxc/200/migrate", { target: "pve1", restart: 1 })) as string;
      await eventually(
        "the CT migration to end",
        async () => (await get(c, `/nodes/pve2/tasks/${encodeURIComponent(ct)}/status`))["status"] === "stopped",
      );
      expect((await get(c, `/nodes/pve2/tasks/${encodeURIComponent(ct)}/status`))["exitstatus"]).toBe("migration aborted");
      const log = await get<Array<{ t: string }>>(c, `/nodes/pve2/tasks/${encodeURIComponent(ct)}/log`);
      expect(log.map((l) => l.t)).toEqual([
        expect.stringMatching(/ ERROR: migration aborted \(duration 00:00:00\): CT is locked \(backup\)$/),
        "TASK ERROR: migration aborted",
      ]);
      await eventually(
        "dns's backup to end",
        async () => (await get<Json[]>(c, "/cluster/resources", { type: "vm" })).find((g) => g["vmid"] === 200)?.["lock"] === undefined,
        5_000,
      );
      expect((await get<Json[]>(c, "/cluster/resources", { type: "vm" })).find((g) => g["vmid"] === 103)).toMatchObject({ lock: "backup" });
    },
  );

  it("a VM whose migration ended since the guest list was read: its precondition reads as a migrate lock, not as free to go", async () => {
    const c = await lab({ pveVersion: "9.1" });
    const ctx = { config: c.t.loaded.config, shell: c.ssh, pve: c.api, probes: networkProbes, target: null };
    const [listed] = (await get<Json[]>(c, "/cluster/resources", { type: "vm" })).filter((g) => g["vmid"] === 103);
    const db: Guest = {
      vmid: 103,
      name: "db",
      type: "qemu",
      node: String(listed!["node"]),
      status: "running",
      maxmem: 0,
      haState: null,
      lock: null,
      template: false,
    };
    const elsewhere = c.t.lab.cluster.topology.nodes.map((n) => n.name).find((n) => n !== db.node)!;
    expect(await failure(c.api.get(`/nodes/${elsewhere}/qemu/103/migrate`))).toMatchObject({
      status: 500,
      reason: `Configuration file 'nodes/${elsewhere}/qemu-server/103.conf' does not exist`,
    });
    expect(await readMigrationConstraints(ctx, { ...db, node: elsewhere })).toEqual({
      ok: true,
      value: { localDisks: [], localResources: [], notAllowed: {}, lock: "migrate" },
    });
    expect(await readMigrationConstraints(ctx, db)).toMatchObject({ ok: true, value: { lock: null } });
  });

  it.each(["8.4", "9.1"] as const)(
    "enterprise-repo-401 on %s: apt-get update exits 100 on every node; the simulation still works",
    async (pveVersion) => {
      const c = await lab({ pveVersion, scenario: "enterprise-repo-401" });
      for (const node of ["pve1", "pve2", "pve3"]) {
        const update = await change(c, node, "apt-get", "update");
        expect(update.exitCode).toBe(100);
        expect(update.stderr).toMatch(
          /^E: Failed to fetch https:\/\/enterprise\.proxmox\.com\/debian\/pve\/dists\/(bookworm|trixie)\/InRelease {2}401 {2}Unauthorized \[IP: [\d.]+ 443\]\nE: The repository 'https:\/\/enterprise\.proxmox\.com\/debian\/pve (bookworm|trixie) InRelease' is not signed\.\n/,
        );
      }
      expect((await run(c, "pve1", "apt-get", "-s", "dist-upgrade")).stdout).toMatch(/^Inst pve-manager /m);
    },
  );

  it.each(["8.4", "9.1"] as const)(
    "ha-state-null on %s: a just-added HA resource has state null until a CRM master takes it in",
    async (pveVersion) => {
      const c = await lab({ pveVersion, scenario: "ha-state-null" });
      const ha = (await get(c, "/nodes/pve3/qemu/103/status/current"))["ha"];
      expect(ha).toEqual(pveVersion === "8.4" ? { managed: 1, group: null, state: null } : { managed: 1, state: null });
      const service = (await get<Json[]>(c, "/cluster/ha/status/current")).find((e) => e["sid"] === "vm:103");
      expect(service).toMatchObject({ state: "queued", status: "vm:103 (pve3, queued)", request_state: "started" });
      expect(service).not.toHaveProperty("crm_state");
      expect((await get<Json[]>(c, "/cluster/resources", { type: "vm" })).find((g) => g["vmid"] === 103)!["hastate"]).toBe("started");
      await eventually(
        "the CRM to take vm:103 in",
        async () => ((await get(c, "/nodes/pve3/qemu/103/status/current"))["ha"] as Json)["state"] === "started",
        5_000,
      );
    },
  );

  it.each(["8.4", "9.1"] as const)(
    "storage-restricted-nodes on %s: ci-runner's storage is on pve1 and pve3 only; the precondition says so and a migration to pve2 fails as PVE's does",
    async (pveVersion) => {
      const c = await lab({ pveVersion, scenario: "storage-restricted-nodes" });
      expect((await get<Json[]>(c, "/storage")).find((s) => s["storage"] === "ci-nfs")).toMatchObject({ type: "nfs", nodes: "pve1,pve3" });
      expect(await get(c, "/nodes/pve3/qemu/104/migrate")).toMatchObject({
        allowed_nodes: ["pve1"],
        not_allowed_nodes: { pve2: { unavailable_storages: ["ci-nfs"] } },
      });
      expect(await failure(c.api.post("/nodes/pve3/qemu/104/migrate", { target: "pve2", online: 1 }))).toMatchObject({
        status: 500,
        reason: "storage 'ci-nfs' is not available on node 'pve2'",
      });
      if (pveVersion === "9.1") {
        expect((await get(c, "/nodes/pve2/qemu/101/migrate"))["not_allowed_nodes"]).toEqual({
          pve1: { "blocking-ha-resources": [{ sid: "vm:100", cause: "resource-affinity" }] },
        });
      }
    },
  );
});

describe("smaller differences a real cluster shows", () => {
  it("'target is local node.' is 400 \"Parameter verification failed.\" with the reason only in the body's errors; unknown UPIDs 400; unknown nodes 500", async () => {
    const c = await lab({});
    const local = await raw(c, "POST", "/nodes/pve1/qemu/102/migrate", "target=pve1&online=1");
    expect(local).toMatchObject({ status: 400, reason: "Parameter verification failed." });
    expect(JSON.parse(local.body)).toEqual({
      data: null,
      errors: { target: "target is local node." },
      message: "Parameter verification failed.\n",
    });
    const unknownTask = await raw(
      c,
      "GET",
      `/nodes/pve1/tasks/${encodeURIComponent("UPID:pve1:00001234:00ABCDEF:65000000:qmigrate:100:root@pam:")}/status`,
    );
    expect(unknownTask.status).toBe(400);
    expect(JSON.parse(unknownTask.body)).toMatchObject({ errors: { upid: "no such task" } });
    expect(JSON.parse((await raw(c, "GET", "/nodes/pve1/tasks/nonsense/status")).body)).toMatchObject({
      errors: { upid: "unable to parse worker upid" },
    });
    expect(await failure(c.api.get("/nodes/pve9/status"))).toMatchObject({
      status: 500,
      reason: "hostname lookup 'pve9' failed - failed to get address info for: pve9: Name or service not known",
    });
  });

  it("GET /nodes/N/tasks lists finished tasks by default (source=archive), a token's split into user and tokenid", async () => {
    const c = await lab({});
    const upid = (await c.api.post("/nodes/pve3/qemu/104/migrate", { target: "pve2", online: 1 })) as string;
    expect(await get<Json[]>(c, "/nodes/pve3/tasks")).toEqual([]);
    expect(await get<Json[]>(c, "/nodes/pve3/tasks", { source: "active" })).toEqual([
      expect.objectContaining({ upid, user: "rollgate@pve!upgrade", status: "RUNNING" }),
    ]);
    await eventually("the migration to finish", async () => (await get<Json[]>(c, "/nodes/pve3/tasks")).length === 1);
    const [task] = await get<Json[]>(c, "/nodes/pve3/tasks");
    expect(task).toEqual({
      upid,
      node: "pve3",
      pid: expect.any(Number),
      pstart: expect.any(Number),
      starttime: expect.any(Number),
      type: "qmigrate",
      id: "104",
      user: "rollgate@pve",
      tokenid: "upgrade",
      endtime: expect.any(Number),
      status: "OK",
    });
  });

  it("a migration to a node that is down is a task that fails, not a refusal", async () => {
    const c = await lab({ scenario: "node-never-returns" });
    c.t.lab.cluster.powerCycle("pve2");
    await eventually("pve2 down", () => c.t.lab.cluster.node("pve2").power === "down");
    const upid = (await c.api.post("/nodes/pve3/qemu/104/migrate", { target: "pve2", online: 1 })) as string;
    await eventually(
      "the task to fail",
      async () => (await get(c, `/nodes/pve3/tasks/${encodeURIComponent(upid)}/status`))["exitstatus"] === "migration aborted",
    );
  });

  it("/cluster/resources keeps a dead node's guests at their last status for 5 minutes, then unknown", async () => {
    const c = await lab({ scenario: "node-never-returns", timeScale: 400 });
    c.t.lab.cluster.powerCycle("pve3");
    await eventually("pve3 down", () => c.t.lab.cluster.node("pve3").power === "down");
    const status = async () => (await get<Json[]>(c, "/cluster/resources", { type: "vm" })).find((g) => g["vmid"] === 104)!["status"];
    expect(await status()).toBe("stopped");
    const node = (await get<Json[]>(c, "/cluster/resources", { type: "node" })).find((n) => n["node"] === "pve3");
    expect(node).toMatchObject({ status: "offline", maxmem: expect.any(Number) });
    await eventually("pmxcfs to drop the old broadcast", async () => (await status()) === "unknown", 5_000);
  });

  it("a powered-off node in maintenance keeps maintenance in node_status and its LRM reads maintenance mode", async () => {
    const c = await lab({ pveVersion: "8.4" });
    await change(c, "pve1", "ha-manager", "crm-command", "node-maintenance", "enable", "pve3");
    const nodeStatus = async () =>
      (await get<{ manager_status: { node_status: Record<string, string> } }>(c, "/cluster/ha/status/manager_status")).manager_status
        .node_status["pve3"];
    await eventually("pve3 in maintenance", async () => (await nodeStatus()) === "maintenance");
    c.t.lab.cluster.powerCycle("pve3");
    await eventually("pve3 down", () => c.t.lab.cluster.node("pve3").power === "down");
    await c.t.lab.cluster.clock.sleep(30_000);
    expect(await nodeStatus()).toBe("maintenance");
    expect((await get<Json[]>(c, "/cluster/ha/status/current")).find((e) => e["id"] === "lrm:pve3")!["status"]).toMatch(
      /^pve3 \(maintenance mode, /,
    );
  });

  it("pvecm status exits 2 without quorum", async () => {
    const c = await lab({ scenario: "quorum-lost" });
    const status = await run(c, "pve1", "pvecm", "status");
    expect(status.exitCode).toBe(2);
    expect(status.stdout).toContain("Quorate:          No\n");
  });
});
