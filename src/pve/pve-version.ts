// A pve-manager version ("8.4.14", "9.1.4"): its major and minor, where the upgrade rules start.

/** "8.4.14" → [8, 4]; null for what is no PVE version. */
export function majorMinorOf(version: string | null): [number, number] | null {
  const match = /^(\d+)\.(\d+)(?:[.~+-]|$)/.exec(version ?? "");
  return match ? [Number(match[1]), Number(match[2])] : null;
}

/**
 * The node runs PVE `major` or later; false for a version that cannot be read. Only the major is
 * read: a dry run's simulated major upgrade knows no minor ("9.x", src/steps/simulation.ts).
 */
export function reachedMajor(version: string | null, major: number): boolean {
  const read = /^(\d+)\./.exec(version ?? "");
  return read !== null && Number(read[1]) >= major;
}
