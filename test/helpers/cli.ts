// Runs the real CLI in-process with captured output, as a user would see it.

import { PassThrough } from "node:stream";
import { main } from "../../src/cli/main.js";
import type { CliIo } from "../../src/cli/io.js";

export interface CliRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: NodeJS.ProcessEnv;
  stdinIsTTY?: boolean;
  /** Answers to confirmation prompts, in order. */
  answers?: string[];
  /** Called with a function that delivers SIGINT to the running command. */
  onStart?: (signal: (name: NodeJS.Signals) => void) => void;
}

export async function runCli(args: string[], options: CliOptions = {}): Promise<CliRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (d: Buffer) => (out += d.toString()));
  stderr.on("data", (d: Buffer) => (err += d.toString()));
  const handlers = new Set<(signal: NodeJS.Signals) => void>();
  const answers = [...(options.answers ?? [])];
  const io: CliIo = {
    stdout,
    stderr,
    stdinIsTTY: options.stdinIsTTY ?? false,
    env: { ...options.env },
    onSignal(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    async prompt(question) {
      err += question;
      return answers.shift() ?? "";
    },
  };
  options.onStart?.((name) => {
    for (const handler of handlers) handler(name);
  });
  const exitCode = await main(["node", "rollgate", ...args], io);
  return { exitCode, stdout: out, stderr: err };
}
