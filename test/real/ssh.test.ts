// rollgate's SSH transport against a real OpenSSH sshd (the test/lab/ssh.test.ts cases, against the
// server that runs on every Proxmox node): exit codes, stdout/stderr, a 40 MB output, timeouts,
// a connection killed mid-command, host-key verification and authentication.

import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readCommand } from "../../src/transport/remote-command.js";
import { HostKeyError, RemoteError, SshPool, type SshSettings } from "../../src/transport/ssh.js";
import { descendants, procInfo, run, stopPids } from "./helpers/processes.js";
import { ensurePrivsepDir, generateKey, knownHostsLine, removeStaleSshds, startSshd, type Sshd, type SshKey } from "./helpers/sshd.js";

const HOST = "127.0.20.1";
const NODE = "real1";

let dir = "";
let sshd: Sshd | null = null;
let removePrivsepDir: () => Promise<void> = async () => {};
let clientKey: SshKey;
let hostKey: SshKey;
let knownHosts = "";
let pool: SshPool | null = null;
const pools: SshPool[] = [];

async function freePort(host: string): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, host, resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

function newPool(overrides: Partial<SshSettings> = {}): SshPool {
  if (!sshd) throw new Error("sshd not started");
  const created = new SshPool({
    user: "root",
    identityFile: clientKey.file,
    knownHostsFile: knownHosts,
    connectTimeoutMs: 5_000,
    commandTimeoutMs: 30_000,
    targets: [{ node: NODE, host: HOST, port: sshd.port }],
    ...overrides,
  });
  pools.push(created);
  return created;
}

const failure = (promise: Promise<unknown>): Promise<Error> =>
  promise.then(
    () => {
      throw new Error("expected a failure, the command succeeded");
    },
    (error: unknown) => {
      if (!(error instanceof Error)) throw new Error(`rejected with a non-Error: ${String(error)}`);
      return error;
    },
  );

/** Processes the sshd forked for connections (one per SSH connection; each forks the session). */
async function connectionProcesses(): Promise<number[]> {
  if (!sshd) return [];
  return (await descendants(sshd.pid)).filter((p) => p.ppid === sshd?.pid).map((p) => p.pid);
}

async function acceptedLogins(): Promise<number> {
  if (!sshd) return 0;
  return (await readFile(sshd.logFile, "utf8")).split("\n").filter((l) => l.startsWith("Accepted publickey for root")).length;
}

beforeAll(async () => {
  const prefix = path.join(tmpdir(), "rollgate-real-ssh-");
  await removeStaleSshds(prefix, (line) => console.warn(`ssh test: ${line}`));
  dir = await mkdtemp(prefix);
  removePrivsepDir = await ensurePrivsepDir();
  [clientKey, hostKey] = await Promise.all([
    generateKey(path.join(dir, "id_ed25519"), "rollgate-test"),
    generateKey(path.join(dir, "host_ed25519"), "real1-host"),
  ]);
  // A port taken between the probe and sshd's bind: try another.
  for (let attempt = 1; !sshd; attempt++) {
    const port = await freePort(HOST);
    try {
      sshd = await startSshd({ dir, name: "sshd", host: HOST, port, hostKey, authorizedKeysFile: clientKey.publicFile });
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
  knownHosts = path.join(dir, "known_hosts");
  await writeFile(knownHosts, knownHostsLine(HOST, sshd.port, hostKey));
  pool = newPool();
});

afterAll(async () => {
  await Promise.allSettled(pools.map((p) => p.close()));
  try {
    await sshd?.stop();
  } finally {
    await removePrivsepDir();
    if (dir) await rm(dir, { recursive: true, force: true });
  }
});

function mainPool(): SshPool {
  if (!pool) throw new Error("pool not created");
  return pool;
}

describe("commands over OpenSSH", () => {
  it("returns each command's exit code, stdout and stderr, apart", async () => {
    const p = mainPool();
    expect(await p.run(NODE, readCommand("true"))).toEqual({ exitCode: 0, signal: null, stdout: "", stderr: "" });
    expect(await p.run(NODE, readCommand("false"))).toEqual({ exitCode: 1, signal: null, stdout: "", stderr: "" });
    expect(await p.run(NODE, readCommand("sh", "-c", "echo out; echo err >&2; echo more; exit 3"))).toEqual({
      exitCode: 3,
      signal: null,
      stdout: "out\nmore\n",
      stderr: "err\n",
    });
    expect(await p.run(NODE, readCommand("cat", "/no/such/file"))).toEqual({
      exitCode: 1,
      signal: null,
      stdout: "",
      stderr: "cat: /no/such/file: No such file or directory\n",
    });
    expect(await p.run(NODE, readCommand("no-such-command-rollgate"))).toMatchObject({ exitCode: 127, stdout: "" });
    // Commands run in the C locale, so the parsers always read English texts.
    expect((await p.run(NODE, readCommand("sh", "-c", "echo $LC_ALL"))).stdout).toBe("C\n");
  });

  it("reports a command killed by a signal as having no exit code", async () => {
    const result = await mainPool().run(NODE, readCommand("sh", "-c", "echo before; kill -KILL $$"));
    expect(result.exitCode).toBeNull();
    expect(result.signal).toMatch(/^(SIG)?KILL$/);
    expect(result.stdout).toBe("before\n");
  });

  it("quotes arguments so that each word reaches the node as one argument", async () => {
    const result = await mainPool().run(NODE, readCommand("printf", "%s|", "a; b", "$(id)", "it's", "", "*"));
    expect(result.stdout).toBe("a; b|$(id)|it's||*|");
  });

  it("runs many commands at once over one connection, within OpenSSH's MaxSessions", async () => {
    const before = (await connectionProcesses()).length;
    const p = newPool();
    // OpenSSH refuses an 11th session on one connection (MaxSessions 10): the pool must queue, not fail.
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => p.run(NODE, readCommand("sh", "-c", `sleep 0.2; echo ${i}`))));
    expect(results.map((r) => r.stdout)).toEqual(Array.from({ length: 30 }, (_, i) => `${i}\n`));
    expect(results.every((r) => r.exitCode === 0)).toBe(true);
    expect((await connectionProcesses()).length).toBe(before + 1);
    await p.close();
    await expect.poll(async () => (await connectionProcesses()).length, { timeout: 5_000 }).toBe(before);
  });

  it("against a hardened sshd (MaxSessions 2): many commands at once all run, over one connection", async () => {
    const port = await freePort(HOST);
    const hardened = await startSshd({
      dir,
      name: "sshd-hardened",
      host: HOST,
      port,
      hostKey,
      authorizedKeysFile: clientKey.publicFile,
      config: ["MaxSessions 2"],
    });
    try {
      await writeFile(path.join(dir, "known_hosts_hardened"), knownHostsLine(HOST, port, hostKey));
      const p = newPool({ knownHostsFile: path.join(dir, "known_hosts_hardened"), targets: [{ node: NODE, host: HOST, port }] });
      const results = await Promise.all(Array.from({ length: 12 }, (_, i) => p.run(NODE, readCommand("sh", "-c", `sleep 0.1; echo ${i}`))));
      expect(results.map((r) => r.stdout)).toEqual(Array.from({ length: 12 }, (_, i) => `${i}\n`));
      const logins = (await readFile(hardened.logFile, "utf8")).split("\n").filter((l) => l.startsWith("Accepted publickey")).length;
      expect(logins).toBe(1);
      await p.close();
    } finally {
      await hardened.stop();
    }
  });

  it("reads a 40 MB output to the exact byte, stdout apart from stderr", async () => {
    const bytes = 30_000_000;
    // Random data, so a lost or reordered chunk cannot go unnoticed; its hash goes to stderr.
    const script = `f=$(mktemp) && head -c ${bytes} /dev/urandom > "$f" && sha256sum < "$f" >&2 && base64 < "$f"; s=$?; rm -f "$f"; exit $s`;
    const result = await mainPool().run(NODE, readCommand("sh", "-c", script));
    expect(result.exitCode).toBe(0);
    const encoded = (4 * bytes) / 3;
    expect(result.stdout.length).toBe(encoded + Math.ceil(encoded / 76)); // base64 wraps at 76 columns
    const decoded = Buffer.from(result.stdout.replace(/\n/g, ""), "base64");
    expect(decoded.length).toBe(bytes);
    expect(result.stderr).toBe(`${createHash("sha256").update(decoded).digest("hex")}  -\n`);
  });

  it("fails a command that outlives its timeout, naming node and command, and the pool still works", async () => {
    const p = newPool({ commandTimeoutMs: 500 });
    const started = Date.now();
    const error = await failure(p.run(NODE, readCommand("sleep", "30")));
    expect(error).toBeInstanceOf(RemoteError);
    expect(error.message).toBe(`${NODE}: \`sleep 30\` did not finish within 500 ms`);
    // OpenSSH keeps a session channel open until its command exits: the error must not wait for that.
    expect(Date.now() - started, "the timeout error arrives when the timeout expires, not when the remote command ends").toBeLessThan(
      5_000,
    );
    // Its own limit: under a loaded CI machine a fresh channel can take longer than the 500 ms above.
    expect(await p.run(NODE, readCommand("echo", "still here"), { timeoutMs: 10_000 })).toMatchObject({
      exitCode: 0,
      stdout: "still here\n",
    });
  });

  it("reports a connection dropped mid-command as lost, not as finished, and reconnects for the next command", async () => {
    const p = newPool();
    const command = readCommand("sh", "-c", "echo $$; exec sleep 30");
    const streamed = p.stream(NODE, command);
    const reader = streamed.stdout[Symbol.asyncIterator]();
    const first = await reader.next();
    const shellPid = Number(first.done ? NaN : first.value.toString("utf8").trim());
    expect(Number.isInteger(shellPid)).toBe(true);
    // Walk up from the remote shell to the process our sshd forked for this connection.
    let connection = await procInfo(shellPid);
    while (connection && connection.ppid !== sshd?.pid) connection = await procInfo(connection.ppid);
    if (!connection) throw new Error(`process ${shellPid} is not served by our sshd ${sshd?.pid}`);
    const killedAt = Date.now();
    const subtree = await descendants(connection.pid);
    await stopPids([connection.pid, ...subtree.map((c) => c.pid)], { first: "SIGKILL" });

    const drained = failure(
      (async () => {
        let next = await reader.next();
        while (!next.done) next = await reader.next();
      })(),
    );
    const expected = `${NODE}: connection lost while running \`sh -c 'echo $$; exec sleep 30'\` (no exit status)`;
    expect((await drained).message).toBe(expected);
    const done = await failure(streamed.done);
    expect(done).toBeInstanceOf(RemoteError);
    expect(done.message).toBe(expected);
    expect(Date.now() - killedAt).toBeLessThan(5_000);
    expect(await p.run(NODE, readCommand("echo", "reconnected"))).toMatchObject({ exitCode: 0, stdout: "reconnected\n" });
  });
});

describe("host keys and authentication against OpenSSH", () => {
  it("refuses a host whose key differs from known_hosts, naming the host and both fingerprints, before logging in", async () => {
    if (!sshd) throw new Error("no sshd");
    const impostor = await generateKey(path.join(dir, "impostor_host"), "impostor");
    const file = path.join(dir, "known_hosts.other");
    await writeFile(file, knownHostsLine(HOST, sshd.port, impostor));
    const logins = await acceptedLogins();
    const error = await failure(newPool({ knownHostsFile: file }).run(NODE, readCommand("true")));
    expect(error).toBeInstanceOf(HostKeyError);
    expect(error.message).toContain(`${NODE}: HOST KEY MISMATCH for ${HOST}:${sshd.port}`);
    expect(error.message).toContain(impostor.fingerprint);
    expect(error.message).toContain(hostKey.fingerprint);
    expect(error.message).toContain("Refusing to connect");
    expect(await acceptedLogins()).toBe(logins);
  });

  it("refuses a host missing from known_hosts, and the command it suggests makes the next run work", async () => {
    if (!sshd) throw new Error("no sshd");
    const file = path.join(dir, "known_hosts.empty");
    await writeFile(file, "");
    const error = await failure(newPool({ knownHostsFile: file }).run(NODE, readCommand("true")));
    expect(error).toBeInstanceOf(HostKeyError);
    expect(error.message).toContain(
      `${NODE}: ${HOST}:${sshd.port} is not in ${file}; its host key is ${hostKey.fingerprint} (ssh-ed25519)`,
    );
    const advice = `ssh-keyscan -p ${sshd.port} ${HOST} >> ${file}`;
    expect(error.message).toContain(advice);
    // Follow the advice with OpenSSH's own ssh-keyscan (only the key type the message named).
    await writeFile(file, await run(["ssh-keyscan", "-t", "ed25519", "-p", String(sshd.port), HOST]));
    expect(await newPool({ knownHostsFile: file }).run(NODE, readCommand("echo", "trusted"))).toMatchObject({
      exitCode: 0,
      stdout: "trusted\n",
    });
  });

  it("reports a key the node does not accept as an authentication error", async () => {
    if (!sshd) throw new Error("no sshd");
    const stranger = await generateKey(path.join(dir, "stranger"), "stranger");
    const error = await failure(newPool({ identityFile: stranger.file }).run(NODE, readCommand("true")));
    expect(error).toBeInstanceOf(RemoteError);
    expect(error.message).toBe(
      `${NODE}: root@${HOST}:${sshd.port} refused key ${stranger.file} (publickey authentication failed): is its public key in the node's authorized_keys?`,
    );
  });

  it("reports a node where nothing listens as unreachable", async () => {
    const closed = await freePort(HOST);
    const error = await failure(newPool({ targets: [{ node: NODE, host: HOST, port: closed }] }).run(NODE, readCommand("true")));
    expect(error).toBeInstanceOf(RemoteError);
    expect(error.message).toMatch(new RegExp(`^${NODE}: cannot connect to ${HOST.replace(/\./g, "\\.")}:${closed}: .*ECONNREFUSED`));
  });
});
