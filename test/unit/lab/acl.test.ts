// The lab's permission evaluation against pve-access-control's own test cases (src/test/
// perm-test*.pl with their test*.cfg, api-get-permissions-test.pl; master = PVE 9, stable-bookworm
// = PVE 8), with the user.cfg files copied verbatim. Pools (perm-test6, perm-test7) are not modelled.

import { describe, expect, it } from "vitest";
import {
  PermissionDenied,
  permissions,
  refusal,
  releaseRoles,
  roles,
  type AclEntry,
  type PveRelease,
  type UserConfig,
} from "../../../src/lab/pve/acl.js";
import { LabAccess } from "../../../src/lab/pve/access.js";
import {
  findMethod,
  isAbsent,
  loadApiSchema,
  permissionRefusal,
  templateReplace,
  type PermissionCheck,
} from "../../../src/lab/pve/api-schema.js";
import { filterAnswer } from "../../../src/lab/pve/filters.js";

/** pve-access-control src/PVE/AccessControl.pm parse_user_config, the lines these tests use. */
function parseUserCfg(text: string): UserConfig {
  const cfg: UserConfig = { roles: {}, users: {}, groups: {}, tokens: {} };
  const list = (s: string | undefined) => (s ?? "").split(/[\s,;]+/).filter(Boolean);
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line) continue;
    const [kind, ...data] = line.split(":").map((d) => d.trim());
    if (kind === "user") cfg.users[data[0]!] ??= { acl: [] };
    else if (kind === "token") cfg.tokens[data[0]!] = { privsep: Boolean(Number(data[2] || 0)), acl: [] };
    else if (kind === "group") cfg.groups[data[0]!] = { members: list(data[1]), acl: [] };
    else if (kind === "role") cfg.roles[data[0]!] = list(data[1]);
    else if (kind === "acl") {
      const entry: AclEntry = { path: data[1]!, roles: list(data[3]), propagate: data[0] === "1" };
      for (const ug of list(data[2])) {
        if (ug.startsWith("@")) cfg.groups[ug.slice(1)]!.acl!.push(entry);
        else if (ug.includes("!")) cfg.tokens[ug]?.acl!.push(entry);
        else (cfg.users[ug] ??= { acl: [] }).acl!.push(entry);
      }
    }
  }
  return cfg;
}

const checkRoles = (cfg: UserConfig, release: PveRelease, user: string, path: string) =>
  [...roles(cfg, release, user, path).keys()].sort().join(",");
const checkPermission = (cfg: UserConfig, release: PveRelease, user: string, path: string) =>
  Object.keys(permissions(cfg, release, user, path))
    .sort()
    .join(",");

// pve-access-control src/test/test1.cfg
const test1 = parseUserCfg(`
user:joe@pve:1:
user:max@pve:1:
user:alex@pve:1:
user:sue@pve:1:
user:carol@pam:1:

group:testgroup1:joe@pve,max@pve,sue@pve:
group:testgroup2:alex@pve,carol@pam,sue@pve:
group:testgroup3:max@pve:

role:storage_manager:Datastore.AllocateSpace,Datastore.Audit:
role:customer:VM.Audit,VM.PowerMgmt:
role:vm_admin:VM.Audit,VM.Allocate,Permissions.Modify,VM.Console:

acl:1:/vms:@testgroup1:vm_admin:
acl:1:/vms/100/:alex@pve,max@pve:customer:
acl:1:/storage/nfs1:@testgroup2:storage_manager:
acl:1:/users:max@pve:Administrator:

acl:1:/vms/200:@testgroup3:storage_manager:
acl:1:/vms/200:@testgroup2:NoAccess:
acl:1:/vms/300:alex@pve:PVEVMAdmin:
acl:1:/vms/400:alex@pve:Administrator:
`);

describe("perm-test1: users, groups, a user's ACL over its group's, NoAccess, built-in roles", () => {
  it.each<PveRelease>(["8.4", "9.1"])("PVE %s", (release) => {
    expect(checkRoles(test1, release, "max@pve", "/")).toBe("");
    expect(checkRoles(test1, release, "max@pve", "/vms")).toBe("vm_admin");
    expect(checkRoles(test1, release, "max@pve", "/vms/100")).toBe("customer");
    expect(checkRoles(test1, release, "max@pve", "/vms/101")).toBe("vm_admin");
    expect(checkPermission(test1, release, "max@pve", "/")).toBe("");
    expect(checkPermission(test1, release, "max@pve", "/vms")).toBe("Permissions.Modify,VM.Allocate,VM.Audit,VM.Console");
    expect(checkPermission(test1, release, "max@pve", "/vms/100")).toBe("VM.Audit,VM.PowerMgmt");
    expect(checkPermission(test1, release, "alex@pve", "/vms")).toBe("");
    expect(checkPermission(test1, release, "alex@pve", "/vms/100")).toBe("VM.Audit,VM.PowerMgmt");
    expect(checkRoles(test1, release, "max@pve", "/vms/200")).toBe("storage_manager");
    expect(checkRoles(test1, release, "joe@pve", "/vms/200")).toBe("vm_admin");
    expect(checkRoles(test1, release, "sue@pve", "/vms/200")).toBe("NoAccess");
  });

  it("PVEVMAdmin and Administrator hold the privileges of their release (stable-bookworm's and master's perm-test1)", () => {
    const vm8 =
      "VM.Allocate,VM.Audit,VM.Backup,VM.Clone,VM.Config.CDROM,VM.Config.CPU,VM.Config.Cloudinit,VM.Config.Disk,VM.Config.HWType,VM.Config.Memory,VM.Config.Network,VM.Config.Options,VM.Console,VM.Migrate,VM.Monitor,VM.PowerMgmt,VM.Snapshot,VM.Snapshot.Rollback";
    const vm9 =
      "VM.Allocate,VM.Audit,VM.Backup,VM.Clone,VM.Config.CDROM,VM.Config.CPU,VM.Config.Cloudinit,VM.Config.Disk,VM.Config.HWType,VM.Config.Memory,VM.Config.Network,VM.Config.Options,VM.Console,VM.GuestAgent.Audit,VM.GuestAgent.FileRead,VM.GuestAgent.FileSystemMgmt,VM.GuestAgent.FileWrite,VM.GuestAgent.Unrestricted,VM.Migrate,VM.PowerMgmt,VM.Replicate,VM.Snapshot,VM.Snapshot.Rollback";
    const others =
      "Datastore.Allocate,Datastore.AllocateSpace,Datastore.AllocateTemplate,Datastore.Audit,Group.Allocate,Mapping.Audit,Mapping.Modify,Mapping.Use,Permissions.Modify,Pool.Allocate,Pool.Audit,Realm.Allocate,Realm.AllocateUser,SDN.Allocate,SDN.Audit,SDN.Use,Sys.AccessNetwork,Sys.Audit,Sys.Console,Sys.Incoming,Sys.Modify,Sys.PowerMgmt,Sys.Syslog,User.Modify";
    expect(checkPermission(test1, "8.4", "alex@pve", "/vms/300")).toBe(vm8);
    expect(checkPermission(test1, "9.1", "alex@pve", "/vms/300")).toBe(vm9);
    expect(checkPermission(test1, "8.4", "alex@pve", "/vms/400")).toBe(`${others},${vm8}`);
    expect(checkPermission(test1, "9.1", "alex@pve", "/vms/400")).toBe(`${others},${vm9}`);
  });
});

describe("perm-test2 to perm-test5: groups merged on one level, a deeper ACL replacing, NoAccess, propagation", () => {
  it("perm-test2: two groups' roles on one path add up", () => {
    const cfg = parseUserCfg(`
user:User1@pve:1:
user:User2@pve:1:
group:GroupA:User1@pve:
group:GroupB:User1@pve:
role:Role1:VM.PowerMgmt:
role:Role2:VM.Console:
acl:1:/vms:@GroupA:Role1:
acl:1:/vms:@GroupB:Role2:
`);
    expect(checkRoles(cfg, "9.1", "User1@pve", "/")).toBe("");
    expect(checkRoles(cfg, "9.1", "User2@pve", "/")).toBe("");
    expect(checkRoles(cfg, "9.1", "User1@pve", "/vms")).toBe("Role1,Role2");
    expect(checkRoles(cfg, "9.1", "User2@pve", "/vms")).toBe("");
    expect(checkRoles(cfg, "9.1", "User1@pve", "/vms/100")).toBe("Role1,Role2");
  });

  it("perm-test3: a group's ACL on a deeper path replaces the other group's from above", () => {
    const cfg = parseUserCfg(`
user:User1@pve:1:
user:User2@pve:1:
group:GroupA:User1@pve:
group:GroupB:User1@pve:
role:Role1:VM.PowerMgmt:
role:Role2:VM.Console:
acl:1:/vms:@GroupA:Role1:
acl:1:/vms/200:@GroupB:Role2:
`);
    expect(checkRoles(cfg, "9.1", "User1@pve", "/vms/300")).toBe("Role1");
    expect(checkRoles(cfg, "9.1", "User1@pve", "/vms/200")).toBe("Role2");
  });

  it("perm-test4: a user's NoAccess beats its group's role on the same path", () => {
    const cfg = parseUserCfg(`
user:User1@pve:1:
user:User2@pve:1:
group:GroupA:User1@pve,User2@pve:
group:GroupB:User1@pve,User2@pve:
role:Role1:VM.PowerMgmt:
role:Role2:VM.Console:
acl:1:/vms:@GroupA:Role1:
acl:1:/vms:User2@pve:NoAccess:
`);
    expect(checkRoles(cfg, "9.1", "User1@pve", "/vms/300")).toBe("Role1");
    expect(checkRoles(cfg, "9.1", "User2@pve", "/vms/300")).toBe("NoAccess");
    expect(checkPermission(cfg, "9.1", "User2@pve", "/vms/300")).toBe("");
  });

  it("perm-test5: an ACL without propagation applies on its own path only", () => {
    const cfg = parseUserCfg(`
user:User1@pve:1:
user:User2@pve:1:
group:GroupA:User1@pve,User2@pve:
group:GroupB:User1@pve,User2@pve:
role:Role1:VM.PowerMgmt:
role:Role2:VM.Console:
role:Role3:VM.Console:
acl:1:/vms:User1@pve:Role1:
acl:1:/vms/100/a/b:User1@pve:Role2:
acl:0:/kvm:User2@pve:Role2:
acl:0:/kvm/vms:User2@pve:Role1:
acl:0:/kvm/vms/100/a:User2@pve:Role3:
`);
    const expected: Array<[string, string, string]> = [
      ["User1@pve", "/vms", "Role1"],
      ["User1@pve", "/vms/100", "Role1"],
      ["User1@pve", "/vms/100/a", "Role1"],
      ["User1@pve", "/vms/100/a/b", "Role2"],
      ["User1@pve", "/vms/100/a/b/c", "Role2"],
      ["User1@pve", "/vms/200", "Role1"],
      ["User2@pve", "/kvm", "Role2"],
      ["User2@pve", "/kvm/vms", "Role1"],
      ["User2@pve", "/kvm/vms/100", ""],
      ["User2@pve", "/kvm/vms/100/a", "Role3"],
      ["User2@pve", "/kvm/vms/100/a/b", ""],
    ];
    for (const [user, path, result] of expected) expect(checkRoles(cfg, "9.1", user, path), `${user} ${path}`).toBe(result);
  });
});

// pve-access-control src/test/test8.cfg
const test8 = parseUserCfg(`
user:joe@pve:1:
user:max@pve:1:
token:max@pve!token::0:
token:max@pve!token2::1:
user:alex@pve:1:
user:sue@pve:1:
user:carol@pam:1:
token:carol@pam!token:

group:testgroup1:joe@pve,max@pve,sue@pve:
group:testgroup2:alex@pve,carol@pam,sue@pve:
group:testgroup3:max@pve:

role:storage_manager:Datastore.AllocateSpace,Datastore.Audit:
role:customer:VM.Audit,VM.PowerMgmt:
role:vm_admin:VM.Audit,VM.Allocate,VM.Console:

acl:1:/vms:@testgroup1:vm_admin:
acl:0:/vms/300:max@pve:customer:
acl:1:/vms/300:max@pve:vm_admin:
acl:1:/vms/100/:alex@pve,max@pve:customer:
acl:1:/storage/nfs1:@testgroup2:storage_manager:
acl:1:/users:max@pve:Administrator:

acl:1:/vms/200:@testgroup3:storage_manager:
acl:1:/vms/200:@testgroup2:NoAccess:

acl:1:/vms/200:carol@pam!token:vm_admin
acl:1:/vms/200:max@pve!token:storage_manager
acl:1:/vms/200:max@pve!token2:customer

acl:1:/vms/300:max@pve!token2:Administrator
`);

describe("perm-test8: API tokens", () => {
  it("a token without privilege separation has its user's roles; one with it, its own", () => {
    expect(checkRoles(test8, "9.1", "max@pve", "/vms/100")).toBe("customer");
    expect(checkPermission(test8, "9.1", "max@pve", "/vms")).toBe("VM.Allocate,VM.Audit,VM.Console");
    expect(checkRoles(test8, "9.1", "carol@pam", "/vms/200")).toBe("NoAccess");
    expect(checkRoles(test8, "9.1", "carol@pam!token", "/vms/200")).toBe("NoAccess");
    expect(checkRoles(test8, "9.1", "max@pve!token", "/vms/200")).toBe("storage_manager");
    expect(checkRoles(test8, "9.1", "max@pve!token2", "/vms/200")).toBe("customer");
  });

  it("a privilege-separated token has only what its user also has on the path (Administrator ∩ vm_admin+customer)", () => {
    expect(checkPermission(test8, "9.1", "max@pve!token2", "/vms/300")).toBe("VM.Allocate,VM.Audit,VM.Console,VM.PowerMgmt");
    expect(checkPermission(test8, "8.4", "max@pve!token2", "/vms/300")).toBe("VM.Allocate,VM.Audit,VM.Console,VM.PowerMgmt");
  });

  it("propagation flags: 1 where a propagating role holds it, 0 for a non-propagated one, and-ed for a token", () => {
    expect(permissions(test8, "9.1", "max@pve", "/vms/300")).toEqual({
      "VM.Audit": 1,
      "VM.Allocate": 1,
      "VM.Console": 1,
      "VM.PowerMgmt": 0,
    });
    expect(permissions(test8, "9.1", "max@pve!token2", "/vms/300")).toEqual({
      "VM.Audit": 1,
      "VM.Allocate": 1,
      "VM.Console": 1,
      "VM.PowerMgmt": 0,
    });
    expect(permissions(test8, "9.1", "nobody@pve!none", "/vms/300")).toEqual({});
  });
});

describe("check and check_any: PVE's reasons", () => {
  it("names the first missing privilege, or all of them joined with | for check_any", () => {
    expect(refusal(test1, "9.1", "max@pve", "/vms/100", ["VM.Audit", "VM.Migrate", "VM.Console"])).toEqual(
      new PermissionDenied("/vms/100, VM.Migrate"),
    );
    expect(refusal(test1, "9.1", "max@pve", "/vms/100", ["VM.Migrate", "VM.PowerMgmt"], true)).toBeNull();
    expect(refusal(test1, "9.1", "max@pve", "/vms/100", ["VM.Migrate", "VM.Console"], true)?.message).toBe(
      "Permission check failed (/vms/100, VM.Migrate|VM.Console)",
    );
    expect(refusal(test1, "9.1", "max@pve", "/vms/100", ["VM.Audit"])).toBeNull();
  });

  it("refuses a privilege the release does not know: VM.Monitor on 9.1", () => {
    expect(() => refusal(test1, "9.1", "max@pve", "/vms/100", ["VM.Monitor"])).toThrow("invalid privilege 'VM.Monitor'");
    expect(refusal(test1, "8.4", "max@pve", "/vms/100", ["VM.Monitor"])?.message).toBe("Permission check failed (/vms/100, VM.Monitor)");
    expect(releaseRoles("9.1").valid.has("VM.GuestAgent.Audit")).toBe(true);
    expect(releaseRoles("8.4").valid.has("VM.GuestAgent.Audit")).toBe(false);
  });

  it("root@pam may do anything", () => {
    expect(refusal(test1, "9.1", "root@pam", "/vms/100", ["VM.Migrate", "Sys.Modify"])).toBeNull();
  });
});

describe("the schema's permissions, evaluated as check_api2_permissions and exec_api2_perm_check", () => {
  const ctx = (authid: string, params: Record<string, string> = {}) => ({ cfg: test1, release: "9.1" as const, authid, params });

  it("perm with {param} from the path, any, and/or, require_param, user all, none (root only)", () => {
    const perm = (check: PermissionCheck) => ({ check });
    expect(permissionRefusal(perm(["perm", "/vms/{vmid}", ["VM.PowerMgmt"]]), ctx("max@pve", { vmid: "100" }))).toBeNull();
    expect(permissionRefusal(perm(["perm", "/vms/{vmid}", ["VM.PowerMgmt"]]), ctx("max@pve", { vmid: "101" }))?.message).toBe(
      "Permission check failed (/vms/101, VM.PowerMgmt)",
    );
    expect(
      permissionRefusal(perm(["perm", "/vms/{vmid}", ["VM.Migrate", "VM.Audit"], "any", 1]), ctx("max@pve", { vmid: "101" })),
    ).toBeNull();
    expect(
      permissionRefusal(
        perm(["and", ["perm", "/vms/{vmid}", ["VM.Audit"]], ["perm", "/storage/{storage}", ["Datastore.Audit"]]]),
        ctx("max@pve", { vmid: "100", storage: "nfs1" }),
      )?.message,
    ).toBe("Permission check failed (/storage/nfs1, Datastore.Audit)");
    expect(
      permissionRefusal(perm(["or", ["perm", "/", ["Sys.Audit"]], ["perm", "/vms/{vmid}", ["VM.Audit"]]]), ctx("max@pve", { vmid: "100" })),
    ).toBeNull();
    expect(
      permissionRefusal(perm(["or", ["perm", "/", ["Sys.Audit"]], ["perm", "/storage", ["Datastore.Audit"]]]), ctx("max@pve"))?.message,
    ).toBe("Permission check failed");
    expect(permissionRefusal(perm(["perm", "/vms/{vmid}", ["VM.Audit"], "require_param", "vmid"]), ctx("max@pve"))?.message).toBe(
      "Permission check failed",
    );
    expect(permissionRefusal({ user: "all" }, ctx("nobody@pve"))).toBeNull();
    expect(permissionRefusal(undefined, ctx("max@pve"))?.message).toBe("Permission check failed (user != root@pam)");
    expect(permissionRefusal(undefined, ctx("root@pam"))).toBeNull();
  });

  it("a missing parameter becomes '-' (pve-common template_replace)", () => {
    expect(templateReplace("/vms/{vmid}/{x}", { vmid: "100" })).toBe("/vms/100/-");
  });
});

describe("the schema subset: finding the call a path is", () => {
  it("matches templates, decodes a UPID, and knows what a release lacks", async () => {
    const s9 = await loadApiSchema("9.1");
    const s8 = await loadApiSchema("8.4");
    const upid = "UPID:pve1:00002F01:00000001:65000000:qmigrate:102:rollgate@pve!upgrade:";
    expect(findMethod(s9, "GET", `/nodes/pve1/tasks/${encodeURIComponent(upid)}/status`)).toMatchObject({
      template: "/nodes/{node}/tasks/{upid}/status",
      params: { node: "pve1", upid },
    });
    expect(findMethod(s9, "POST", "/nodes/pve1/qemu/100/agent/ping")?.method.permissions?.check).toEqual([
      "perm",
      "/vms/{vmid}",
      ["VM.GuestAgent.Audit", "VM.GuestAgent.Unrestricted"],
      "any",
      1,
    ]);
    expect(findMethod(s8, "POST", "/nodes/pve1/qemu/100/agent/ping")?.method.permissions?.check).toEqual([
      "perm",
      "/vms/{vmid}",
      ["VM.Monitor"],
    ]);
    expect(findMethod(s9, "DELETE", "/nodes/pve1/qemu/100/agent/ping")).toBeNull();
    expect(findMethod(s8, "GET", "/cluster/ha/rules")).toBeNull();
    expect(isAbsent(s8, "GET", "/cluster/ha/rules")).toBe(true);
    expect(isAbsent(s8, "GET", "/nodes/pve2/lxc/200/migrate")).toBe(true);
    expect(isAbsent(s9, "GET", "/cluster/ha/rules")).toBe(false);
  });
});

describe("GET /access/permissions (api-get-permissions-test.pl)", () => {
  // pve-access-control src/test/api-get-permissions-test.cfg
  const access = new LabAccess("9.1");
  Object.assign(
    access.config,
    parseUserCfg(`
user:auditor@pam:1:
token:auditor@pam!noprivsep::0:
token:auditor@pam!privsep::1:
user:stranger@pve:1:
token:stranger@pve!noprivsep::0:
token:stranger@pve!privsep::1:
role:sys_auditor:Sys.Audit:
role:vm_lurker:VM.Audit,VM.Console:
role:vm_manager:VM.PowerMgmt:
acl:1:/access:auditor@pam:sys_auditor:
acl:1:/vms:auditor@pam:vm_lurker:
acl:1:/vms:auditor@pam!privsep:vm_lurker:
acl:1:/vms:stranger@pve:vm_lurker:
acl:1:/vms:stranger@pve:vm_manager:
acl:1:/vms:stranger@pve!privsep:vm_lurker:
`),
  );
  const answer = (authid: string, userid?: string) => access.permissionsAnswer(authid, new URLSearchParams(userid ? { userid } : {}));
  const stranger = { "/vms": { "VM.Audit": 1, "VM.Console": 1, "VM.PowerMgmt": 1 } };
  const strangerPrivsep = { "/vms": { "VM.Audit": 1, "VM.Console": 1 } };
  // /access/groups is one of get_effective_permissions' default paths, and /access propagates to it.
  const auditor = { "/access": { "Sys.Audit": 1 }, "/access/groups": { "Sys.Audit": 1 }, "/vms": { "VM.Audit": 1, "VM.Console": 1 } };

  it("each user or token may read its own, a user its tokens'", () => {
    expect(answer("stranger@pve")).toEqual(stranger);
    expect(answer("stranger@pve", "stranger@pve")).toEqual(stranger);
    expect(answer("stranger@pve", "stranger@pve!noprivsep")).toEqual(stranger);
    expect(answer("stranger@pve", "stranger@pve!privsep")).toEqual(strangerPrivsep);
    expect(answer("stranger@pve!noprivsep")).toEqual(stranger);
    expect(answer("stranger@pve!privsep", "stranger@pve!privsep")).toEqual(strangerPrivsep);
  });

  it("another's only with Sys.Audit on /access", () => {
    for (const [authid, userid] of [
      ["stranger@pve", "auditor@pam"],
      ["stranger@pve", "auditor@pam!noprivsep"],
      ["stranger@pve!noprivsep", "stranger@pve"],
      ["stranger@pve!noprivsep", "stranger@pve!privsep"],
      ["stranger@pve!privsep", "stranger@pve"],
      ["stranger@pve!privsep", "auditor@pam!noprivsep"],
    ] as const) {
      expect(() => answer(authid, userid), `${authid} asking for ${userid}`).toThrow("Permission check failed (/access, Sys.Audit)");
    }
    expect(answer("auditor@pam")).toEqual(auditor);
    expect(answer("auditor@pam", "auditor@pam!privsep")).toEqual({ "/vms": { "VM.Audit": 1, "VM.Console": 1 } });
    expect(answer("auditor@pam", "stranger@pve")).toEqual(stranger);
    expect(answer("auditor@pam", "stranger@pve!noprivsep")).toEqual(stranger);
    expect(answer("auditor@pam!noprivsep", "auditor@pam")).toEqual(auditor);
  });
});

describe("the lab's access control", () => {
  it("refuses what pveum refuses: an unknown privilege, the PVE namespace, a role twice, a token of no user", () => {
    const access = new LabAccess("9.1");
    expect(() => access.addRole("Old", ["VM.Monitor"])).toThrow("invalid privilege 'VM.Monitor'");
    expect(() => access.addRole("PVEMine", ["VM.Audit"])).toThrow(/'PVE' namespace/);
    expect(() => access.addRole("Administrator", ["VM.Audit"])).toThrow("role 'Administrator' already exists");
    expect(() => access.addToken("ghost@pve!tok", "s")).toThrow("no such user ('ghost@pve')");
    // pve-access-control $token_subid_regex is the realm regex: two characters at least.
    expect(() => access.addUser("ghost@pve").addToken("ghost@pve!t", "s")).toThrow("'ghost@pve!t' is not a valid token ID");
    expect(() => new LabAccess("8.4").addRole("Old", ["VM.Monitor"])).not.toThrow();
  });

  it("authenticates a token by id and secret, with pveproxy's reasons", () => {
    const access = new LabAccess("9.1").addUser("a@pve").addToken("a@pve!tok", "secret");
    expect(access.authenticate("PVEAPIToken=a@pve!tok=secret")).toBe("a@pve!tok");
    expect(access.authenticate("PVEAPIToken=a@pve!tok=wrong")).toEqual({ reason: "invalid token value!" });
    expect(access.authenticate("PVEAPIToken=a@pve!other=secret")).toEqual({ reason: "no such token 'other' for user 'a@pve'" });
    expect(access.authenticate("PVEAPIToken=b@pve!tok=secret")).toEqual({ reason: "no such user ('b@pve')" });
    expect(access.authenticate(undefined)).toEqual({ reason: "No ticket" });
  });
});

describe("the handlers' own filters", () => {
  const ctx = { cfg: test1, release: "9.1" as const, authid: "max@pve", params: {} };
  it("refuse to pass an unknown /cluster/resources type through unfiltered", () => {
    expect(() => filterAnswer("GET /cluster/resources", [{ id: "x/1", type: "network" }], ctx)).toThrow(/no permission filter/);
  });
  it("filter /storage by Datastore.Audit or Datastore.AllocateSpace", () => {
    const alex = { ...ctx, authid: "alex@pve" };
    expect(filterAnswer("GET /storage", [{ storage: "nfs1" }, { storage: "local" }], alex)).toEqual([{ storage: "nfs1" }]);
    expect(filterAnswer("GET /storage", [{ storage: "nfs1" }], ctx)).toEqual([]);
  });
});
