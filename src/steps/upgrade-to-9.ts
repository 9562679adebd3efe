// upgrade-to-9: the dist-upgrade that carries a node from PVE 8 to PVE 9, once its sources name
// trixie (step sources-trixie): `apt-get update` fetches trixie's lists, then the same
// noninteractive dist-upgrade as the minor upgrade, keeping the admin's configuration files
// (docs/domain/major-upgrade.md, "Configuration files"). It refuses to start unless apt offers
// pve-manager 9, so a switch that did not take never turns into a bookworm dist-upgrade.

import { majorOf } from "../observe/permissions.js";
import type { PendingPackage } from "../observe/state.js";
import { commandLine } from "../transport/remote-command.js";
import { aptCommands, packagesOf, runApt } from "./apt-upgrade.js";
import { done, targetOf, toDo, type Step, type StepContext } from "./contract.js";
import { resumeCommand, StepFailure } from "./failures.js";

const onPve9 = (version: string | null | undefined) => majorOf(version ?? "") === "9";

const managerOf = (pending: PendingPackage[]) => pending.find((p) => p.name === "pve-manager") ?? null;

export const upgradeToPve9: Step<{ from: string | null }> = {
  title: "apt-get update and the dist-upgrade to PVE 9 (non-interactive, keep old conffiles)",
  needs: ["packages"],
  takesNodeDown: "drain",
  async satisfied(ctx) {
    const node = targetOf(ctx);
    const seen = await packagesOf(ctx, node);
    if (onPve9(seen.pveVersion) && seen.pending.length === 0) return done(`${node} runs PVE ${seen.pveVersion}, nothing pending`);
    return toDo({ from: seen.pveVersion });
  },
  describe(ctx, plan) {
    const node = targetOf(ctx);
    return aptCommands.map(
      ({ command }, i) =>
        `${commandLine(command)} on ${node}${i === aptCommands.length - 1 ? `: PVE ${plan.from ?? "?"} to 9 with the packages trixie offers (a dry run switches no source, so apt cannot list them yet)` : ""}`,
    );
  },
  async act(ctx) {
    const node = targetOf(ctx);
    const [update, distUpgrade] = aptCommands;
    await runApt(ctx, node, update!.name, update!.command);
    // The lists now decide what dist-upgrade does: only a trixie set with pve-manager 9 is the major upgrade.
    const offered = managerOf((await packagesOf(ctx, node)).pending);
    if (!onPve9(offered?.to))
      throw new StepFailure(
        `after apt-get update, ${node} is offered ${offered ? `pve-manager ${offered.to}` : "no pve-manager"}, not PVE 9: its sources do not name trixie's Proxmox repository`,
        `Nothing was installed. Check ${node}'s /etc/apt/sources.list.d (the pve-no-subscription or enterprise repository on trixie), \`apt-get update\`, then ${resumeCommand(ctx.upgradesTo)}.`,
      );
    await runApt(ctx, node, distUpgrade!.name, distUpgrade!.command);
  },
  async verify(ctx) {
    const node = targetOf(ctx);
    const after = await packagesOf(ctx, node);
    if (!onPve9(after.pveVersion))
      throw new StepFailure(
        `the dist-upgrade ended but ${node} reports PVE ${after.pveVersion ?? "unknown"}, not 9`,
        `Read the apt output in the journal (\`rollgate status\`) and \`pveversion -v\` on ${node}, repair, then ${resumeCommand(ctx.upgradesTo)}. ${node} stays in maintenance with its guests elsewhere.`,
      );
    const held = after.pending.map((p) => p.name);
    return `${node} runs PVE ${after.pveVersion}${held.length > 0 ? `; still pending (held back?): ${held.join(", ")}` : ", nothing pending"}`;
  },
  simulate(ctx) {
    ctx.simulation?.upgradeToMajor(targetOf(ctx), "9");
  },
};
