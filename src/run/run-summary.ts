// What a journal says about its run: node by node, step by step, with times; the node it was
// working on if it stopped; the nodes it left in maintenance. Pure, over the recorded events.

import type { NodeStatus, Outcome, RunEvent, StepStatus } from "./events.js";

export interface StepSummary {
  step: string;
  title: string;
  startedAt: string;
  endedAt: string | null;
  status: StepStatus | "running";
  message: string;
  /** The last thing it reported while running (e.g. the heal entries it was waiting on). */
  lastProgress: string | null;
}

export interface NodeSummary {
  node: string;
  status: NodeStatus | "in-flight" | "pending";
  startedAt: string | null;
  endedAt: string | null;
  message: string;
  steps: StepSummary[];
}

export interface RunSummary {
  runId: string;
  cluster: string;
  host: string;
  pid: number;
  playbook: string;
  dryRun: boolean;
  startedAt: string;
  endedAt: string | null;
  /** Null: the run never wrote its end (killed, or still running). */
  outcome: Outcome | null;
  exitCode: number | null;
  message: string | null;
  humanAction: string | null;
  preflight: StepSummary[];
  nodes: NodeSummary[];
  /** The node whose work had started and not ended. */
  inFlight: { node: string; lastStep: string | null; touched: boolean } | null;
  /** Nodes the journal shows put in maintenance and not taken out again. */
  maintenanceOn: string[];
  /** How many times the run was started (1, plus one per --resume). */
  starts: number;
}

export function summarizeRun(events: readonly RunEvent[]): RunSummary {
  const starts = events.filter((e): e is Extract<RunEvent, { type: "run-start" }> => e.type === "run-start");
  const first = starts[0];
  if (!first) throw new Error("the journal has no run-start record");
  const order = starts.at(-1)!.order;
  const nodes = new Map<string, NodeSummary>(first.order.map((node) => [node, { node, status: "pending", startedAt: null, endedAt: null, message: "", steps: [] }]));
  for (const node of order) if (!nodes.has(node)) nodes.set(node, { node, status: "pending", startedAt: null, endedAt: null, message: "", steps: [] });
  const preflight: StepSummary[] = [];
  const maintenance = new Set<string>();
  const touched = new Set<string>();
  let end: Extract<RunEvent, { type: "run-end" }> | null = null;

  const stepsOf = (node: string | null) => (node === null ? preflight : nodes.get(node)?.steps ?? preflight);
  const openStep = (node: string | null, step: string) => [...stepsOf(node)].reverse().find((s) => s.step === step && s.endedAt === null);

  for (const e of events) {
    switch (e.type) {
      case "run-start":
        end = null;
        break;
      case "node-start": {
        const summary = nodes.get(e.node) ?? { node: e.node, status: "pending" as const, startedAt: null, endedAt: null, message: "", steps: [] };
        nodes.set(e.node, { ...summary, status: "in-flight", startedAt: summary.startedAt ?? e.time, endedAt: null });
        break;
      }
      case "step-start":
        stepsOf(e.node).push({ step: e.step, title: e.title, startedAt: e.time, endedAt: null, status: "running", message: "", lastProgress: null });
        break;
      case "step-progress": {
        const step = openStep(e.node, e.step);
        if (step) step.lastProgress = e.message;
        break;
      }
      case "step-end": {
        const step = openStep(e.node, e.step);
        if (step) Object.assign(step, { endedAt: e.time, status: e.status, message: e.message });
        break;
      }
      case "action":
        if (e.node !== null) touched.add(e.node);
        if (e.node !== null && e.phase === "after" && e.ok) {
          if (e.action === "maintenance-on") maintenance.add(e.node);
          if (e.action === "maintenance-off") maintenance.delete(e.node);
        }
        break;
      case "node-end": {
        const summary = nodes.get(e.node);
        if (summary) Object.assign(summary, { status: e.status, endedAt: e.time, message: e.message });
        break;
      }
      case "run-end":
        end = e;
        break;
      default:
        break;
    }
  }
  // The node a stopped run was working on: started and not brought to an end that lets the run go on.
  const stillOpen = [...nodes.values()].find((n) => n.status === "in-flight" || n.status === "interrupted" || n.status === "failed") ?? null;
  const lastStep = stillOpen ? (stillOpen.steps.at(-1)?.step ?? null) : null;
  return {
    runId: first.runId,
    cluster: first.cluster,
    host: first.host,
    pid: starts.at(-1)!.pid,
    playbook: first.playbook,
    dryRun: first.dryRun,
    startedAt: first.time,
    endedAt: end?.time ?? null,
    outcome: end?.outcome ?? null,
    exitCode: end?.exitCode ?? null,
    message: end?.message ?? null,
    humanAction: end?.humanAction ?? null,
    preflight,
    nodes: [...nodes.values()],
    inFlight: stillOpen ? { node: stillOpen.node, lastStep, touched: touched.has(stillOpen.node) } : null,
    maintenanceOn: [...maintenance],
    starts: starts.length,
  };
}
