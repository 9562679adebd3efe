// Runs the real CLI the way a shell does: `node bin/rollgate …` as a child process with its own
// pipes or pty, signals and exit code, for what only a real process shows (a pipe closed under
// it, a hangup). bin/rollgate runs dist/, so the build is refreshed first when a source is newer.

import { execFile, spawn, spawnSync, type ChildProcessByStdio } from "node:child_process";
import { readdir, readFile, stat } from "node:fs/promises";
import { constants } from "node:os";
import path from "node:path";
import type { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const root = fileURLToPath(new URL("../..", import.meta.url));
const bin = path.join(root, "bin", "rollgate");
/** tsc writes every output on each build, so this one's time is the time of the last build. */
const builtMarker = path.join(root, "dist", "cli", "main.js");

/** The newest change under `dir`; directories count too (deleting a file changes its directory). */
async function newestChange(dir: string): Promise<number> {
  const entries = await readdir(dir, { withFileTypes: true });
  const times = await Promise.all(
    entries.map((e) => (e.isDirectory() ? newestChange(path.join(dir, e.name)) : stat(path.join(dir, e.name)).then((s) => s.mtimeMs))),
  );
  return Math.max((await stat(dir)).mtimeMs, ...times);
}

let build: Promise<void> | null = null;

/** Rebuilds dist/ (what `npx tsc -p tsconfig.json` runs) unless it is newer than every source; once per test file. */
export function ensureBuilt(): Promise<void> {
  build ??= (async () => {
    const builtAt = await stat(builtMarker).then(
      (s) => s.mtimeMs,
      () => 0,
    );
    if ((await newestChange(path.join(root, "src"))) < builtAt) return;
    const tsc = path.join(root, "node_modules", "typescript", "bin", "tsc");
    try {
      await promisify(execFile)(process.execPath, [tsc, "-p", "tsconfig.json"], { cwd: root });
    } catch (error) {
      // A build that does not typecheck is no build to test.
      const { stdout, message } = error as { stdout?: string; message: string };
      throw new Error(`the build failed, so the CLI cannot be tested:\n${stdout || message}`);
    }
  })();
  return build;
}

export interface ChildCli {
  /** The child process: rollgate, or on a pty the `script` holding the pty's master. */
  process: ChildProcessByStdio<null, Readable, Readable>;
  stdout(): string;
  stderr(): string;
  /** Resolves once stdout has shown `count` lines. */
  lines(count: number): Promise<void>;
  /** rollgate's exit code as a shell reports it: 128 + the signal's number when a signal ended it. */
  exitCode: Promise<number>;
}

/** Starts `rollgate <args>` with stdin from /dev/null (as cron does) and stdout and stderr piped to the test. */
export function spawnCli(args: string[]): ChildCli {
  const child = spawn(process.execPath, [bin, ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  const exitCode = new Promise<number>((resolve) => child.on("exit", (code, signal) => resolve(code ?? 128 + constants.signals[signal!])));
  return watch(child, exitCode);
}

/** util-linux `script` runs a command on a pty of its own, as sshd does for a login. */
export const ptyAvailable = spawnSync("script", ["--version"]).status === 0;

const shellQuoted = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

/**
 * Starts `rollgate <args>` on a 120x40 pty of its own under `script`, whose process holds the
 * pty's master: killing it makes the terminal vanish under rollgate (which gets SIGHUP and EIO).
 * rollgate outlives it, so a shell that ignores the hangup writes its exit code to `exitCodeFile`.
 */
export function spawnCliOnPty(args: string[], exitCodeFile: string): ChildCli {
  const command = `stty cols 120 rows 40; trap '' HUP; ${[process.execPath, bin, ...args].map(shellQuoted).join(" ")}; echo $? > ${shellQuoted(exitCodeFile)}`;
  const child = spawn("script", ["-qfec", command, "/dev/null"], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  const exitCode = (async () => {
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 50))) {
      const text = await readFile(exitCodeFile, "utf8").catch(() => "");
      if (text.endsWith("\n")) return Number(text);
    }
    throw new Error(`rollgate wrote no exit code to ${exitCodeFile} within 60 s`);
  })();
  return watch(child, exitCode);
}

function watch(child: ChildProcessByStdio<null, Readable, Readable>, exitCode: Promise<number>): ChildCli {
  let out = "";
  let err = "";
  const waiting = new Set<() => void>();
  child.stdout.on("data", (chunk: Buffer) => {
    out += chunk.toString();
    for (const check of waiting) check();
  });
  child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  return {
    process: child,
    stdout: () => out,
    stderr: () => err,
    lines: (count) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (out.split("\n").length <= count) return;
          waiting.delete(check);
          resolve();
        };
        waiting.add(check);
        check();
        void exited.then(() => {
          if (waiting.delete(check))
            reject(new Error(`rollgate ended after ${out.split("\n").length - 1} lines, before ${count}:\n${out}\n${err}`));
        });
      }),
    exitCode,
  };
}

/** Ends a child that is still running (SIGKILL) and waits for it, so a test leaves no process behind. */
export async function stopChild(cli: ChildCli): Promise<void> {
  if (cli.process.exitCode === null && cli.process.signalCode === null) cli.process.kill("SIGKILL");
  await cli.exitCode;
}
