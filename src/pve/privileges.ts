// What rollgate's API token must be allowed, per PVE major version: the one list the
// permissions gate checks, `rollgate lab up` grants its token, and README prints as pveum
// commands. From the permissions each call checks in PVE's own API schema
// (docs/domain/proxmox-api.md, "Privileges").

export type PveMajor = "8" | "9";

export interface PrivilegeNeed {
  /** The ACL path the privileges must be effective on (propagated from / is fine). */
  path: string;
  privileges: string[];
  /** What rollgate does with them, for the refusal that names a missing one. */
  why: string;
}

/** The guest agent ping: VM.Monitor on PVE 8; PVE 9 dropped VM.Monitor for VM.GuestAgent.* (pve-access-control 0706945). */
const agentPrivileges: Record<PveMajor, string> = { "8": "VM.Monitor", "9": "VM.GuestAgent.Audit" };

export function agentPrivilege(major: PveMajor): string {
  return agentPrivileges[major];
}

export function privilegeNeeds(major: PveMajor): PrivilegeNeed[] {
  return [
    { path: "/", privileges: ["Sys.Audit"], why: "cluster and HA status, node status, tasks" },
    {
      path: "/vms",
      privileges: ["VM.Audit", "VM.Migrate", "VM.PowerMgmt", agentPrivilege(major)],
      why: "guest status, migrations, shutdown/start, the guest agent probe",
    },
    { path: "/storage", privileges: ["Datastore.Audit"], why: "storage definitions (an unprivileged token sees an empty list)" },
  ];
}

/** The custom role rollgate's commands create. */
export const roleName = "RollgateUpgrade";

/** Every privilege of the list, once, in the order given. */
export function allPrivileges(major: PveMajor): string[] {
  return [...new Set(privilegeNeeds(major).flatMap((n) => n.privileges))];
}

/**
 * The commands that grant the list to a token: one role with every privilege, granted on / (ACLs
 * propagate by default, so /vms and /storage inherit it), to the token and to its user: a token
 * with privilege separation holds only what both hold (pve-access-control RPCEnvironment.pm
 * compile_acl_path).
 */
export function grantCommands(major: PveMajor, tokenId: string): string[] {
  const user = tokenId.split("!")[0]!;
  return [
    `pveum role add ${roleName} --privs "${allPrivileges(major).join(",")}"`,
    `pveum acl modify / --users ${user} --roles ${roleName}`,
    `pveum acl modify / --tokens '${tokenId}' --roles ${roleName}`,
  ];
}
