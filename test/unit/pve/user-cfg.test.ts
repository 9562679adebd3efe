// The roles of /etc/pve/user.cfg as pve8to9 reads them, from the file the lab writes the way
// pve-access-control's write_user_config does.

import { describe, expect, it } from "vitest";
import { userConfigText } from "../../../src/lab/pve/acl.js";
import { parseUserCfgRoles } from "../../../src/pve/user-cfg.js";

const cfg = {
  roles: { RollgateUpgrade: ["VM.Monitor", "Sys.Audit", "VM.GuestAgent.Audit"], Backup: ["VM.Backup"] },
  users: { "rollgate@pve": { acl: [{ path: "/", roles: ["RollgateUpgrade"], propagate: true }] } },
  groups: {},
  tokens: { "rollgate@pve!upgrade": { privsep: true, acl: [{ path: "/", roles: ["RollgateUpgrade"] }] } },
};

describe("user.cfg", () => {
  it("the lab writes it as PVE does: users and their tokens, roles sorted, one ACL line per role list", () => {
    expect(userConfigText(cfg)).toBe(
      [
        "user:rollgate@pve:1:0::::::",
        "token:rollgate@pve!upgrade:0:1::",
        "user:root@pam:1:0:::root@localhost:::",
        "",
        "",
        "",
        "role:Backup:VM.Backup:",
        "role:RollgateUpgrade:Sys.Audit,VM.GuestAgent.Audit,VM.Monitor:",
        "",
        "acl:1:/:rollgate@pve,rollgate@pve!upgrade:RollgateUpgrade:",
        "",
      ].join("\n"),
    );
  });

  it("reads every role line with all its privileges, known to this release or not; built-in names marked", () => {
    const parsed = parseUserCfgRoles(`${userConfigText(cfg)}role:PVEVMUser:VM.Audit:\n`);
    expect(parsed).toEqual({
      ok: true,
      roles: [
        { roleid: "Backup", privileges: ["VM.Backup"], builtIn: false },
        { roleid: "RollgateUpgrade", privileges: ["Sys.Audit", "VM.GuestAgent.Audit", "VM.Monitor"], builtIn: false },
        { roleid: "PVEVMUser", privileges: ["VM.Audit"], builtIn: true },
      ],
    });
  });

  it("unknown means no: a file that is not PVE's user.cfg, or a role line without a valid name", () => {
    expect(parseUserCfgRoles("")).toEqual({ ok: false, error: "/etc/pve/user.cfg has no user:root@pam line: not PVE's user.cfg" });
    expect(parseUserCfgRoles("user:root@pam:1:0:::::\nrole:bad name:VM.Audit:\n")).toMatchObject({ ok: false });
  });
});
