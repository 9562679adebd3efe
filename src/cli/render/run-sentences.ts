// One way to say what happened in a run, shared by the plain log and the live tree: a renderer
// decides where a sentence goes (a timestamped line, a task's title or output), never its words.

import type { Verdict } from "../../gates/index.js";
import type { NodeStatus, RunEvent, StepStatus } from "../../run/events.js";
import { outcomeHeadline, outcomeIsQuiet } from "../../util/outcome.js";
import { noStyle, type Style } from "./style.js";

export type EventOf<T extends RunEvent["type"]> = Extract<RunEvent, { type: T }>;

/** Where steps that belong to no node run. */
export type UnscopedPhase = "preflight" | "finally";

/** What happened, who it is about ("pve1 evacuate", "preflight quorum", "pve1"; null for the run), and lines that belong under it. */
export interface Sentence {
  scope: string | null;
  text: string;
  details: string[];
}

export interface SentenceContext {
  /** The phase that steps without a node belong to. */
  phase: UnscopedPhase;
  verbose: boolean;
  /** The step's refusing gate verdicts were already shown with their reasons. */
  reasonsShown: boolean;
  /** The step whose end just said, in the same words, why this node stopped. */
  stoppedAt: string | null;
}

export function stepScope(node: string | null, step: string, phase: UnscopedPhase): string {
  return `${node ?? phase} ${step}`;
}

const statusWords: Record<StepStatus | NodeStatus, string> = {
  ok: "ok",
  done: "done",
  skipped: "skipped",
  failed: "FAILED",
  refused: "REFUSED",
  interrupted: "INTERRUPTED",
};

export function stoppedTheRun(status: StepStatus | NodeStatus): boolean {
  return status === "failed" || status === "refused" || status === "interrupted";
}

/** "REFUSED (reasons above)": the status with a short note in parentheses. */
function statusNote(status: StepStatus | NodeStatus, note: string): string {
  return `${statusWords[status]} (${note})`;
}

/** "ok (healed, steady for 30 s)", "FAILED: apt-get exited 100". */
export function statusText(status: StepStatus | NodeStatus, message: string): string {
  if (message === "") return statusWords[status];
  return stoppedTheRun(status) ? `${statusWords[status]}: ${message}` : statusNote(status, message);
}

/** What a step's end says; a refusal whose reasons were just listed points at them instead of repeating them. */
export function stepEndText(event: EventOf<"step-end">, reasonsShown: boolean): string {
  return reasonsShown && event.status === "refused" ? statusNote(event.status, "reasons above") : statusText(event.status, event.message);
}

/** What a node's end says; when a step just said why the node stopped, it points there. */
function nodeEndText(event: EventOf<"node-end">, stoppedAt: string | null): string {
  return stoppedAt !== null && stoppedTheRun(event.status)
    ? statusNote(event.status, `at ${stoppedAt}, above`)
    : statusText(event.status, event.message);
}

/** Each reason a gate refused, prefixed with the gate, one per line. */
export function refusalLines(verdicts: readonly Verdict[]): string[] {
  return verdicts.flatMap((v) => v.reasons.map((reason) => `${v.gate}: ${reason}`));
}

/** The end of the run as a person must read it: outcome, what to do, what was left in maintenance. */
export function runEndLines(event: EventOf<"run-end">, style: Style): string[] {
  const headline = outcomeHeadline(event.outcome, event.exitCode);
  const lines = [`run ended: ${outcomeIsQuiet(event.outcome) ? style.ok(headline) : style.bad(headline)}: ${event.message}`];
  if (event.humanAction) lines.push(style.bold(style.bad(`ACTION REQUIRED: ${event.humanAction}`)));
  if (event.maintenanceLeftOn.length > 0) lines.push(style.bad(`still in HA maintenance mode: ${event.maintenanceLeftOn.join(", ")}`));
  return lines;
}

function runStartText(event: EventOf<"run-start">): string {
  const parts = [
    `run ${event.runId} started on ${event.host} (pid ${event.pid})`,
    `playbook ${event.playbook}`,
    `nodes ${event.order.join(" → ") || "none"}`,
  ];
  if (event.resumes) parts.push(`resumes run ${event.resumes}`);
  if (event.dryRun) parts.push("dry run: nothing will be changed");
  return parts.join("; ");
}

function detailText(detail: Record<string, unknown>): string {
  return Object.entries(detail)
    .filter(([, value]) => ["string", "number", "boolean"].includes(typeof value))
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(" ");
}

function actionText(event: EventOf<"action">): string {
  const what = `${event.action} ${detailText(event.detail)}`.trimEnd();
  if (event.phase === "after" && event.ok === false) return `change FAILED: ${what}: ${event.error ?? "unknown error"}`;
  return event.phase === "before" ? `change: ${what}` : `changed: ${what}`;
}

function one(scope: string | null, text: string, details: string[] = []): Sentence[] {
  return [{ scope, text, details }];
}

/** The sentences an event is worth to a person; none for what only the journal needs. */
export function describeEvent(event: RunEvent, context: SentenceContext): Sentence[] {
  switch (event.type) {
    case "run-start":
      return one(event.cluster, runStartText(event));
    case "phase":
      return one(event.phase, "start");
    case "node-start":
      return one(event.node, `start (node ${event.index} of ${event.total})`);
    case "step-start":
      return one(stepScope(event.node, event.step, context.phase), `start — ${event.title}`);
    case "step-progress":
      return one(stepScope(event.node, event.step, context.phase), event.message);
    case "step-output": {
      if (!context.verbose) return [];
      const scope = stepScope(event.node, event.step, context.phase);
      return event.text
        .split(/\r?\n/)
        .map((line) => line.trimEnd())
        .filter((line) => line !== "")
        .map((line) => ({ scope, text: `${event.stream}: ${line}`, details: [] }));
    }
    case "action": {
      const failed = event.phase === "after" && event.ok === false;
      if (!failed && !context.verbose) return [];
      return one(stepScope(event.node, event.step, context.phase), actionText(event));
    }
    case "gate": {
      const scope = stepScope(event.node, event.step, context.phase);
      if (!event.verdict.pass) return one(scope, `gate ${event.verdict.gate} refuses:`, event.verdict.reasons);
      // Journals written before verdicts had a summary show the plain line.
      const summary = (event.verdict.summary as string | undefined) ?? null;
      return context.verbose ? one(scope, `gate ${event.verdict.gate} passes${summary ? `: ${summary}` : ""}`, event.verdict.checked) : [];
    }
    case "step-end":
      return one(stepScope(event.node, event.step, context.phase), stepEndText(event, context.reasonsShown));
    case "node-end":
      return one(event.node, nodeEndText(event, context.stoppedAt));
    case "run-end":
      return runEndLines(event, noStyle).map((text) => ({ scope: null, text, details: [] }));
  }
}
