// `rollgate status`: a run's journal, what needs a human first (nodes left in maintenance, the
// node it stopped on, a change whose result was never recorded), then node by node and step by
// step with times. Times are UTC, as the journal records them. Advice about a node another run
// is upgrading right now is not given (see live-run.ts).

import { stripVTControlCharacters } from "node:util";
import type { OtherRuns } from "../../run/live-run.js";
import type { ListedRun } from "../../run/run-list.js";
import type { LockState } from "../../run/lock.js";
import type { InFlightNode, NodeSummary, RunSummary, StepState, StepSummary } from "../../run/run-summary.js";
import { BusyAdvice } from "./live-run.js";
import type { Style } from "./style.js";

export interface StatusView {
  summary: RunSummary;
  lock: LockState;
  journalFile: string;
  /** The journal's last record was cut off by a crash. */
  truncated: boolean;
  /** Runs going on now, this one or others. */
  others?: OtherRuns;
}

/** What a human is told to do, unless it is about a node a live run is upgrading now. */
type Advise = (line: string) => string;

/** Compact, for a column: 45s, 12m05s, 2h03m. */
function compactSeconds(seconds: number): string {
  if (seconds < 90) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, "0")}s`;
  return `${Math.floor(seconds / 3600)}h${String(Math.floor(seconds / 60) % 60).padStart(2, "0")}m`;
}

function duration(from: string, to: string | null): string {
  if (to === null) return "";
  return compactSeconds(Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000)));
}

const clock = (iso: string) => iso.slice(11, 19);
const stamp = (iso: string) => `${iso.slice(0, 10)} ${clock(iso)} UTC`;

/** Whether the run is going on right now, as far as its lock tells. */
type Liveness = "live" | "unknown" | "dead";

function livenessOf(view: StatusView): Liveness {
  const { lock, summary } = view;
  if (summary.outcome !== null) return "dead";
  if (lock.kind === "live" && lock.info.runId === summary.runId) return "live";
  if (lock.kind === "foreign" && lock.info.runId === summary.runId) return "unknown";
  return "dead";
}

function header(view: StatusView, live: Liveness, style: Style): string[] {
  const s = view.summary;
  const about = [
    s.dryRun ? "dry run" : null,
    `playbook ${s.playbook}`,
    `from ${s.host}`,
    s.starts > 1 ? `resumed ${s.starts - 1}×` : null,
  ].filter((part) => part !== null);
  const lines = [style.bold(`Run ${s.runId} on cluster ${s.cluster}`) + ` (${about.join(", ")})`];
  lines.push(
    `started ${stamp(s.startedAt)}${s.endedAt ? `, ended ${stamp(s.endedAt)} after ${duration(s.startedAt, s.endedAt)}` : `, last record ${stamp(s.lastRecordAt)}`}`,
  );
  if (s.outcome !== null) {
    const outcome = s.outcome === "success" || s.outcome === "paused" ? style.ok(s.outcome) : style.bad(s.outcome);
    lines.push(`outcome: ${outcome} (exit ${s.exitCode}): ${s.message}`);
    return lines;
  }
  const lock = view.lock;
  if (live === "live" && lock.kind === "live")
    lines.push(style.bold(`in progress: PID ${lock.info.pid} on ${lock.info.host} holds the lock`));
  else if (live === "unknown" && lock.kind === "foreign") {
    lines.push(
      style.bad(
        `not finished: PID ${lock.info.pid} on ${lock.info.host} holds the lock; whether it still runs cannot be told from this host`,
      ),
    );
  } else if (lock.kind === "stale" && lock.info.runId === s.runId) {
    lines.push(
      style.bad(
        `did not finish: PID ${lock.info.pid} on ${lock.info.host} is gone without recording an outcome (killed?); the lock it left is stale`,
      ),
    );
  } else lines.push(style.bad("did not finish: the run ended without recording an outcome (killed?)"));
  return lines;
}

function maintenanceLines(view: StatusView, live: Liveness, advise: Advise): string[] {
  return view.summary.maintenanceOn.map((node) =>
    live === "live" && view.summary.inFlight?.node === node
      ? `${node} is in HA maintenance mode while the run works on it`
      : advise(
          `! ${node} is still in HA maintenance mode: this run put it there and the journal does not show it taken out. ` +
            `Once ${node} is healthy, \`rollgate upgrade --resume\` takes it out; by hand: \`ha-manager crm-command node-maintenance disable ${node}\``,
        ),
  );
}

function inFlightLines(inFlight: InFlightNode, live: Liveness, style: Style, advise: Advise): string[] {
  const step = inFlight.lastStep ? ` (step ${inFlight.lastStep})` : "";
  if (live === "live") return [`working on ${inFlight.node}${step}`];
  if (live === "unknown") return [style.bad(`! last recorded working on ${inFlight.node}${step}`)];
  const lines = [
    advise(`! stopped while working on ${inFlight.node}${step}; it had ${inFlight.touched ? "been changed" : "not been changed"}`),
  ];
  const action = inFlight.unfinishedAction;
  if (action) {
    const reboot =
      action.action === "reboot" && inFlight.reboot?.bootIdBefore
        ? `; it rebooted if its /proc/sys/kernel/random/boot_id is no longer ${inFlight.reboot.bootIdBefore}`
        : "";
    lines.push(
      advise(
        `! ${action.action} on ${inFlight.node} was started at ${clock(action.at)} and its result never recorded: it may or may not have happened${reboot}`,
      ),
    );
  }
  return lines;
}

/** A lock that is not this run's, or that needs clearing. */
function lockNote(view: StatusView, style: Style): string[] {
  const { lock, summary } = view;
  if (lock.kind === "free") return [];
  if (lock.kind === "unreadable") return [style.bad(`! the lock ${lock.problem}`)];
  const { pid, host, runId } = lock.info;
  if (lock.kind === "stale") {
    return [
      style.bad(
        `! the lock of run ${runId} is stale (PID ${pid} on ${host} is gone): once the cluster is checked, clear it with \`rollgate upgrade --break-stale-lock\``,
      ),
    ];
  }
  return runId === summary.runId
    ? []
    : [`another run, ${runId}, holds the lock now: PID ${pid} on ${host} since ${stamp(lock.info.startedAt)}`];
}

const statusWords: Record<StepState, string> = {
  ok: "ok",
  skipped: "skipped",
  failed: "FAILED",
  refused: "REFUSED",
  interrupted: "STOPPED",
  running: "running",
  unfinished: "NO END",
};

function stepLines(step: StepSummary, nameWidth: number, live: Liveness, style: Style): string[] {
  // A step without an end in a run that is no longer going on was cut off.
  const state: StepState = step.status === "running" && live === "dead" ? "unfinished" : step.status;
  const word = statusWords[state].padEnd(7);
  const mark = state === "ok" ? style.ok(word) : state === "skipped" || state === "running" ? style.dim(word) : style.bad(word);
  const open = state === "running" || state === "unfinished";
  const text = open ? (step.lastProgress ?? step.title) : step.message;
  const lines = [
    `  ${clock(step.startedAt)} ${duration(step.startedAt, step.endedAt).padStart(6)}  ${mark}  ${step.step.padEnd(nameWidth)}  ${text}`,
  ];
  const worthShowing = !open && state !== "ok" && state !== "skipped" && step.lastProgress !== null && step.lastProgress !== step.message;
  if (worthShowing) lines.push(`${" ".repeat(30 + nameWidth)}last progress: ${step.lastProgress}`);
  return lines;
}

function nodeLine(node: NodeSummary, style: Style): string {
  const name = style.bold(node.node);
  if (node.startedAt === null) return `${name}  ${node.status}`;
  const when = node.endedAt
    ? `${clock(node.startedAt)} → ${clock(node.endedAt)} (${duration(node.startedAt, node.endedAt)})`
    : `since ${clock(node.startedAt)}`;
  const status = node.status === "done" || node.status === "skipped" ? node.status : style.bad(node.status);
  return `${name}  ${status}  ${when}${node.message ? `: ${node.message}` : ""}`;
}

export function renderStatus(view: StatusView, style: Style): string {
  const s = view.summary;
  const live = livenessOf(view);
  const lines = header(view, live, style);
  const busy = view.others ? BusyAdvice.of(view.others) : new BusyAdvice([]);
  const advise: Advise = (line) => {
    const shown = busy.line(line);
    return shown === line ? style.bad(line) : shown;
  };
  const attention = [
    ...maintenanceLines(view, live, advise),
    ...(s.inFlight && s.outcome !== "success" ? inFlightLines(s.inFlight, live, style, advise) : []),
    ...(s.humanAction ? [advise(`ACTION REQUIRED: ${s.humanAction}`)] : []),
    ...lockNote(view, style),
    ...(view.truncated ? [`(the journal's last record was cut off: the process died while writing it; ${view.journalFile})`] : []),
  ];
  // Advice replaced for a busy node reads the same each time: once is enough.
  if (attention.length > 0) lines.push("", ...new Set(attention));
  const allSteps = [...s.preflight, ...s.finally, ...s.nodes.flatMap((n) => n.steps)];
  const nameWidth = Math.max(0, ...allSteps.map((step) => step.step.length));
  const section = (title: string, steps: StepSummary[]) =>
    steps.length === 0 ? [] : ["", style.bold(title), ...steps.flatMap((step) => stepLines(step, nameWidth, live, style))];
  lines.push(...section("preflight", s.preflight));
  for (const node of s.nodes)
    lines.push("", nodeLine(node, style), ...node.steps.flatMap((step) => stepLines(step, nameWidth, live, style)));
  lines.push(...section("finally", s.finally));
  return lines.join("\n");
}

/** `status --list`: one line per run, newest first; a run without an outcome says whether it still goes on. */
export function renderRunList(runs: readonly ListedRun[], lock: LockState, style: Style): string {
  if (runs.length === 0) return "no run recorded";
  const rows = runs.map((run) => {
    if (!("summary" in run)) return [run.runId, "", "", style.bad("unreadable"), "", run.problem];
    const s = run.summary;
    const live = livenessOf({ summary: s, lock, journalFile: "", truncated: false });
    const outcome =
      s.outcome === null
        ? live === "live"
          ? style.bold("in progress")
          : style.bad("did not finish")
        : s.outcome === "success" || s.outcome === "paused"
          ? style.ok(`${s.outcome} (exit ${s.exitCode})`)
          : style.bad(`${s.outcome} (exit ${s.exitCode})`);
    const notes = [s.dryRun ? "dry run" : null, s.playbook, s.starts > 1 ? `resumed ${s.starts - 1}×` : null].filter((n) => n !== null);
    return [
      run.runId,
      stamp(s.startedAt),
      duration(s.startedAt, s.endedAt ?? s.lastRecordAt),
      outcome,
      `${s.nodesDone.length}/${s.nodes.length}`,
      notes.join(", "),
    ];
  });
  const header = ["RUN", "STARTED", "TOOK", "OUTCOME", "NODES", ""];
  // Widths from the text as shown, without colour codes.
  const visible = (text: string) => stripVTControlCharacters(text).length;
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => visible(r[i]!))));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell + " ".repeat(widths[i]! - visible(cell))))
      .join("  ")
      .trimEnd();
  return [style.bold(line(header)), ...rows.map(line)].join("\n");
}
