// permissions: every privilege rollgate needs is effective for its token, for each PVE version the
// nodes run; what is missing is named, with the pveum commands that grant it.

import { describe, expect, it } from "vitest";
import { observed } from "../../../src/observe/state.js";
import { allPrivileges, privilegeNeeds } from "../../../src/pve/privileges.js";
import { clusterConfig, evaluate, expectPass, healthyState } from "./state-factory.js";

/** What the nodes of each major compute for the token: the same privileges unless `byMajor` says otherwise. */
function withEffective(
  majors: Array<"8" | "9">,
  effective: Record<string, string[]>,
  byMajor: Partial<Record<"8" | "9", Record<string, string[]>>> = {},
) {
  const state = healthyState();
  state.permissions = observed({
    tokenId: "rollgate@pve!upgrade",
    majors,
    effective: Object.fromEntries(majors.map((m) => [m, byMajor[m] ?? effective])),
  });
  return state;
}

/** What the token must hold for `major`: every privilege of privileges.ts, and /vms's again on each critical guest. */
const needed = (major: "8" | "9") => {
  const needs = privilegeNeeds(major);
  return needs.flatMap((n) => n.privileges).length + 2 * (needs.find((n) => n.path === "/vms")?.privileges.length ?? 0);
};

const everything = (major: "8" | "9") =>
  Object.fromEntries(["/", "/vms", "/storage", "/vms/100", "/vms/101"].map((p) => [p, allPrivileges(major)]));

describe("permissions", () => {
  it("passes when the token holds everything the nodes' version checks", () => {
    const verdict = evaluate("permissions", withEffective(["8"], everything("8")));
    expectPass(verdict);
    expectPass(evaluate("permissions", withEffective(["9"], everything("9"))));
    expect(verdict.summary).toBe(
      `token rollgate@pve!upgrade holds every privilege the run needs (${needed("8")} checked on 5 paths, PVE 8)`,
    );
  });

  it("names what is missing where, and the pveum commands that grant it", () => {
    const state = withEffective(["9"], { ...everything("9"), "/storage": [], "/vms/101": ["VM.Audit"] });
    const v = evaluate("permissions", state);
    expect(v.pass).toBe(false);
    expect(v.summary).toBe(`token rollgate@pve!upgrade lacks 4 of the ${needed("9")} privileges the run needs (PVE 9)`);
    expect(v.reasons).toEqual([
      "token rollgate@pve!upgrade lacks Datastore.Audit on /storage (storage definitions (an unprivileged token sees an empty list)); VM.Migrate, VM.PowerMgmt, VM.GuestAgent.Audit on /vms/101 (critical guest 101 of group routers) on PVE 9: " +
        'grant them with `pveum role add RollgateUpgrade --privs "Sys.Audit,VM.Audit,VM.Migrate,VM.PowerMgmt,VM.GuestAgent.Audit,Datastore.Audit"` (or `pveum role modify RollgateUpgrade --privs …` if the role exists), ' +
        "`pveum acl modify / --users rollgate@pve --roles RollgateUpgrade` and `pveum acl modify / --tokens 'rollgate@pve!upgrade' --roles RollgateUpgrade`",
    ]);
  });

  it("asks PVE 8 for VM.Monitor and PVE 9 for VM.GuestAgent.Audit, both while the cluster is mixed, and says how to grant both", () => {
    const v = evaluate("permissions", withEffective(["8", "9"], everything("8")));
    expect(v.reasons).toHaveLength(1);
    expect(v.reasons[0]).toContain("lacks VM.GuestAgent.Audit on /vms");
    expect(v.reasons[0]).toContain("on PVE 9: while the cluster runs PVE 8 and 9, neither pveum can grant it");
    expect(v.reasons[0]).toContain(
      "`role:RollgateUpgrade:Datastore.Audit,Sys.Audit,VM.Audit,VM.GuestAgent.Audit,VM.Migrate,VM.Monitor,VM.PowerMgmt:`",
    );
    // Each major's nodes computed their own answer: both hold what they check, the gate passes.
    expectPass(evaluate("permissions", withEffective(["8", "9"], {}, { "8": everything("8"), "9": everything("9") })));
  });

  it("with upgrade.backup, asks VM.Backup on each critical guest and Datastore.AllocateSpace on the storage, and grants them", () => {
    const base = clusterConfig();
    const config = {
      ...base,
      upgrade: { ...base.upgrade, backup: { storage: "pbs", mode: "snapshot", compress: "zstd", timeout: 1 } as const },
    };
    const v = evaluate("permissions", withEffective(["9"], everything("9")), { config });
    expect(v.pass).toBe(false);
    expect(v.reasons).toHaveLength(1);
    expect(v.reasons[0]).toMatch(
      /^token rollgate@pve!upgrade lacks VM\.Backup on \/vms\/100 \(critical guest 100 of group routers, backed up first\); VM\.Backup on \/vms\/101 \(.*\); Datastore\.AllocateSpace on \/storage\/pbs \(the backups of upgrade\.backup\) on PVE 9: /,
    );
    expect(v.reasons[0]).toContain(
      '`pveum role add RollgateUpgrade --privs "Sys.Audit,VM.Audit,VM.Migrate,VM.PowerMgmt,VM.GuestAgent.Audit,Datastore.Audit,VM.Backup,Datastore.AllocateSpace"`',
    );
    const granted = Object.fromEntries(
      ["/", "/vms", "/storage", "/vms/100", "/vms/101", "/storage/pbs"].map((p) => [p, allPrivileges("9", { backup: true })]),
    );
    expectPass(evaluate("permissions", withEffective(["9"], granted), { config }));
  });

  it("unknown means no: a major whose nodes were not asked", () => {
    const state = withEffective(["8", "9"], everything("8"));
    if (state.permissions?.ok) delete state.permissions.value.effective["9"];
    expect(evaluate("permissions", state).reasons).toEqual([
      "the token's privileges as a PVE 9 node computes them: could not be observed (not collected); refusing until it can be",
    ]);
  });

  it("says the privileges are unknown when they could not be read", () => {
    const state = healthyState();
    delete state.permissions;
    expect(evaluate("permissions", state).summary).toBe("the token's privileges unknown (API /access/permissions not read)");
  });
});
