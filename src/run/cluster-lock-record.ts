// The cluster lock's record, /etc/pve/priv/rollgate-lock.json: who holds the lock and which node
// it is upgrading, read and written on one node, judged live or stale by its age on that node's
// clock, and described to the user (docs/domain/pmxcfs-locks.md).

import { formatDuration } from "../config/duration.js";
import { changeCommand, readCommand, type CommandResult, type RemoteCommand, type RemoteShell } from "../transport/remote-command.js";
import { commandFailure, runOn } from "./pmxcfs-guard.js";
import { parseJsonObject } from "../util/json-object.js";

export const RECORD_FILE = "/etc/pve/priv/rollgate-lock.json";

export interface ClusterLockHolder {
  runId: string;
  pid: number;
  host: string;
  user: string;
  command: string;
  startedAt: string;
  journalDir: string;
  configFile: string;
}

/**
 * Where the holder is in its run, as of its last write: the node it is upgrading (null: none, in
 * its preflight or between two nodes) and the step it had started there. Written beside the
 * holder's fields as `node` and `step`; a record without them (an older rollgate) says nothing.
 */
export interface ClusterLockWork {
  node: string | null;
  step: string | null;
}

/** A record that names a holder: how old it is on the node that was asked, and what it says. */
interface HeldRecord {
  holder: ClusterLockHolder;
  /** Null: the record does not say (written by an older rollgate). */
  working: ClusterLockWork | null;
  ageSeconds: number;
  /** Its last write (the record's mtime, as the writing node's clock had it), ISO 8601. */
  writtenAt: string;
  via: string;
}

/** What the cluster lock looks like, as far as one node could tell (`via`). */
export type ClusterLockState =
  | { kind: "free"; via: string }
  /** Refreshed within the lease: its run is alive. */
  | ({ kind: "live" } & HeldRecord)
  /** Not refreshed for longer than the lease: its run died, maybe with a node out of service. */
  | ({ kind: "stale" } & HeldRecord)
  | { kind: "unreadable"; problem: string; via: string }
  /** No node could be asked. */
  | { kind: "unknown"; problems: Array<{ node: string; problem: string }> };

export type KnownClusterLockState = Exclude<ClusterLockState, { kind: "unknown" }>;

const readRecord = readCommand("cat", RECORD_FILE);
const recordMtime = readCommand("stat", "-c", "%Y", RECORD_FILE);
const nodeTime = readCommand("date", "+%s");
const removeRecord = changeCommand(["rm", "-f", RECORD_FILE]);
// pmxcfs cannot truncate and write atomically: the record is written whole under a name of its
// own and renamed over the old one, so no reader ever sees half of it.
const draftOf = (runId: string) => `${RECORD_FILE}.tmp.${runId}`;
const writeDraft = (runId: string) => changeCommand(["dd", `of=${draftOf(runId)}`, "status=none"]);
const installDraft = (runId: string) => changeCommand(["mv", "-f", draftOf(runId), RECORD_FILE]);

const missing = (stderr: string) => /No such file or directory/.test(stderr);

/** The record as `node` shows it: absent, or its text, mtime and age. */
async function readOn(shell: RemoteShell, node: string): Promise<{ text: string; mtimeSeconds: number; ageSeconds: number } | null> {
  const content = await runOn(shell, node, readRecord);
  if (content.exitCode !== 0) {
    if (missing(content.stderr)) return null;
    throw commandFailure(node, readRecord, content);
  }
  const mtime = await runOn(shell, node, recordMtime);
  // Released between the two reads.
  if (mtime.exitCode !== 0 && missing(mtime.stderr)) return null;
  const now = await runOn(shell, node, nodeTime);
  const mtimeSeconds = secondsOf(node, recordMtime, mtime);
  // Both clocks are the node's: the admins' hosts may disagree about the time, the node does not.
  return { text: content.stdout, mtimeSeconds, ageSeconds: Math.max(0, secondsOf(node, nodeTime, now) - mtimeSeconds) };
}

function secondsOf(node: string, command: RemoteCommand, result: CommandResult): number {
  const match = result.exitCode === 0 ? /^(\d+)\n?$/.exec(result.stdout) : null;
  if (match) return Number(match[1]);
  throw commandFailure(
    node,
    command,
    result.exitCode === 0 ? { ...result, stderr: `printed ${JSON.stringify(result.stdout)}, not seconds` } : result,
  );
}

/** The lock's state as `node` shows it; a node that cannot be asked throws NodeProblem. */
export async function lockStateOn(shell: RemoteShell, node: string, leaseMs: number): Promise<KnownClusterLockState> {
  const record = await readOn(shell, node);
  if (!record) return { kind: "free", via: node };
  const parsed = parseRecord(record.text);
  if (typeof parsed === "string") return { kind: "unreadable", problem: parsed, via: node };
  // mtime and date are whole seconds: the record is surely older than the lease only beyond one more.
  const stale = (record.ageSeconds - 1) * 1000 > leaseMs;
  const writtenAt = new Date(record.mtimeSeconds * 1000).toISOString();
  return { kind: stale ? "stale" : "live", ...parsed, ageSeconds: record.ageSeconds, writtenAt, via: node };
}

/** Writes the record through `node` (a new one, or the same one again: the refresh), saying where the holder is. */
export async function writeRecordOn(shell: RemoteShell, node: string, holder: ClusterLockHolder, working: ClusterLockWork): Promise<void> {
  for (const [command, stdin] of [
    [writeDraft(holder.runId), `${JSON.stringify({ ...holder, ...working })}\n`],
    [installDraft(holder.runId), undefined],
  ] as const) {
    const result = await runOn(shell, node, command, stdin);
    if (result.exitCode !== 0) throw commandFailure(node, command, result);
  }
}

export async function removeRecordOn(shell: RemoteShell, node: string): Promise<void> {
  const result = await runOn(shell, node, removeRecord);
  if (result.exitCode !== 0) throw commandFailure(node, removeRecord, result);
}

/** The same run: a record a --break-stale-lock and a new run put there since is someone else's. */
export function sameRun(a: ClusterLockHolder, b: ClusterLockHolder): boolean {
  return a.runId === b.runId && a.pid === b.pid && a.host === b.host;
}

/** A run id names the record's draft file: it must stay one plain file name. */
export function isDraftSafe(runId: string): boolean {
  return /^[A-Za-z0-9._-]+$/.test(runId) && runId !== "." && runId !== "..";
}

function parseRecord(text: string): Pick<HeldRecord, "holder" | "working"> | string {
  const value = parseJsonObject(text);
  if (typeof value === "string") return value;
  const record = value;
  const { pid } = record;
  if (typeof pid !== "number" || !Number.isInteger(pid) || pid <= 0) return "it has no valid pid";
  const texts = ["runId", "host", "user", "command", "startedAt", "journalDir", "configFile"] as const;
  const absent = texts.filter((key) => typeof record[key] !== "string" || record[key] === "");
  if (absent.length > 0) return `it lacks ${absent.join(", ")}`;
  // Every one of them was just checked to be a string.
  const holder = { ...(Object.fromEntries(texts.map((key) => [key, record[key]])) as Record<(typeof texts)[number], string>), pid };
  return { holder, working: workingOf(record) };
}

/** `node` and `step`, if the record says where its holder is; what cannot be a node name says nothing. */
function workingOf(record: Record<string, unknown>): ClusterLockWork | null {
  const nameOrNull = (value: unknown) => (value === null || (typeof value === "string" && value !== "") ? value : undefined);
  const node = nameOrNull(record["node"]);
  const step = nameOrNull(record["step"]);
  if (node === undefined) return null;
  return { node, step: node !== null && step !== undefined ? step : null };
}

function who(holder: ClusterLockHolder): string {
  return `PID ${holder.pid} on ${holder.host} (user ${holder.user}) took it for run ${holder.runId} (rollgate ${holder.command}, config ${holder.configFile}) at ${holder.startedAt}`;
}

/** Why the lock stops a run, and what to do about it. */
export function describeClusterLock(state: Exclude<ClusterLockState, { kind: "free" }>, leaseMs: number): string {
  if (state.kind === "unknown") {
    return `the cluster lock cannot be read on any node (${state.problems.map(({ node, problem }) => `${node}: ${problem}`).join("; ")}): whether another run holds it is unknown`;
  }
  if (state.kind === "unreadable") {
    return `the cluster lock ${RECORD_FILE} (read via ${state.via}) exists but is garbled: ${state.problem}. If no rollgate run is going on, check the cluster, then remove it on any node: rm ${RECORD_FILE}`;
  }
  const journal = `\`rollgate status --journal-dir ${state.holder.journalDir}\` on ${state.holder.host}`;
  if (state.kind === "stale") {
    return (
      `the cluster lock is STALE: ${who(state.holder)}, and has not refreshed it for ${state.ageSeconds} s (lease ${formatDuration(leaseMs)}; read via ${state.via}). ` +
      `That run died or lost the cluster, maybe with a node out of service: check ${journal} and the cluster first; ` +
      `only \`rollgate upgrade --break-stale-lock\` removes it`
    );
  }
  return `another run holds the cluster lock: ${who(state.holder)}; refreshed ${state.ageSeconds} s ago (read via ${state.via}). ${journal} shows where it is`;
}
