// apt-upgrade: `apt-get update`, then a non-interactive dist-upgrade that keeps the admin's
// configuration files (the documented PVE way: there is no dist-upgrade API). Output goes to the
// journal. A failure stops the run; a dropped connection may have left dpkg half-configured.

import { readPackages } from "../observe/nodes.js";
import { changeCommand, type RemoteCommand } from "../transport/remote-command.js";
import { RemoteError } from "../transport/ssh.js";
import { observeContextOf, targetOf, type Step, type StepContext } from "../run/context.js";
import { StepFailure } from "../run/failures.js";

const update = changeCommand(["apt-get", "update"]);
const distUpgrade = changeCommand(
  ["apt-get", "-y", "-o", "Dpkg::Options::=--force-confdef", "-o", "Dpkg::Options::=--force-confold", "dist-upgrade"],
  { DEBIAN_FRONTEND: "noninteractive" },
);

async function runApt(ctx: StepContext, node: string, name: string, command: RemoteCommand): Promise<void> {
  const humanAction = `On ${node}: read the apt output in the journal (\`rollgate status\`), repair (\`dpkg --configure -a\`, \`apt-get -f install\`), then \`rollgate upgrade --resume\`. ${node} stays in maintenance with its guests elsewhere.`;
  await ctx.action(name, { node }, async () => {
    try {
      const result = await ctx.shell.run(node, command, { timeoutMs: ctx.config.timeouts.apt, onOutput: (text, stream) => ctx.output(stream, text) });
      if (result.exitCode !== 0) {
        const last = (result.stderr.trim() || result.stdout.trim()).split("\n").slice(-3).join(" / ");
        throw new StepFailure(`${name} on ${node} exited ${result.exitCode}: ${last}`, humanAction);
      }
    } catch (error) {
      if (error instanceof RemoteError) {
        throw new StepFailure(`${name} on ${node}: ${error.message}; dpkg may be half-configured`, humanAction);
      }
      throw error;
    }
  });
}

export const aptUpgrade: Step = {
  async describe(ctx) {
    const node = targetOf(ctx);
    const packages = await readPackages(observeContextOf(ctx), node);
    const what = packages.ok ? `${packages.value.pending.length} packages pending now (${packages.value.pending.map((p) => p.name).join(", ") || "none"})` : `pending packages unknown (${packages.error})`;
    return [`apt-get update on ${node}`, `DEBIAN_FRONTEND=noninteractive apt-get -y -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold dist-upgrade on ${node}: ${what}`];
  },
  async execute(ctx) {
    const node = targetOf(ctx);
    await runApt(ctx, node, "apt-get update", update);
    await runApt(ctx, node, "apt-get dist-upgrade", distUpgrade);
    const after = await readPackages(observeContextOf(ctx), node);
    if (after.ok && after.value.pending.length > 0) {
      return { status: "ok", message: `upgraded; still pending (held back?): ${after.value.pending.map((p) => p.name).join(", ")}` };
    }
    return { status: "ok", message: "packages upgraded" };
  },
};
