import type { LabCluster } from "../model/cluster.js";

/** Where a lab command writes: stdout honours backpressure so huge outputs stream. */
export interface CommandOutput {
  stdout(chunk: string): Promise<void>;
  stderr(chunk: string): void;
}

export interface CommandContext {
  cluster: LabCluster;
  /** The node the command runs on. */
  node: string;
  /** Recorded with every mutation, e.g. `ssh pve1`. */
  source: string;
  /** The environment beyond the login's: what the SSH client sent, then the line's `NAME=value` prefixes. */
  env: Record<string, string>;
  out: CommandOutput;
  /** Everything the client sent on the channel, once it sent EOF (rejects if the channel closes first). */
  stdin(): Promise<string>;
  /** Aborted when the client closes the channel or the connection drops. */
  signal: AbortSignal;
  /** Cuts the SSH connection (fault injection), without an exit status. */
  dropConnection(): void;
}

/** A lab command: writes its output and resolves to its exit code. */
export type LabCommand = (ctx: CommandContext, args: string[]) => Promise<number>;

/** Writes lines, each ended by a newline, to stdout. */
export async function printLines(ctx: CommandContext, lines: Iterable<string>): Promise<void> {
  for (const line of lines) await ctx.out.stdout(`${line}\n`);
}

/** Waits `modelMs` of model time, or rejects when the channel is closed. */
export function modelDelay(ctx: CommandContext, modelMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    if (ctx.signal.aborted) return reject(new Error("channel closed"));
    const onAbort = () => reject(new Error("channel closed"));
    ctx.signal.addEventListener("abort", onAbort, { once: true });
    ctx.cluster.clock.after(modelMs, () => {
      ctx.signal.removeEventListener("abort", onAbort);
      resolve();
    });
  });
}
