// The cluster-wide run lock against the lab's pmxcfs, over real SSH: one holder at a time, named
// to whoever else tries; a holder that stops refreshing goes stale and only --break-stale-lock
// takes it; a holder whose record was taken learns it; refreshes and the release go around a node
// that is down; no quorum and no answer mean no; a read-only shell can look but not take; the
// record names the node the holder is upgrading, and one without it (an older rollgate) is read.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acquireClusterLock, describeClusterLock, inspectClusterLock, type ClusterLockHolder } from "../../src/run/cluster-lock.js";
import { sshPoolFor } from "../../src/transport/from-config.js";
import { changeCommand, MutationInReadOnlyMode, readOnlyShell, type RemoteShell } from "../../src/transport/remote-command.js";
import { RemoteError, type SshPool } from "../../src/transport/ssh.js";
import { ExitCode, LockedError, RefusalError } from "../../src/util/errors.js";
import { eventually, startTestLab, type TestLab } from "../helpers/lab.js";

const RECORD = "/etc/pve/priv/rollgate-lock.json";
const GUARD = "/etc/pve/priv/lock/rollgate";

const holder = (runId: string, host: string, pid = 4242): ClusterLockHolder => ({
  runId,
  pid,
  host,
  user: "admin",
  command: "upgrade",
  startedAt: "2026-11-22T23:00:00.000Z",
  journalDir: `/var/lib/rollgate-${host}`,
  configFile: "/etc/rollgate/cluster.yaml",
});

/** A shell whose process can die: afterwards no node can be reached, as for a killed run. */
function mortal(shell: RemoteShell): { shell: RemoteShell; kill(): void } {
  let dead = false;
  const alive = (node: string) => {
    if (dead) throw new RemoteError(node, "cannot connect: the process is gone");
  };
  return {
    kill: () => (dead = true),
    shell: {
      run: async (node, command, options) => {
        alive(node);
        return shell.run(node, command, options);
      },
      stream: (node, command, options) => {
        alive(node);
        return shell.stream(node, command, options);
      },
      close: () => shell.close(),
    },
  };
}

async function failureOf(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  return error as Error;
}

interface Setup {
  t: TestLab;
  pool: SshPool;
  nodes: string[];
  leaseMs: number;
}

async function setUp(options: Parameters<typeof startTestLab>[0] = {}): Promise<Setup> {
  // At 50x pmxcfs lets a guard go after 2.4 real seconds: well beyond the few round trips a live
  // run holds it (even on a busy machine), within the lease a dead run's guard is waited for.
  const t = await startTestLab({ timeScale: 50, timeouts: { lockLease: "4s" }, ...options });
  return {
    t,
    pool: sshPoolFor(t.loaded.config),
    nodes: t.loaded.config.nodes.map((n) => n.name),
    leaseMs: t.loaded.config.timeouts.lockLease,
  };
}

async function tearDown(s: Setup | undefined): Promise<void> {
  await s?.pool.close();
  await s?.t.stop();
}

describe("on a healthy cluster", () => {
  let s: Setup;
  beforeAll(async () => {
    s = await setUp();
  });
  afterAll(() => tearDown(s));

  const take = (h: ClusterLockHolder, more: { shell?: RemoteShell; breakStale?: boolean; onProgress?: (m: string) => void } = {}) =>
    acquireClusterLock({ shell: s.pool, nodes: s.nodes, leaseMs: s.leaseMs, holder: h, breakStale: false, ...more });
  const inspect = (shell: RemoteShell = s.pool) => inspectClusterLock(shell, s.nodes, s.leaseMs);
  const writeRecord = async (text: string) => {
    const result = await s.pool.run("pve2", changeCommand(["dd", `of=${RECORD}`, "status=none"]), { stdin: text });
    expect(result).toMatchObject({ exitCode: 0, stderr: "" });
  };
  const removeRecord = () => s.pool.run("pve2", changeCommand(["rm", "-f", RECORD]));

  it("reads the lease from cluster.yaml", () => {
    expect(s.leaseMs).toBe(4_000);
  });

  it("lets one run in and turns the next away with exit 5, naming the holder; the release frees it", async () => {
    const a = holder("run-a", "admin-a");
    const first = await take(a);
    expect(await inspect()).toEqual({
      kind: "live",
      holder: a,
      working: { node: null, step: null },
      ageSeconds: expect.any(Number),
      writtenAt: expect.any(String),
      via: expect.any(String),
    });

    const error = await failureOf(take(holder("run-b", "admin-b", 777)));
    expect(error).toBeInstanceOf(LockedError);
    expect((error as LockedError).exitCode).toBe(ExitCode.locked);
    expect(error.message).toContain("another run holds the cluster lock: PID 4242 on admin-a (user admin) took it for run run-a");
    expect(error.message).toContain("at 2026-11-22T23:00:00.000Z");
    expect(error.message).toContain("`rollgate status --journal-dir /var/lib/rollgate-admin-a` on admin-a");
    expect(await inspect()).toMatchObject({ kind: "live", holder: { runId: "run-a" } });

    await first.release();
    expect(await inspect()).toEqual({ kind: "free", via: expect.any(String) });
    const second = await take(holder("run-b", "admin-b"));
    await second.release();
    expect(await inspect()).toMatchObject({ kind: "free" });

    // Taking and releasing the lock changes no service, and leaves neither guard nor draft behind.
    const record = s.t.lab.status().record;
    expect(record.mutations).toEqual([]);
    const installed = record.pmxcfs.filter((o) => o.op === "rename" && o.outcome === "ok");
    expect(new Set(installed.map((o) => `${o.path} -> ${o.to}`))).toEqual(
      new Set([`${RECORD}.tmp.run-a -> ${RECORD}`, `${RECORD}.tmp.run-b -> ${RECORD}`]),
    );
    const fs = s.t.lab.cluster.pmxcfs;
    expect([fs.stat(GUARD), fs.stat(`${RECORD}.tmp.run-a`), fs.stat(`${RECORD}.tmp.run-b`)]).toEqual([null, null, null]);
  });

  it("keeps a live holder's record fresh beyond the lease", async () => {
    const held = await take(holder("run-long", "admin-a"));
    await new Promise((resolve) => setTimeout(resolve, 2 * s.leaseMs));
    expect(await inspect()).toMatchObject({ kind: "live", holder: { runId: "run-long" } });
    expect(held.lost.aborted).toBe(false);
    await held.release();
  });

  it("names the node being upgraded at once when it changes, and its step from the next refresh; an older record says nothing", async () => {
    const workingIn = async () => {
      const state = await inspect();
      return JSON.stringify(state.kind === "live" ? state.working : state.kind);
    };
    const says = (node: string | null, step: string | null) => JSON.stringify({ node, step });

    // A lease of a minute refreshes every 15 s: a record naming the node sooner was written for the change.
    const slow = await acquireClusterLock({
      shell: s.pool,
      nodes: s.nodes,
      leaseMs: 60_000,
      holder: holder("run-slow", "admin-a"),
      breakStale: false,
    });
    slow.spare("pve1");
    await eventually("the record names pve1 at once", async () => (await workingIn()) === says("pve1", null), 10_000);
    slow.stepStarted("pve1", "evacuate");
    await slow.release();

    const held = await take(holder("run-where", "admin-a"));
    held.spare("pve2");
    held.stepStarted("pve2", "apt-upgrade");
    // Another node's step changes nothing: the record follows the node being upgraded only.
    held.stepStarted("pve1", "evacuate");
    await eventually("a refresh names its step", async () => (await workingIn()) === says("pve2", "apt-upgrade"), 2 * s.leaseMs);
    // The holder's fields are as they were: what an older rollgate reads of the record.
    const record = JSON.parse(s.t.lab.cluster.pmxcfs.read(RECORD)) as Record<string, unknown>;
    expect(record).toEqual({ ...holder("run-where", "admin-a"), node: "pve2", step: "apt-upgrade" });
    held.spare(null);
    await eventually("the record names no node", async () => (await workingIn()) === says(null, null), 2 * s.leaseMs);
    await held.release();

    await writeRecord(`${JSON.stringify(holder("run-old", "admin-b"))}\n`);
    expect(await inspect()).toMatchObject({ kind: "live", holder: holder("run-old", "admin-b"), working: null });
    await writeRecord(`${JSON.stringify({ ...holder("run-odd", "admin-b"), node: 42, step: "x" })}\n`);
    expect(await inspect()).toMatchObject({ kind: "live", holder: { runId: "run-odd" }, working: null });
    await removeRecord();
  });

  it("reports a holder that stopped refreshing as STALE, and only breakStale takes its lock", async () => {
    const dying = mortal(s.pool);
    const progress: string[] = [];
    await take(holder("run-dead", "admin-a", 1111), { shell: dying.shell, onProgress: (m) => progress.push(m) });
    dying.kill();
    await eventually("the dead run's lock goes stale", async () => (await inspect()).kind === "stale", 4 * s.leaseMs);
    expect(progress.some((m) => m.startsWith("could not refresh the cluster lock"))).toBe(true);

    const error = await failureOf(take(holder("run-next", "admin-b")));
    expect(error).toBeInstanceOf(LockedError);
    expect(error.message).toMatch(
      /^the cluster lock is STALE: PID 1111 on admin-a \(user admin\) took it for run run-dead .*, and has not refreshed it for \d+ s \(lease 4 s; read via pve1\)/,
    );
    expect(error.message).toContain("maybe with a node out of service");
    expect(error.message).toContain("only `rollgate upgrade --break-stale-lock` removes it");

    const breaking: string[] = [];
    const next = await take(holder("run-next", "admin-b"), { breakStale: true, onProgress: (m) => breaking.push(m) });
    expect(breaking).toEqual([
      expect.stringMatching(/^breaking the stale cluster lock of run run-dead \(PID 1111 on admin-a, not refreshed for \d+ s\)$/),
    ]);
    expect(await inspect()).toMatchObject({ kind: "live", holder: { runId: "run-next" } });
    await next.release();
  });

  it("never breaks a live lock, even with breakStale", async () => {
    const live = await take(holder("run-live", "admin-a"));
    const error = await failureOf(take(holder("run-other", "admin-b"), { breakStale: true }));
    expect(error).toBeInstanceOf(LockedError);
    expect(error.message).toContain("another run holds the cluster lock");
    await live.release();
  });

  it.each([
    [
      "names another run",
      () => writeRecord(`${JSON.stringify(holder("run-thief", "admin-b", 999))}\n`),
      /^the cluster lock now names run run-thief \(PID 999 on admin-b/,
    ],
    ["is gone", () => removeRecord(), /^the cluster lock's record \/etc\/pve\/priv\/rollgate-lock\.json is gone/],
  ])("a refresh that finds the record %s aborts `lost`, and the release leaves it alone", async (_what, meddle, expected) => {
    const progress: string[] = [];
    const held = await take(holder("run-robbed", "admin-a"), { onProgress: (m) => progress.push(m) });
    await meddle();
    await eventually("the holder notices", () => held.lost.aborted, 4 * s.leaseMs);
    expect(held.lost.reason).toBeInstanceOf(LockedError);
    expect((held.lost.reason as Error).message).toMatch(expected);
    const before = await inspect();
    await held.release();
    // Any node may answer a reader: the record is the same on each.
    expect({ ...(await inspect()), ageSeconds: 0, via: "" }).toEqual({ ...before, ageSeconds: 0, via: "" });
    expect(progress.at(-1)).toMatch(/^left the cluster lock as it is: /);
    await removeRecord();
  });

  it("waits out a guard left behind by a killed run (pmxcfs lets it go after 120 s), saying so", async () => {
    expect((await s.pool.run("pve3", changeCommand(["mkdir", GUARD]))).exitCode).toBe(0);
    const progress: string[] = [];
    const held = await take(holder("run-patient", "admin-a"), { onProgress: (m) => progress.push(m) });
    expect(progress[0]).toMatch(
      /^waiting for \/etc\/pve\/priv\/lock\/rollgate \(.* of at most 4 s\): another rollgate is changing the cluster lock, or one was killed/,
    );
    await held.release();
  });

  it("says what is wrong with a garbled record, and will not take it", async () => {
    await writeRecord('{"runId": "run-x"');
    expect(await inspect()).toEqual({ kind: "unreadable", problem: "it is not JSON", via: expect.any(String) });
    const error = await failureOf(take(holder("run-y", "admin-a"), { breakStale: true }));
    expect(error).toBeInstanceOf(LockedError);
    expect(error.message).toContain(`the cluster lock ${RECORD} (read via pve1) exists but is garbled: it is not JSON`);
    await writeRecord(`${JSON.stringify({ ...holder("run-x", "admin-a"), pid: 0, user: "" })}\n`);
    expect(await inspect()).toMatchObject({ kind: "unreadable", problem: "it has no valid pid" });
    await removeRecord();
  });

  it("a read-only shell can inspect the lock but not take it", async () => {
    const held = await take(holder("run-ro", "admin-a"));
    const operations = s.t.lab.status().record.pmxcfs.length;
    const shell = readOnlyShell(s.pool);
    expect(await inspect(shell)).toMatchObject({ kind: "live", holder: { runId: "run-ro" } });
    await held.release();
    const afterRelease = s.t.lab.status().record.pmxcfs.length;
    expect(operations).toBeLessThan(afterRelease);
    expect(await failureOf(take(holder("run-ro2", "admin-b"), { shell }))).toBeInstanceOf(MutationInReadOnlyMode);
    expect(s.t.lab.status().record.pmxcfs.length).toBe(afterRelease);
  });

  it("with no node to ask, the state is unknown and the lock is refused (exit 3)", async () => {
    const gone = mortal(s.pool);
    gone.kill();
    const state = await inspectClusterLock(gone.shell, s.nodes, s.leaseMs);
    expect(state).toEqual({ kind: "unknown", problems: s.nodes.map((node) => ({ node, problem: "cannot connect: the process is gone" })) });
    expect(state.kind !== "free" && describeClusterLock(state, s.leaseMs)).toBe(
      "the cluster lock cannot be read on any node (pve1: cannot connect: the process is gone; pve2: cannot connect: the process is gone; pve3: cannot connect: the process is gone): whether another run holds it is unknown",
    );
    const error = await failureOf(take(holder("run-z", "admin-a"), { shell: gone.shell }));
    expect(error).toBeInstanceOf(RefusalError);
    expect((error as RefusalError).exitCode).toBe(ExitCode.refused);
    expect(error.message).toBe(
      "cannot take the cluster lock: pve1: cannot connect: the process is gone; pve2: cannot connect: the process is gone; pve3: cannot connect: the process is gone. Unknown means no: nothing was changed",
    );
  });
});

describe("with a node down", () => {
  let s: Setup;
  beforeAll(async () => {
    s = await setUp({ scenario: "node-never-returns" });
  });
  afterAll(() => tearDown(s));

  it("refreshes and releases through the nodes that are neither down nor spared", { timeout: 60_000 }, async () => {
    const held = await acquireClusterLock({
      shell: s.pool,
      nodes: s.nodes,
      leaseMs: s.leaseMs,
      holder: holder("run-around", "admin-a"),
      breakStale: false,
    });
    held.spare("pve2");
    s.t.lab.cluster.powerCycle("pve1");
    await eventually("pve1 is down", () => s.t.lab.cluster.node("pve1").power === "down");
    const since = s.t.lab.status().record.pmxcfs.length;
    const renamesSince = () =>
      s.t.lab
        .status()
        .record.pmxcfs.slice(since)
        .filter((o) => o.op === "rename" && o.outcome === "ok");
    // pve1 lost power with the pool's connection open: that connection is silent, so the first
    // refresh waits out one lock command's timeout (15 s, pmxcfs-guard.ts) on it before pve3.
    await eventually("a refresh went through", () => renamesSince().length >= 2, 4 * s.leaseMs + 15_000);
    expect(new Set(renamesSince().map((o) => o.source))).toEqual(new Set(["ssh pve3"]));

    await held.release();
    expect(held.lost.aborted).toBe(false);
    expect(await inspectClusterLock(s.pool, ["pve3"], s.leaseMs)).toEqual({ kind: "free", via: "pve3" });
    const used = new Set(
      s.t.lab
        .status()
        .record.pmxcfs.slice(since)
        .map((o) => o.source),
    );
    expect(used).toEqual(new Set(["ssh pve3"]));
  });
});

describe("without quorum", () => {
  let s: Setup;
  beforeAll(async () => {
    s = await setUp({ scenario: "quorum-lost" });
  });
  afterAll(() => tearDown(s));

  it("refuses to take the lock (exit 3), saying pmxcfs takes no writes, and changes nothing", async () => {
    const error = await failureOf(
      acquireClusterLock({ shell: s.pool, nodes: s.nodes, leaseMs: s.leaseMs, holder: holder("run-q", "admin-a"), breakStale: false }),
    );
    expect(error).toBeInstanceOf(RefusalError);
    expect(error.message).toMatch(
      /^cannot take the cluster lock: pve1: mkdir: cannot create directory '\/etc\/pve\/priv\/lock\/rollgate': Permission denied: pmxcfs takes no writes on a node outside the quorate partition/,
    );
    expect(error.message).toContain("; pve3: mkdir: cannot create directory");
    expect(await inspectClusterLock(s.pool, s.nodes, s.leaseMs)).toEqual({ kind: "free", via: expect.any(String) });
    expect(s.t.lab.status().record.pmxcfs.map((o) => o.outcome)).toEqual(["EACCES", "EACCES", "EACCES"]);
  });
});
