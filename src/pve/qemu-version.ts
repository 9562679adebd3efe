// QEMU versions as qemu-server compares them: major.minor only, of a QEMU ("9.2.0", status/current's
// `running-qemu`) or of a machine type ("pc-i440fx-9.2+pve1", `running-machine`). Patch levels and
// +pveN revisions do not decide where a VM can run (qemu-server src/PVE/QemuServer/Machine.pm
// extract_version_parts; src/PVE/QemuServer.pm config_to_command's min_version check).

export interface QemuVersion {
  major: number;
  minor: number;
}

/** `9.2.0`, `10.1`, `9.2+pve1` → major.minor; null for anything else ("unknown"). */
export function qemuVersion(text: string): QemuVersion | null {
  const match = /^(\d+)\.(\d+)(?:[.+]|$)/.exec(text);
  return match ? { major: Number(match[1]), minor: Number(match[2]) } : null;
}

/** The version of a versioned machine type (`pc-q35-10.1+pve0`, `pc-i440fx-9.2.pxe`); null for an unversioned `pc`/`q35`. */
export function machineVersion(machine: string): QemuVersion | null {
  const match = /^(?:pc(?:-i440fx|-q35)?|virt)-(\d+)\.(\d+)/.exec(machine);
  return match ? { major: Number(match[1]), minor: Number(match[2]) } : null;
}

/** Negative when `a` is older than `b`. */
export function compareQemu(a: QemuVersion, b: QemuVersion): number {
  return a.major - b.major || a.minor - b.minor;
}

export function formatQemu(version: QemuVersion): string {
  return `${version.major}.${version.minor}`;
}
