// Commands rollgate runs on nodes. Each says whether it changes anything, so a read-only shell
// (plan, --dry-run, check) can refuse a mutation by construction instead of by convention.

export interface RemoteCommand {
  argv: readonly string[];
  env?: Readonly<Record<string, string>>;
  mutates: boolean;
}

export const readCommand = (...argv: string[]): RemoteCommand => ({ argv, mutates: false });
export const changeCommand = (argv: string[], env?: Record<string, string>): RemoteCommand => ({
  argv,
  mutates: true,
  ...(env ? { env } : {}),
});

const safeWord = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Quotes one word for a POSIX shell: the remote side always runs commands through the login shell. */
export function shellQuote(word: string): string {
  if (word !== "" && safeWord.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The command as messages show it. */
export function commandLine(command: RemoteCommand): string {
  const env = Object.entries(command.env ?? {}).map(([k, v]) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new Error(`invalid environment variable name ${JSON.stringify(k)}`);
    return `${k}=${shellQuote(v)}`;
  });
  return [...env, ...command.argv.map(shellQuote)].join(" ");
}

/**
 * The command as sent: in the C locale, so apt, pvecm and ping print the English texts the
 * parsers read, whatever locale the node's shell has.
 */
export function wireLine(command: RemoteCommand): string {
  return `LC_ALL=C ${commandLine(command)}`;
}

export interface CommandResult {
  /** Null when the command ended without an exit status (killed by a signal). */
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  timeoutMs?: number;
  /** Stop reading and fail beyond this many bytes of stdout (protects memory from runaway output). */
  maxStdoutBytes?: number;
  /** Receives output lines as they arrive (for the live view and the journal). */
  onOutput?: (chunk: string, stream: "stdout" | "stderr") => void;
  /** Sent to the command's stdin, followed by EOF; without it stdin stays open and empty. */
  stdin?: string;
}

export interface StreamedCommand {
  /** stdout as it arrives; consume it fully (or break out) before awaiting `done`. */
  stdout: AsyncIterable<Buffer>;
  done: Promise<Omit<CommandResult, "stdout">>;
}

/** Commands over SSH, one pooled connection per node. */
export interface RemoteShell {
  run(node: string, command: RemoteCommand, options?: RunOptions): Promise<CommandResult>;
  stream(node: string, command: RemoteCommand, options?: Omit<RunOptions, "maxStdoutBytes">): StreamedCommand;
  close(): Promise<void>;
}

export class MutationInReadOnlyMode extends Error {
  constructor(what: string) {
    super(`programming error: ${what} attempted in read-only mode (plan, check or --dry-run)`);
  }
}

/** A shell that can only observe: any mutating command throws before anything is sent. */
export function readOnlyShell(shell: RemoteShell): RemoteShell {
  const guard = (command: RemoteCommand) => {
    if (command.mutates) throw new MutationInReadOnlyMode(`\`${commandLine(command)}\``);
  };
  return {
    run: (node, command, options) => {
      guard(command);
      return shell.run(node, command, options);
    },
    stream: (node, command, options) => {
      guard(command);
      return shell.stream(node, command, options);
    },
    close: () => shell.close(),
  };
}
