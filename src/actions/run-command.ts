// `run:` entries of a playbook: a command of the admin's own, on the node (over SSH, through the
// login shell) or locally (with ROLLGATE_NODE set). Treated as a change: journaled, never run in a dry run.

import { execa } from "execa";
import { changeCommand } from "../transport/remote-command.js";
import type { Step, StepContext } from "../run/context.js";
import { StepFailure } from "../run/failures.js";

export function runCommandStep(command: string, on: "node" | "local", timeoutMs: number | null): Step {
  const where = (ctx: StepContext) => (on === "local" ? "locally" : `on ${ctx.node ?? "(no node)"}`);
  return {
    describe: async (ctx) => [`run ${where(ctx)}: ${command}`],
    async execute(ctx) {
      const timeout = timeoutMs ?? ctx.config.ssh.commandTimeout;
      const humanAction = `Check the command's output in the journal (\`rollgate status\`), fix the cause, then \`rollgate upgrade --resume\`.`;
      return ctx.action("run", { command, on, node: ctx.node }, async () => {
        if (on === "local") {
          const result = await execa(command, { shell: true, reject: false, timeout, env: ctx.node ? { ROLLGATE_NODE: ctx.node } : {} });
          if (result.stdout) ctx.output("stdout", `${result.stdout}\n`);
          if (result.stderr) ctx.output("stderr", `${result.stderr}\n`);
          if (result.exitCode !== 0) throw new StepFailure(`\`${command}\` (local) failed: ${result.timedOut ? "timed out" : `exit ${result.exitCode}`}`, humanAction);
          return { status: "ok" as const, message: `\`${command}\` succeeded` };
        }
        if (ctx.node === null) throw new StepFailure(`\`${command}\` needs a node (use on: local in preflight and finally)`, humanAction);
        const result = await ctx.shell.run(ctx.node, changeCommand(["sh", "-c", command]), { timeoutMs: timeout, onOutput: (text, stream) => ctx.output(stream, text) });
        if (result.exitCode !== 0) throw new StepFailure(`\`${command}\` on ${ctx.node} exited ${result.exitCode}: ${result.stderr.trim().split("\n").slice(-2).join(" / ")}`, humanAction);
        return { status: "ok" as const, message: `\`${command}\` succeeded on ${ctx.node}` };
      });
    },
  };
}
