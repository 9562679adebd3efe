// `apt-get -s dist-upgrade`: the `Inst` lines say what would be installed or upgraded.
// (`-s upgrade` would hide new kernel packages, which are new dependencies.)

import type { PendingPackage } from "../state.js";

const instLine = /^Inst (\S+)(?: \[([^\]]+)\])? \((\S+) /;

export function parseAptSimulation(text: string): PendingPackage[] {
  const pending: PendingPackage[] = [];
  let sawSummary = false;
  for (const line of text.split("\n")) {
    if (/^\d+ upgraded, \d+ newly installed, \d+ to remove and \d+ not upgraded\.$/.test(line)) sawSummary = true;
    const m = instLine.exec(line);
    if (m) pending.push({ name: m[1]!, from: m[2] ?? null, to: m[3]! });
  }
  if (!sawSummary)
    throw new Error('apt-get -s dist-upgrade printed no summary line ("N upgraded, N newly installed, …"): output not understood');
  return pending;
}
