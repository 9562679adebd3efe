// The roles of /etc/pve/user.cfg, read as pve-manager PVE/CLI/pve8to9.pm check_custom_pool_roles
// reads them: every `role:NAME:PRIVS:` line, fields trimmed, privileges split on commas. The file,
// not the API: a PVE 9 node's API drops the privileges it does not know (VM.Monitor) when it
// parses the file, and pve8to9 counts them from the text (docs/domain/pve8to9.md, "Permissions").

export interface PveRole {
  roleid: string;
  privileges: string[];
  /** Built in (PVE*, Administrator, NoAccess): PVE adapts those itself on upgrade. */
  builtIn: boolean;
}

// pve-access-control src/PVE/AccessControl.pm: the special roles, and create_role reserving the PVE namespace.
const builtIn = (name: string) => name === "NoAccess" || name === "Administrator" || /^PVE/i.test(name);
// pve-access-control src/PVE/AccessControl.pm verify_rolename.
const ROLE_NAME = /^[A-Za-z0-9.\-_]+$/;

export type UserCfgRoles = { ok: true; roles: PveRole[] } | { ok: false; error: string };

export function parseUserCfgRoles(text: string): UserCfgRoles {
  // Every user.cfg has at least root@pam's line (userconfig_force_defaults writes it): an empty or foreign file proves nothing.
  if (!/^user:root@pam:/m.test(text)) return { ok: false, error: "/etc/pve/user.cfg has no user:root@pam line: not PVE's user.cfg" };
  const roles = new Map<string, Set<string>>();
  for (const raw of text.split("\n")) {
    const fields = raw
      .trim()
      .split(":")
      .map((f) => f.trim());
    if (fields[0] !== "role") continue;
    const [, name = "", privileges = ""] = fields;
    if (!ROLE_NAME.test(name))
      return { ok: false, error: `/etc/pve/user.cfg: role line ${JSON.stringify(raw.slice(0, 80))} has no valid role name` };
    const held = roles.get(name) ?? new Set<string>();
    for (const p of privileges.split(/[,;\s]+/)) if (p !== "") held.add(p);
    roles.set(name, held);
  }
  return { ok: true, roles: [...roles].map(([roleid, privs]) => ({ roleid, privileges: [...privs], builtIn: builtIn(roleid) })) };
}
