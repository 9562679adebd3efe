// The plan on one screen: order, per node what changes and where its guests go, gates now, time.

import type { PackageChangelog } from "../../observe/changelogs.js";
import type { Plan } from "../../plan/plan.js";
import { renderVerdicts } from "./verdicts.js";
import type { Style } from "./style.js";

export function formatDuration(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  const minutes = Math.round(seconds / 60);
  return minutes < 90 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

const change = (p: { name: string; from: string | null; to: string }) =>
  p.from ? `${p.name} ${p.from} → ${p.to}` : `${p.name} ${p.to} (new)`;

function packagesLine(plan: Plan["nodes"][number], all: boolean): string {
  if (plan.pending === null) return "packages unknown";
  if (plan.pending.length === 0) return "no packages pending";
  if (all) return `${plan.pending.length} packages:`;
  const shown = plan.pending.slice(0, 3).map(change);
  return `${plan.pending.length} packages: ${shown.join(", ")}${plan.pending.length > 3 ? ", …" : ""}`;
}

/** `plan --changelog`: what each package version changes since the installed one, as its changelog says. */
export function renderChangelogs(changelogs: PackageChangelog[], style: Style): string {
  const lines = [style.bold("Changelogs:")];
  for (const c of changelogs) {
    lines.push("", style.bold(`${change(c)}`) + style.dim(` (apt-get changelog on ${c.node})`));
    if (!c.changes.ok) {
      lines.push(`  not available: ${c.changes.error}`);
      continue;
    }
    for (const entry of c.changes.entries) lines.push(...entry.text.split("\n").map((l) => (l === "" ? "" : `  ${l}`)));
    if (!c.changes.complete) lines.push(style.dim(`  (the entry of ${c.from} was not found: every entry above is shown)`));
  }
  return lines.join("\n");
}

/** `packages`: every pending package with its versions, one per line (plan --packages). */
export function renderPlan(plan: Plan, style: Style, { packages = false }: { packages?: boolean } = {}): string {
  const lines = [
    style.bold(`Plan for cluster ${plan.cluster}`) + style.dim(` (observed ${plan.observedAt})`),
    `Order: ${plan.order.join(" → ")} (${plan.orderReason})`,
    "",
  ];
  const width = Math.max(...plan.nodes.map((n) => n.node.length), 4) + 2;
  for (const node of plan.nodes) {
    if (node.upToDate) {
      lines.push(`${node.node.padEnd(width)}${style.dim("up to date: skipped")}`);
      continue;
    }
    const reboot = node.reboot
      ? node.reboot.needed
        ? `reboot: ${node.reboot.reason}`
        : `no reboot: ${node.reboot.reason}`
      : "reboot: unknown";
    lines.push(`${node.node.padEnd(width)}${packagesLine(node, packages)}${packages ? "" : `; ${reboot}`}`);
    if (packages) {
      for (const p of node.pending ?? []) lines.push(`${" ".repeat(width + 2)}${change(p)}`);
      lines.push(`${" ".repeat(width)}${reboot}`);
    }
    const label = (move: (typeof node.moves)[number]) => `${move.name}${move.group ? ` [${move.group}]` : ""}`;
    const labelWidth = Math.max(0, ...node.moves.map((m) => label(m).length));
    for (const move of node.moves) {
      const where = move.to ? `→ ${move.to}` : "";
      const text = `${String(move.vmid).padStart(5)}  ${label(move).padEnd(labelWidth)}  ${move.action.padEnd(15)} ${where}`.trimEnd();
      lines.push(`${" ".repeat(width)}${move.problem ? style.bad(`${text}  ✗ ${move.problem}`) : text}`);
    }
    for (const note of node.notes.filter((n) => !node.moves.some((m) => m.problem === n)))
      lines.push(`${" ".repeat(width)}${style.bad(note)}`);
    lines.push(`${" ".repeat(width)}${style.dim(`~${formatDuration(node.estimateSeconds)}`)}`);
  }
  lines.push("", style.bold("Gates now:"), renderVerdicts(plan.gates, style, false));
  for (const warning of plan.warnings) lines.push(style.bad(`warning: ${warning}`));
  lines.push("", `Estimated duration: ~${formatDuration(plan.estimateSeconds)} (waits on gates, so heals and reboots may take longer)`);
  const refusing = plan.gates.filter((g) => !g.pass).length;
  const blocked = plan.nodes.filter((n) => n.notes.length > 0).map((n) => n.node);
  const why = [
    ...(refusing > 0 ? [`${refusing} gate${refusing === 1 ? "" : "s"} refuse${refusing === 1 ? "s" : ""}`] : []),
    ...(blocked.length > 0 ? [`${blocked.join(", ")} cannot go down as planned (see above)`] : []),
  ];
  lines.push(plan.ready ? style.ok("Ready: every gate passes now.") : style.bad(`Not ready: ${why.join("; ")}.`));
  return lines.join("\n");
}
