// The plan on one screen: order, per node what changes and where its guests go, gates now, time.

import type { Plan } from "../../plan/plan.js";
import { renderVerdicts } from "./verdicts.js";
import type { Style } from "./style.js";

export function formatDuration(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  const minutes = Math.round(seconds / 60);
  return minutes < 90 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

function packagesLine(plan: Plan["nodes"][number]): string {
  if (plan.pending === null) return "packages unknown";
  if (plan.pending.length === 0) return "no packages pending";
  const shown = plan.pending.slice(0, 3).map((p) => (p.from ? `${p.name} ${p.from} → ${p.to}` : `${p.name} ${p.to} (new)`));
  return `${plan.pending.length} packages: ${shown.join(", ")}${plan.pending.length > 3 ? ", …" : ""}`;
}

export function renderPlan(plan: Plan, style: Style): string {
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
    lines.push(`${node.node.padEnd(width)}${packagesLine(node)}; ${reboot}`);
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
