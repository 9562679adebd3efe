// Processes the real suites start: spawned with their output in a log file, found again through
// /proc by PID (never by name: the network namespaces share one process table), and stopped by PID.

import { spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { readdir, readFile, readlink } from "node:fs/promises";
import { execa } from "execa";

export interface ProcInfo {
  pid: number;
  ppid: number;
  comm: string;
  /** One letter: R, S, D, Z (zombie)… */
  state: string;
}

/** /proc/PID/stat; the command name may hold spaces and parentheses, so split after the last ")". */
export async function procInfo(pid: number): Promise<ProcInfo | null> {
  let stat: string;
  try {
    stat = await readFile(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  const close = stat.lastIndexOf(")");
  const comm = stat.slice(stat.indexOf("(") + 1, close);
  const [state = "?", ppid = "0"] = stat.slice(close + 2).split(" ");
  return { pid, ppid: Number(ppid), comm, state };
}

export async function cmdline(pid: number): Promise<string[]> {
  try {
    return (await readFile(`/proc/${pid}/cmdline`, "utf8")).split("\0").filter((w) => w !== "");
  } catch {
    return [];
  }
}

export async function processTable(): Promise<ProcInfo[]> {
  const pids = (await readdir("/proc")).filter((name) => /^\d+$/.test(name)).map(Number);
  const infos = await Promise.all(pids.map(procInfo));
  return infos.filter((p): p is ProcInfo => p !== null);
}

/** Every descendant of `pid`, children before their own children. */
export async function descendants(pid: number): Promise<ProcInfo[]> {
  const table = await processTable();
  const found: ProcInfo[] = [];
  let frontier = [pid];
  while (frontier.length > 0) {
    const next = table.filter((p) => frontier.includes(p.ppid) && !found.some((f) => f.pid === p.pid));
    found.push(...next);
    frontier = next.map((p) => p.pid);
  }
  return found;
}

/** A process that exited, or is a zombie waiting for its parent (or init) to reap it, is gone. */
export async function isGone(pid: number): Promise<boolean> {
  const info = await procInfo(pid);
  return info === null || info.state === "Z" || info.state === "X";
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}

export async function waitGone(pids: readonly number[], timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const alive: number[] = [];
    for (const pid of pids) if (!(await isGone(pid))) alive.push(pid);
    if (alive.length === 0 || Date.now() > deadline) return alive;
    await sleep(50);
  }
}

/** Stops these PIDs: `first` (SIGTERM by default), then SIGKILL for any still there after `graceMs`. */
export async function stopPids(
  pids: readonly number[],
  { first = "SIGTERM", graceMs = 3_000 }: { first?: NodeJS.Signals; graceMs?: number } = {},
): Promise<void> {
  const unique = [...new Set(pids)].filter((pid) => pid > 1 && pid !== process.pid);
  for (const pid of unique) signal(pid, first);
  const left = first === "SIGKILL" ? await waitGone(unique, 10_000) : await waitGone(unique, graceMs);
  if (left.length === 0) return;
  for (const pid of left) signal(pid, "SIGKILL");
  const stuck = await waitGone(left, 10_000);
  if (stuck.length > 0) throw new Error(`processes ${stuck.join(", ")} survived SIGKILL`);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface Started {
  pid: number;
  /** Resolves with the exit code (or signal) when the process ends. */
  exited: Promise<string>;
  hasExited(): boolean;
}

/** Starts a long-lived process with stdin closed and stdout+stderr appended to `logFile`. */
export function startProcess(argv: readonly string[], logFile: string): Started {
  const [file, ...args] = argv;
  if (file === undefined) throw new Error("startProcess: empty argv");
  const log = openSync(logFile, "a");
  try {
    const child = spawn(file, args, { stdio: ["ignore", log, log] });
    let ended = false;
    const exited = new Promise<string>((resolve, reject) => {
      child.once("error", reject);
      child.once("exit", (code, sig) => {
        ended = true;
        resolve(sig ?? `exit ${code}`);
      });
    });
    exited.catch(() => {});
    if (child.pid === undefined) throw new Error(`cannot start ${argv.join(" ")}`);
    return { pid: child.pid, exited, hasExited: () => ended };
  } finally {
    closeSync(log);
  }
}

/** Waits until `ready` holds, or fails with `what` (and `explain()`, e.g. a log tail) after `timeoutMs`. */
export async function waitFor(
  what: string,
  ready: () => Promise<boolean>,
  { timeoutMs = 20_000, intervalMs = 100, explain }: { timeoutMs?: number; intervalMs?: number; explain?: () => Promise<string> } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await ready()) return;
    await sleep(intervalMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${explain ? `\n${await explain()}` : ""}`);
}

export async function tail(file: string, lines = 20): Promise<string> {
  try {
    return (await readFile(file, "utf8")).split("\n").slice(-lines).join("\n");
  } catch {
    return `(no ${file})`;
  }
}

/** Runs a short command; throws with its output if it fails. */
export async function run(argv: readonly string[], options: { timeoutMs?: number; input?: string } = {}): Promise<string> {
  const [file, ...args] = argv;
  if (file === undefined) throw new Error("run: empty argv");
  const result = await execa(file, args, {
    timeout: options.timeoutMs ?? 60_000,
    reject: false,
    ...(options.input !== undefined ? { input: options.input } : { stdin: "ignore" }),
  });
  if (result.exitCode !== 0 || result.failed) {
    throw new Error(
      `\`${argv.join(" ")}\` failed (${result.exitCode ?? result.signal ?? "timeout"}):\n${result.stdout}\n${result.stderr}`.trim(),
    );
  }
  return result.stdout;
}

/** Same, but returns the outcome instead of throwing. */
export async function tryRun(
  argv: readonly string[],
  timeoutMs = 60_000,
): Promise<{ ok: boolean; stdout: string; stderr: string; exitCode: number | undefined }> {
  const [file, ...args] = argv;
  if (file === undefined) throw new Error("tryRun: empty argv");
  const result = await execa(file, args, { timeout: timeoutMs, reject: false, stdin: "ignore" });
  return { ok: result.exitCode === 0 && !result.failed, stdout: result.stdout, stderr: result.stderr, exitCode: result.exitCode };
}

/** The namespace a process is in, e.g. `mnt:[4026532301]`. */
export async function namespaceOf(pid: number, kind: "mnt" | "net"): Promise<string | null> {
  try {
    return await readlink(`/proc/${pid}/ns/${kind}`);
  } catch {
    return null;
  }
}
