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
