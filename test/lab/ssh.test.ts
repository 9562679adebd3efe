// rollgate's SSH transport against the lab's sshd: pooled connections, exit codes, stdout/stderr,
// host-key verification, authentication, and a connection that drops mid-command.

import { readFile, writeFile } from "node:fs/promises";
import { createServer, type AddressInfo, type Socket } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sshKeyPair } from "../../src/lab/credentials.js";
import { fingerprint, parseKnownHosts } from "../../src/transport/known-hosts.js";
import { changeCommand, readCommand, readOnlyShell } from "../../src/transport/remote-command.js";
import { HostKeyError, RemoteError, SshPool, type SshSettings } from "../../src/transport/ssh.js";
import { sshPoolFor } from "../../src/transport/from-config.js";
import { startTestLab, type TestLab } from "../helpers/lab.js";

let t: TestLab;
let pool: SshPool;

beforeAll(async () => {
  t = await startTestLab({ timeScale: 200 });
  pool = sshPoolFor(t.loaded.config);
});
afterAll(async () => {
  await pool?.close();
  await t?.stop();
});

function settings(overrides: Partial<SshSettings>): SshSettings {
  const c = t.loaded.config;
  return {
    user: "root",
    identityFile: c.ssh.identityFile,
    knownHostsFile: c.ssh.knownHostsFile,
    connectTimeoutMs: 2000,
    commandTimeoutMs: 5000,
    targets: [{ node: "pve1", host: "127.0.10.1", port: t.lab.sshPort }],
    ...overrides,
  };
}

describe("commands", () => {
  it("returns stdout, stderr and the exit code separately", async () => {
    const kernel = await pool.run("pve1", readCommand("uname", "-r"));
    expect(kernel).toEqual({ exitCode: 0, signal: null, stdout: "6.17.2-2-pve\n", stderr: "" });
    const missing = await pool.run("pve2", readCommand("cat", "/no/such/file"));
    expect(missing).toMatchObject({ exitCode: 1, stdout: "", stderr: "cat: /no/such/file: No such file or directory\n" });
    const unknown = await pool.run("pve3", readCommand("celery", "inspect", "ping"));
    expect(unknown).toMatchObject({ exitCode: 127, stderr: "bash: celery: command not found\n" });
  });

  it("quotes arguments so a hostile word reaches the node as one argument", async () => {
    const result = await pool.run("pve1", readCommand("echo", "gv0; reboot", "$(id)", "it's"));
    expect(result.stdout).toBe("gv0; reboot $(id) it's\n");
    expect(t.lab.status().record.mutations).toEqual([]);
  });

  it("reuses one connection per node for many parallel commands", async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => pool.run("pve2", readCommand("hostname"))));
    expect(new Set(results.map((r) => r.stdout))).toEqual(new Set(["pve2\n"]));
  });

  it("streams a large output without losing a byte", async () => {
    // Every brick's index holds the entries; the self-heal daemons drain it while we read.
    t.lab.cluster.advance();
    for (const index of t.lab.cluster.volume.heal.values()) index.pending = 60_000;
    const result = await pool.run("pve2", readCommand("gluster", "volume", "heal", "gv0", "info"));
    expect(result.exitCode).toBe(0);
    const printed = [...result.stdout.matchAll(/^Number of entries: (\d+)$/gm)].map((m) => Number(m[1]));
    const listed = result.stdout.split("\n\n").map((brick) => brick.split("\n").filter((l) => l.startsWith("/")).length);
    expect(printed.length).toBe(3);
    expect(listed.slice(0, 3)).toEqual(printed);
    expect(printed[0]).toBeGreaterThan(40_000);
  });

  it("fails a command that outlives its timeout, naming node and command", async () => {
    const slow = new SshPool(settings({ commandTimeoutMs: 100 }));
    // A failing ping waits W seconds of model time per packet: 60 s at 200x is 300 ms.
    const error = await slow.run("pve1", readCommand("ping", "-c", "1", "-W", "60", "10.99.99.99")).catch((e: unknown) => e);
    await slow.close();
    expect(error).toBeInstanceOf(RemoteError);
    expect((error as Error).message).toBe("pve1: `ping -c 1 -W 60 10.99.99.99` did not finish within 100 ms");
  });

  it("a read-only shell refuses a mutating command before sending it", async () => {
    const shell = readOnlyShell(pool);
    expect(() => shell.run("pve1", changeCommand(["reboot"]))).toThrow(/read-only mode/);
    expect(t.lab.cluster.node("pve1").power).toBe("up");
  });
});

describe("host keys and authentication", () => {
  it("refuses a host whose key differs from known_hosts, naming the host and both fingerprints", async () => {
    const original = await readFile(t.loaded.config.ssh.knownHostsFile, "utf8");
    const other = sshKeyPair("other");
    const forged = original.replace(/^(\[127\.0\.10\.1\]:\d+ ssh-ed25519 )\S+/m, `$1${other.public.split(" ")[1]}`);
    const file = path.join(t.dir, "known_hosts.forged");
    await writeFile(file, forged);
    const expected = fingerprint(parseKnownHosts(original)[0]!.key.blob);
    const error = await new SshPool(settings({ knownHostsFile: file })).run("pve1", readCommand("true")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostKeyError);
    const message = (error as Error).message;
    expect(message).toContain(`HOST KEY MISMATCH for 127.0.10.1:${t.lab.sshPort}`);
    expect(message).toContain(fingerprint(Buffer.from(other.public.split(" ")[1]!, "base64")));
    expect(message).toContain(expected);
  });

  it("refuses a host that is not in known_hosts and says how to add it", async () => {
    const file = path.join(t.dir, "known_hosts.empty");
    await writeFile(file, "");
    const error = await new SshPool(settings({ knownHostsFile: file })).run("pve1", readCommand("true")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostKeyError);
    expect((error as Error).message).toMatch(
      new RegExp(`is not in ${file}; its host key is SHA256:\\S+ \\(ssh-ed25519\\).*ssh-keyscan -p ${t.lab.sshPort} 127.0.10.1`),
    );
  });

  it("reports a key the node does not accept as an authentication error", async () => {
    const stranger = sshKeyPair("stranger");
    const keyFile = path.join(t.dir, "stranger_key");
    await writeFile(keyFile, stranger.private, { mode: 0o600 });
    const error = await new SshPool(settings({ identityFile: keyFile })).run("pve1", readCommand("true")).catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      `pve1: root@127.0.10.1:${t.lab.sshPort} refused key ${keyFile} (publickey authentication failed): is its public key in the node's authorized_keys?`,
    );
  });
});

describe("connection drops", () => {
  it("reports a command whose connection dropped mid-way as lost, not as finished", async () => {
    const dropping = await startTestLab({ scenario: "ssh-drop-during-apt", timeScale: 200 });
    const shell = sshPoolFor(dropping.loaded.config);
    try {
      const upgrade = changeCommand(["apt-get", "-y", "dist-upgrade"], { DEBIAN_FRONTEND: "noninteractive" });
      const error = await shell.run("pve2", upgrade).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RemoteError);
      expect((error as Error).message).toBe(
        "pve2: connection lost while running `DEBIAN_FRONTEND=noninteractive apt-get -y dist-upgrade` (no exit status)",
      );
      // The pool reconnects for the next command; the node now says dpkg was interrupted.
      const retry = await shell.run("pve2", upgrade);
      expect(retry.exitCode).toBe(100);
      expect(retry.stderr).toContain("dpkg was interrupted");
    } finally {
      await shell.close();
      await dropping.stop();
    }
  });
});

describe("hosts that are not (yet) SSH servers", () => {
  // A host that accepts TCP but never greets (a hung sshd, a port forwarded to nothing), one that
  // answers with something else, and one that resets before the greeting. ssh2 reports some of
  // these twice; either way the command fails with the node's name and the process lives on.
  it.each([
    ["stays silent", (_socket: Socket): void => {}, /^pve1: no SSH answer from 127\.0\.0\.1:\d+ within 500 ms$/],
    [
      "answers with something else",
      (socket: Socket): void => void socket.write("HTTP/1.1 400 Bad Request\r\n\r\n"),
      /^pve1: no SSH answer from 127\.0\.0\.1:\d+ within 500 ms$/,
    ],
    [
      "resets the connection",
      (socket: Socket): void => void socket.resetAndDestroy(),
      /^pve1: cannot connect to 127\.0\.0\.1:\d+: .*ECONNRESET/,
    ],
  ] as const)("a host that %s fails the command and nothing else", async (_name, behave, expected) => {
    const server = createServer((socket) => {
      socket.on("error", () => {});
      behave(socket);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    const silentPool = new SshPool(settings({ connectTimeoutMs: 500, targets: [{ node: "pve1", host: "127.0.0.1", port }] }));
    try {
      const error = await silentPool.run("pve1", readCommand("true")).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RemoteError);
      expect((error as Error).message).toMatch(expected);
      // The second error ssh2 emits arrives when the socket closes; an unhandled one would fail this run.
      await new Promise((resolve) => setTimeout(resolve, 300));
    } finally {
      await silentPool.close();
      server.close();
    }
  });
});
