// Talking to pmxcfs (/etc/pve) on one node for the cluster lock: running a command there, and the
// guard, a pmxcfs lock directory held only for the few round trips of a read-modify-write of the
// lock record, taken the way PVE's own cfs_lock takes its locks (docs/domain/pmxcfs-locks.md).

import { formatDuration } from "../config/duration.js";
import { systemClock } from "../transport/clock.js";
import { changeCommand, commandLine, type CommandResult, type RemoteCommand, type RemoteShell } from "../transport/remote-command.js";
import { RemoteError } from "../transport/ssh.js";

const GUARD_DIR = "/etc/pve/priv/lock/rollgate";

const takeGuard = changeCommand(["mkdir", GUARD_DIR]);
// The unlock request; `-c` because once the guard is gone a plain touch would create a file of
// that name, and no mkdir could take the guard again until someone removed it by hand.
const unlockRequest = changeCommand(["touch", "-c", "-d", "@0", GUARD_DIR]);
const dropGuard = changeCommand(["rmdir", GUARD_DIR]);

/** Each command under the guard gets this long, so that a handful of them fit in pmxcfs's 120 s. */
const commandTimeoutMs = 15_000;
/** pmxcfs's CFS_LOCK_TIMEOUT: a guard left behind is removable this long after it was taken. */
const guardExpiryMs = 120_000;

/** A node that could not do its part: unreachable, refusing writes, or failing a command. */
export class NodeProblem extends Error {
  constructor(
    readonly node: string,
    readonly problem: string,
  ) {
    super(`${node}: ${problem}`);
  }
}

/** The guard stayed taken for the whole wait: who holds it is unknown, so the answer is no. */
export class GuardTimeout extends Error {}

/** Runs a lock command on `node`; a node that cannot be asked becomes a NodeProblem. */
export async function runOn(shell: RemoteShell, node: string, command: RemoteCommand, stdin?: string): Promise<CommandResult> {
  try {
    return await shell.run(node, command, { timeoutMs: commandTimeoutMs, ...(stdin !== undefined && { stdin }) });
  } catch (error) {
    if (!(error instanceof RemoteError)) throw error;
    const prefix = `${node}: `;
    throw new NodeProblem(node, error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message);
  }
}

/** Why a command failed, as a NodeProblem that says what it means for the lock. */
export function commandFailure(node: string, command: RemoteCommand, result: CommandResult): NodeProblem {
  const said = result.stderr.trim() || `exit ${result.exitCode ?? result.signal}`;
  if (!/Permission denied/.test(result.stderr)) return new NodeProblem(node, `\`${commandLine(command)}\` failed: ${said}`);
  const why = command.mutates
    ? "pmxcfs takes no writes on a node outside the quorate partition (and /etc/pve/priv is root's only: ssh.user must be root)"
    : "/etc/pve/priv is readable by root only: ssh.user must be root";
  return new NodeProblem(node, `${said}: ${why}`);
}

export interface GuardOptions {
  shell: RemoteShell;
  node: string;
  /** How long to wait for a guard someone else holds (timeouts.lockLease). */
  waitMs: number;
  onProgress?: ((message: string) => void) | undefined;
}

/** Runs `work` while holding the guard, taken through `node`; the guard is dropped afterwards. */
export async function withGuard<T>(options: GuardOptions, work: () => Promise<T>): Promise<T> {
  await takeGuardOn(options);
  try {
    return await work();
  } finally {
    await dropGuardOn(options);
  }
}

async function takeGuardOn({ shell, node, waitMs, onProgress }: GuardOptions): Promise<void> {
  const started = Date.now();
  let reportedAt: number | null = null;
  for (;;) {
    const result = await runOn(shell, node, takeGuard);
    if (result.exitCode === 0) return;
    if (!/File exists/.test(result.stderr)) throw commandFailure(node, takeGuard, result);
    const waited = Date.now() - started;
    if (waited >= waitMs) {
      const short =
        waitMs < guardExpiryMs
          ? `; with a lease shorter than ${formatDuration(guardExpiryMs)}, a guard left by a killed run can outlast the wait: try again`
          : "";
      throw new GuardTimeout(
        `${GUARD_DIR} stayed taken for ${formatDuration(waitMs)} (timeouts.lockLease): pmxcfs lets a guard go ${formatDuration(guardExpiryMs)} after its last change, so something keeps taking it, or pmxcfs cannot act on the unlock request (no quorum?)${short}`,
      );
    }
    if (reportedAt === null || waited - reportedAt >= 10_000) {
      reportedAt = waited;
      onProgress?.(
        `waiting for ${GUARD_DIR} (${formatDuration(waited)} of at most ${formatDuration(waitMs)}): another rollgate is changing the cluster lock, or one was killed while doing so and pmxcfs lets its guard go ${formatDuration(guardExpiryMs)} after it was taken`,
      );
    }
    // What the request answers tells nothing (it fails while the guard is young, and may find it
    // gone): the next mkdir is the answer, as in PVE's cfs_lock.
    await runOn(shell, node, unlockRequest);
    await systemClock.sleep(100 + Math.random() * 100);
  }
}

async function dropGuardOn({ shell, node, onProgress }: GuardOptions): Promise<void> {
  const left = `pmxcfs lets it go ${formatDuration(guardExpiryMs)} after it was taken, and rollgate waits for that`;
  try {
    const result = await runOn(shell, node, dropGuard);
    if (result.exitCode !== 0) onProgress?.(`could not remove ${GUARD_DIR}: ${commandFailure(node, dropGuard, result).message}; ${left}`);
  } catch (error) {
    if (!(error instanceof NodeProblem)) throw error;
    onProgress?.(`could not remove ${GUARD_DIR}: ${error.message}; ${left}`);
  }
}
