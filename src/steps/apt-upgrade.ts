// apt-upgrade: `apt-get update`, then a non-interactive dist-upgrade that keeps the admin's
// configuration files (the documented PVE way: there is no dist-upgrade API;
// docs/domain/proxmox-api.md, "Upgrades"). Output goes to the journal. A failure stops the run; a
// dropped connection may have left dpkg half-configured.

import type { NodePackages, PendingPackage } from "../observe/state.js";
import { pinnedPending } from "../plan/plan.js";
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

export async function runApt(
  ctx: StepContext,
  node: string,
  name: string,
  command: RemoteCommand,
  detail: Record<string, unknown> = {},
): Promise<void> {
  const humanAction = `On ${node}: read the apt output in the journal (\`rollgate status\`), repair (\`dpkg --configure -a\`, \`apt-get -f install\`), then ${resumeCommand(ctx.upgradesTo)}. ${node} stays in maintenance with its guests elsewhere.`;
  await ctx.action(name, { node, ...detail }, async () => {
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

/** `apt-get install NAME=VERSION…` with the dist-upgrade's options: the first node's versions, nothing newer. */
export function pinnedInstall(versions: Record<string, string>): RemoteCommand {
  const [, ...options] = distUpgrade.argv.slice(0, -1);
  return changeCommand(
    ["apt-get", ...options, "install", ...Object.entries(versions).map(([name, version]) => `${name}=${version}`)],
    distUpgrade.env,
  );
}

/** The action name a dist-upgrade is journaled as: a resumed run reads the first node's versions from it. */
export const DIST_UPGRADE = "apt-get dist-upgrade";

/**
 * What the node is to install: everything pending, or with upgrade.sameVersions after the first
 * node, the first node's versions of the packages pending here (the rest is held back).
 */
interface AptPlan {
  pending: PendingPackage[];
  pins: Record<string, string> | null;
}

const pinsOf = (ctx: StepContext, pending: PendingPackage[]) => {
  const pins = ctx.config.upgrade.sameVersions ? ctx.facts.pinnedVersions : null;
  return pins && Object.fromEntries(pinnedPending(pending, pins).map((p) => [p.name, pins[p.name]!]));
};

const heldBack = (pending: PendingPackage[], pins: Record<string, string>) =>
  pending.filter((p) => pins[p.name] === undefined || (p.from === pins[p.name] && p.to !== pins[p.name]));

export const aptUpgrade: Step<AptPlan> = {
  title: "apt-get update and dist-upgrade (non-interactive, keep old conffiles)",
  needs: ["packages"],
  takesNodeDown: "drain",
  async satisfied(ctx) {
    const node = targetOf(ctx);
    const pending = (await packagesOf(ctx, node)).pending;
    const pins = pinsOf(ctx, pending);
    if (pins) {
      const held = heldBack(pending, ctx.facts.pinnedVersions!);
      return Object.keys(pins).length > 0
        ? toDo({ pending, pins })
        : done(
            `${node} has the first node's versions${held.length > 0 ? `; held back by upgrade.sameVersions: ${held.map((p) => `${p.name} ${p.to}`).join(", ")}` : ""}`,
          );
    }
    return pending.length === 0 ? done(`no packages pending on ${node}`) : toDo({ pending, pins: null });
  },
  describe(ctx, plan) {
    const node = targetOf(ctx);
    if (plan.pins) {
      return [
        `${commandLine(update)} on ${node}`,
        `${commandLine(pinnedInstall(plan.pins))} on ${node}: the versions the first node installed (upgrade.sameVersions)`,
      ];
    }
    const what = `${plan.pending.length} packages pending now (${plan.pending.map((p) => p.name).join(", ")})`;
    return aptCommands.map(({ command }, i) => `${commandLine(command)} on ${node}${i === aptCommands.length - 1 ? `: ${what}` : ""}`);
  },
  async act(ctx, plan) {
    const node = targetOf(ctx);
    await runApt(ctx, node, "apt-get update", update);
    if (plan.pins) {
      // The lists just fetched may offer newer versions still: the install names the first node's.
      const pins = pinsOf(ctx, (await packagesOf(ctx, node)).pending) ?? plan.pins;
      if (Object.keys(pins).length > 0) await runApt(ctx, node, "apt-get install", pinnedInstall(pins), { versions: pins });
      return;
    }
    // What the dist-upgrade installs is what the lists now offer: recorded, so later nodes can be given the same.
    const versions = Object.fromEntries((await packagesOf(ctx, node)).pending.map((p) => [p.name, p.to]));
    await runApt(ctx, node, DIST_UPGRADE, distUpgrade, { versions });
    if (ctx.config.upgrade.sameVersions && ctx.facts.pinnedVersions === null) ctx.facts.pinnedVersions = versions;
  },
  async verify(ctx, plan) {
    const node = targetOf(ctx);
    const after = (await packagesOf(ctx, node)).pending;
    if (plan.pins) {
      const pins = ctx.facts.pinnedVersions!;
      const missing = pinnedPending(after, pins);
      if (missing.length > 0)
        throw new StepFailure(
          `after apt-get install, ${node} still lacks the first node's ${missing.map((p) => `${p.name} ${pins[p.name]}`).join(", ")}`,
          `Read the apt output in the journal (\`rollgate status\`); install them by hand on ${node}, then ${resumeCommand(ctx.upgradesTo)}.`,
        );
      const held = heldBack(after, pins);
      return `installed the first node's versions of ${Object.keys(plan.pins).length} packages${held.length > 0 ? `; held back: ${held.map((p) => `${p.name} ${p.to}`).join(", ")}` : ""}`;
    }
    if (after.length > 0)
      return `upgraded ${plan.pending.length - after.length} packages; still pending (held back?): ${after.map((p) => p.name).join(", ")}`;
    return `${plan.pending.length} packages upgraded`;
  },
  simulate(ctx, plan) {
    const node = targetOf(ctx);
    if (!plan.pins && ctx.config.upgrade.sameVersions && ctx.facts.pinnedVersions === null)
      ctx.facts.pinnedVersions = Object.fromEntries(plan.pending.map((p) => [p.name, p.to]));
    ctx.simulation?.installPackages(node);
  },
};
