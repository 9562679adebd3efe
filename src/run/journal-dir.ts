// The directory that holds the journal and the lock (journal.dir, --journal-dir). A path that
// cannot be one (a file, /dev/null, a directory this user may not use) is a configuration error
// that names it and says why, before anything is read or written there.

import { constants, type Stats } from "node:fs";
import { access, mkdir, stat } from "node:fs/promises";
import { errorCode, osReason } from "../config/fs-errors.js";
import { UsageError } from "../util/errors.js";

/** What a command does in the directory: `status` only reads; `upgrade` also writes. */
export type DirUse = "read" | "write";

interface DirProblem {
  what: string;
  /** The OS said no to this user: running as the journal's owner fixes it, a new path does not. */
  denied: boolean;
}

const DENIED = new Set(["EACCES", "EPERM"]);

/** The journal directory cannot serve: names it, says why, and what to do (exit 2). */
export class JournalDirError extends UsageError {
  constructor(dir: string, problem: DirProblem) {
    const advice = problem.denied
      ? "the journal is private to the user who runs upgrades: run rollgate as that user, or set journal.dir in cluster.yaml (or --journal-dir) elsewhere"
      : "set journal.dir in cluster.yaml (or --journal-dir) to a directory";
    super(`the journal directory ${dir} ${problem.what}; ${advice}`);
  }
}

function kindOf(stats: Stats): string {
  if (stats.isFile()) return "a file";
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return "a device";
  return "a special file";
}

const osProblem = (verb: string, error: unknown): DirProblem => ({
  what: `cannot be ${verb}: ${osReason(error)}`,
  denied: DENIED.has(errorCode(error) ?? ""),
});

/** Why `dir` cannot serve, or null: it is a directory this user may use, or does not exist (yet). */
async function problemOf(dir: string, use: DirUse): Promise<DirProblem | null> {
  let stats: Stats;
  try {
    stats = await stat(dir);
  } catch (error) {
    return errorCode(error) === "ENOENT" ? null : osProblem("used", error);
  }
  if (!stats.isDirectory()) return { what: `is ${kindOf(stats)}, not a directory`, denied: false };
  try {
    await access(dir, use === "write" ? constants.R_OK | constants.W_OK | constants.X_OK : constants.R_OK | constants.X_OK);
  } catch (error) {
    return osProblem(use === "write" ? "written" : "read", error);
  }
  return null;
}

/** Throws JournalDirError unless `dir` is a directory this user may use, or does not exist yet. */
export async function checkJournalDir(dir: string, use: DirUse): Promise<void> {
  const problem = await problemOf(dir, use);
  if (problem !== null) throw new JournalDirError(dir, problem);
}

/** Makes the (private) journal directory if it is missing; throws JournalDirError if it cannot be used. */
export async function makeJournalDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new JournalDirError(dir, (await problemOf(dir, "write")) ?? osProblem("created", error));
  }
  await checkJournalDir(dir, "write");
}
