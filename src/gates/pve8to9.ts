// pve8to9: Proxmox's own checklist for the major upgrade finds nothing to fix on any node. Its
// exit status is 0 with failures, so the report is read line by line (src/pve/pve8to9.ts); every
// FAIL refuses, quoted, but the one about rollgate's own role: PVE 8 needs VM.Monitor for the
// guest agent ping, PVE 9 drops it, and pve8to9 counts every custom role holding it
// (docs/domain/pve8to9.md, "Permissions").

import type { Observed } from "../observe/state.js";
import type { PveRole } from "../pve/user-cfg.js";
import { agentPrivilege, allPrivileges, roleName } from "../pve/privileges.js";
import { mixedRoleLine } from "./permissions.js";
import { oneLine, pve8to9Verdict, type Pve8to9Excuse } from "../pve/pve8to9.js";
import { listed, unobserved, verdict, type Gate } from "./types.js";

// pve-manager PVE/CLI/pve8to9.pm check_custom_pool_roles.
const MONITOR_FAIL = /^(\d+) custom role\(s\) use the to-be-dropped 'VM\.Monitor' privilege and need to be adapted after the upgrade$/;

/** The command that gives rollgate's role its PVE 9 privileges, once every node runs 9 (PVE 8 refuses VM.GuestAgent.*). */
export const roleAfterUpgrade = `pveum role modify ${roleName} --privs "${allPrivileges("9").join(",")}"`;

/**
 * Excuses the VM.Monitor FAIL when the custom roles holding VM.Monitor are rollgate's role and no
 * other, as many as pve8to9 counted; any other holder is the admin's to adapt, and refuses.
 */
export function ownRoleExcuse(roles: PveRole[]): Pve8to9Excuse {
  const holders = monitorHolders(roles);
  return (line) => {
    const count = MONITOR_FAIL.exec(oneLine(line.text));
    if (!count || Number(count[1]) !== holders.length || holders.join() !== roleName) return null;
    return `that role is rollgate's own (${roleName}: PVE 8 checks VM.Monitor for the guest agent ping); once every node runs PVE 9, run \`${roleAfterUpgrade}\``;
  };
}

/** The refusal when the roles of user.cfg were not read (the excuse above needs them). */
export function rolesUnobserved(roles: Observed<PveRole[]> | undefined): string {
  return unobserved("the roles of /etc/pve/user.cfg", roles?.ok === false ? roles.error : undefined);
}

/** The custom roles pve8to9 counts: PVE adapts its built-in ones itself. */
function monitorHolders(roles: PveRole[]): string[] {
  return roles.filter((r) => !r.builtIn && r.privileges.includes("VM.Monitor")).map((r) => r.roleid);
}

function holdersNote(roles: PveRole[]): string | null {
  const holders = monitorHolders(roles);
  const others = holders.filter((h) => h !== roleName);
  if (others.length === 0) return null;
  return `custom roles holding VM.Monitor: ${holders.join(", ")}; adapt ${listed(others)} yourself (VM.GuestAgent.* or Sys.Audit on PVE 9)${holders.includes(roleName) ? `, and ${roleName} with \`${roleAfterUpgrade}\` once every node runs 9` : ""}`;
}

export const pve8to9Gate: Gate = {
  name: "pve8to9",
  title: "Proxmox's checklist (pve8to9 --full) reports no failure on any node",
  needs: () => ["pve8to9", "roles"],
  preflightOnly: true,
  evaluate({ config, state }) {
    const reasons: string[] = [];
    const checked: string[] = [];
    const warnings: string[] = [];
    const clean: string[] = [];
    const failing: string[] = [];
    const unknown: string[] = [];
    const roles = state.roles;
    if (!roles?.ok) reasons.push(rolesUnobserved(roles));
    const excuse: Pve8to9Excuse = roles?.ok ? ownRoleExcuse(roles.value) : () => null;
    let roleFails = false;
    for (const node of config.nodes.map((n) => n.name)) {
      const seen = state.pve8to9?.[node];
      if (!seen?.ok) {
        reasons.push(unobserved(`pve8to9 --full on ${node}`, seen?.ok === false ? seen.error : undefined));
        unknown.push(node);
        continue;
      }
      const v = pve8to9Verdict(node, seen.value, excuse);
      warnings.push(...v.warnings);
      reasons.push(...v.reasons);
      roleFails ||= seen.value.lines.some((l) => l.level === "fail" && MONITOR_FAIL.test(oneLine(l.text)));
      const { summary } = seen.value;
      if (v.pass) {
        clean.push(node);
        checked.push(`${node}: pve8to9 --full: ${summary.passed} passed, ${summary.warnings} warning(s), ${summary.failures} failure(s)`);
      } else failing.push(node);
    }
    const note = roles?.ok && roleFails ? holdersNote(roles.value) : null;
    if (note) reasons.push(note);
    const probing = config.critical.filter((g) => g.probes.some((p) => p.kind === "agent")).map((g) => g.group);
    const own = roles?.ok ? roles.value.find((r) => r.roleid === roleName) : undefined;
    if (probing.length > 0 && own && !own.privileges.includes(agentPrivilege("9")))
      reasons.push(
        `${roleName} lacks ${agentPrivilege("9")}, which PVE 9 nodes check for the guest agent probe of ${listed(probing)} once the first node runs 9: PVE 8's pveum refuses that privilege, so edit /etc/pve/user.cfg on one node to make the role's line \`${mixedRoleLine()}\` (each major ignores the privilege it does not know)`,
      );
    const summary = [
      ...(clean.length > 0 ? [`clean on ${listed(clean)}`] : []),
      ...(failing.length > 0 ? [`failures on ${listed(failing)}`] : []),
      ...(unknown.length > 0 ? [`unknown on ${listed(unknown)}`] : []),
    ].join("; ");
    return { ...verdict(this, summary, reasons, checked), ...(warnings.length > 0 ? { warnings } : {}) };
  },
};
