// A pve-manager version ("8.4.14", "9.1.4"): its major and minor, where the upgrade rules start.

/** "8.4.14" → [8, 4]; null for what is no PVE version. */
export function majorMinorOf(version: string | null): [number, number] | null {
  const match = /^(\d+)\.(\d+)(?:[.~+-]|$)/.exec(version ?? "");
  return match ? [Number(match[1]), Number(match[2])] : null;
}

/** The node runs PVE `major` or later; false for a version that cannot be read. */
export function reachedMajor(version: string | null, major: number): boolean {
  const read = majorMinorOf(version);
  return read !== null && read[0] >= major;
}
