// `apt-get -s dist-upgrade`: the `Inst` lines say what would be installed or upgraded.
// (`-s upgrade` would hide new kernel packages, which are new dependencies.) A `Conf` line without
// an `Inst` (apt-pkg/algorithms.cc pkgSimulate::Configure) is a package dpkg unpacked but never
// configured, an interrupted upgrade: still pending, so the node is not taken for upgraded.

import type { PendingPackage } from "../state.js";

const instLine = /^Inst (\S+)(?: \[([^\]]+)\])? \((\S+) /;
const confLine = /^Conf (\S+) \((\S+) /;

export function parseAptSimulation(text: string): PendingPackage[] {
  const pending: PendingPackage[] = [];
  const unpacked: PendingPackage[] = [];
  let sawSummary = false;
  for (const line of text.split("\n")) {
    if (/^\d+ upgraded, \d+ newly installed, \d+ to remove and \d+ not upgraded\.$/.test(line)) sawSummary = true;
    const m = instLine.exec(line);
    if (m) pending.push({ name: m[1]!, from: m[2] ?? null, to: m[3]! });
    const c = confLine.exec(line);
    // Unpacked already: dpkg's installed version is the new one.
    if (c) unpacked.push({ name: c[1]!, from: c[2]!, to: c[2]! });
  }
  pending.push(...unpacked.filter((u) => !pending.some((p) => p.name === u.name)));
  if (!sawSummary)
    throw new Error('apt-get -s dist-upgrade printed no summary line ("N upgraded, N newly installed, …"): output not understood');
  return pending;
}
