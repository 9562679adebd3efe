// PVE's permission model, as pve-access-control computes it: built-in roles per release, custom
// roles, ACL entries for users, groups and API tokens, propagation along the path, NoAccess, and
// the intersection of a privilege-separated token with its user. Pure functions over user.cfg's
// data. Left out: pools (/pool/… ACLs and pool-derived roles), realms, user enable/expiry, TFA.

import type { PveRelease } from "../model/releases.js";

export type { PveRelease };

/** One ACL entry, as `pveum acl modify PATH --roles R --propagate 1` makes it; `privileges` is a role of its own. */
export interface AclEntry {
  path: string;
  roles?: string[];
  privileges?: string[];
  /** Default true, as `pveum acl modify`. */
  propagate?: boolean;
}

/** /etc/pve/user.cfg, the part the permission checks read. */
export interface UserConfig {
  /** Custom roles: name → privileges (the built-in ones come from the release). */
  roles: Record<string, string[]>;
  users: Record<string, { acl?: AclEntry[] }>;
  groups: Record<string, { members: string[]; acl?: AclEntry[] }>;
  /** Full token ids `user@realm!name`; `privsep` defaults to true, as `pveum user token add`. */
  tokens: Record<string, { privsep?: boolean; acl?: AclEntry[] }>;
}

/** Privilege → propagate flag (1 or 0), the shape RPCEnvironment::permissions returns. */
export type Privileges = Record<string, 0 | 1>;

type Category = "VM" | "Sys" | "Datastore" | "SDN" | "User" | "Pool" | "Mapping";
type PrivGroup = { root: string[]; admin: string[]; user: string[]; audit: string[] };

// pve-access-control src/PVE/AccessControl.pm $privgroups: the VM group per release
// (stable-bookworm = 8.x; master = 9.x, which drops VM.Monitor (0706945) and adds VM.GuestAgent.* and VM.Replicate).
const vmPrivileges: Record<PveRelease, PrivGroup> = {
  "8.4": {
    root: [],
    admin: [
      "VM.Config.Disk",
      "VM.Config.CPU",
      "VM.Config.Memory",
      "VM.Config.Network",
      "VM.Config.HWType",
      "VM.Config.Options",
      "VM.Allocate",
      "VM.Clone",
      "VM.Migrate",
      "VM.Monitor",
      "VM.Snapshot",
      "VM.Snapshot.Rollback",
    ],
    user: ["VM.Config.CDROM", "VM.Config.Cloudinit", "VM.Console", "VM.Backup", "VM.PowerMgmt"],
    audit: ["VM.Audit"],
  },
  "9.1": {
    root: [],
    admin: [
      "VM.Config.Disk",
      "VM.Config.CPU",
      "VM.Config.Memory",
      "VM.Config.Network",
      "VM.Config.HWType",
      "VM.Config.Options",
      "VM.Allocate",
      "VM.Clone",
      "VM.GuestAgent.Unrestricted",
      "VM.Migrate",
      "VM.Replicate",
      "VM.Snapshot",
      "VM.Snapshot.Rollback",
    ],
    user: [
      "VM.Config.CDROM",
      "VM.Config.Cloudinit",
      "VM.Console",
      "VM.Backup",
      "VM.GuestAgent.FileRead",
      "VM.GuestAgent.FileSystemMgmt",
      "VM.GuestAgent.FileWrite",
      "VM.PowerMgmt",
    ],
    audit: ["VM.Audit", "VM.GuestAgent.Audit"],
  },
};

// pve-access-control src/PVE/AccessControl.pm $privgroups: the other groups, the same in 8.x and 9.x.
const otherPrivileges: Record<Exclude<Category, "VM">, PrivGroup> = {
  Sys: {
    root: ["Sys.PowerMgmt", "Sys.Modify", "Sys.Incoming", "Sys.AccessNetwork"],
    admin: ["Sys.Console", "Sys.Syslog"],
    user: [],
    audit: ["Sys.Audit"],
  },
  Datastore: {
    root: [],
    admin: ["Datastore.Allocate", "Datastore.AllocateTemplate"],
    user: ["Datastore.AllocateSpace"],
    audit: ["Datastore.Audit"],
  },
  SDN: { root: [], admin: ["SDN.Allocate", "SDN.Audit"], user: ["SDN.Use"], audit: ["SDN.Audit"] },
  User: { root: ["Realm.Allocate"], admin: ["User.Modify", "Group.Allocate", "Realm.AllocateUser"], user: [], audit: [] },
  Pool: { root: [], admin: ["Pool.Allocate"], user: ["Pool.Audit"], audit: ["Pool.Audit"] },
  Mapping: { root: [], admin: ["Mapping.Modify"], user: ["Mapping.Use"], audit: ["Mapping.Audit"] },
};

export interface ReleaseRoles {
  /** Every valid privilege name (verify_privname). */
  valid: ReadonlySet<string>;
  /** The built-in roles: NoAccess, Administrator, PVEAdmin, PVEAuditor, PVE<Cat>Admin/User, PVETemplateUser. */
  builtin: Readonly<Record<string, readonly string[]>>;
}

const rolesCache = new Map<PveRelease, ReleaseRoles>();

/** The built-in roles of a release, generated as create_roles() does. */
export function releaseRoles(release: PveRelease): ReleaseRoles {
  const cached = rolesCache.get(release);
  if (cached) return cached;
  const groups: Record<Category, PrivGroup> = { VM: vmPrivileges[release], ...otherPrivileges };
  // pve-access-control src/PVE/AccessControl.pm $valid_privs: Permissions.Modify is in no group.
  const valid = new Set<string>(["Permissions.Modify"]);
  const roles = new Map<string, Set<string>>();
  const add = (role: string, privs: string[]) => {
    const set = roles.get(role) ?? new Set<string>();
    privs.forEach((p) => set.add(p));
    roles.set(role, set);
  };
  // pve-access-control src/PVE/AccessControl.pm create_roles: admin+user+audit → PVE<Cat>Admin and PVEAdmin;
  // user+audit → PVE<Cat>User (only where the group has user privileges); audit → PVEAuditor.
  for (const [category, g] of Object.entries(groups)) {
    [...g.root, ...g.admin, ...g.user, ...g.audit].forEach((p) => valid.add(p));
    add(`PVE${category}Admin`, [...g.admin, ...g.user, ...g.audit]);
    add("PVEAdmin", [...g.admin, ...g.user, ...g.audit]);
    if (g.user.length > 0) add(`PVE${category}User`, [...g.user, ...g.audit]);
    add("PVEAuditor", g.audit);
  }
  // pve-access-control src/PVE/AccessControl.pm create_roles: only Administrator and PVEMappingAdmin get Mapping.Modify.
  roles.get("PVEAdmin")!.delete("Mapping.Modify");
  const builtin: Record<string, string[]> = {
    // pve-access-control src/PVE/AccessControl.pm $special_roles: NoAccess has none, Administrator all.
    NoAccess: [],
    Administrator: [...valid],
    ...Object.fromEntries([...roles].map(([name, privs]) => [name, [...privs]])),
    // pve-access-control src/PVE/AccessControl.pm create_roles: PVETemplateUser.
    PVETemplateUser: ["VM.Clone", "VM.Audit"],
  };
  const result = { valid, builtin };
  rolesCache.set(release, result);
  return result;
}

/** `pveum role add` refuses a privilege the release does not know ("invalid privilege 'VM.Monitor'" on 9). */
export function invalidPrivileges(release: PveRelease, privileges: readonly string[]): string[] {
  const { valid } = releaseRoles(release);
  return privileges.filter((p) => !valid.has(p));
}

// pve-access-control src/PVE/Auth/Plugin.pm $user_regex@$realm_regex (verify_username).
const userRe = /^[^\s:/]+@[A-Za-z][A-Za-z0-9.\-_]+$/;
// pve-access-control src/PVE/AccessControl.pm $token_full_regex: user@realm!tokenname.
const tokenRe = /^([^\s:/]+@[A-Za-z][A-Za-z0-9.\-_]+)!([A-Za-z][A-Za-z0-9.\-_]+)$/;

/** `user@realm!name` → [user, name], or null when it is not a token id (split_tokenid). */
export function splitTokenId(authid: string): [string, string] | null {
  const m = tokenRe.exec(authid);
  return m ? [m[1]!, m[2]!] : null;
}

/** pve-access-control src/PVE/AccessControl.pm normalize_path: one slash, none at the end, a leading one. */
export function normalizePath(path: string): string | null {
  if (!path) return null;
  let p = path.replace(/\/+/g, "/").replace(/\/$/, "");
  if (!p) p = "/";
  if (!p.startsWith("/")) p = `/${p}`;
  return /^[A-Za-z0-9.\-_/]+$/.test(p) ? p : null;
}

/** Role name → propagate flag of the ACL entries of one subject on one path. */
type RoleFlags = Map<string, boolean>;

const inlineRole = (privileges: readonly string[]) => `privileges:${[...privileges].sort().join(",")}`;

function entryRoles(cfg: UserConfig, release: PveRelease, acl: readonly AclEntry[] | undefined, path: string): RoleFlags | null {
  const flags: RoleFlags = new Map();
  for (const entry of acl ?? []) {
    if (normalizePath(entry.path) !== path) continue;
    const propagate = entry.propagate ?? true;
    // pve-access-control src/PVE/AccessControl.pm parse_user_config: an ACL naming a role that does not exist is ignored.
    for (const role of entry.roles ?? []) if (role in releaseRoles(release).builtin || role in cfg.roles) flags.set(role, propagate);
    if (entry.privileges) flags.set(inlineRole(entry.privileges), propagate);
  }
  return flags.size > 0 ? flags : null;
}

/** The ancestors of a normalized path, root first: `/vms/100` → `/`, `/vms`, `/vms/100`. */
function pathChain(path: string): string[] {
  const parts = path.split("/").filter(Boolean);
  return ["/", ...parts.map((_, i) => `/${parts.slice(0, i + 1).join("/")}`)];
}

/**
 * The roles of a user or token on a path, pve-access-control src/PVE/AccessControl.pm roles():
 * walking from / to the path, the entries of the most specific level that has any replace what
 * was above (a token's own, else the user's own, else its groups'); an entry applies below its
 * path only if it propagates; NoAccess, once it applies, is all that is left.
 */
export function roles(cfg: UserConfig, release: PveRelease, authid: string, path: string): Map<string, boolean> {
  if (authid === "root@pam") return new Map([["Administrator", true]]);
  const token = splitTokenId(authid);
  if (token) {
    const info = cfg.tokens[authid];
    if (!info) return new Map();
    if (info.privsep === false) return roles(cfg, release, token[0], path);
  }
  const memberOf = Object.entries(cfg.groups).filter(([, g]) => g.members.includes(authid));
  let current = new Map<string, boolean>();
  const chain = pathChain(path);
  chain.forEach((level, i) => {
    const final = i === chain.length - 1;
    const applying = (flags: RoleFlags | null): Map<string, boolean> | null => {
      if (!flags) return null;
      const applied = new Map([...flags].filter(([, propagate]) => final || propagate));
      return applied.size > 0 ? applied : null;
    };
    const own = token ? cfg.tokens[authid]?.acl : cfg.users[authid]?.acl;
    const fromGroups = new Map<string, boolean>();
    for (const [, group] of memberOf)
      for (const [role, propagate] of entryRoles(cfg, release, group.acl, level) ?? []) fromGroups.set(role, propagate);
    const next = applying(entryRoles(cfg, release, own, level)) ?? applying(fromGroups.size > 0 ? fromGroups : null);
    if (next) current = next;
  });
  const noAccess = current.get("NoAccess");
  return noAccess === undefined ? current : new Map([["NoAccess", noAccess]]);
}

function rolePrivileges(cfg: UserConfig, release: PveRelease, role: string): readonly string[] {
  if (role.startsWith("privileges:")) return role.slice("privileges:".length).split(",").filter(Boolean);
  const { builtin, valid } = releaseRoles(release);
  // pve-access-control src/PVE/AccessControl.pm parse_user_config: "ignore invalid privilege" (user.cfg written by the other major).
  return builtin[role] ?? (cfg.roles[role] ?? []).filter((p) => valid.has(p));
}

/**
 * The privileges of a user or token on a path, pve-access-control src/PVE/RPCEnvironment.pm
 * permissions(): the privileges of its roles, each propagated if any role holding it is; a
 * privilege-separated token keeps only what its user also has there (flags and-ed); a token
 * without privilege separation has exactly its user's.
 */
export function permissions(cfg: UserConfig, release: PveRelease, authid: string, path: string): Privileges {
  const normalized = normalizePath(path);
  if (normalized === null) return {};
  if (authid === "root@pam") return Object.fromEntries(releaseRoles(release).builtin["Administrator"]!.map((p) => [p, 1 as const]));
  const token = splitTokenId(authid);
  if (token) {
    const info = cfg.tokens[authid];
    if (!info) return {};
    if (info.privsep === false) return permissions(cfg, release, token[0], normalized);
  } else if (!userRe.test(authid)) {
    return {};
  }
  const privs: Privileges = {};
  for (const [role, propagate] of roles(cfg, release, authid, normalized)) {
    for (const p of rolePrivileges(cfg, release, role)) privs[p] = privs[p] === 1 || propagate ? 1 : 0;
  }
  if (!token || token[0] === "root@pam") return privs;
  const userPrivs = permissions(cfg, release, token[0], normalized);
  return Object.fromEntries(
    Object.entries(privs).flatMap(([p, flag]) => (userPrivs[p] === undefined ? [] : [[p, flag === 1 && userPrivs[p] === 1 ? 1 : 0]])),
  );
}

/** A refused check: raise_perm_exc's reason (pve-common src/PVE/Exception.pm). */
export class PermissionDenied extends Error {
  constructor(what?: string) {
    super(what ? `Permission check failed (${what})` : "Permission check failed");
  }
}

/**
 * RPCEnvironment::check (all of `privileges`) or check_any (one of them) on a path: null when
 * allowed, else the refusal, naming the first missing privilege, or all of them joined with `|`.
 */
export function refusal(
  cfg: UserConfig,
  release: PveRelease,
  authid: string,
  path: string,
  privileges: readonly string[],
  any = false,
): PermissionDenied | null {
  const held = permissions(cfg, release, authid, path);
  const { valid } = releaseRoles(release);
  for (const p of privileges) {
    // pve-access-control src/PVE/RPCEnvironment.pm check/check_any: verify_privname dies on an unknown privilege.
    if (!valid.has(p)) throw new Error(`invalid privilege '${p}'`);
    if (any && held[p] !== undefined) return null;
    if (!any && held[p] === undefined) return new PermissionDenied(`${path}, ${p}`);
  }
  return any ? new PermissionDenied(`${path}, ${privileges.join("|")}`) : null;
}

/** Whether the check passes (the `$noerr` form the filtered lists use). */
export function allowed(
  cfg: UserConfig,
  release: PveRelease,
  authid: string,
  path: string,
  privileges: readonly string[],
  any = false,
): boolean {
  return refusal(cfg, release, authid, path, privileges, any) === null;
}

/** Every ACL path of the tree and its ancestors, as iterate_acl_tree visits them. */
function aclPaths(cfg: UserConfig): string[] {
  const entries = [...Object.values(cfg.users), ...Object.values(cfg.groups), ...Object.values(cfg.tokens)].flatMap((s) => s.acl ?? []);
  return entries.flatMap((e) => {
    const p = normalizePath(e.path);
    return p ? pathChain(p) : [];
  });
}

/**
 * The caller's privileges on every path that matters, pve-access-control src/PVE/RPCEnvironment.pm
 * get_effective_permissions: the top-level paths and every path of the ACL tree, leaving out the
 * paths where it has nothing.
 */
export function effectivePermissions(cfg: UserConfig, release: PveRelease, authid: string): Record<string, Privileges> {
  const paths = new Set(["/", "/access", "/access/groups", "/nodes", "/pool", "/sdn", "/storage", "/vms", ...aclPaths(cfg)]);
  const result: Record<string, Privileges> = {};
  for (const path of [...paths].sort()) {
    const privs = permissions(cfg, release, authid, path);
    if (Object.keys(privs).length > 0) result[path] = privs;
  }
  return result;
}

/**
 * /etc/pve/user.cfg as pve-access-control src/PVE/AccessControl.pm write_user_config writes it:
 * users (root@pam first by name order) each followed by its tokens, groups, pools, the custom roles
 * with their privileges sorted, then the ACL lines, each section ended by a blank line. Roles
 * keep every privilege written, known to the reading release or not: parse_user_config drops the
 * unknown ones only when it reads them.
 */
export function userConfigText(cfg: UserConfig): string {
  const users = { "root@pam": {}, ...cfg.users };
  let text = "";
  for (const user of Object.keys(users).sort()) {
    text += `user:${user}:1:0:::${user === "root@pam" ? "root@localhost" : ""}:::\n`;
    for (const token of Object.keys(cfg.tokens)
      .filter((t) => splitTokenId(t)?.[0] === user)
      .sort())
      text += `token:${token}:0:${cfg.tokens[token]!.privsep === false ? 0 : 1}::\n`;
  }
  text += "\n";
  for (const group of Object.keys(cfg.groups).sort()) text += `group:${group}:${[...cfg.groups[group]!.members].sort().join(",")}::\n`;
  text += "\n\n";
  for (const role of Object.keys(cfg.roles).sort()) text += `role:${role}:${[...new Set(cfg.roles[role])].sort().join(",")}:\n`;
  text += "\n";
  // collect_rolelist_members: per path and propagate flag, the members holding the same role list.
  const byPath = new Map<string, Map<string, Set<string>>>();
  const collect = (member: string, acl: readonly AclEntry[] | undefined) => {
    for (const entry of acl ?? []) {
      const roles = [...(entry.roles ?? [])].sort().join(",");
      if (roles === "") continue;
      const key = `${entry.propagate === false ? 0 : 1}:${normalizePath(entry.path) ?? entry.path}`;
      const lists = byPath.get(key) ?? new Map<string, Set<string>>();
      lists.set(roles, (lists.get(roles) ?? new Set()).add(member));
      byPath.set(key, lists);
    }
  };
  for (const [group, g] of Object.entries(cfg.groups)) collect(`@${group}`, g.acl);
  for (const [user, u] of Object.entries(cfg.users)) collect(user, u.acl);
  for (const [token, t] of Object.entries(cfg.tokens)) collect(token, t.acl);
  for (const key of [...byPath.keys()].sort((a, b) => a.slice(2).localeCompare(b.slice(2)) || a.localeCompare(b))) {
    const [propagate, path] = [key.slice(0, 1), key.slice(2)];
    for (const [roles, members] of [...byPath.get(key)!].sort(([a], [b]) => a.localeCompare(b)))
      text += `acl:${propagate}:${path}:${[...members].sort().join(",")}:${roles}:\n`;
  }
  return text;
}
