// The live tree's bookkeeping, apart from listr2: which task each event belongs to and when each
// task may end. The tree is built upfront from the playbook's outline, but the engine drives the
// run: every task waits on a Deferred that this model settles from the engine's events, so the
// tree only shows what happened. Steps the outline did not list (or listed but the engine did
// not run) end gracefully: shown as their group's output, or skipped as "not run".

import type { NodeStatus, RunEvent, StepStatus } from "../../run/events.js";
import { Deferred } from "../../util/deferred.js";
import type { OutlineStep, StepOutline } from "./run-renderer.js";
import { refusalLines, statusText, stoppedTheRun, type EventOf } from "./run-sentences.js";

/** How a task ends: done (with a note to keep under it), skipped or failed (with what to show). */
export type TaskEnd = { kind: "ok"; note: string } | { kind: "skip"; message: string } | { kind: "fail"; message: string };

/** How a group starts: its steps run, or it ends before any step did. */
export type GroupStart = { kind: "steps" } | Exclude<TaskEnd, { kind: "ok" }>;

/** Where a task's title and live output are shown (a listr2 task, once it runs). */
export interface TaskView {
  setTitle(text: string): void;
  setOutput(text: string): void;
}

const NOT_RUN = "not run";

/** How a skipped or failed task is worded: listr2's live tree shows the message in place of the title, its line renderer beside it. */
export interface TaskWording {
  skipped(title: string, message: string): string;
  failed(status: StepStatus | NodeStatus, message: string): string;
}

export function taskWording(messageReplacesTitle: boolean): TaskWording {
  if (messageReplacesTitle) {
    return { skipped: (title, message) => `${title} — ${message}`, failed: (status, message) => statusText(status, message) };
  }
  // The line renderer already writes "<title> [FAILED: …]": only a refusal or an interruption needs saying.
  return {
    skipped: (_title, message) => message,
    failed: (status, message) => (status === "failed" ? message : statusText(status, message)),
  };
}

/** A task's title and output, kept until a view is attached (events may arrive before listr2 starts the task). */
class ShownTask {
  private view: TaskView | null = null;
  private latestOutput: string | null = null;
  private titleChanged = false;

  constructor(public title: string) {}

  attach(view: TaskView): void {
    this.view = view;
    if (this.titleChanged) view.setTitle(this.title);
    if (this.latestOutput !== null) view.setOutput(this.latestOutput);
  }

  retitle(text: string): void {
    if (text === this.title) return;
    this.title = text;
    this.titleChanged = true;
    this.view?.setTitle(text);
  }

  show(text: string): void {
    this.latestOutput = text;
    this.view?.setOutput(text);
  }
}

export class StepSlot extends ShownTask {
  readonly end = new Deferred<TaskEnd>();
  started = false;
  private readonly refusals: string[] = [];

  constructor(
    readonly step: string,
    title: string,
    private readonly wording: TaskWording,
  ) {
    super(title);
  }

  start(title: string): void {
    this.started = true;
    this.retitle(title);
  }

  refuse(lines: string[]): void {
    this.refusals.push(...lines);
  }

  finish(status: StepStatus, message: string): void {
    if (status === "ok") this.end.resolve({ kind: "ok", note: message });
    else if (status === "skipped") this.end.resolve({ kind: "skip", message: this.wording.skipped(this.title, message) });
    else
      this.end.resolve({
        kind: "fail",
        message: this.wording.failed(status, this.refusals.length > 0 ? this.refusals.join("\n") : message),
      });
  }

  /** The run moved on without this step ending (or starting). */
  abandon(): void {
    this.end.resolve({ kind: "skip", message: this.wording.skipped(this.title, this.started ? "did not finish" : NOT_RUN) });
  }
}

export class StepGroup extends ShownTask {
  readonly start = new Deferred<GroupStart>();
  /**
   * Settled when the run is past this group (a node is over at node-end, not at its last listed
   * step), with why the run stopped here, or null when it went on.
   */
  readonly over = new Deferred<string | null>();
  private stoppedBy: string | null = null;
  readonly slots: StepSlot[];
  /** node-start was seen: the engine is working on this node. */
  announced = false;
  private next = 0;
  private active: StepSlot | null = null;
  /** A step the outline did not list, shown as the group's output. */
  private unlisted: { step: string; title: string } | null = null;

  constructor(
    readonly node: string | null,
    title: string,
    outline: readonly OutlineStep[],
    private readonly wording: TaskWording,
  ) {
    super(title);
    this.slots = outline.map((s) => new StepSlot(s.step, s.title, wording));
  }

  /** Shown when the outline lists steps for it, or once the engine runs it anyway. */
  get visible(): boolean {
    return this.slots.length > 0 || this.start.settled;
  }

  stepStart(step: string, title: string): void {
    this.start.resolve({ kind: "steps" });
    const found = this.slots.findIndex((slot, index) => index >= this.next && slot.step === step && !slot.started);
    if (found === -1) {
      this.active = null;
      this.unlisted = { step, title };
      this.show(title);
      return;
    }
    // Listed steps the engine went past (e.g. skipped on resume) will not run in this group.
    for (const slot of this.slots.slice(this.next, found)) slot.abandon();
    this.next = found + 1;
    this.active = this.slots[found]!;
    this.unlisted = null;
    this.active.start(title);
  }

  progress(step: string, message: string): void {
    if (this.active?.step === step) this.active.show(message);
    else if (this.unlisted?.step === step) this.show(`${this.unlisted.title}: ${message}`);
  }

  refusal(step: string, lines: string[]): void {
    if (this.active?.step === step) this.active.refuse(lines);
  }

  stepEnd(step: string, status: StepStatus, message: string): void {
    if (stoppedTheRun(status)) this.stoppedBy ??= message;
    if (this.active?.step === step) {
      this.active.finish(status, message);
      this.active = null;
    } else if (this.unlisted?.step === step) {
      this.show(`${this.unlisted.title}: ${statusText(status, message)}`);
      this.unlisted = null;
    }
  }

  nodeEnd(status: NodeStatus, message: string): void {
    if (stoppedTheRun(status)) this.stoppedBy ??= message;
    if (!this.start.settled) {
      this.start.resolve(
        stoppedTheRun(status)
          ? { kind: "fail", message: this.wording.failed(status, message) }
          : { kind: "skip", message: this.wording.skipped(this.title, message) },
      );
      return;
    }
    this.retitle(`${this.node ?? this.title}: ${statusText(status, status === "done" ? message : "")}`);
    this.close(null);
  }

  /** Ends whatever is still open; `stoppedBy` is the run's message when the run stopped while this group was under way. */
  close(stoppedBy: string | null): void {
    if (!this.start.settled) {
      this.start.resolve(
        this.announced && stoppedBy !== null
          ? { kind: "fail", message: this.wording.failed("failed", stoppedBy) }
          : { kind: "skip", message: this.wording.skipped(this.title, NOT_RUN) },
      );
    }
    for (const slot of this.slots) slot.abandon();
    this.active = null;
    this.over.resolve(this.stoppedBy);
  }
}

/** Compact, for a title: 45s, 12m05s, 2h03m. */
function compactDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 90) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, "0")}s`;
  return `${Math.floor(seconds / 3600)}h${String(Math.floor(seconds / 60) % 60).padStart(2, "0")}m`;
}

/** The node under way: where its title's times come from. */
interface NodeUnderWay {
  node: string;
  heading: string;
  startedMs: number;
  /** Nodes after it in this run. */
  after: number;
}

export class RunTreeModel {
  readonly groups: StepGroup[];
  runEnd: EventOf<"run-end"> | null = null;
  private underWay: NodeUnderWay | null = null;
  /** How long each node of this run took, in the order they finished. */
  private readonly durationsMs: number[] = [];
  private readonly preflight: StepGroup;
  private readonly finally: StepGroup;
  private readonly nodes = new Map<string, StepGroup>();
  /** The group that steps without a node belong to now (preflight, then finally). */
  private unscoped: StepGroup;

  constructor(outline: StepOutline, order: readonly string[], wording: TaskWording) {
    this.preflight = new StepGroup(null, "Preflight: every gate passes before any node is touched", outline.preflight, wording);
    this.finally = new StepGroup(null, "Finally", outline.finally, wording);
    for (const [index, node] of order.entries())
      this.nodes.set(node, new StepGroup(node, `${node} (${index + 1}/${order.length})`, outline.node, wording));
    this.groups = [this.preflight, ...this.nodes.values(), this.finally];
    this.unscoped = this.preflight;
  }

  onEvent(event: RunEvent, verbose: boolean): void {
    switch (event.type) {
      case "phase": {
        const group = event.phase === "preflight" ? this.preflight : this.finally;
        this.closeBefore(group);
        this.unscoped = group;
        return;
      }
      case "node-start": {
        const group = this.nodes.get(event.node);
        if (!group) return;
        this.closeBefore(group);
        group.announced = true;
        const heading = `${event.node} (${event.index}/${event.total})`;
        group.retitle(heading);
        this.underWay = { node: event.node, heading, startedMs: Date.parse(event.time), after: event.total - event.index };
        return;
      }
      case "step-start":
        this.groupOf(event.node)?.stepStart(event.step, event.title);
        return;
      case "step-progress":
        this.groupOf(event.node)?.progress(event.step, event.message);
        return;
      case "step-output": {
        const line = event.text
          .split(/\r?\n/)
          .filter((l) => l.trim() !== "")
          .at(-1);
        if (verbose && line !== undefined) this.groupOf(event.node)?.progress(event.step, line.trimEnd());
        return;
      }
      case "gate":
        if (!event.verdict.pass) this.groupOf(event.node)?.refusal(event.step, refusalLines([event.verdict]));
        return;
      case "step-end":
        this.groupOf(event.node)?.stepEnd(event.step, event.status, event.message);
        return;
      case "node-end":
        if (this.underWay?.node === event.node) {
          if (event.status === "done") this.durationsMs.push(Date.parse(event.time) - this.underWay.startedMs);
          this.underWay = null;
        }
        this.nodes.get(event.node)?.nodeEnd(event.status, event.message);
        return;
      case "run-end":
        this.runEnd = event;
        this.closeAll();
        return;
      case "run-start":
      case "action":
        return;
    }
  }

  /**
   * The node under way's title with its elapsed time and, once a node of this run has finished,
   * the time left for the run: the nodes so far took that long on average (heals and reboots vary,
   * so it is a guess, and says so with "~").
   */
  tick(nowMs: number): void {
    const current = this.underWay;
    if (current === null) return;
    const elapsed = nowMs - current.startedMs;
    let title = `${current.heading} · ${compactDuration(elapsed)}`;
    if (this.durationsMs.length > 0) {
      const average = this.durationsMs.reduce((sum, ms) => sum + ms, 0) / this.durationsMs.length;
      const left = Math.max(0, average - elapsed) + average * current.after;
      title += ` · ~${compactDuration(left)} left`;
    }
    this.nodes.get(current.node)?.retitle(title);
  }

  /** Settles every task still waiting, so the tree can finish whatever the engine did. */
  closeAll(): void {
    const stoppedBy = this.runEnd && this.runEnd.outcome !== "success" ? this.runEnd.message : null;
    for (const group of this.groups) group.close(stoppedBy);
  }

  private groupOf(node: string | null): StepGroup | undefined {
    return node === null ? this.unscoped : this.nodes.get(node);
  }

  /** The run reached `group`: every group before it is over, whether or not it ran. */
  private closeBefore(group: StepGroup): void {
    for (const earlier of this.groups.slice(0, this.groups.indexOf(group))) earlier.close(null);
  }
}
