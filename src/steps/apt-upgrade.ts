// apt-upgrade: `apt-get update`, then a non-interactive dist-upgrade that keeps the admin's
// configuration files (the documented PVE way: there is no dist-upgrade API;
// docs/domain/proxmox-api.md, "Upgrades"). Output goes to the journal. A failure stops the run; a
// dropped connection may have left dpkg half-configured.

import type { NodePackages, PendingPackage } from "../observe/state.js";
import { changeCommand, commandLine, type RemoteCommand } from "../transport/remote-command.js";
import { RemoteError } from "../transport/ssh.js";
import { done, targetOf, toDo, type Step, type StepContext } from "./contract.js";
import { resumeCommand, StepFailure } from "./failures.js";

const update = changeCommand(["apt-get", "update"]);
const distUpgrade = changeCommand(
  ["apt-get", "-y", "-o", "Dpkg::Options::=--force-confdef", "-o", "Dpkg::Options::=--force-confold", "dist-upgrade"],
  { DEBIAN_FRONTEND: "noninteractive" },
);
/** The refresh and the noninteractive dist-upgrade keeping the admin's conffiles: the minor and the major upgrade send the same. */
export const aptCommands: Array<{ name: string; command: RemoteCommand }> = [
  { name: "apt-get update", command: update },
  { name: "apt-get dist-upgrade", command: distUpgrade },
];

/** The node's PVE version and what apt would install now, read live; a node that cannot tell stops the step. */
export async function packagesOf(ctx: StepContext, node: string): Promise<NodePackages> {
  const state = await ctx.observe(["packages"], { nodes: [node] });
  const seen = state.packages?.[node];
  if (!seen?.ok)
    throw new StepFailure(
      `cannot tell which PVE ${node} runs or what it would install: ${seen?.ok === false ? seen.error : "not read"}`,
      `Run \`pveversion\` and \`apt-get -s dist-upgrade\` on ${node} to see why, fix it, then ${resumeCommand(ctx.upgradesTo)}.`,
    );
  return seen.value;
}

export async function runApt(ctx: StepContext, node: string, name: string, command: RemoteCommand): Promise<void> {
  const humanAction = `On ${node}: read the apt output in the journal (\`rollgate status\`), repair (\`dpkg --configure -a\`, \`apt-get -f install\`), then ${resumeCommand(ctx.upgradesTo)}. ${node} stays in maintenance with its guests elsewhere.`;
  await ctx.action(name, { node }, async () => {
    try {
      const result = await ctx.shell.run(node, command, {
        timeoutMs: ctx.config.timeouts.apt,
        onOutput: (text, stream) => ctx.output(stream, text),
      });
      if (result.exitCode !== 0) {
        const last = (result.stderr.trim() || result.stdout.trim()).split("\n").slice(-3).join(" / ");
        throw new StepFailure(`${name} on ${node} exited ${result.exitCode}: ${last}`, humanAction);
      }
    } catch (error) {
      if (error instanceof RemoteError)
        throw new StepFailure(`${name} on ${node}: ${error.message}; dpkg may be half-configured`, humanAction);
      throw error;
    }
  });
}

export const aptUpgrade: Step<PendingPackage[]> = {
  title: "apt-get update and dist-upgrade (non-interactive, keep old conffiles)",
  needs: ["packages"],
  takesNodeDown: "drain",
  async satisfied(ctx) {
    const node = targetOf(ctx);
    const pending = (await packagesOf(ctx, node)).pending;
    return pending.length === 0 ? done(`no packages pending on ${node}`) : toDo(pending);
  },
  describe(ctx, pending) {
    const node = targetOf(ctx);
    const what = `${pending.length} packages pending now (${pending.map((p) => p.name).join(", ")})`;
    return aptCommands.map(({ command }, i) => `${commandLine(command)} on ${node}${i === aptCommands.length - 1 ? `: ${what}` : ""}`);
  },
  async act(ctx) {
    const node = targetOf(ctx);
    for (const { name, command } of aptCommands) await runApt(ctx, node, name, command);
  },
  async verify(ctx, before) {
    const node = targetOf(ctx);
    const after = (await packagesOf(ctx, node)).pending;
    if (after.length > 0)
      return `upgraded ${before.length - after.length} packages; still pending (held back?): ${after.map((p) => p.name).join(", ")}`;
    return `${before.length} packages upgraded`;
  },
  simulate(ctx) {
    ctx.simulation?.installPackages(targetOf(ctx));
  },
};
