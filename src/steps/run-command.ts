// `run:` entries of a playbook: a command of the admin's own, on the node (over SSH, through the
// login shell) or locally (with ROLLGATE_NODE set, and without rollgate's secret variables: see
// config/secret-env.ts). Treated as a change: journaled, never run in a dry run. Its effect
// cannot be observed by rollgate, so `unless:` (a command that only checks, as in Puppet's exec)
// decides from live state whether it is still needed; without it, a resumed run skips it only if
// the journal shows it finished on that node.

import { execa } from "execa";
import { withoutSecretEnv } from "../config/secret-env.js";
import { changeCommand, readCommand } from "../transport/remote-command.js";
import { done, toDo, type Step, type StepContext, type TakeDown } from "./contract.js";
import { resumeCommand, StepFailure } from "./failures.js";

export interface RunCommandEntry {
  command: string;
  on: "node" | "local";
  timeoutMs: number | null;
  unless: string | null;
  takesNodeDown: boolean;
}

const humanActionOf = (ctx: StepContext) =>
  `Check the command's output in the journal (\`rollgate status\`), fix the cause, then ${resumeCommand(ctx.upgradesTo)}.`;

interface Outcome {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** A command of the admin's own, run by the local shell with ROLLGATE_NODE set and rollgate's secret variables left out. */
export async function runLocally(ctx: StepContext, command: string, timeout: number): Promise<Outcome> {
  // execa adds process.env to `env` unless told not to: the token's variable would come along.
  const env = { ...withoutSecretEnv(process.env, ctx.config), ...(ctx.node ? { ROLLGATE_NODE: ctx.node } : {}) };
  const result = await execa(command, { shell: true, reject: false, timeout, env, extendEnv: false });
  return { exitCode: result.exitCode ?? null, stdout: result.stdout, stderr: result.stderr, timedOut: result.timedOut };
}

async function runIt(ctx: StepContext, entry: RunCommandEntry, command: string, checkOnly: boolean, stream: boolean): Promise<Outcome> {
  const timeout = entry.timeoutMs ?? ctx.config.ssh.commandTimeout;
  if (entry.on === "local") return runLocally(ctx, command, timeout);
  if (ctx.node === null) throw new StepFailure(`\`${command}\` needs a node (use on: local in preflight and finally)`, humanActionOf(ctx));
  const argv = ["sh", "-c", command];
  const remote = checkOnly ? readCommand(...argv) : changeCommand(argv);
  const result = await ctx.shell.run(ctx.node, remote, {
    timeoutMs: timeout,
    ...(stream ? { onOutput: (text, s) => ctx.output(s, text) } : {}),
  });
  return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr, timedOut: false };
}

const where = (ctx: StepContext, entry: RunCommandEntry) => (entry.on === "local" ? "locally" : `on ${ctx.node ?? "(no node)"}`);

export function runCommandStep(entry: RunCommandEntry): Step<null> {
  const takesNodeDown: TakeDown | null = entry.takesNodeDown ? "stop" : null;
  return {
    title: `run: ${entry.command}`,
    needs: [],
    takesNodeDown,
    async satisfied(ctx) {
      if (entry.unless !== null && !ctx.simulation) {
        const check = await runIt(ctx, entry, entry.unless, true, false);
        if (check.exitCode === 0) return done(`\`${entry.unless}\` succeeded ${where(ctx, entry)}: not needed`);
      }
      if (entry.unless === null && ctx.node !== null && ctx.facts.completedEntries.get(ctx.node)?.has(ctx.entry)) {
        return done(
          `finished on ${ctx.node} before the interruption (the journal says so; an \`unless:\` check would decide from the node itself)`,
        );
      }
      return toDo(null);
    },
    describe: (ctx) => [`run ${where(ctx, entry)}: ${entry.command}${entry.unless ? ` (unless \`${entry.unless}\` succeeds)` : ""}`],
    async act(ctx) {
      await ctx.action("run", { command: entry.command, on: entry.on, node: ctx.node }, async () => {
        const result = await runIt(ctx, entry, entry.command, false, true);
        if (entry.on === "local") {
          if (result.stdout) ctx.output("stdout", `${result.stdout}\n`);
          if (result.stderr) ctx.output("stderr", `${result.stderr}\n`);
        }
        if (result.exitCode !== 0) {
          const said = result.stderr.trim().split("\n").slice(-2).join(" / ");
          const how = result.timedOut ? "timed out" : `exited ${result.exitCode}`;
          throw new StepFailure(
            `\`${entry.command}\` ${entry.on === "local" ? "(local)" : `on ${ctx.node}`} ${how}${said ? `: ${said}` : ""}`,
            humanActionOf(ctx),
          );
        }
      });
    },
    verify: async (ctx) => `\`${entry.command}\` succeeded ${where(ctx, entry)}`,
    simulate: () => {},
  };
}
