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

/** What a cluster.yaml asks beyond the fixed list: its critical guests, and whether it backs them up first. */
export interface NeedsOfConfig {
  critical: ReadonlyArray<{ group: string; vms: readonly number[] }>;
  upgrade: { backup?: { storage: string } | undefined };
}

/**
 * With upgrade.backup, vzdump checks VM.Backup on each guest it backs up and
 * Datastore.AllocateSpace on the storage, and the storage's content list shows an archive only to
 * a token holding both (docs/domain/backup.md, "Privileges").
 */
const backupPrivileges = ["VM.Backup", "Datastore.AllocateSpace"];

/**
 * The fixed list and, for this config, each critical guest (a guest may carry an ACL of its own
 * that takes away what /vms grants) and the backup storage.
 */
export function configNeeds(major: PveMajor, config: NeedsOfConfig): PrivilegeNeed[] {
  const base = privilegeNeeds(major);
  const backup = config.upgrade.backup;
  const guestPrivileges = [...(base.find((n) => n.path === "/vms")?.privileges ?? []), ...(backup ? ["VM.Backup"] : [])];
  return [
    ...base,
    ...config.critical.flatMap((g) =>
      g.vms.map((vmid) => ({
        path: `/vms/${vmid}`,
        privileges: guestPrivileges,
        why: `critical guest ${vmid} of group ${g.group}${backup ? ", backed up first" : ""}`,
      })),
    ),
    ...(backup
      ? [{ path: `/storage/${backup.storage}`, privileges: ["Datastore.AllocateSpace"], why: "the backups of upgrade.backup" }]
      : []),
  ];
}

/** The custom role rollgate's commands create. */
export const roleName = "RollgateUpgrade";

/** Every privilege of the list, once, in the order given; with `backup`, those upgrade.backup needs too. */
export function allPrivileges(major: PveMajor, options: { backup?: boolean } = {}): string[] {
  return [...new Set([...privilegeNeeds(major).flatMap((n) => n.privileges), ...(options.backup ? backupPrivileges : [])])];
}

/**
 * The commands that grant the list to a token: one role with every privilege, granted on / (ACLs
 * propagate by default, so /vms and /storage inherit it), to the token and to its user: a token
 * with privilege separation holds only what both hold (pve-access-control RPCEnvironment.pm
 * compile_acl_path).
 */
export function grantCommands(major: PveMajor, tokenId: string, options: { backup?: boolean } = {}): string[] {
  const user = tokenId.split("!")[0]!;
  return [
    `pveum role add ${roleName} --privs "${allPrivileges(major, options).join(",")}"`,
    `pveum acl modify / --users ${user} --roles ${roleName}`,
    `pveum acl modify / --tokens '${tokenId}' --roles ${roleName}`,
  ];
}
