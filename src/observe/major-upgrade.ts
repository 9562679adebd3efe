// Reads for the major upgrade to PVE 9: Proxmox's own checklist on every node, the roles of
// user.cfg, which decide whether pve8to9's VM.Monitor FAIL is about rollgate's own role
// (docs/domain/pve8to9.md, "Permissions"), and each node's free space.

import { parsePve8to9, type Pve8to9Report } from "../pve/pve8to9.js";
import { readCommand } from "../transport/remote-command.js";
import { dfArgv, parseDf, type DiskSpace } from "./parsers/df.js";
import { parseUserCfgRoles, type PveRole } from "../pve/user-cfg.js";
import { vantageNodes, type ObserveContext } from "./context.js";
import { runChecked } from "./nodes.js";
import { attempt, type Observed } from "./state.js";

/** `pve8to9 --full` on one node; the exit status says nothing (docs/domain/pve8to9.md, "It does not fail"). */
export function readPve8to9(ctx: ObserveContext, node: string): Promise<Observed<Pve8to9Report>> {
  return attempt(async () => {
    const run = await ctx.shell.run(node, readCommand("pve8to9", "--full"));
    if (run.exitCode === 127) throw new Error(`pve8to9 is not installed on ${node} (pve-manager older than 8.4?)`);
    const report = parsePve8to9(run.stdout);
    if ("error" in report) {
      const stderr = run.stderr.trim().split("\n").slice(0, 2).join(" / ");
      throw new Error(
        `${node}: ${report.error}${run.exitCode !== 0 ? ` (exit ${run.exitCode ?? run.signal}${stderr ? `: ${stderr}` : ""})` : ""}`,
      );
    }
    return report;
  });
}

/** Free space on / and /boot of one node, where the dist-upgrade to trixie writes (docs/domain/major-upgrade.md, "Free space"). */
export function readDiskSpace(ctx: ObserveContext, node: string): Promise<Observed<DiskSpace>> {
  return attempt(async () => parseDf((await runChecked(ctx, node, [...dfArgv])).stdout));
}

/** The roles of user.cfg, from the first node (not the target) that answers: pmxcfs shows every node the same file. */
export async function readRoles(ctx: ObserveContext): Promise<Observed<PveRole[]>> {
  const errors: string[] = [];
  for (const node of vantageNodes(ctx)) {
    const read = await attempt(async () => {
      const parsed = parseUserCfgRoles((await runChecked(ctx, node, ["cat", "/etc/pve/user.cfg"])).stdout);
      if (!parsed.ok) throw new Error(`${node}: ${parsed.error}`);
      return parsed.roles;
    });
    if (read.ok) return read;
    errors.push(read.error);
  }
  return { ok: false, error: errors.join("; ") };
}
