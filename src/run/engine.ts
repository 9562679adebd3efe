// The engine: walks a playbook over the cluster, node by node, and enforces the safety contract.
// Before each node every preflight gate passes at that moment; at most one node is out of
// service; after a node returns, nothing else starts until its gates pass again, steadily.
// It decides the outcome and exit code of every way a run can end; renderers and the journal
// only listen to its events.

import type { Config } from "../config/index.js";
import { steps, runCommandStep } from "../actions/index.js";
import { evaluateGates, facetsFor } from "../gates/evaluate.js";
import { preflightGates, type GateName, type Verdict } from "../gates/index.js";
import type { ObserveContext } from "../observe/context.js";
import { collect } from "../observe/collect.js";
import { readGuestList } from "../observe/pve.js";
import { readPackages } from "../observe/nodes.js";
import type { Facet } from "../observe/state.js";
import { upgradeOrder } from "../plan/order.js";
import { predictReboot } from "../plan/reboot.js";
import { stepTitles } from "../playbook/registry.js";
import { waitMs, type Playbook, type PlaybookEntry, type WaitLimit } from "../playbook/playbook.js";
import type { Clock } from "../transport/clock.js";
import type { Probes } from "../transport/probes.js";
import type { PveApi } from "../transport/pve.js";
import { MutationInReadOnlyMode, type RemoteShell } from "../transport/remote-command.js";
import { ExitCode } from "../util/errors.js";
import { emptyMemory, observeContextOf, type RunMemory, type Step, type StepContext } from "./context.js";
import type { Outcome, RunEvent, RunEventBody } from "./events.js";
import { Refusal, StepFailure, StopRequested } from "./failures.js";
import { summarizeRun } from "./run-summary.js";
import { waitForGate } from "./wait-gate.js";
import { inWindow, type Window } from "./window.js";

export interface ResumeState {
  runId: string;
  /** Every event of the run being continued. */
  events: RunEvent[];
}

export interface EngineOptions {
  config: Config;
  configFile: string;
  playbook: Playbook;
  shell: RemoteShell;
  pve: PveApi;
  probes: Probes;
  clock: Clock;
  runId: string;
  host: string;
  dryRun: boolean;
  only: readonly string[] | null;
  window: Window | null;
  pauseAfter: number | null;
  resume: ResumeState | null;
  /** Aborted when the user asks the run to stop (SIGINT/SIGTERM). */
  stop: AbortSignal;
  emit(event: RunEventBody): void;
}

export interface RunResult {
  outcome: Outcome;
  exitCode: number;
  message: string;
  humanAction: string | null;
  maintenanceLeftOn: string[];
  nodesDone: string[];
}

/** A stop of the run, decided by the engine from what a step threw and whether the node was touched. */
class RunStop extends Error {
  constructor(
    readonly outcome: Outcome,
    readonly exitCode: number,
    message: string,
    readonly humanAction: string | null,
  ) {
    super(message);
  }
}

export function entryName(entry: PlaybookEntry): string {
  switch (entry.kind) {
    case "gate":
      return entry.gate;
    case "preflight-gates":
      return "preflight-gates";
    case "step":
      return entry.step;
    case "run":
      return "run";
  }
}

export function entryTitle(entry: PlaybookEntry): string {
  switch (entry.kind) {
    case "gate":
      return entry.wait ? `Wait for gate ${entry.gate}` : `Gate ${entry.gate}`;
    case "preflight-gates":
      return "Every preflight gate passes now";
    case "step":
      return stepTitles[entry.step];
    case "run":
      return entry.title;
  }
}

/** Wraps the API so that a node step never asks the node being upgraded (it may be rebooting). */
function apiSparing(pve: PveApi, node: string | null): PveApi {
  if (node === null) return pve;
  return {
    get: (path, params, options) => pve.get(path, params, { avoid: [node, ...(options?.avoid ?? [])] }),
    post: (path, params, options) => pve.post(path, params, { avoid: [node, ...(options?.avoid ?? [])] }),
    close: () => pve.close(),
  };
}

export class Engine {
  private readonly memory: RunMemory = emptyMemory();
  private readonly o: EngineOptions;
  /** Steps the interrupted run finished on the node it was working on: not repeated on resume. */
  private finishedBeforeResume = new Set<string>();

  constructor(options: EngineOptions) {
    this.o = options;
  }

  /** Reads outside any node's steps: no node is spared. */
  private clusterWide(): ObserveContext {
    return { config: this.o.config, shell: this.o.shell, pve: this.o.pve, probes: this.o.probes, target: null };
  }

  private context(node: string | null, step: string): StepContext {
    const o = this.o;
    const pve = apiSparing(o.pve, node);
    const ctx: StepContext = {
      config: o.config,
      node,
      step,
      shell: o.shell,
      pve,
      probes: o.probes,
      clock: o.clock,
      dryRun: o.dryRun,
      stop: o.stop,
      memory: this.memory,
      progress: (message, metrics) => o.emit({ type: "step-progress", node, step, message, ...(metrics ? { metrics } : {}) }),
      output: (stream, text) => o.emit({ type: "step-output", node, step, stream, text }),
      action: async (action, detail, change) => {
        // Reaching here in a dry run is a bug: the read-only transports would throw anyway.
        if (o.dryRun) throw new MutationInReadOnlyMode(`${action} (${JSON.stringify(detail)})`);
        if (node !== null) this.memory.touched.add(node);
        o.emit({ type: "action", node, step, action, phase: "before", detail });
        try {
          const result = await change();
          o.emit({ type: "action", node, step, action, phase: "after", detail, ok: true });
          return result;
        } catch (error) {
          o.emit({ type: "action", node, step, action, phase: "after", detail, ok: false, error: (error as Error).message });
          throw error;
        }
      },
      observe: (facets) => collect(observeContextOf(ctx), facets),
    };
    return ctx;
  }

  /** Restores what an interrupted run knew about the node it was working on (from its journal's summary). */
  private restore(resume: ResumeState): { done: string[]; inFlight: string | null; order: string[] } {
    const summary = summarizeRun(resume.events);
    const start = resume.events.find((e) => e.type === "run-start");
    const order = start?.type === "run-start" ? start.order : [];
    const done = summary.nodes.filter((n) => n.status === "done" || n.status === "skipped").map((n) => n.node);
    this.memory.upgraded.push(...summary.nodesDone);
    for (const node of summary.maintenanceOn) this.memory.maintenanceOn.add(node);
    for (const e of resume.events) {
      if (e.type === "action" && e.node !== null && e.phase === "after" && e.ok && e.action === "shutdown" && typeof e.detail["vmid"] === "number") {
        this.memory.shutdownGuests.set(e.node, [...(this.memory.shutdownGuests.get(e.node) ?? []), e.detail["vmid"]]);
      }
    }
    const inFlight = summary.inFlight;
    if (!inFlight) return { done, inFlight: null, order };
    if (inFlight.touched) this.memory.touched.add(inFlight.node);
    const node = summary.nodes.find((n) => n.node === inFlight.node);
    for (const step of node?.steps ?? []) if (step.status === "ok" || step.status === "skipped") this.finishedBeforeResume.add(step.step);
    // A reboot asked for and not yet seen through wait-online: wait for its new boot id, do not ask again.
    const reboot = inFlight.reboot;
    if (reboot?.bootIdBefore && !this.finishedBeforeResume.has("wait-online")) {
      this.memory.bootIdBefore.set(inFlight.node, reboot.bootIdBefore);
      if (reboot.kernelAfter) this.memory.expectedKernel.set(inFlight.node, reboot.kernelAfter);
    }
    return { done, inFlight: inFlight.node, order };
  }

  async run(): Promise<RunResult> {
    const o = this.o;
    let order: string[];
    let resumeNode: string | null = null;
    if (o.resume) {
      const restored = this.restore(o.resume);
      order = restored.order.filter((n) => !restored.done.includes(n));
      resumeNode = restored.inFlight;
    } else {
      // Guests only decide the default order; if they cannot be read, config order stands and
      // the preflight gates (which need them too) refuse before anything is touched.
      const guests = await readGuestList(this.clusterWide()).catch(() => []);
      order = upgradeOrder(o.config, guests, o.only).nodes;
    }
    o.emit({
      type: "run-start",
      runId: o.runId,
      cluster: o.config.cluster,
      configFile: o.configFile,
      playbook: o.playbook.name,
      order,
      dryRun: o.dryRun,
      resumes: o.resume?.runId ?? null,
      pid: process.pid,
      host: o.host,
    });
    const result = await this.walk(order, resumeNode).catch((error: unknown) => this.stopFor(error, null));
    await this.finally();
    o.emit({ type: "run-end", outcome: result.outcome, exitCode: result.exitCode, message: result.message, humanAction: result.humanAction, maintenanceLeftOn: result.maintenanceLeftOn });
    return result;
  }

  private result(outcome: Outcome, exitCode: number, message: string, humanAction: string | null): RunResult {
    return { outcome, exitCode, message, humanAction, maintenanceLeftOn: [...this.memory.maintenanceOn], nodesDone: [...this.memory.upgraded] };
  }

  /**
   * Turns whatever stopped a step into the run's outcome. Before the node was changed, any "no"
   * (a gate, a placement, an unreadable state) leaves the cluster as it was: refused, exit 3.
   * After, the node may be out of service: failed, exit 4, with what a human must do.
   */
  private stopFor(error: unknown, node: string | null): RunResult {
    if (error instanceof RunStop) return this.result(error.outcome, error.exitCode, error.message, error.humanAction);
    const touched = node !== null && this.memory.touched.has(node);
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof StopRequested) {
      const where = node ? ` while working on ${node}` : "";
      return this.result("interrupted", ExitCode.interrupted, `stopped on request${where}; the journal says where`, touched ? `\`rollgate status\` shows where ${node} stands; continue with \`rollgate upgrade --resume\`.` : "Continue with `rollgate upgrade --resume` when ready.");
    }
    if (error instanceof MutationInReadOnlyMode || error instanceof TypeError || error instanceof ReferenceError) {
      return this.result("failed", ExitCode.internal, `internal error: ${message}`, touched ? `rollgate hit a bug while working on ${node}: check it (\`rollgate status\`) before anything else.` : null);
    }
    if (!touched) return this.result("refused", ExitCode.refused, message, null);
    const humanAction = error instanceof StepFailure ? error.humanAction : `Look at ${node} (\`rollgate status\`); when it is healthy, continue with \`rollgate upgrade --resume\`.`;
    return this.result("failed", ExitCode.nodeOutOfService, message, humanAction);
  }

  private async walk(order: string[], resumeNode: string | null): Promise<RunResult> {
    const o = this.o;
    const resumingTouched = resumeNode !== null && this.memory.touched.has(resumeNode);
    if (!resumingTouched) {
      o.emit({ type: "phase", phase: "preflight" });
      await this.runEntries(o.playbook.preflight, null);
    }
    let started = 0;
    for (const [index, node] of order.entries()) {
      const resuming = node === resumeNode && resumingTouched;
      if (o.stop.aborted) throw new StopRequested();
      if (!resuming && o.pauseAfter !== null && started >= o.pauseAfter) {
        return this.result("paused", ExitCode.ok, `paused after ${started} node${started === 1 ? "" : "s"} (--pause-after); ${order.length - index} left: a later run continues`, null);
      }
      if (!resuming && o.window && !inWindow(o.window, new Date(o.clock.now()))) {
        const message = started === 0 ? `outside the maintenance window ${o.window.text}: no node started` : `the maintenance window ${o.window.text} closed after ${started} node${started === 1 ? "" : "s"}; ${order.length - index} left for the next window`;
        return this.result("outside-window", ExitCode.outsideWindow, message, null);
      }
      o.emit({ type: "node-start", node, index: index + 1, total: order.length });
      if (!resuming && (await this.upToDate(node))) {
        o.emit({ type: "node-end", node, status: "skipped", message: "up to date: no packages pending, running the newest kernel" });
        continue;
      }
      started += 1;
      try {
        await this.runEntries(o.playbook.node, node, resuming);
      } catch (error) {
        const result = this.stopFor(error, node);
        o.emit({ type: "node-end", node, status: result.outcome === "interrupted" ? "interrupted" : result.outcome === "refused" ? "refused" : "failed", message: result.message });
        throw new RunStop(result.outcome, result.exitCode, result.message, result.humanAction);
      }
      this.memory.upgraded.push(node);
      o.emit({ type: "node-end", node, status: "done", message: o.dryRun ? "walked (dry run)" : "upgraded and verified" });
    }
    const done = this.memory.upgraded.length;
    return this.result("success", ExitCode.ok, o.dryRun ? "dry run complete: no change was made" : done === 0 ? "nothing to do: every node is up to date" : `upgraded ${this.memory.upgraded.join(", ")}`, null);
  }

  private async upToDate(node: string): Promise<boolean> {
    const packages = await readPackages(this.clusterWide(), node);
    return packages.ok && packages.value.pending.length === 0 && !predictReboot(packages.value).needed;
  }

  private async runEntries(entries: PlaybookEntry[], node: string | null, resuming = false): Promise<void> {
    for (const entry of entries) {
      if (this.o.stop.aborted) throw new StopRequested();
      const step = entryName(entry);
      // Resuming a node that was already changed: it is out of service, so the "all in service"
      // preflight cannot pass; every later step re-verifies (and skips what is already done).
      if (resuming && entry.kind === "preflight-gates") {
        this.o.emit({ type: "step-start", node, step, title: entryTitle(entry) });
        this.o.emit({ type: "step-end", node, step, status: "skipped", message: `resuming ${node}, which this run had already changed` });
        continue;
      }
      // Changes the interrupted run finished are not made again; gates are always re-checked.
      if (resuming && (entry.kind === "step" || entry.kind === "run") && this.finishedBeforeResume.has(step)) {
        this.o.emit({ type: "step-start", node, step, title: entryTitle(entry) });
        this.o.emit({ type: "step-end", node, step, status: "skipped", message: "done before the interruption" });
        continue;
      }
      await this.runEntry(entry, node, step);
    }
  }

  private async runEntry(entry: PlaybookEntry, node: string | null, step: string): Promise<void> {
    const o = this.o;
    const ctx = this.context(node, step);
    o.emit({ type: "step-start", node, step, title: entryTitle(entry) });
    try {
      if (entry.kind === "gate" || entry.kind === "preflight-gates") {
        const names: GateName[] = entry.kind === "gate" ? [entry.gate] : preflightGates;
        const verdicts = await this.gateVerdicts(ctx, names, entry.kind === "gate" ? entry.wait : null);
        for (const verdict of verdicts) o.emit({ type: "gate", node, step, verdict });
        const refused = verdicts.filter((v) => !v.pass);
        if (refused.length > 0 && !o.dryRun) throw new Refusal(refused.flatMap((v) => v.reasons.map((r) => `${v.gate}: ${r}`)).join("; "), refused);
        o.emit({ type: "step-end", node, step, status: "ok", message: refused.length > 0 ? `would refuse now: ${refused.map((v) => v.gate).join(", ")}` : verdicts.map((v) => `${v.gate} passes`).join(", ") });
        return;
      }
      const implementation: Step = entry.kind === "step" ? steps[entry.step] : runCommandStep(entry.command, entry.on, entry.timeoutMs);
      if (o.dryRun) {
        const lines = await implementation.describe(ctx);
        for (const line of lines) ctx.progress(`would: ${line}`);
        o.emit({ type: "step-end", node, step, status: "ok", message: lines.join("; ") });
        return;
      }
      const result = await implementation.execute(ctx);
      o.emit({ type: "step-end", node, step, status: result.status, message: result.message });
    } catch (error) {
      const touched = node !== null && this.memory.touched.has(node);
      const status = error instanceof StopRequested ? "interrupted" : touched ? "failed" : "refused";
      o.emit({ type: "step-end", node, step, status, message: error instanceof Error ? error.message : String(error) });
      throw error;
    }
  }

  private async gateVerdicts(ctx: StepContext, names: GateName[], wait: WaitLimit | null): Promise<Verdict[]> {
    const config = this.o.config;
    if (wait === null || this.o.dryRun) {
      const facets: Set<Facet> = facetsFor(config, names);
      const state = await ctx.observe(facets);
      return evaluateGates(config, state, names);
    }
    const [gate] = names;
    if (!gate) return [];
    return [await waitForGate(ctx, config, gate, { limitMs: waitMs(wait, config.timeouts), settleMs: config.timeouts.settle })];
  }

  private async finally(): Promise<void> {
    const o = this.o;
    if (o.playbook.finally.length === 0) return;
    o.emit({ type: "phase", phase: "finally" });
    for (const entry of o.playbook.finally) {
      try {
        await this.runEntry(entry, null, entryName(entry));
      } catch {
        // The run's outcome is already decided; a failing finally step is reported by its own events.
      }
    }
  }
}
