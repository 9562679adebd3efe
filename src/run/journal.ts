// The run journal: one append-only JSON-lines file per run, under a 0700 directory, each file
// 0600. A change is journaled before it is made and that record is fsync'ed before the change
// starts, so a run that is killed can always tell what may have happened.

import {
  closeSync,
  constants,
  fchmodSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { errorCode, osReason } from "../config/fs-errors.js";
import { UsageError } from "../util/errors.js";
import type { RunEvent } from "./events.js";
import { parseJson, recordProblem } from "./journal-record.js";

const PRIVATE_DIR = 0o700;
const PRIVATE_FILE = 0o600;

/** Sortable and unique: `20261122T225001Z-3fa2`. */
export function newRunId(now: Date = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  return `${stamp}-${randomBytes(2).toString("hex")}`;
}

/** Also keeps a run id from naming a file outside the journal (`--run ../x`). */
export function isRunId(text: string): boolean {
  return /^\d{8}T\d{6}Z-[0-9a-f]{4}$/.test(text);
}

export function runsDir(dir: string): string {
  return path.join(dir, "runs");
}

export function runFile(dir: string, runId: string): string {
  if (!isRunId(runId)) throw new UsageError(`"${runId}" is not a run id (like 20261122T225001Z-3fa2)`);
  return path.join(runsDir(dir), `${runId}.jsonl`);
}

export function currentFile(dir: string): string {
  return path.join(dir, "current");
}

/** A journal that cannot be read as one: names the file (and line) and what is wrong with it. */
export class CorruptJournalError extends UsageError {}

/** Records that must be on disk before the run goes on: the start, every intent, and the end. */
function mustSync(event: RunEvent): boolean {
  return event.type === "run-start" || (event.type === "action" && event.phase === "before") || event.type === "run-end";
}

function writeFully(fd: number, text: string): void {
  const bytes = Buffer.from(text, "utf8");
  for (let written = 0; written < bytes.length;) written += writeSync(fd, bytes, written);
}

function syncDir(dir: string): void {
  const fd = openSync(dir, constants.O_RDONLY);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export class Journal {
  private fd: number | null;

  private constructor(
    readonly dir: string,
    readonly runId: string,
    fd: number,
  ) {
    this.fd = fd;
  }

  /** A new run: makes the (private) directories, and a file that must not exist yet. */
  static async create(dir: string, runId: string): Promise<Journal> {
    const file = runFile(dir, runId);
    let fd: number;
    try {
      mkdirSync(runsDir(dir), { recursive: true, mode: PRIVATE_DIR });
      fd = openSync(file, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_EXCL, PRIVATE_FILE);
    } catch (error) {
      throw new UsageError(`cannot create the journal ${file}: ${osReason(error)}`);
    }
    return Journal.started(dir, runId, fd, () => {
      // The umask may only take bits away; this makes the mode exact whatever it is.
      fchmodSync(fd, PRIVATE_FILE);
      syncDir(runsDir(dir));
    });
  }

  /** Continues an existing run (`upgrade --resume`). */
  static async open(dir: string, runId: string): Promise<Journal> {
    const file = runFile(dir, runId);
    let fd: number;
    try {
      fd = openSync(file, constants.O_RDWR | constants.O_APPEND);
    } catch (error) {
      if (errorCode(error) === "ENOENT") throw new UsageError(`cannot continue run ${runId}: its journal ${file} does not exist`);
      throw new UsageError(`cannot continue run ${runId}: cannot open its journal ${file}: ${osReason(error)}`);
    }
    return Journal.started(dir, runId, fd, () => endTornRecord(fd));
  }

  private static started(dir: string, runId: string, fd: number, prepare: () => void): Journal {
    try {
      prepare();
      writeCurrent(dir, runId);
    } catch (error) {
      closeSync(fd);
      throw error;
    }
    return new Journal(dir, runId, fd);
  }

  get file(): string {
    return runFile(this.dir, this.runId);
  }

  /** Written before it returns; the start, intents and the end are also on disk by then. */
  append(event: RunEvent): void {
    if (this.fd === null) throw new Error(`programming error: journal ${this.file} is closed`);
    writeFully(this.fd, `${JSON.stringify(event)}\n`);
    if (mustSync(event)) fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd === null) return;
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = null;
  }
}

/**
 * A run killed while writing leaves a last line without its newline. Appending after it would
 * glue the next record onto it and corrupt the middle of the file, so before continuing: a
 * complete record just gets its newline; a torn one is cut off. Losing it is safe: the process
 * died inside `append`, so the change that record announced had not started.
 */
function endTornRecord(fd: number): void {
  const contents = readFileSync(fd);
  if (contents.length === 0 || contents.at(-1) === 0x0a) return;
  const cleanEnd = contents.lastIndexOf(0x0a) + 1;
  if (parseJson(contents.subarray(cleanEnd).toString("utf8")) !== undefined) writeFully(fd, "\n");
  else ftruncateSync(fd, cleanEnd);
  fsyncSync(fd);
}

/** `current` names the latest run; replaced atomically (and durably) so a reader never sees half a name. */
function writeCurrent(dir: string, runId: string): void {
  const tmp = path.join(dir, `.current.${process.pid}.${randomBytes(4).toString("hex")}`);
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, PRIVATE_FILE);
  try {
    writeFully(fd, `${runId}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(tmp, currentFile(dir));
  } catch (error) {
    rmSync(tmp, { force: true });
    throw new UsageError(`cannot replace ${currentFile(dir)}: ${osReason(error)}; move it out of the way`);
  }
  syncDir(dir);
}

/** The latest run's id, or null when no run was ever recorded here. */
export async function currentRunId(dir: string): Promise<string | null> {
  let text: string;
  try {
    text = await readFile(currentFile(dir), "utf8");
  } catch (error) {
    if (errorCode(error) === "ENOENT") return null;
    throw new CorruptJournalError(`cannot read ${currentFile(dir)}: ${osReason(error)}`);
  }
  const runId = text.trim();
  if (!isRunId(runId)) throw new CorruptJournalError(`${currentFile(dir)} does not name a run ("${runId.slice(0, 40)}")`);
  return runId;
}

/** The latest run's file, or null when no run was ever recorded here. */
export async function currentRunFile(dir: string): Promise<string | null> {
  const runId = await currentRunId(dir);
  return runId === null ? null : runFile(dir, runId);
}

export interface JournalContents {
  events: RunEvent[];
  /** The last line was cut off (the process died while writing it); it is left out. */
  truncated: boolean;
}

/** A line as a record, or a CorruptJournalError naming the file and line and what is wrong. */
function recordOf(file: string, lineNumber: number, line: string, value: unknown): RunEvent {
  const problem = value === undefined ? "it is not JSON" : recordProblem(value);
  if (problem !== null)
    throw new CorruptJournalError(`${file}:${lineNumber}: not a journal record: ${JSON.stringify(line.slice(0, 60))}; ${problem}`);
  return value as RunEvent;
}

/**
 * Every record of a run file (null: there is no such file). A last line cut off by a crash is left
 * out and reported; anything else that is not a run's records is a CorruptJournalError.
 */
export async function readJournal(file: string): Promise<JournalContents | null> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if (errorCode(error) === "ENOENT") return null;
    throw new CorruptJournalError(`cannot read ${file}: ${osReason(error)}`);
  }
  const lines = text.split("\n");
  // The text after the last newline: empty when the file ends cleanly, else a record cut off or missing its newline.
  const unterminated = lines.pop() ?? "";
  const events = lines.map((line, index) => recordOf(file, index + 1, line, parseJson(line)));
  let truncated = false;
  if (unterminated !== "") {
    const last = parseJson(unterminated);
    // Only a line that is not JSON can have been cut off; a complete one is judged like any other.
    if (last === undefined) truncated = true;
    else events.push(recordOf(file, lines.length + 1, unterminated, last));
  }
  const first = events[0];
  if (first !== undefined && first.type !== "run-start")
    throw new CorruptJournalError(`${file}:1: a run's journal starts with its run-start record, not ${first.type}`);
  return { events, truncated };
}
