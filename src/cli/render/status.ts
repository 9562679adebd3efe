// `rollgate status`: a run's journal, node by node and step by step, with what needs a human first.

import type { RunSummary, StepSummary } from "../../run/run-summary.js";
import type { LockInfo } from "../../run/lock.js";
import type { Style } from "./style.js";

function duration(from: string, to: string | null): string {
  if (!to) return "";
  const seconds = Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000));
  return seconds < 90 ? `${seconds}s` : `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, "0")}s`;
}

const clock = (iso: string) => iso.slice(11, 19);

function stepLine(step: StepSummary, style: Style): string {
  const mark = { ok: style.ok("ok     "), skipped: style.dim("skipped"), failed: style.bad("FAILED "), refused: style.bad("REFUSED"), interrupted: style.bad("STOPPED"), running: "running" }[step.status];
  const text = step.status === "running" ? (step.lastProgress ?? step.title) : step.message;
  return `    ${clock(step.startedAt)} ${duration(step.startedAt, step.endedAt).padStart(6)}  ${mark}  ${step.step.padEnd(26)} ${text}`;
}

export function renderStatus(summary: RunSummary, lock: LockInfo | null, live: boolean, style: Style): string {
  const lines: string[] = [];
  lines.push(style.bold(`Run ${summary.runId} on cluster ${summary.cluster}`) + ` (${summary.dryRun ? "dry run, " : ""}playbook ${summary.playbook}, host ${summary.host}${summary.starts > 1 ? `, resumed ${summary.starts - 1}×` : ""})`);
  lines.push(`started ${summary.startedAt}${summary.endedAt ? `, ended ${summary.endedAt} after ${duration(summary.startedAt, summary.endedAt)}` : ""}`);
  if (summary.outcome) lines.push(`outcome: ${summary.outcome === "success" ? style.ok(summary.outcome) : style.bad(summary.outcome)} (exit ${summary.exitCode}): ${summary.message}`);
  else if (live && lock) lines.push(style.bold(`in progress: PID ${lock.pid} on ${lock.host} holds the lock`));
  else lines.push(style.bad("did not finish: the process ended without recording an outcome (killed?)"));
  for (const node of summary.maintenanceOn) {
    lines.push(style.bad(`! ${node} is still in HA maintenance mode: once it is healthy, \`rollgate upgrade --resume\` takes it out (or \`ha-manager crm-command node-maintenance disable ${node}\`)`));
  }
  if (summary.inFlight && summary.outcome !== "success") {
    lines.push(style.bad(`! stopped while working on ${summary.inFlight.node}${summary.inFlight.lastStep ? ` (step ${summary.inFlight.lastStep})` : ""}${summary.inFlight.touched ? "; it had been changed" : "; it had not been changed"}`));
  }
  if (summary.humanAction) lines.push(style.bad(`ACTION REQUIRED: ${summary.humanAction}`));
  if (summary.preflight.length > 0) {
    lines.push("", "preflight");
    for (const step of summary.preflight) lines.push(stepLine(step, style));
  }
  for (const node of summary.nodes) {
    const when = node.startedAt ? ` ${clock(node.startedAt)}${node.endedAt ? `-${clock(node.endedAt)} (${duration(node.startedAt, node.endedAt)})` : ""}` : "";
    lines.push("", `${style.bold(node.node)}  ${node.status}${when}${node.message ? `: ${node.message}` : ""}`);
    for (const step of node.steps) lines.push(stepLine(step, style));
  }
  return lines.join("\n");
}
