// What a finished PVE task's exit status means: only `OK` and `WARNINGS: N` are success; anything
// else is the error text (pve-common src/PVE/UPID.pm status_is_error; docs/domain/proxmox-api.md,
// "Tasks prove little"). Common guest starts warn ("no efidisk configured! Using temporary efivars
// disk."), so a warning must not fail a migration.

export type TaskOutcome = { ok: true; warnings: number } | { ok: false; error: string };

export function taskOutcome(exitstatus: string | null | undefined): TaskOutcome {
  if (exitstatus === "OK") return { ok: true, warnings: 0 };
  const warned = /^WARNINGS: (\d+)$/.exec(exitstatus ?? "");
  if (warned) return { ok: true, warnings: Number(warned[1]) };
  return { ok: false, error: exitstatus ?? "no exit status" };
}
