// The lock lets one run in and names its holder; a dead holder's lock is reported as stale and
// left alone until someone breaks it on purpose; nobody removes a lock that is not theirs.

import { spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, stat, writeFile } from "node:fs/promises";
import os, { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { JournalDirError } from "../../../src/run/journal-dir.js";
import { acquireLock, breakStaleLock, inspectLock, lockFile, type LockInfo } from "../../../src/run/lock.js";
import { ExitCode, LockedError, UsageError } from "../../../src/util/errors.js";
import { clearRefusals, refuse } from "../../helpers/fs-refusals.js";

vi.mock("node:fs/promises", async (original) => (await import("../../helpers/fs-refusals.js")).withRefusals(await original()));
afterEach(clearRefusals);

const tmp = () => mkdtemp(path.join(tmpdir(), "rollgate-lock-"));
const host = os.hostname();
const holder = (runId: string, pid = process.pid) => ({ runId, pid, host, command: "upgrade" });
const STARTED = new Date("2026-11-22T23:00:00Z");

/** The PID of a process that has exited (and was reaped). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""]);
  await new Promise((resolve) => child.on("exit", resolve));
  if (child.pid === undefined) throw new Error("node did not start");
  return child.pid;
}

async function lockedErrorOf(promise: Promise<unknown>): Promise<LockedError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LockedError);
  expect((error as LockedError).exitCode).toBe(ExitCode.locked);
  return error as LockedError;
}

/** What `promise` threw, checked to be a usage error (exit 2), not a lock held (exit 5) or a bug. */
async function usageErrorOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UsageError);
  expect((error as UsageError).exitCode).toBe(ExitCode.usage);
  return (error as Error).message;
}

/** A regular file, and a path that would have to be under it. */
async function aFile(): Promise<{ file: string; under: string }> {
  const file = path.join(await tmp(), "journal");
  await writeFile(file, "not a directory\n");
  return { file, under: path.join(file, "rollgate") };
}

const lockContents = async (dir: string): Promise<LockInfo> => JSON.parse(await readFile(lockFile(dir), "utf8")) as LockInfo;

async function writeLock(dir: string, info: Partial<LockInfo>): Promise<void> {
  await writeFile(lockFile(dir), JSON.stringify({ ...holder("run-x"), startedAt: STARTED.toISOString(), ...info }), { mode: 0o600 });
}

describe("acquireLock", () => {
  it("creates a private lock naming its holder, and leaves no draft behind", async () => {
    const dir = path.join(await tmp(), "journal");
    const lock = await acquireLock(dir, holder("run-a"), STARTED);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(lockFile(dir))).mode & 0o777).toBe(0o600);
    expect(await lockContents(dir)).toEqual({
      pid: process.pid,
      host,
      runId: "run-a",
      startedAt: "2026-11-22T23:00:00.000Z",
      command: "upgrade",
    });
    expect(lock.info).toEqual(await lockContents(dir));
    expect(await readdir(dir)).toEqual(["lock"]);
    expect(await inspectLock(dir)).toEqual({ kind: "live", info: lock.info });
  });

  it("turns a second run away with exit 5, naming the holder's PID, host, start and run", async () => {
    const dir = await tmp();
    const first = await acquireLock(dir, holder("run-a"), STARTED);
    const error = await lockedErrorOf(acquireLock(dir, holder("run-b")));
    expect(error.message).toContain(
      `another run holds the lock: PID ${process.pid} on ${host} since 2026-11-22T23:00:00.000Z (run run-a, rollgate upgrade)`,
    );
    expect(error.message).toContain("`rollgate status`");
    expect((await lockContents(dir)).runId).toBe("run-a");
    await first.release();
    expect(await inspectLock(dir)).toEqual({ kind: "free" });
    await (await acquireLock(dir, holder("run-b"))).release();
  });

  it("reports the lock of a dead process as STALE, with what to check and how to clear it, and leaves it", async () => {
    const dir = await tmp();
    const pid = await deadPid();
    await writeLock(dir, { pid, runId: "run-dead" });
    const before = await readFile(lockFile(dir), "utf8");
    const error = await lockedErrorOf(acquireLock(dir, holder("run-new")));
    expect(error.message).toMatch(/STALE/);
    expect(error.message).toContain(
      `PID ${pid} on ${host} took it for run run-dead (rollgate upgrade) at 2026-11-22T23:00:00.000Z, and that process is gone`,
    );
    expect(error.message).toContain("check `rollgate status` and the cluster first");
    expect(error.message).toContain(`\`rollgate upgrade --break-stale-lock\` (or remove ${lockFile(dir)})`);
    expect(await readFile(lockFile(dir), "utf8")).toBe(before);
    expect(await inspectLock(dir)).toMatchObject({ kind: "stale", info: { pid } });
  });

  it("cannot judge another host's lock, so it is held, never stale", async () => {
    const dir = await tmp();
    await writeLock(dir, { pid: await deadPid(), host: "elsewhere.example" });
    const error = await lockedErrorOf(acquireLock(dir, holder("run-new")));
    expect(error.message).toMatch(/^another run holds the lock: PID \d+ on elsewhere\.example since /);
    expect(error.message).toContain("cannot be checked from here");
    expect(await inspectLock(dir)).toMatchObject({ kind: "foreign" });
  });

  it.each([
    ["not JSON", "pid=4242", "it is garbled: it is not JSON"],
    ["empty", "", "it is garbled: it is empty"],
    [
      "a lock without a valid pid",
      JSON.stringify({ pid: -1, host, runId: "r", startedAt: "t", command: "upgrade" }),
      "it is garbled: it has no valid pid",
    ],
  ])("says so when the lock is %s, naming the file", async (_, text, problem) => {
    const dir = await tmp();
    await writeFile(lockFile(dir), text);
    const error = await lockedErrorOf(acquireLock(dir, holder("run-new")));
    expect(error.message).toContain(`the lock ${lockFile(dir)} exists but ${problem}`);
    expect(await readFile(lockFile(dir), "utf8")).toBe(text);
  });
});

describe("release", () => {
  it("removes only its own lock, never one taken since by another run", async () => {
    const dir = await tmp();
    const held = await acquireLock(dir, holder("run-a"));
    await writeLock(dir, { runId: "run-b" });
    await held.release();
    expect((await lockContents(dir)).runId).toBe("run-b");
  });

  it("does nothing when the lock is already gone", async () => {
    const dir = await tmp();
    const held = await acquireLock(dir, holder("run-a"));
    await held.release();
    await held.release();
    expect(await inspectLock(dir)).toEqual({ kind: "free" });
  });
});

describe("breakStaleLock", () => {
  it("removes a dead process's lock and says whose it was", async () => {
    const dir = await tmp();
    const pid = await deadPid();
    await writeLock(dir, { pid, runId: "run-dead" });
    expect(await breakStaleLock(dir)).toMatchObject({ pid, runId: "run-dead" });
    expect(await inspectLock(dir)).toEqual({ kind: "free" });
    await (await acquireLock(dir, holder("run-new"))).release();
  });

  it("refuses to break a live lock, or another host's, and leaves them", async () => {
    const dir = await tmp();
    const live = await acquireLock(dir, holder("run-live"));
    const error = await lockedErrorOf(breakStaleLock(dir));
    expect(error.message).toMatch(/^refusing to break the lock: another run holds the lock: PID \d+ on /);
    expect(await inspectLock(dir)).toMatchObject({ kind: "live" });
    await live.release();
    await writeLock(dir, { pid: await deadPid(), host: "elsewhere.example" });
    await lockedErrorOf(breakStaleLock(dir));
    expect(await inspectLock(dir)).toMatchObject({ kind: "foreign" });
  });

  it("refuses a garbled lock, and has nothing to do without one", async () => {
    const dir = await tmp();
    expect(await breakStaleLock(dir)).toBeNull();
    await writeFile(lockFile(dir), "{");
    expect((await lockedErrorOf(breakStaleLock(dir))).message).toContain("is garbled");
  });
});

describe("a journal directory that cannot be one (exit 2, naming it and why; nothing is written)", () => {
  const notADirectory = "set journal.dir in cluster.yaml (or --journal-dir) to a directory";

  it("a regular file, /dev/null, or a path under a file", async () => {
    const { file, under } = await aFile();
    expect(await usageErrorOf(acquireLock(file, holder("run-a")))).toBe(
      `the journal directory ${file} is a file, not a directory; ${notADirectory}`,
    );
    expect(await usageErrorOf(acquireLock("/dev/null", holder("run-a")))).toBe(
      `the journal directory /dev/null is a device, not a directory; ${notADirectory}`,
    );
    expect(await usageErrorOf(acquireLock(under, holder("run-a")))).toBe(
      `the journal directory ${under} cannot be used: a parent in the path is not a directory (ENOTDIR); ${notADirectory}`,
    );
    expect(await readFile(file, "utf8")).toBe("not a directory\n");
  });

  it("a directory this user may not write, or create", async () => {
    const dir = await tmp();
    refuse("access", dir);
    const error = await acquireLock(dir, holder("run-a")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JournalDirError);
    expect((error as Error).message).toBe(
      `the journal directory ${dir} cannot be written: permission denied (EACCES); the journal is private to the user who runs upgrades: run rollgate as that user, or set journal.dir in cluster.yaml (or --journal-dir) elsewhere`,
    );
    expect(await readdir(dir)).toEqual([]);
    const missing = path.join(dir, "journal");
    refuse("mkdir", missing);
    expect(await usageErrorOf(acquireLock(missing, holder("run-a")))).toMatch(
      new RegExp(`^the journal directory ${missing} cannot be created: permission denied \\(EACCES\\); the journal is private`),
    );
  });

  it("a lock that cannot be written", async () => {
    const dir = await tmp();
    refuse("writeFile", `${lockFile(dir)}.`);
    expect(await usageErrorOf(acquireLock(dir, holder("run-a")))).toBe(
      `cannot write the lock ${lockFile(dir)}: permission denied (EACCES)`,
    );
    expect(await readdir(dir)).toEqual([]);
  });

  it("a lock file that cannot be read in a directory that can is still a lock held (exit 5), named", async () => {
    const dir = await tmp();
    await writeLock(dir, {});
    refuse("readFile", lockFile(dir));
    expect((await lockedErrorOf(acquireLock(dir, holder("run-new")))).message).toContain(
      `the lock ${lockFile(dir)} exists but it cannot be read: permission denied (EACCES)`,
    );
  });

  it("--break-stale-lock and status's look at the lock say the same, instead of calling it held", async () => {
    const { file } = await aFile();
    expect(await usageErrorOf(breakStaleLock(file))).toMatch(new RegExp(`^the journal directory ${file} is a file, not a directory`));
    expect(await usageErrorOf(inspectLock("/dev/null"))).toMatch(/^the journal directory \/dev\/null is a device, not a directory/);
  });
});
