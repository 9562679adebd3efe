// One run at a time: a lock file created exclusively, naming its holder (PID, host, run). A lock
// whose process is gone is reported as stale, never taken over silently: the run that held it
// may have died with a node out of service, and someone should look first.

import os from "node:os";
import { mkdir, open, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { LockedError } from "../util/errors.js";

export interface LockInfo {
  pid: number;
  host: string;
  runId: string;
  startedAt: string;
  command: string;
}

export interface HeldLock {
  info: LockInfo;
  release(): Promise<void>;
}

export function lockFile(dir: string): string {
  return path.join(dir, "lock");
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, it is just not ours to signal.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function readLock(file: string): Promise<LockInfo> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new LockedError(`the lock ${file} exists but cannot be read (${(error as Error).message})`);
  }
  try {
    const info = JSON.parse(text) as Partial<LockInfo>;
    if (typeof info.pid !== "number" || typeof info.host !== "string") throw new Error("missing pid or host");
    return { pid: info.pid, host: info.host, runId: String(info.runId ?? "?"), startedAt: String(info.startedAt ?? "?"), command: String(info.command ?? "?") };
  } catch (error) {
    throw new LockedError(`the lock ${file} is garbled (${(error as Error).message}); if no rollgate runs, look at \`rollgate status\` and remove it`);
  }
}

/** A lock of this host whose process is gone. A lock of another host cannot be judged from here. */
function isStale(info: LockInfo): boolean {
  return info.host === os.hostname() && !processAlive(info.pid);
}

function heldMessage(file: string, info: LockInfo): string {
  if (isStale(info)) {
    return `a STALE lock: ${file} was taken by PID ${info.pid} on ${info.host} (run ${info.runId}, started ${info.startedAt}), and that process is gone. It may have died with a node out of service: check \`rollgate status\` and the cluster, then clear it with \`rollgate upgrade --break-stale-lock\``;
  }
  return `another run holds the lock: PID ${info.pid} on ${info.host} since ${info.startedAt} (run ${info.runId}, ${info.command}); ${file}`;
}

export async function acquireLock(dir: string, holder: Omit<LockInfo, "startedAt">): Promise<HeldLock> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = lockFile(dir);
  const info: LockInfo = { ...holder, startedAt: new Date().toISOString() };
  try {
    const handle = await open(file, "wx", 0o600);
    await handle.writeFile(`${JSON.stringify(info)}\n`);
    await handle.sync();
    await handle.close();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    throw new LockedError(heldMessage(file, await readLock(file)));
  }
  return {
    info,
    async release() {
      // Only our own lock: never remove one a --break-stale-lock and a new run put there since.
      const now = await readLock(file).catch(() => null);
      if (now?.runId === info.runId && now.pid === info.pid) await rm(file, { force: true });
    },
  };
}

/** Removes the lock only if its process is gone; a live (or foreign) holder keeps it. */
export async function breakStaleLock(dir: string): Promise<LockInfo | null> {
  const file = lockFile(dir);
  let info: LockInfo;
  try {
    info = await readLock(file);
  } catch (error) {
    if (error instanceof LockedError && /cannot be read \(ENOENT/.test(error.message)) return null;
    throw error;
  }
  if (!isStale(info)) throw new LockedError(`refusing to break the lock: ${heldMessage(file, info)}`);
  await rm(file, { force: true });
  return info;
}

export async function readLockInfo(dir: string): Promise<LockInfo | null> {
  return readLock(lockFile(dir)).catch(() => null);
}

export function lockIsLive(info: LockInfo): boolean {
  return !isStale(info);
}
