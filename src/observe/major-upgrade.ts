// Reads for the major upgrade to PVE 9: Proxmox's own checklist on every node, and the custom roles
// of user.cfg, which decide whether pve8to9's VM.Monitor FAIL is about rollgate's own role
// (docs/domain/pve8to9.md, "Permissions").

import { z } from "zod";
import { parsePve8to9, type Pve8to9Report } from "../pve/pve8to9.js";
import { readCommand } from "../transport/remote-command.js";
import { avoidTarget, type ObserveContext } from "./context.js";
import { validated } from "./pve-schemas.js";
import { attempt, type Observed } from "./state.js";

export interface PveRole {
  roleid: string;
  privileges: string[];
  /** Built in (PVE*, Administrator, NoAccess): PVE adapts those itself on upgrade. */
  builtIn: boolean;
}

// pve-access-control src/PVE/API2/Role.pm index: privs joined with ",", special from role_is_special (0 or 1).
const rolesSchema = z.array(
  z.looseObject({
    roleid: z.string(),
    privs: z.string().optional(),
    special: z.union([z.literal(0), z.literal(1)]).optional(),
  }),
);

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

export function readRoles(ctx: ObserveContext): Promise<Observed<PveRole[]>> {
  return attempt(async () => {
    const roles = validated(rolesSchema, await ctx.pve.get("/access/roles", undefined, avoidTarget(ctx)), "/access/roles");
    // Every PVE has its built-in roles: an empty list is no answer.
    if (!roles.some((r) => r.special === 1)) throw new Error("/access/roles listed no built-in role: the answer is not PVE's role index");
    return roles.map((r) => ({
      roleid: r.roleid,
      privileges: (r.privs ?? "").split(",").filter((p) => p !== ""),
      builtIn: r.special === 1,
    }));
  });
}
