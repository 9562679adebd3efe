// Another run going on, said before anything else a reading command shows; and, while it upgrades
// a node, no advice to touch that node: a refusal's line that names it (switch maintenance off,
// migrate a guest back, bring it back) would fight the live run, so it points at the run instead.
// Only what is shown changes: the verdicts, the plan and the events stay as the gates made them.

import type { Verdict } from "../../gates/index.js";
import type { Plan } from "../../plan/plan.js";
import type { RunEvent } from "../../run/events.js";
import { busyNodes, type OtherRun, type OtherRuns } from "../../run/live-run.js";
import type { ClusterLockWork } from "../../run/cluster-lock.js";
import type { RunRenderer } from "./run-renderer.js";
import type { Style } from "./style.js";

/** `2026-11-22 22:50:01 UTC`; a time that does not parse is shown as it came. */
function utc(iso: string): string {
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? iso : `${at.toISOString().slice(0, 10)} ${at.toISOString().slice(11, 19)} UTC`;
}

const stepOf = (working: ClusterLockWork) => (working.step ? ` (step ${working.step})` : "");

function doing(working: ClusterLockWork | null): string {
  if (working === null) return "is running now; which node it is upgrading is not known (its lock does not say)";
  if (working.node === null) return "is running now, upgrading no node at the moment";
  return `is upgrading ${working.node} now${stepOf(working)}`;
}

/** The command that shows a run's steps, when its journal is elsewhere. */
function statusElsewhere(run: OtherRun): string | null {
  return run.journalDir === null ? null : `\`rollgate status --journal-dir ${run.journalDir}\` on ${run.host}`;
}

/** One sentence about another run: what it is doing, or that it may have died and what to do then. */
export function otherRunLine(run: OtherRun): string {
  const who = `a run started at ${utc(run.startedAt)} on host ${run.host} (PID ${run.pid})`;
  const elsewhere = statusElsewhere(run);
  if (run.liveness === "live") return `${who} ${doing(run.working)}${elsewhere ? `; ${elsewhere} shows its steps` : ""}`;
  if (run.liveness === "unconfirmed") {
    return `${who} ${doing(run.working)}, as far as its lock tells: it runs on another host, so whether it still does cannot be checked from here`;
  }
  const upgrading = run.working?.node ? ` while upgrading ${run.working.node}${stepOf(run.working)}` : "";
  const stopped = run.lastRefresh !== null ? `stopped refreshing its lock at ${utc(run.lastRefresh)}` : "is gone, and left its lock behind";
  return (
    `${who} ${stopped}${upgrading}; it may have died, maybe with a node out of service: ` +
    `check ${elsewhere ?? "`rollgate status`"} and the cluster, then \`rollgate upgrade --resume --break-stale-lock\`${elsewhere ? ` there` : ""} continues it`
  );
}

/** What to say first: every other run, and what could not be read. Empty when no run is going on. */
export function otherRunLines(found: OtherRuns, style: Style): string[] {
  return [
    ...found.runs.map((run) => (run.liveness === "stale" ? style.bad(otherRunLine(run)) : style.bold(otherRunLine(run)))),
    ...found.unknown.map((note) => style.bad(`whether another run is going on cannot be told: ${note}`)),
  ];
}

/** What replaces advice about a node a live run is upgrading. */
export function busyLine(node: string): string {
  return `${node} is being upgraded by the live run above; wait for it or see \`rollgate status\``;
}

const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Rewrites what is shown about the nodes live runs are upgrading: each line naming one of them becomes `busyLine`. */
export class BusyAdvice {
  private readonly patterns: Array<{ node: string; pattern: RegExp }>;

  constructor(readonly nodes: readonly string[]) {
    // A node's name as a word, in any case (node names ignore case): `pve3`, `pve3:/data/brick`,
    // `pve3's`, but not `pve30` or `pve3-old`.
    this.patterns = nodes.map((node) => ({ node, pattern: new RegExp(`(?<![\\w.-])${escaped(node)}(?![\\w-])`, "i") }));
  }

  static of(found: OtherRuns): BusyAdvice {
    return new BusyAdvice(busyNodes(found));
  }

  /** Whether `line` names a node a live run is upgrading. */
  namesBusyNode(line: string): boolean {
    return this.patterns.some(({ pattern }) => pattern.test(line));
  }

  /** The line to show instead of `line`: itself, or `busyLine` if it names a busy node. */
  line(line: string): string {
    const named = this.patterns.find(({ pattern }) => pattern.test(line));
    return named ? busyLine(named.node) : line;
  }

  /** Each line through `line`, the same replacement shown once. */
  lines(lines: readonly string[]): string[] {
    const replaced = new Set(this.nodes.map(busyLine));
    const shown: string[] = [];
    for (const line of lines.map((l) => this.line(l))) if (!(replaced.has(line) && shown.includes(line))) shown.push(line);
    return shown;
  }

  /** The verdicts as they are to be shown: a refusal's reasons through `lines`. */
  verdicts(verdicts: readonly Verdict[]): Verdict[] {
    return verdicts.map((v) => (v.pass || this.nodes.length === 0 ? v : { ...v, reasons: this.lines(v.reasons) }));
  }

  /** The plan as it is to be shown: its gates, and what stops each node. */
  plan(plan: Plan): Plan {
    if (this.nodes.length === 0) return plan;
    return {
      ...plan,
      gates: this.verdicts(plan.gates),
      nodes: plan.nodes.map((n) => ({
        ...n,
        notes: this.lines(n.notes),
        moves: n.moves.map((m) => (m.problem ? { ...m, problem: this.line(m.problem) } : m)),
      })),
    };
  }

  /**
   * `renderer`, shown a run whose refusals say nothing about the busy nodes: a refusing gate's
   * reasons go through `lines`, and the messages built from them (a step's, a node's, the run's
   * end) have the same reasons replaced; a human action naming a busy node is replaced whole.
   */
  renderer(renderer: RunRenderer): RunRenderer {
    if (this.nodes.length === 0) return renderer;
    const replacedReasons = new Map<string, string>();
    const gatesSeen = new Set<string>();
    const message = (text: string) => {
      let shown = text;
      for (const [reason, replacement] of replacedReasons) shown = shown.replaceAll(reason, replacement);
      // The reasons of one gate, joined, repeat the same replacement: once is enough.
      for (const replacement of new Set(replacedReasons.values())) {
        for (const joint of ["; ", ...[...gatesSeen].map((gate) => `; ${gate}: `)]) {
          while (shown.includes(`${replacement}${joint}${replacement}`))
            shown = shown.replace(`${replacement}${joint}${replacement}`, replacement);
        }
      }
      return shown;
    };
    const shown = (event: RunEvent): RunEvent => {
      switch (event.type) {
        case "gate": {
          if (event.verdict.pass) return event;
          gatesSeen.add(event.verdict.gate);
          for (const reason of event.verdict.reasons) {
            const replacement = this.line(reason);
            if (replacement !== reason) replacedReasons.set(reason, replacement);
          }
          return { ...event, verdict: this.verdicts([event.verdict])[0]! };
        }
        case "step-progress":
        case "step-end":
        case "node-end":
          return { ...event, message: message(event.message) };
        case "run-end":
          return {
            ...event,
            message: message(event.message),
            humanAction: event.humanAction === null ? null : this.line(event.humanAction),
          };
        default:
          return event;
      }
    };
    return { onEvent: (event) => renderer.onEvent(shown(event)), finish: () => renderer.finish() };
  }
}
