// The API token can do what an upgrade needs: every privilege of src/pve/privileges.ts, effective
// where rollgate uses it, for each PVE version the nodes run. Without them PVE filters lists to
// nothing (a storage list that comes back empty) or answers 403 (the guest agent probe), and a
// gate that reads an empty list must never pass for it: this gate names what is missing, before
// anything is touched, with the pveum commands that grant it.

import { allPrivileges, configNeeds, grantCommands, roleName } from "../pve/privileges.js";

/** The user.cfg line of rollgate's role that both majors read, each taking what it knows (privileges sorted, as pveum writes them). */
export function mixedRoleLine(options: { backup?: boolean } = {}): string {
  return `role:${roleName}:${[...new Set([...allPrivileges("8", options), ...allPrivileges("9", options)])].sort().join(",")}:`;
}
import { unobserved, verdict, type Gate } from "./types.js";

/** "token … holds every privilege the run needs (19 checked on 5 paths, PVE 8)", or how many it lacks. */
function summaryOf(
  tokenId: string,
  majors: readonly string[],
  { needed, lacking, paths }: { needed: number; lacking: number; paths: number },
): string {
  if (majors.length === 0) return `token ${tokenId}: no PVE version seen, no privilege checked`;
  const versions = `PVE ${majors.join(", ")}`;
  if (lacking > 0) return `token ${tokenId} lacks ${lacking} of the ${needed} privileges the run needs (${versions})`;
  return `token ${tokenId} holds every privilege the run needs (${needed} checked on ${paths} paths, ${versions})`;
}

export const permissionsGate: Gate = {
  name: "permissions",
  title: "The API token holds every privilege rollgate needs",
  needs: () => ["permissions"],
  preflightOnly: true,
  evaluate({ config, state }) {
    const seen = state.permissions;
    if (!seen?.ok)
      return verdict(
        this,
        "the token's privileges unknown (API /access/permissions not read)",
        [unobserved("the token's privileges (API /access/permissions)", seen?.ok === false ? seen.error : undefined)],
        [],
      );
    const { tokenId, majors, effective } = seen.value;
    const reasons: string[] = [];
    const checked: string[] = [];
    let needed = 0;
    let lacking = 0;
    const paths = new Set<string>();
    for (const major of majors) {
      const held = effective[major];
      if (!held) {
        reasons.push(unobserved(`the token's privileges as a PVE ${major} node computes them`, undefined));
        continue;
      }
      const needs = configNeeds(major, config);
      const missing = needs.flatMap((need) => {
        const lacks = need.privileges.filter((p) => !(held[need.path] ?? []).includes(p));
        needed += need.privileges.length;
        lacking += lacks.length;
        paths.add(need.path);
        return lacks.length > 0 ? [`${lacks.join(", ")} on ${need.path} (${need.why})`] : [];
      });
      if (missing.length === 0) {
        checked.push(`token ${tokenId} holds every privilege PVE ${major} checks (${needs.length} paths)`);
        continue;
      }
      if (majors.length > 1) {
        reasons.push(
          `token ${tokenId} lacks ${missing.join("; ")} on PVE ${major}: while the cluster runs PVE 8 and 9, neither pveum can grant it (PVE 8's refuses PVE 9's privileges; PVE 9's rewrites the role without VM.Monitor). Edit /etc/pve/user.cfg on one node so the role's line holds both: \`${mixedRoleLine({ backup: config.upgrade.backup !== undefined })}\` (each major ignores the privileges it does not know)`,
        );
        continue;
      }
      const [addRole, ...grants] = grantCommands(major, tokenId, { backup: config.upgrade.backup !== undefined });
      reasons.push(
        `token ${tokenId} lacks ${missing.join("; ")} on PVE ${major}: grant them with \`${addRole}\` (or \`pveum role modify ${roleName} --privs …\` if the role exists), ${grants.map((g) => `\`${g}\``).join(" and ")}`,
      );
    }
    return verdict(this, summaryOf(tokenId, majors, { needed, lacking, paths: paths.size }), reasons, checked);
  },
};
