// The switch of one node's sources to trixie as a run plans it, from the files apt reads there:
// the sources-trixie step writes this plan, and the preflight gate trixie-repositories shows it
// (and refuses it) before any node is touched, so the two can never disagree. Pure.

import { aptReads, classify, parseSources, planTrixieSources, type SourceEntry, type SourceFile, type TrixiePlan } from "./apt-sources.js";

/** The enabled entries of the files apt reads (a file it cannot parse has none). */
export const enabledEntries = (files: readonly SourceFile[]): SourceEntry[] =>
  files.flatMap((file) => {
    const parsed = aptReads(file.path) ? parseSources(file) : null;
    return parsed?.ok ? parsed.entries.filter((e) => e.enabled) : [];
  });

/**
 * The enterprise repositories answer only with a subscription, and the preflight gate
 * package-sources has proved every enabled repository answers: an enabled one means the node has one.
 */
function hasSubscription(files: readonly SourceFile[]): boolean {
  const enterprise = (uri: string) => {
    const repo = classify(uri);
    return (repo.kind === "proxmox" || repo.kind === "ceph") && repo.enterprise;
  };
  return enabledEntries(files).some((e) => e.uris.some(enterprise));
}

/**
 * The plan, resuming a switch that stopped after writing a `.sources` file but before removing the
 * `.list` file it replaces: the planner sees both and refuses the collision. A `.sources` file that
 * is exactly what the plan writes from the file still there is that run's work, not the admin's: it
 * is planned again without it (and written again, the same).
 */
export function planNodeSwitch(files: readonly SourceFile[]): TrixiePlan {
  const options = { subscription: hasSubscription(files) };
  const plan = planTrixieSources(files, options);
  if (plan.ok) return plan;
  const fromOneLine = planTrixieSources(
    files.filter((f) => aptReads(f.path) !== "deb822"),
    options,
  );
  if (!fromOneLine.ok) return plan;
  const ours = new Set(
    files.filter((f) => fromOneLine.writes.some((w) => w.path === f.path && w.content === f.content)).map((f) => f.path),
  );
  if (ours.size === 0) return plan;
  const resumed = planTrixieSources(
    files.filter((f) => !ours.has(f.path)),
    options,
  );
  return resumed.ok ? resumed : plan;
}
