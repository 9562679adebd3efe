// The lab cluster's access control: /etc/pve/user.cfg (roles, users, groups, tokens and their
// ACLs) and the token secrets of /etc/pve/priv/token.cfg, one for all nodes as pmxcfs shares it;
// the token `rollgate lab up` hands out; and GET /access/permissions.

import { allPrivileges, roleName, type PveMajor } from "../../pve/privileges.js";
import {
  effectivePermissions,
  invalidPrivileges,
  permissions,
  refusal,
  releaseRoles,
  splitTokenId,
  type AclEntry,
  type Privileges,
  type PveRelease,
  type UserConfig,
} from "./acl.js";
import { loadApiSchema } from "./api-schema.js";

export class LabAccess {
  private readonly secrets = new Map<string, string>();

  /** `config` is the cluster's user.cfg (LabCluster.userConfig), which its nodes' commands read too. */
  constructor(
    readonly release: PveRelease,
    readonly config: UserConfig = { roles: {}, users: {}, groups: {}, tokens: {} },
  ) {}

  /** `pveum role add NAME --privs …`: a privilege the release does not know is refused. */
  addRole(name: string, privileges: string[]): this {
    // pve-access-control src/PVE/API2/Role.pm create_role: the PVE namespace is reserved, a role is made once.
    if (/^PVE/i.test(name)) throw new Error("roleid: cannot use role ID starting with the (case-insensitive) 'PVE' namespace");
    if (name in releaseRoles(this.release).builtin || name in this.config.roles) throw new Error(`role '${name}' already exists`);
    // pve-access-control src/PVE/AccessControl.pm add_role_privs: every privilege must be one the release knows.
    const invalid = invalidPrivileges(this.release, privileges);
    if (invalid.length > 0) throw new Error(`invalid privilege '${invalid[0]}'`);
    this.config.roles[name] = [...privileges];
    return this;
  }

  /** `pveum user add USER` with `pveum acl modify PATH --users USER …` for each entry. */
  addUser(userid: string, acl: AclEntry[] = []): this {
    this.config.users[userid] = { acl: [...(this.config.users[userid]?.acl ?? []), ...acl] };
    return this;
  }

  /** `pveum user token add USER NAME [--privsep 0]` with `pveum acl modify PATH --tokens ID …` for each entry. */
  addToken(tokenId: string, secret: string, options: { privsep?: boolean; acl?: AclEntry[] } = {}): this {
    const split = splitTokenId(tokenId);
    if (!split) throw new Error(`'${tokenId}' is not a valid token ID`);
    if (!this.config.users[split[0]]) throw new Error(`no such user ('${split[0]}')`);
    this.config.tokens[tokenId] = { privsep: options.privsep ?? true, acl: options.acl ?? [] };
    this.secrets.set(tokenId, secret);
    return this;
  }

  /** The token id a request authenticates as, or the reason pveproxy refuses it (HTTP 401). */
  authenticate(header: string | undefined): string | { reason: string } {
    if (!header) return { reason: "No ticket" };
    const match = /^PVEAPIToken=([^=\s]+)=(\S+)$/.exec(header.trim());
    if (!match) return { reason: "No ticket" };
    const tokenId = match[1]!;
    const secret = match[2]!;
    // pve-access-control src/PVE/AccessControl.pm verify_token: split_tokenid, check_user_exist, check_token_exist, the secret.
    const split = splitTokenId(tokenId);
    if (!split) return { reason: `'${tokenId}' is not a valid token ID - not able to split into user and token parts` };
    if (!this.config.users[split[0]]) return { reason: `no such user ('${split[0]}')` };
    const known = this.secrets.get(tokenId);
    if (known === undefined) return { reason: `no such token '${split[1]}' for user '${split[0]}'` };
    if (secret !== known) return { reason: "invalid token value!" };
    return tokenId;
  }

  /**
   * GET /access/permissions, pve-access-control src/PVE/API2/AccessControl.pm permissions: the
   * caller's own (or its tokens'), another's only with Sys.Audit on /access; one path, or every
   * path where there is something.
   */
  permissionsAnswer(authid: string, params: URLSearchParams, release: PveRelease = this.release): Record<string, Privileges> {
    const userid = params.get("userid") ?? authid;
    const owner = splitTokenId(userid)?.[0];
    if (userid !== authid && owner !== authid) {
      const refused = refusal(this.config, release, authid, "/access", ["Sys.Audit"]);
      if (refused) throw refused;
    }
    const path = params.get("path");
    if (path) return { [path]: permissions(this.config, release, userid, path) };
    return effectivePermissions(this.config, release, userid);
  }
}

export interface LabTokenOptions {
  tokenId: string;
  secret: string;
  /** Scenario token-missing-privileges: the role lacks Datastore.Audit and the guest-agent privilege. */
  missingPrivileges?: boolean;
}

/**
 * The access control of a fresh lab: the role src/pve/privileges.ts defines for the release,
 * granted on / to rollgate's token (privilege-separated, as `pveum user token add` makes it) and
 * to its user, since a privilege-separated token has only what its user also has.
 */
export async function labAccess(release: PveRelease, token: LabTokenOptions, userConfig?: UserConfig): Promise<LabAccess> {
  const major = release.split(".")[0] as PveMajor;
  // The lab's admin granted what upgrade.backup needs too, so a lab config may switch it on.
  let privileges = allPrivileges(major, { backup: !token.missingPrivileges });
  if (token.missingPrivileges) {
    // What the agent ping checks, from the release's own schema (VM.Monitor on 8.4, VM.GuestAgent.* on 9.1).
    const ping = (await loadApiSchema(release)).paths["/nodes/{node}/qemu/{vmid}/agent/ping"]?.POST?.permissions?.check;
    const agent = ping?.[0] === "perm" ? ping[2] : [];
    privileges = privileges.filter((p) => p !== "Datastore.Audit" && !agent.includes(p));
  }
  const user = splitTokenId(token.tokenId)?.[0];
  if (!user) throw new Error(`'${token.tokenId}' is not a valid token ID`);
  const grant: AclEntry[] = [{ path: "/", roles: [roleName], propagate: true }];
  return new LabAccess(release, userConfig)
    .addRole(roleName, privileges)
    .addUser(user, grant)
    .addToken(token.tokenId, token.secret, { privsep: true, acl: grant });
}
