// What a command may touch of its process: streams, terminal, environment, signals. Passed in,
// so tests run the real CLI in-process and read exactly what a user would see.

import { closeSync } from "node:fs";
import { isatty } from "node:tty";
import { guardOutput, type GuardedOutput } from "./guarded-output.js";

/** Where a command writes: a terminal, a pipe, a file (a buffer in tests). */
export interface Output {
  write(text: string, callback?: () => void): boolean;
  readonly isTTY?: boolean;
  readonly columns?: number;
  readonly rows?: number;
  /** Set once nothing more can be shown there (see guarded-output.ts): why, as an error code. */
  readonly lost?: string | null;
}

/** Why a command is asked to stop: a signal, or an error nobody caught (see last-resort.ts). */
export type StopReason = NodeJS.Signals | "internal error";

export interface CliIo {
  stdout: Output;
  stderr: Output;
  stdinIsTTY: boolean;
  env: NodeJS.ProcessEnv;
  /**
   * Calls `handler` when the process is asked to stop (SIGINT, SIGTERM), loses its terminal
   * (SIGHUP) or hits an error nobody caught; while any handler is set, none of these ends the
   * process by itself. Tests trigger it themselves.
   */
  onSignal(handler: (reason: StopReason) => void): () => void;
  /** Reads one answer from the terminal (interactive confirmation). */
  prompt(question: string): Promise<string>;
}

const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
const stopHandlers = new Set<(reason: StopReason) => void>();

function stopRequested(reason: StopReason): void {
  for (const handler of [...stopHandlers]) handler(reason);
}

/**
 * Hands an error nobody caught to the command that takes stop requests (an upgrade stops at its
 * next safe point); false when no command does.
 */
export function stopForInternalError(): boolean {
  if (stopHandlers.size === 0) return false;
  stopRequested("internal error");
  return true;
}

let processOutputs: { stdout: GuardedOutput; stderr: GuardedOutput } | null = null;

/** process.stdout and process.stderr, guarded once for the whole process (one 'error' listener each). */
export function processOutput(): { stdout: GuardedOutput; stderr: GuardedOutput } {
  if (processOutputs === null) {
    const stderr = guardOutput(process.stderr, () => {});
    const stdout = guardOutput(process.stdout, (reason) =>
      println(stderr, `rollgate: stdout closed (${reason}): nothing more is shown there; rollgate carries on to the end`),
    );
    processOutputs = { stdout, stderr };
    closeHungUpTerminalsAtExit();
  }
  return processOutputs;
}

/**
 * At exit, Node resets each descriptor that was a terminal at start to the settings it had then,
 * and Node 20 aborts (SIGABRT, exit 134) when that fails because the terminal has hung up
 * (tcsetattr: EIO; nodejs/node#51519, the check removed after Node 20 by nodejs/node#58200). It
 * skips a closed descriptor, and a hung-up terminal no longer passes isatty: so at exit, when
 * nothing more is written, those are closed, and a run that outlived its terminal exits with
 * its own code.
 */
function closeHungUpTerminalsAtExit(): void {
  const terminals = [0, 1, 2].filter((fd) => isatty(fd));
  process.on("exit", () => {
    for (const fd of terminals) {
      if (isatty(fd)) continue;
      try {
        closeSync(fd);
      } catch {
        // Already closed: as wanted.
      }
    }
  });
}

export function processIo(): CliIo {
  const { stdout, stderr } = processOutput();
  return {
    stdout,
    stderr,
    stdinIsTTY: Boolean(process.stdin.isTTY),
    env: process.env,
    onSignal(handler) {
      if (stopHandlers.size === 0) for (const signal of SIGNALS) process.on(signal, stopRequested);
      stopHandlers.add(handler);
      return () => {
        stopHandlers.delete(handler);
        if (stopHandlers.size === 0) for (const signal of SIGNALS) process.off(signal, stopRequested);
      };
    },
    async prompt(question) {
      const { createInterface } = await import("node:readline/promises");
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return await rl.question(question);
      } finally {
        rl.close();
      }
    },
  };
}

export function println(stream: Output, text = ""): void {
  stream.write(`${text}\n`);
}

/** Resolves once everything written so far has been handed to the stream's destination. */
export function flushed(stream: Output): Promise<void> {
  return new Promise((resolve) => stream.write("", () => resolve()));
}
