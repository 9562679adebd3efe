// The lab's PVE API speaks like pveproxy: token auth, TLS signed by the cluster CA, PVE 8's JSON
// shapes (booleans as 0/1), UPID tasks, and 595 for a node that is down. (PVE 9.1's differences:
// lab-versions.test.ts.)

import https from "node:https";
import { readFile } from "node:fs/promises";
import { X509Certificate } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PveClient, PveConnectionError, PveHttpError } from "../../src/transport/pve.js";
import { pveClientFor } from "../../src/transport/from-config.js";
import { pvePaths } from "../../src/transport/pve-paths.js";
import { eventually, startTestLab, type TestLab } from "../helpers/lab.js";

let t: TestLab;
let client: PveClient;

beforeAll(async () => {
  t = await startTestLab({ timeScale: 100, pveVersion: "8.4" });
  client = await pveClientFor(t.loaded.config, t.secret);
});
afterAll(async () => {
  client?.close();
  await t?.stop();
});

function rawGet(path: string, authorization?: string): Promise<{ status: number; reason: string; contentType: string; body: string }> {
  const { host, port } = t.loaded.config.proxmox.api;
  return new Promise((resolve, reject) => {
    const req = https.request(
      { host, port, path, rejectUnauthorized: false, headers: authorization ? { Authorization: authorization } : {} },
      (res) => {
        let body = "";
        res.on("data", (d: Buffer) => (body += d.toString()));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, reason: res.statusMessage ?? "", contentType: String(res.headers["content-type"]), body }),
        );
      },
    );
    req.on("error", reject);
    req.end();
  });
}

describe("authentication", () => {
  it("answers 401 without a token and with a wrong secret, 200 with the right one", async () => {
    const none = await rawGet("/api2/json/version");
    expect(none.status).toBe(401);
    const wrong = await rawGet("/api2/json/version", "PVEAPIToken=rollgate@pve!upgrade=00000000-0000-0000-0000-000000000000");
    expect(wrong.status).toBe(401);
    expect(wrong.reason).toBe("invalid token value!");
    const right = await rawGet("/api2/json/version", `PVEAPIToken=rollgate@pve!upgrade=${t.secret}`);
    expect(right.status).toBe(200);
    expect(right.contentType).toBe("application/json;charset=UTF-8");
    expect(JSON.parse(right.body)).toEqual({ data: expect.objectContaining({ version: expect.any(String), release: expect.any(String) }) });
  });
});

describe("certificates", () => {
  it("serves a node certificate signed by the cluster CA, naming the node's address", async () => {
    const ca = new X509Certificate(await readFile(t.lab.files.ca));
    const { host, port } = t.loaded.config.proxmox.api;
    const cert = await new Promise<X509Certificate>((resolve, reject) => {
      const req = https.request({ host, port, path: "/", rejectUnauthorized: false, agent: false }, (res) => {
        const peer = (res.socket as import("node:tls").TLSSocket).getPeerX509Certificate();
        res.resume();
        if (peer) resolve(peer);
        else reject(new Error("no peer certificate"));
      });
      req.on("error", reject);
      req.end();
    });
    expect(cert.checkIssued(ca)).toBe(true);
    expect(cert.subjectAltName).toContain(`IP Address:${host}`);
  });

  it("accepts a correct pinned fingerprint and refuses a wrong one before sending the token", async () => {
    const { host, port } = t.loaded.config.proxmox.api;
    const cert = await new Promise<string>((resolve, reject) => {
      // A fresh connection: a resumed TLS session carries no peer certificate.
      const req = https.request({ host, port, path: "/", rejectUnauthorized: false, agent: false }, (res) => {
        res.resume();
        resolve((res.socket as import("node:tls").TLSSocket).getPeerCertificate().fingerprint256);
      });
      req.on("error", reject);
      req.end();
    });
    const base = { tokenId: "rollgate@pve!upgrade", tokenSecret: t.secret, ca: null, timeoutMs: 2000 };
    const pinned = new PveClient({ ...base, endpoints: [{ node: "pve1", host, port, fingerprint: cert }] });
    await expect(pinned.get("/version")).resolves.toMatchObject({ release: "8.4" });
    pinned.close();
    expect(() => new PveClient({ ...base, endpoints: [{ node: "pve1", host, port, fingerprint: null }] })).toThrow(
      /neither a pinned fingerprint nor a CA/,
    );

    const wrongPin = cert.replace(/^../, cert.startsWith("AA") ? "BB" : "AA");
    const impostor = new PveClient({ ...base, endpoints: [{ node: "pve1", host, port, fingerprint: wrongPin }] });
    const requestsBefore = t.lab.cluster.apiRequestCount;
    const error = await impostor.get("/version").catch((e: unknown) => e);
    impostor.close();
    expect(t.lab.cluster.apiRequestCount).toBe(requestsBefore);
    expect(error).toBeInstanceOf(PveConnectionError);
    expect((error as Error).message).toContain(`has fingerprint ${cert}, but cluster.yaml pins ${wrongPin}`);
  });

  it("refuses a server whose certificate the configured CA did not sign", async () => {
    const { host, port } = t.loaded.config.proxmox.api;
    const other = await startTestLab();
    const strangerCa = await readFile(other.lab.files.ca, "utf8");
    await other.stop();
    const stranger = new PveClient({
      tokenId: "rollgate@pve!upgrade",
      tokenSecret: t.secret,
      ca: strangerCa,
      timeoutMs: 2000,
      endpoints: [{ node: "pve1", host, port, fingerprint: null }],
    });
    const error = await stranger.get("/version").catch((e: unknown) => e);
    stranger.close();
    expect((error as Error).message).toMatch(/not signed by the configured caFile/);
  });
});

describe("JSON shapes of PVE 8", () => {
  it("/cluster/status: a cluster entry and node entries with 0/1 booleans", async () => {
    const data = (await client.get("/cluster/status")) as Array<Record<string, unknown>>;
    expect(data[0]).toMatchObject({ type: "cluster", name: "lab", nodes: 3, quorate: 1 });
    expect(data.slice(1)).toEqual(
      ["pve1", "pve2", "pve3"].map((name, i) =>
        expect.objectContaining({ id: `node/${name}`, type: "node", name, nodeid: i + 1, online: 1, local: expect.any(Number) }),
      ),
    );
  });

  it("/nodes/{node}/status: kversion, current-kernel and pveversion", async () => {
    const status = (await pvePaths(client).nodes.$("pve2").status.$get()) as Record<string, unknown>;
    expect(status["kversion"]).toBe("Linux 6.8.12-9-pve #1 SMP PREEMPT_DYNAMIC PMX 6.8.12-9 (2025-03-16T19:18Z)");
    expect(status["current-kernel"]).toMatchObject({ sysname: "Linux", release: "6.8.12-9-pve", machine: "x86_64" });
    expect(status["pveversion"]).toBe("pve-manager/8.4.1/2a5fa54a8503f96d");
    expect(status).toHaveProperty("uptime");
    expect(status).toHaveProperty("memory.total");
  });

  it("/cluster/resources?type=vm: guests with node, status, hastate for HA guests", async () => {
    const vms = (await client.get("/cluster/resources", { type: "vm" })) as Array<Record<string, unknown>>;
    expect(vms.find((v) => v["vmid"] === 100)).toMatchObject({
      id: "qemu/100",
      type: "qemu",
      node: "pve1",
      status: "running",
      hastate: "started",
      template: 0,
    });
    expect(vms.find((v) => v["vmid"] === 200)).toMatchObject({ id: "lxc/200", type: "lxc" });
    expect(vms.find((v) => v["vmid"] === 102)).not.toHaveProperty("hastate");
  });

  it("status/current of a VM carries qmpstatus, agent and ha", async () => {
    const current = await client.get("/nodes/pve2/qemu/101/status/current");
    expect(current).toMatchObject({ vmid: 101, status: "running", qmpstatus: "running", agent: 1, ha: { managed: 1, state: "started" } });
  });

  it("the guest agent answers a ping; a VM without the agent gets PVE's 500", async () => {
    await expect(client.post("/nodes/pve1/qemu/100/agent/ping")).resolves.toEqual({ result: {} });
    const error = await client.post("/nodes/pve3/qemu/103/agent/ping").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PveHttpError);
    expect(error).toMatchObject({ status: 500, reason: "No QEMU guest agent configured" });
  });

  it("HA: manager_status lists node_status; status/current has quorum, master, lrm and service entries", async () => {
    const manager = (await client.get("/cluster/ha/status/manager_status")) as { manager_status: { node_status: Record<string, string> } };
    expect(manager.manager_status.node_status).toEqual({ pve1: "online", pve2: "online", pve3: "online" });
    const current = (await client.get("/cluster/ha/status/current")) as Array<Record<string, unknown>>;
    expect(current.map((e) => e["type"])).toEqual(expect.arrayContaining(["quorum", "master", "lrm", "service"]));
    expect(current.find((e) => e["id"] === "lrm:pve1")?.["status"]).toMatch(/^pve1 \(active, \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}\)$/);
  });

  it("a migrate POST returns a UPID whose task ends OK, and the guest then runs on the target", async () => {
    const upid = (await client.post("/nodes/pve3/qemu/104/migrate", { target: "pve2", online: 1 })) as string;
    expect(upid).toMatch(/^UPID:pve3:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]{8}:qmigrate:104:rollgate@pve!upgrade:$/);
    await eventually("migration task to stop", async () => {
      const task = (await client.get(`/nodes/pve3/tasks/${encodeURIComponent(upid)}/status`)) as { status: string; exitstatus?: string };
      return task.status === "stopped" && task.exitstatus === "OK";
    });
    const vms = (await client.get("/cluster/resources", { type: "vm" })) as Array<{ vmid: number; node: string }>;
    expect(vms.find((v) => v.vmid === 104)?.node).toBe("pve2");
  });

  it("refuses a migration to the node the guest is on, as PVE does: 400, the reason only in `errors`", async () => {
    const error = await client.post("/nodes/pve1/qemu/102/migrate", { target: "pve1", online: 1 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 400, reason: "Parameter verification failed." });
  });

  it("answers 595 for a node that is down (its own API goes silent: test/lab/ssh-failures.test.ts)", async () => {
    t.lab.cluster.powerCycle("pve3");
    await eventually("pve3 to power off", () => t.lab.cluster.node("pve3").power === "down");
    const error = await client.get("/nodes/pve3/status", {}, { avoid: ["pve3"] }).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 595 });
    const status = (await client.get("/cluster/status", {}, { avoid: ["pve3"] })) as Array<{ name?: string; online?: number }>;
    expect(status.find((s) => s.name === "pve3")?.online).toBe(0);
  });
});
