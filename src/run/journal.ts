// The run journal: one append-only JSON-lines file per run, under a 0700 directory, each file
// 0600. A change is journaled before it is made and the record is fsync'ed before the change
// starts, so a run that is killed can always tell what may have happened.

import { closeSync, fsyncSync, mkdirSync, openSync, writeSync, constants } from "node:fs";
import { readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { randomBytes } from "node:crypto";
import type { RunEvent } from "./events.js";

export function runsDir(dir: string): string {
  return path.join(dir, "runs");
}

export function runFile(dir: string, runId: string): string {
  return path.join(runsDir(dir), `${runId}.jsonl`);
}

/** Sortable and unique: `20261122T225001Z-3fa2`. */
export function newRunId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  return `${stamp}-${randomBytes(2).toString("hex")}`;
}

/** Records that must be on disk before the run goes on: intents, and the end. */
function mustSync(event: RunEvent): boolean {
  return (event.type === "action" && event.phase === "before") || event.type === "run-end" || event.type === "run-start";
}

export class Journal {
  private fd: number | null;

  private constructor(
    readonly dir: string,
    readonly runId: string,
    flags: number,
  ) {
    mkdirSync(runsDir(dir), { recursive: true, mode: 0o700 });
    this.fd = openSync(runFile(dir, runId), flags, 0o600);
  }

  /** A new run: its file must not exist yet. */
  static async create(dir: string, runId: string): Promise<Journal> {
    const journal = new Journal(dir, runId, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_EXCL);
    await writeCurrent(dir, runId);
    return journal;
  }

  /** Continues an existing run (`upgrade --resume`). */
  static async open(dir: string, runId: string): Promise<Journal> {
    const journal = new Journal(dir, runId, constants.O_WRONLY | constants.O_APPEND);
    await writeCurrent(dir, runId);
    return journal;
  }

  get file(): string {
    return runFile(this.dir, this.runId);
  }

  append(event: RunEvent): void {
    if (this.fd === null) throw new Error(`journal ${this.file} is closed`);
    writeSync(this.fd, `${JSON.stringify(event)}\n`);
    if (mustSync(event)) fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd === null) return;
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = null;
  }
}

/** `current` names the latest run; replaced atomically so a reader never sees half a name. */
async function writeCurrent(dir: string, runId: string): Promise<void> {
  const tmp = path.join(dir, `.current.${process.pid}`);
  await writeFile(tmp, `${runId}\n`, { mode: 0o600 });
  await rename(tmp, path.join(dir, "current"));
}

/** The latest run's file, or null when no run was ever recorded here. */
export async function currentRunFile(dir: string): Promise<string | null> {
  try {
    const runId = (await readFile(path.join(dir, "current"), "utf8")).trim();
    if (!/^[0-9TZ]+-[0-9a-f]+$/.test(runId)) throw new Error(`${path.join(dir, "current")} does not name a run ("${runId.slice(0, 40)}")`);
    return runFile(dir, runId);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

export interface JournalContents {
  events: RunEvent[];
  /** The last line was cut off (the process died while writing it); it is ignored. */
  truncated: boolean;
}

export async function readJournal(file: string): Promise<JournalContents> {
  const text = await readFile(file, "utf8");
  const lines = text.split("\n");
  const complete = text.endsWith("\n");
  const events: RunEvent[] = [];
  let truncated = false;
  for (const [i, line] of lines.entries()) {
    if (line === "") continue;
    try {
      events.push(JSON.parse(line) as RunEvent);
    } catch {
      const isLast = i === lines.length - 1 || (i === lines.length - 2 && lines.at(-1) === "");
      if (isLast && !complete) {
        truncated = true;
        continue;
      }
      throw new Error(`${file}:${i + 1}: not a journal record (corrupted journal?)`);
    }
  }
  return { events, truncated };
}
