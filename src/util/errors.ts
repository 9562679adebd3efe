// One error type per kind of failure the user must act on, each mapped to its exit code here and only here.

export const ExitCode = {
  ok: 0,
  internal: 1,
  usage: 2,
  refused: 3,
  nodeOutOfService: 4,
  locked: 5,
  interrupted: 6,
  outsideWindow: 7,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** What each exit code means: README's table and `--help` are this text (a test holds README to it). */
export const exitCodeMeanings: Record<ExitCode, string> = {
  0: "done, or nothing to do",
  1: "internal error (a bug: report it)",
  2: "usage or configuration error (flags, cluster.yaml, playbook, SSH key, API token); nothing was touched",
  3: "stopped while every node was in service: a gate refused, or a migration failed before its node was taken out of service (guests already moved stay where they are)",
  4: "a node is out of service (maintenance, guests shut down, upgrading, rebooting, not re-verified), left so by this run or found so from an earlier one: a human must look; `rollgate status` says where",
  5: "another run holds the lock (here, or on the cluster: from any host)",
  6: "interrupted by a signal; the journal says where; `upgrade --resume` continues",
  7: "outside the maintenance window; no (further) node started",
};

export abstract class RollgateError extends Error {
  abstract readonly exitCode: ExitCode;
}

/** Bad flags or a bad cluster.yaml / playbook: nothing was touched. */
export class UsageError extends RollgateError {
  readonly exitCode = ExitCode.usage;
}

/** A position in a YAML source file, 1-based. */
export interface SourcePosition {
  file: string;
  line: number;
  col: number;
}

/** A configuration error: `cluster.yaml:14:5: critical[0].vms[1]: expected an integer VM id`. */
export class ConfigError extends UsageError {
  constructor(
    readonly position: SourcePosition | null,
    readonly keyPath: string,
    readonly problem: string,
  ) {
    const where = position ? `${position.file}:${position.line}:${position.col}: ` : "";
    super(`${where}${keyPath ? `${keyPath}: ` : ""}${problem}`);
  }
}

/** A gate refused while every node was in service. */
export class RefusalError extends RollgateError {
  readonly exitCode = ExitCode.refused;
}

/** A run stopped with a node out of service: a human must look. */
export class NodeOutOfServiceError extends RollgateError {
  readonly exitCode = ExitCode.nodeOutOfService;
}

export class LockedError extends RollgateError {
  readonly exitCode = ExitCode.locked;
}

export class InterruptedError extends RollgateError {
  readonly exitCode = ExitCode.interrupted;
}

export class OutsideWindowError extends RollgateError {
  readonly exitCode = ExitCode.outsideWindow;
}

export function exitCodeOf(error: unknown): ExitCode {
  return error instanceof RollgateError ? error.exitCode : ExitCode.internal;
}
