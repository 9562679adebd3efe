// One run at a time: a lock file created exclusively, naming its holder (PID, host, run). A lock
// whose process is gone is reported as stale, never taken over silently: the run that held it
// may have died with a node out of service, and someone should look first.

import os from "node:os";
import { randomBytes } from "node:crypto";
import { link, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { errorCode, osReason } from "../config/fs-errors.js";
import { LockedError, UsageError } from "../util/errors.js";
import { checkJournalDir, makeJournalDir } from "./journal-dir.js";
import { parseJsonObject } from "../util/json-object.js";

export interface LockInfo {
  pid: number;
  host: string;
  runId: string;
  startedAt: string;
  command: string;
}

export interface HeldLock {
  info: LockInfo;
  /** Removes the lock if it is still ours. */
  release(): Promise<void>;
}

/** What the lock file says about who runs, as far as this host can tell. */
export type LockState =
  | { kind: "free" }
  /** Held by a process alive on this host. */
  | { kind: "live"; info: LockInfo }
  /** Held from another host: whether its process lives cannot be told from here. */
  | { kind: "foreign"; info: LockInfo }
  /** Held by a process of this host that no longer exists. */
  | { kind: "stale"; info: LockInfo }
  | { kind: "unreadable"; problem: string };

export function lockFile(dir: string): string {
  return path.join(dir, "lock");
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists, it is just not ours to signal.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function parseLockInfo(text: string): LockInfo | string {
  const value = parseJsonObject(text);
  if (typeof value === "string") return value;
  const { pid, host, runId, startedAt, command } = value;
  // A pid of 0 or below would make kill(pid, 0) ask about process groups, not one process.
  if (typeof pid !== "number" || !Number.isInteger(pid) || pid <= 0) return "it has no valid pid";
  if (typeof host !== "string" || host === "") return "it has no host";
  if (typeof runId !== "string" || typeof startedAt !== "string" || typeof command !== "string")
    return "it lacks runId, startedAt or command";
  return { pid, host, runId, startedAt, command };
}

export async function inspectLock(dir: string): Promise<LockState> {
  const file = lockFile(dir);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if (errorCode(error) === "ENOENT") return { kind: "free" };
    // The directory may be what is wrong (a file, /dev/null): then there is no lock to speak of.
    await checkJournalDir(dir, "read");
    return { kind: "unreadable", problem: `it cannot be read: ${osReason(error)}` };
  }
  const info = parseLockInfo(text);
  if (typeof info === "string") return { kind: "unreadable", problem: `it is garbled: ${info}` };
  if (info.host !== os.hostname()) return { kind: "foreign", info };
  return processAlive(info.pid) ? { kind: "live", info } : { kind: "stale", info };
}

/** Why the lock stops a run, and what to do about it. */
export function describeLock(dir: string, state: Exclude<LockState, { kind: "free" }>): string {
  const file = lockFile(dir);
  if (state.kind === "unreadable") {
    return `the lock ${file} exists but ${state.problem}. If no rollgate run is going on, check \`rollgate status\` and the cluster, then remove ${file}`;
  }
  const { pid, host, runId, startedAt, command } = state.info;
  if (state.kind === "stale") {
    return (
      `the lock ${file} is STALE: PID ${pid} on ${host} took it for run ${runId} (rollgate ${command}) at ${startedAt}, and that process is gone. ` +
      `The run may have died with a node out of service: check \`rollgate status\` and the cluster first, then clear the lock with ` +
      `\`rollgate upgrade --break-stale-lock\` (or remove ${file})`
    );
  }
  const held = `another run holds the lock: PID ${pid} on ${host} since ${startedAt} (run ${runId}, rollgate ${command}); \`rollgate status\` shows where it is`;
  if (state.kind === "foreign") {
    return `${held}. That process runs on another host and cannot be checked from here: if it no longer runs on ${host}, check \`rollgate status\`, then remove ${file}`;
  }
  return `${held}. If \`ps -p ${pid}\` shows no rollgate, the run died and its PID was reused: check \`rollgate status\`, then remove ${file}`;
}

/** Takes the lock or throws LockedError (exit 5) saying who holds it; JournalDirError if `dir` cannot be one. */
export async function acquireLock(dir: string, holder: Omit<LockInfo, "startedAt">, now: Date = new Date()): Promise<HeldLock> {
  await makeJournalDir(dir);
  const file = lockFile(dir);
  const info: LockInfo = { ...holder, startedAt: now.toISOString() };
  // Written in full under a private name, then linked into place: link() fails if the lock exists,
  // as O_EXCL would, and no reader ever sees a lock file that is still empty.
  const draft = `${file}.${randomBytes(6).toString("hex")}`;
  try {
    await writeFile(draft, `${JSON.stringify(info)}\n`, { mode: 0o600, flag: "wx", flush: true });
  } catch (error) {
    await rm(draft, { force: true });
    throw new UsageError(`cannot write the lock ${file}: ${osReason(error)}`);
  }
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await link(draft, file);
        break;
      } catch (error) {
        if (errorCode(error) !== "EEXIST") throw new UsageError(`cannot take the lock ${file}: ${osReason(error)}`);
      }
      const state = await inspectLock(dir);
      // Released between our try and our look: try again, a few times.
      if (state.kind === "free" && attempt < 3) continue;
      throw new LockedError(state.kind === "free" ? `the lock ${file} keeps changing hands; try again` : describeLock(dir, state));
    }
  } finally {
    await rm(draft, { force: true });
  }
  return {
    info,
    async release() {
      // Only our own lock: never one that a --break-stale-lock and a new run put there since.
      const state = await inspectLock(dir);
      if ((state.kind === "live" || state.kind === "stale") && state.info.runId === info.runId && state.info.pid === info.pid)
        await rm(file, { force: true });
    },
  };
}

/** Removes the lock only if its process is gone; returns what it held (null: there was none). */
export async function breakStaleLock(dir: string): Promise<LockInfo | null> {
  const state = await inspectLock(dir);
  if (state.kind === "free") return null;
  if (state.kind !== "stale") throw new LockedError(`refusing to break the lock: ${describeLock(dir, state)}`);
  // A new run may have broken it and taken the lock since we looked: remove only what we judged.
  const again = await inspectLock(dir);
  if (again.kind !== "stale" || JSON.stringify(again.info) !== JSON.stringify(state.info)) {
    throw new LockedError("the lock changed while it was being broken; run `rollgate status` and try again");
  }
  await rm(lockFile(dir), { force: true });
  return state.info;
}
