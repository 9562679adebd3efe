// What a journal says about its run: node by node, step by step, with times; the node it was
// working on when it stopped and what it may have left half done; the nodes it left in
// maintenance. Pure, over the recorded events.

import type { NodeStatus, Outcome, RunEvent, StepStatus } from "./events.js";

type EventOf<T extends RunEvent["type"]> = Extract<RunEvent, { type: T }>;

/**
 * "running": started and no end recorded yet (the run may still be at it, or was killed);
 * "unfinished": the run was started again, or ended, without recording this step's end.
 */
export type StepState = StepStatus | "running" | "unfinished";

export interface StepSummary {
  step: string;
  /** The playbook entry's id (`node[3]`); null in journals written before entries had ids. */
  entry: string | null;
  title: string;
  startedAt: string;
  endedAt: string | null;
  status: StepState;
  message: string;
  /** The last thing it reported while running (e.g. the heal entries it was waiting on). */
  lastProgress: string | null;
}

/** "in-flight": started, no end recorded; "pending": not started (yet). */
export type NodeState = NodeStatus | "in-flight" | "pending";

export interface NodeSummary {
  node: string;
  status: NodeState;
  startedAt: string | null;
  endedAt: string | null;
  message: string;
  steps: StepSummary[];
}

/** A change journaled before it was made. */
export interface JournaledAction {
  action: string;
  step: string;
  at: string;
  detail: Record<string, unknown>;
}

/** What a resumed run needs to tell whether the reboot it asked for happened. */
export interface RebootFacts {
  /** The boot id read before the reboot was asked for: a different one now proves the node rebooted. */
  bootIdBefore: string | null;
  kernelBefore: string | null;
  kernelAfter: string | null;
  /** The reboot request's outcome and when it was recorded; null when the run died before recording it. */
  after: { ok: boolean; error: string | null; at: string } | null;
}

/** The node a stopped (or running) run was working on: started, and not brought to done or skipped. */
export interface InFlightNode {
  node: string;
  status: "in-flight" | "interrupted" | "failed";
  /** The last step started on it, and how that step stands. */
  lastStep: string | null;
  lastStepStatus: StepState | null;
  /** A change was journaled for it: it may be out of service. */
  touched: boolean;
  /** A change the latest start announced and never reported done or failed: it may or may not have happened. */
  unfinishedAction: JournaledAction | null;
  /** The last reboot asked of it, if any. */
  reboot: RebootFacts | null;
}

export interface RunSummary {
  runId: string;
  cluster: string;
  playbook: string;
  dryRun: boolean;
  /** Host and PID of the latest start (a resumed run may have been continued elsewhere). */
  host: string;
  pid: number;
  startedAt: string;
  /** How many times the run was started: 1, plus one per `upgrade --resume`. */
  starts: number;
  /** Null unless the latest start recorded its end. */
  endedAt: string | null;
  lastRecordAt: string;
  /** Null: the run never wrote its end — killed, or still running. */
  outcome: Outcome | null;
  exitCode: number | null;
  message: string | null;
  humanAction: string | null;
  preflight: StepSummary[];
  nodes: NodeSummary[];
  finally: StepSummary[];
  inFlight: InFlightNode | null;
  /** Nodes the last maintenance change (maintenance-on/-off) may have left in HA maintenance. */
  maintenanceOn: string[];
  /** Nodes upgraded and verified, in the order they were finished. */
  nodesDone: string[];
}

const pendingNode = (node: string): NodeSummary => ({ node, status: "pending", startedAt: null, endedAt: null, message: "", steps: [] });

/** Pairs each action's "after" with its "before", per node, so what never got an "after" stands out. */
class ActionLedger {
  private readonly open = new Map<string | null, JournaledAction[]>();
  readonly touched = new Set<string>();
  readonly lastReboot = new Map<string, RebootFacts>();
  /** Nodes the journal cannot show were taken out of maintenance again, in the order they went in. */
  readonly maintenance = new Set<string>();

  record(e: EventOf<"action">): void {
    if (e.node !== null) this.touched.add(e.node);
    const open = this.open.get(e.node) ?? [];
    this.open.set(e.node, open);
    if (e.phase === "before") open.push({ action: e.action, step: e.step, at: e.time, detail: e.detail });
    else {
      const index = open.findLastIndex((a) => a.action === e.action && a.step === e.step);
      if (index >= 0) open.splice(index, 1);
    }
    if (e.node === null) return;
    if (e.action === "reboot") this.recordReboot(e, e.node);
    // Conservative: an attempt to enable may have worked even if it reported an error (an SSH drop
    // mid-command); only a disable that reported success proves the node is out of maintenance.
    if (e.action === "maintenance-on") {
      this.maintenance.delete(e.node);
      this.maintenance.add(e.node);
    }
    if (e.action === "maintenance-off" && e.phase === "after" && e.ok === true) this.maintenance.delete(e.node);
  }

  private recordReboot(e: EventOf<"action">, node: string): void {
    if (e.phase === "before") {
      const text = (key: string) => (typeof e.detail[key] === "string" ? e.detail[key] : null);
      this.lastReboot.set(node, {
        bootIdBefore: text("bootIdBefore"),
        kernelBefore: text("kernelBefore"),
        kernelAfter: text("kernelAfter"),
        after: null,
      });
      return;
    }
    const reboot = this.lastReboot.get(node);
    if (reboot) reboot.after = { ok: e.ok === true, error: e.error ?? null, at: e.time };
  }

  /**
   * A new start (`upgrade --resume`) re-verifies what the last one left in doubt, so only the
   * latest start's unanswered changes stay unfinished; the reboot facts are kept for it.
   */
  restart(): void {
    this.open.clear();
  }

  unfinished(node: string): JournaledAction | null {
    return this.open.get(node)?.at(-1) ?? null;
  }
}

export function summarizeRun(events: readonly RunEvent[]): RunSummary {
  const starts = events.filter((e): e is EventOf<"run-start"> => e.type === "run-start");
  const first = starts[0];
  const latest = starts.at(-1);
  const lastRecord = events.at(-1);
  if (!first || !latest || !lastRecord) throw new Error("programming error: a run summary needs the run's run-start record");

  const nodes = new Map<string, NodeSummary>();
  for (const start of starts) for (const node of start.order) if (!nodes.has(node)) nodes.set(node, pendingNode(node));
  const nodeOf = (node: string): NodeSummary => {
    const known = nodes.get(node);
    if (known) return known;
    const added = pendingNode(node);
    nodes.set(node, added);
    return added;
  };
  /** Nodes in the order they were last started. */
  const startOrder: string[] = [];
  const preflight: StepSummary[] = [];
  const finallySteps: StepSummary[] = [];
  const ledger = new ActionLedger();
  const nodesDone: string[] = [];
  let runSteps = preflight;
  let end: EventOf<"run-end"> | null = null;

  const stepsOf = (node: string | null) => (node === null ? runSteps : nodeOf(node).steps);
  const openStep = (node: string | null, step: string) =>
    stepsOf(node).findLast((s) => s.step === step && s.endedAt === null && s.status === "running");
  const allSteps = () => [preflight, finallySteps, ...[...nodes.values()].map((n) => n.steps)].flat();
  const closeOpenSteps = () => {
    for (const step of allSteps()) if (step.status === "running") step.status = "unfinished";
  };

  for (const e of events) {
    switch (e.type) {
      case "run-start":
        closeOpenSteps();
        ledger.restart();
        end = null;
        runSteps = preflight;
        break;
      case "phase":
        runSteps = e.phase === "finally" ? finallySteps : preflight;
        break;
      case "node-start": {
        const node = nodeOf(e.node);
        node.status = "in-flight";
        node.startedAt ??= e.time;
        node.endedAt = null;
        node.message = "";
        startOrder.splice(0, startOrder.length, ...startOrder.filter((n) => n !== e.node), e.node);
        break;
      }
      case "step-start":
        stepsOf(e.node).push({
          step: e.step,
          entry: e.entry ?? null,
          title: e.title,
          startedAt: e.time,
          endedAt: null,
          status: "running",
          message: "",
          lastProgress: null,
        });
        break;
      case "step-progress": {
        const step = openStep(e.node, e.step);
        if (step) step.lastProgress = e.message;
        break;
      }
      case "step-end": {
        const step = openStep(e.node, e.step);
        if (!step) break;
        step.endedAt = e.time;
        step.status = e.status;
        step.message = e.message;
        break;
      }
      case "action":
        ledger.record(e);
        break;
      case "node-end": {
        const node = nodeOf(e.node);
        node.status = e.status;
        node.endedAt = e.time;
        node.message = e.message;
        if (e.status === "done" && !nodesDone.includes(e.node)) nodesDone.push(e.node);
        break;
      }
      case "run-end":
        closeOpenSteps();
        end = e;
        break;
      case "step-output":
      case "gate":
        break;
    }
  }

  return {
    runId: first.runId,
    cluster: first.cluster,
    playbook: first.playbook,
    dryRun: first.dryRun,
    host: latest.host,
    pid: latest.pid,
    startedAt: first.time,
    starts: starts.length,
    endedAt: end?.time ?? null,
    lastRecordAt: lastRecord.time,
    outcome: end?.outcome ?? null,
    exitCode: end?.exitCode ?? null,
    message: end?.message ?? null,
    humanAction: end?.humanAction ?? null,
    preflight,
    nodes: [...nodes.values()],
    finally: finallySteps,
    inFlight: inFlightNode(startOrder.map(nodeOf), ledger),
    maintenanceOn: [...ledger.maintenance],
    nodesDone: nodesDone.filter((node) => nodes.get(node)?.status === "done"),
  };
}

const isOpen = (status: NodeState): status is InFlightNode["status"] =>
  status === "in-flight" || status === "interrupted" || status === "failed";

/** Of the nodes in the order they were last started, the last one left in flight, interrupted or failed. */
function inFlightNode(started: NodeSummary[], ledger: ActionLedger): InFlightNode | null {
  const open = started.findLast((n) => isOpen(n.status));
  if (!open || !isOpen(open.status)) return null;
  const lastStep = open.steps.at(-1) ?? null;
  return {
    node: open.node,
    status: open.status,
    lastStep: lastStep?.step ?? null,
    lastStepStatus: lastStep?.status ?? null,
    touched: ledger.touched.has(open.node),
    unfinishedAction: ledger.unfinished(open.node),
    reboot: ledger.lastReboot.get(open.node) ?? null,
  };
}
