// SSH and TCP failures as a real host shows them (src/lab/power-switch.ts): a node without power is
// silent (no refusal, no reset; its old connections reset once it boots), a hung sshd accepts and
// never speaks (ssh-silent), a reset right after accept (ssh-resets). For each, `rollgate check`
// refuses (exit 3) within about the SSH connect timeout, naming the node and what it saw; rollgate's
// SSH pool rides out a silent connection and reconnects once the node is back; an upgrade whose
// node loses power during apt fails within its limit and resumes once the node is back.

import net from "node:net";
import { readFile } from "node:fs/promises";
import { afterEach, describe, expect, it } from "vitest";
import type { LabOptions } from "../../src/lab/lab.js";
import { changeCommand, readCommand } from "../../src/transport/remote-command.js";
import { sshPoolFor } from "../../src/transport/from-config.js";
import { PveClient, PveConnectionError } from "../../src/transport/pve.js";
import { RemoteError, SshPool, type SshSettings } from "../../src/transport/ssh.js";
import type { RunEvent } from "../../src/run/events.js";
import { runCli, type CliRun } from "../helpers/cli.js";
import { runEngine } from "../helpers/engine.js";
import { eventually, startTestLab, type TestLab } from "../helpers/lab.js";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function lab(options: Omit<LabOptions, "dir">): Promise<TestLab> {
  const t = await startTestLab(options);
  cleanups.push(() => t.stop());
  return t;
}

/** rollgate's SSH pool with the lab's key and known_hosts; to the lab's nodes unless other targets are given. */
function pool(t: TestLab, overrides: Partial<Pick<SshSettings, "connectTimeoutMs" | "commandTimeoutMs" | "targets">> = {}): SshPool {
  const c = t.loaded.config;
  const shell = new SshPool({
    user: "root",
    identityFile: c.ssh.identityFile,
    knownHostsFile: c.ssh.knownHostsFile,
    connectTimeoutMs: 1_000,
    commandTimeoutMs: 5_000,
    targets: c.nodes.map((n) => ({ node: n.name, host: n.address, port: t.lab.sshPort })),
    ...overrides,
  });
  cleanups.push(() => shell.close());
  return shell;
}

/** The lab's cluster.yaml connect timeout, in ms (2 s at any scale above 5: its floor). */
const connectTimeoutMs = (t: TestLab) => t.loaded.config.ssh.connectTimeout;

/** `rollgate check`, timed. */
async function check(t: TestLab): Promise<CliRun & { ms: number }> {
  const started = Date.now();
  const run = await runCli(["check", "-c", t.lab.files.config]);
  return { ...run, ms: Date.now() - started };
}

/** A raw TCP connection to a node's sshd and what became of it: its first bytes, its end. */
function rawConnection(t: TestLab, node: string) {
  const address = t.loaded.config.nodes.find((n) => n.name === node)!.address;
  const socket = net.connect({ host: address, port: t.lab.sshPort });
  const seen = { connected: false, data: "", ended: false, error: null as string | null, closed: false };
  socket.on("connect", () => (seen.connected = true));
  socket.on("data", (d: Buffer) => (seen.data += d.toString("latin1")));
  socket.on("end", () => (seen.ended = true));
  socket.on("error", (e: NodeJS.ErrnoException) => (seen.error = e.code ?? e.message));
  socket.on("close", () => (seen.closed = true));
  cleanups.push(async () => void socket.destroy());
  return { socket, seen };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("a node without power is silent", () => {
  it("check refuses within the connect timeout: pve2 powered off or unreachable, SSH unanswered, corosync does not see it", async () => {
    const t = await lab({ scenario: "node-never-returns" });
    t.lab.cluster.powerCycle("pve2");
    await eventually("pve2 to go down", () => t.lab.cluster.node("pve2").power === "down");
    const run = await check(t);
    expect(run.exitCode).toBe(3);
    expect(run.stdout).toMatch(
      /^package-sources\s+REFUSE\s+pve2: unreachable \(powered off or network down\): no SSH answer from 127\.0\.10\.2:\d+ within 2 s; corosync does not see it$/m,
    );
    expect(run.stdout).toMatch(/^nodes-online\s+REFUSE\s+pve2: unreachable \(see above\)$/m);
    // Waited out the connect timeout once (every gate shares the observation), not a command's.
    console.log(`check with pve2 powered off: refused in ${run.ms} ms`);
    expect(run.ms).toBeGreaterThanOrEqual(connectTimeoutMs(t) - 100);
    expect(run.ms).toBeLessThan(connectTimeoutMs(t) + 6_000);
  }, 30_000);

  it("new connections get no answer (no refusal); its API completes no TLS handshake, and says nothing was sent", async () => {
    const t = await lab({ scenario: "node-never-returns" });
    t.lab.cluster.powerCycle("pve2");
    await eventually("pve2 to go down", () => t.lab.cluster.node("pve2").power === "down");
    const { seen } = rawConnection(t, "pve2");
    await sleep(500);
    expect(seen).toEqual({ connected: true, data: "", ended: false, error: null, closed: false });

    const direct = new PveClient({
      tokenId: t.loaded.config.proxmox.tokenId,
      tokenSecret: t.secret,
      ca: await readFile(t.lab.files.ca, "utf8"),
      timeoutMs: 500,
      endpoints: [{ node: "pve2", host: "127.0.10.2", port: t.lab.apiPort, fingerprint: null }],
    });
    const started = Date.now();
    const error = await direct.get("/version").catch((e: unknown) => e);
    direct.close();
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(error).toBeInstanceOf(PveConnectionError);
    expect(error).toMatchObject({ notSent: true });
    expect((error as Error).message).toBe("pve2 (127.0.10.2:" + t.lab.apiPort + "): no TLS handshake within 500 ms (powered off or hung?)");
  }, 20_000);

  it("an open connection goes silent at the power cut, and is reset by the booted node at its next segment", async () => {
    // Scale 10: pve3's 40 s boot lasts 4 s.
    const t = await lab({ timeScale: 10 });
    const { socket, seen } = rawConnection(t, "pve3");
    await eventually("pve3's banner", () => seen.data.startsWith("SSH-2.0-OpenSSH_9.2p1"));
    t.lab.cluster.powerCycle("pve3");
    await eventually("pve3 to go down", () => t.lab.cluster.node("pve3").power === "down");
    await sleep(300);
    expect(seen).toMatchObject({ ended: false, error: null, closed: false });
    await eventually("pve3 to boot", () => t.lab.cluster.node("pve3").power === "up", 10_000);
    // The booted kernel has nothing to say to a connection it never knew until the client speaks.
    await sleep(300);
    expect(seen).toMatchObject({ ended: false, error: null, closed: false });
    socket.write("SSH-2.0-client\r\n");
    await eventually("the old connection to close", () => seen.closed, 2_000);
    expect(seen).toMatchObject({ ended: false, error: "ECONNRESET" });
  }, 20_000);

  it("a reboot command closes the sessions first (FIN), then the node is silent", async () => {
    const t = await lab({ timeScale: 10 });
    const { seen } = rawConnection(t, "pve3");
    await eventually("pve3's banner", () => seen.data.startsWith("SSH-2.0-"));
    t.lab.cluster.reboot("pve3", "test");
    await eventually("pve3 to go down", () => t.lab.cluster.node("pve3").power === "down");
    await eventually("the session to be closed", () => seen.closed, 2_000);
    expect(seen).toMatchObject({ ended: true, error: null });
    const after = rawConnection(t, "pve3").seen;
    await sleep(300);
    expect(after).toEqual({ connected: true, data: "", ended: false, error: null, closed: false });
  }, 20_000);

  it("rollgate's pool: a command on the silent connection fails within its limit, the node's return is noticed, and the next command reconnects", async () => {
    const t = await lab({ timeScale: 10 });
    const shell = pool(t);
    expect((await shell.run("pve3", readCommand("hostname"))).stdout).toBe("pve3\n");
    t.lab.cluster.powerCycle("pve3");
    await eventually("pve3 to go down", () => t.lab.cluster.node("pve3").power === "down");
    const started = Date.now();
    const silent = await shell.run("pve3", readCommand("hostname"), { timeoutMs: 500 }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(silent).toBeInstanceOf(RemoteError);
    expect((silent as Error).message).toBe("pve3: `hostname` did not finish within 500 ms");
    // While it is down, a new connection is not refused either: it is not answered.
    const unanswered = await shell.run("pve3", readCommand("hostname")).catch((e: unknown) => e);
    expect((unanswered as Error).message).toMatch(/^pve3: no SSH answer from 127\.0\.10\.3:\d+ within 1 s$/);
    await eventually("pve3 to boot", () => t.lab.cluster.node("pve3").power === "up", 10_000);
    expect((await shell.run("pve3", readCommand("hostname"))).stdout).toBe("pve3\n");
  }, 20_000);

  it("rollgate's pool: an idle pooled connection reset by the booted node is replaced at the next command", async () => {
    const t = await lab({ timeScale: 20 });
    const shell = pool(t);
    const before = (await shell.run("pve3", readCommand("cat", "/proc/sys/kernel/random/boot_id"))).stdout;
    t.lab.cluster.powerCycle("pve3");
    await eventually("pve3 to go down", () => t.lab.cluster.node("pve3").power === "down");
    await eventually("pve3 to boot", () => t.lab.cluster.node("pve3").power === "up", 10_000);
    const after = await shell.run("pve3", readCommand("cat", "/proc/sys/kernel/random/boot_id"));
    expect(after.exitCode).toBe(0);
    expect(after.stdout).not.toBe(before);
  }, 20_000);
});

describe("an sshd that hangs up during the handshake", () => {
  it("rollgate's pool fails the command at once, saying so, instead of waiting out its limit", async () => {
    // sshd stopping for a reboot ends its pre-auth children; the kernel closes their sockets (FIN).
    // openssh-portable sshd.c: the banner goes out first, then the child reads the client's.
    const server = net.createServer((socket) => {
      socket.write("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n");
      socket.once("data", () => socket.end());
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const shell = pool(await lab({}), {
      connectTimeoutMs: 5_000,
      targets: [{ node: "pve9", host: "127.0.0.1", port: (server.address() as net.AddressInfo).port }],
    });
    const started = Date.now();
    const error = await shell.run("pve9", readCommand("hostname")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteError);
    expect(String(error)).toMatch(/^Error: pve9: 127\.0\.0\.1:\d+ closed the connection before SSH was ready$/);
    expect(Date.now() - started).toBeLessThan(2_500);
  });
});

describe("ssh-silent: pve2's sshd accepts and never sends its banner", () => {
  it("check refuses within the connect timeout, naming pve2 and that SSH gave no answer", async () => {
    const t = await lab({ scenario: "ssh-silent" });
    const run = await check(t);
    expect(run.exitCode).toBe(3);
    expect(run.stdout).toMatch(
      /^nodes-online\s+REFUSE\s+pve2 over SSH: could not be observed \(pve2: no SSH answer from 127\.0\.10\.2:\d+ within 2 s\); refusing until it can be$/m,
    );
    // Corosync sees pve2: it is not said to be powered off.
    expect(run.stdout).toMatch(/^quorum\s+pass\s/m);
    expect(run.stdout).not.toContain("pve2: unreachable (powered off");
    console.log(`check with pve2's sshd silent: refused in ${run.ms} ms`);
    expect(run.ms).toBeGreaterThanOrEqual(connectTimeoutMs(t) - 100);
    expect(run.ms).toBeLessThan(connectTimeoutMs(t) + 6_000);
  }, 30_000);

  it("the TCP connection is accepted and stays silent; the other nodes answer", async () => {
    const t = await lab({ scenario: "ssh-silent" });
    const { seen } = rawConnection(t, "pve2");
    const healthy = rawConnection(t, "pve1").seen;
    await eventually("pve1's banner", () => healthy.data.startsWith("SSH-2.0-"));
    await sleep(300);
    expect(seen).toEqual({ connected: true, data: "", ended: false, error: null, closed: false });
  });
});

describe("an upgrade with pve2's SSH silent or resetting", () => {
  it.each(["ssh-silent", "ssh-resets"] as const)(
    "%s: refuses before touching anything (exit 3), naming pve2",
    async (scenario) => {
      const t = await lab({ scenario, timeScale: 200 });
      const { result } = await runEngine(t);
      expect(result).toMatchObject({ outcome: "refused", exitCode: 3, maintenanceLeftOn: [] });
      expect(result.message).toContain("pve2");
      expect(t.lab.status().record.takeDowns).toEqual([]);
    },
    30_000,
  );
});

describe("ssh-resets: pve2 resets every SSH connection once accepted", () => {
  it("check refuses at once, naming pve2 and the reset", async () => {
    const t = await lab({ scenario: "ssh-resets" });
    const run = await check(t);
    expect(run.exitCode).toBe(3);
    expect(run.stdout).toMatch(
      /^nodes-online\s+REFUSE\s+pve2 over SSH: could not be observed \(pve2: cannot connect to 127\.0\.10\.2:\d+: (connect|read) ECONNRESET[^)]*\); refusing until it can be$/m,
    );
    expect(run.stdout).not.toContain("pve2: unreachable (powered off");
    expect(run.stdout).not.toContain("pve2 is unreachable (powered off");
    console.log(`check with pve2 resetting SSH: refused in ${run.ms} ms`);
    expect(run.ms).toBeLessThan(connectTimeoutMs(t) + 3_000);
  }, 30_000);

  it("the client sees ECONNRESET, no banner", async () => {
    const t = await lab({ scenario: "ssh-resets" });
    const { seen } = rawConnection(t, "pve2");
    await eventually("the reset", () => seen.closed, 2_000);
    expect(seen).toMatchObject({ data: "", error: "ECONNRESET" });
  });
});

describe("a node that loses power during apt-get dist-upgrade", () => {
  const nodeEnds = (events: RunEvent[]) => events.flatMap((e) => (e.type === "node-end" ? [`${e.node}:${e.status}`] : []));

  /** Cuts pve3's power once its dist-upgrade is at work; resolves with the real time of the cut. */
  function cutDuringApt(t: TestLab): Promise<number> {
    const c = t.lab.cluster;
    return eventually("apt-get dist-upgrade to start on pve3", () => c.node("pve3").dpkgBusy, 20_000).then(() => {
      c.powerCycle("pve3");
      return Date.now();
    });
  }

  async function onNode(t: TestLab, node: string, argv: string[]) {
    const shell = sshPoolFor(t.loaded.config);
    try {
      return await shell.run(node, changeCommand(argv));
    } finally {
      await shell.close();
    }
  }

  it("that never comes back: the run fails within the apt limit, leaving pve3 for a human (exit 4)", async () => {
    // The apt limit is 4 s of real time; the node never boots, so nothing resets the silent connection.
    const t = await lab({ scenario: "node-never-returns", timeScale: 50, timeouts: { apt: "4s" } });
    const cut = cutDuringApt(t);
    const { result } = await runEngine(t);
    const failedAfter = Date.now() - (await cut);
    console.log(`power cut during apt, node never back: failed ${failedAfter} ms after the cut`);
    expect(result).toMatchObject({ outcome: "failed", exitCode: 4, maintenanceLeftOn: ["pve3"] });
    expect(result.message).toContain("pve3");
    expect(result.message).toMatch(/`[^`]*apt-get[^`]* dist-upgrade` did not finish within 4 s; dpkg may be half-configured/);
    expect(failedAfter).toBeLessThan(4_000 + 20_000);
    expect(t.lab.status().record.unsafeTakeDowns).toEqual([]);
  }, 60_000);

  it("that boots again: the run fails when the node is back (the old connection reset), and --resume finishes", async () => {
    const t = await lab({ timeScale: 50 });
    const c = t.lab.cluster;
    const cut = cutDuringApt(t);
    const first = await runEngine(t);
    const failedAfter = Date.now() - (await cut);
    console.log(`power cut during apt, node back: failed ${failedAfter} ms after the cut`);
    expect(first.result).toMatchObject({ outcome: "failed", exitCode: 4, maintenanceLeftOn: ["pve3"] });
    expect(first.result.message).toContain("pve3");
    // At scale 50 the 40 s boot is 0.8 s: the reset comes long before the apt limit (72 s).
    expect(failedAfter).toBeLessThan(15_000);
    await eventually("pve3 back", () => c.isOnline("pve3"), 10_000);
    if (c.node("pve3").dpkgInterrupted) expect((await onNode(t, "pve3", ["dpkg", "--configure", "-a"])).exitCode).toBe(0);
    const second = await runEngine(t, { resume: { runId: "test-run", events: first.events } });
    expect(second.result).toMatchObject({ outcome: "success", exitCode: 0, maintenanceLeftOn: [] });
    expect(nodeEnds(second.events)).toEqual(["pve3:done", "pve1:done", "pve2:done"]);
    for (const node of ["pve1", "pve2", "pve3"]) expect(c.node(node)).toMatchObject({ pending: [], dpkgInterrupted: false });
    expect(t.lab.status().record.unsafeTakeDowns).toEqual([]);
    expect(t.lab.status().record.maxOutOfService).toBe(1);
  }, 90_000);
});
