// The engine: walks a playbook over the cluster, node by node, and enforces the safety contract
// whatever the playbook says. Before anything takes a node out of service (evacuation,
// maintenance, dpkg, a reboot, a `run:` that takes it down) the engine itself proves the rest of
// the cluster healthy at that moment; after a node's steps, every gate must pass again (steadily,
// if it had to be waited for) before the next node starts. Steps converge from live state, so a
// resumed run simply walks the node again. A dry run is the same walk with read-only transports
// and its own changes simulated in the state it reasons over. The engine decides the outcome and
// exit code of every way a run can end; renderers and the journal only listen to its events.

import { formatDuration, type Config } from "../config/index.js";
import { gates, reasonsOf, type GateName, type Verdict } from "../gates/index.js";
import { collect } from "../observe/collect.js";
import { readGuestList } from "../observe/pve.js";
import type { ClusterState, Facet } from "../observe/state.js";
import { upgradeOrder } from "../plan/order.js";
import { buildPlan, planFacets, upToDate } from "../plan/plan.js";
import { entryName, entryTitle, waitMs, type Playbook, type PlaybookEntry } from "../playbook/playbook.js";
import { DIST_UPGRADE } from "../steps/apt-upgrade.js";
import { backupCritical } from "../steps/backup-critical.js";
import { emptyFacts, type ObserveOptions, type RunFacts, type Step, type StepContext, type TakeDown } from "../steps/contract.js";
import { Refusal, resumeCommand, StepFailure, StopRequested } from "../steps/failures.js";
import { runCommandStep, steps } from "../steps/index.js";
import { Simulation } from "../steps/simulation.js";
import { observeGates, stopIfAsked, waitForGates } from "../steps/wait.js";
import type { Clock } from "../transport/clock.js";
import type { Probes } from "../transport/probes.js";
import type { PveApi } from "../transport/pve.js";
import { MutationInReadOnlyMode, type RemoteShell } from "../transport/remote-command.js";
import { ExitCode } from "../util/errors.js";
import { DRY_RUN_PROGRESS, type Outcome, type RunEvent, type RunEventBody } from "./events.js";
import { summarizeRun } from "./run-summary.js";
import { inWindow, type Window } from "./window.js";
import { canaryEntry, soakCanary, type EarlierCanary } from "./canary.js";

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
  /** What the journals of earlier runs say of the cluster's canary (upgrade.canary; a fresh run only). */
  earlierCanary?: EarlierCanary | null;
  /** Aborted when the run must stop at the next safe point (SIGINT/SIGTERM, a lost cluster lock). */
  stop: AbortSignal;
  emit(event: RunEventBody): void;
  /** Told which node is being worked on (null between nodes): the cluster lock is refreshed through the others. */
  nodeInFlight?(node: string | null): void;
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

/** Gates about the rest of the cluster that every take-down needs, whatever the playbook lists. */
const takeDownGates: readonly GateName[] = [
  "quorum",
  "nodes-online",
  "gluster-healed",
  "critical-healthy",
  "services",
  "private-network",
  "gluster-storage-failover",
];

/** What passing gates saw, as a step's message: "quorum: quorate, 3/3 votes; gluster-healed: gv0: 0 entries on 3 bricks…". */
const seen = (verdicts: Verdict[]) => verdicts.map((v) => `${v.gate}: ${v.summary}`).join("; ");

/** The id under which the engine's own check at the end of each node is journaled. */
export const nodeVerifiedEntry = {
  step: "node-verified",
  title: "Every preflight gate passes again: the node is back in service",
} as const;

/** Wraps the API so that a node step never asks the node being upgraded (it may be rebooting). */
function apiSparing(pve: PveApi, node: string | null): PveApi {
  if (node === null) return pve;
  return {
    get: (path, params, options) => pve.get(path, params, { avoid: [node, ...(options?.avoid ?? [])] }),
    post: (path, params, options) => pve.post(path, params, { avoid: [node, ...(options?.avoid ?? [])] }),
    close: () => pve.close(),
  };
}

const unique = <T>(items: T[]): T[] => [...new Set(items)];

/** A step the engine runs by itself, switched on by config rather than written in a playbook. */
interface EngineBlock {
  kind: "engine";
  id: string;
  step: string;
  title: string;
  implementation: Step;
}

export class Engine {
  private readonly o: EngineOptions;
  private readonly facts: RunFacts = emptyFacts();
  /** Nodes with at least one change journaled (or simulated): a failure there is no longer a clean refusal. */
  private readonly touched = new Set<string>();
  /**
   * Nodes this run changed beyond moving guests off them (maintenance, a guest shut down, apt, a
   * reboot, an admin's command): out of service until verified. A node that only lost guests to
   * migrations still serves, so a stop there leaves every node in service.
   */
  private readonly outOfService = new Set<string>();
  /**
   * The canary soak: not yet begun (null), begun at (a resumed run's journaled start), or over;
   * `again` when the resumed run's soak refused (it soaks again, whole).
   */
  private canary: { startedAt: number | null; over: boolean; again: boolean } = { startedAt: null, over: false, again: false };
  /** When the run began (ms; a resumed run's journaled start): a backup made since then is this run's. */
  private startedAt = 0;
  /** Whether upgrade.backup's step has run in this run (it runs once, before the first node changed). */
  private backedUp = false;
  /** The plan's estimate of each node, in seconds (for the `slow` notification). */
  private readonly estimates = new Map<string, number>();
  private readonly simulation: Simulation | null;

  constructor(options: EngineOptions) {
    this.o = options;
    this.simulation = options.dryRun ? new Simulation() : null;
  }

  private observe(target: string | null, pve: PveApi, facets: Iterable<Facet>, options: ObserveOptions = {}): Promise<ClusterState> {
    const o = this.o;
    return collect({ config: o.config, shell: o.shell, pve, probes: o.probes, target }, facets, options).then(
      (state) => this.simulation?.apply(state) ?? state,
    );
  }

  /** `target`: the node observations spare (the node being worked on, unless the check is about the whole cluster again). */
  private context(node: string | null, entry: string, step: string, target: string | null = node): StepContext {
    const o = this.o;
    const pve = apiSparing(o.pve, target);
    return {
      config: o.config,
      node,
      entry,
      shell: o.shell,
      pve,
      probes: o.probes,
      clock: o.clock,
      stop: o.stop,
      facts: this.facts,
      simulation: this.simulation,
      upgradesTo: this.o.playbook.upgradesTo,
      progress: (message, metrics) => o.emit({ type: "step-progress", node, step, entry, message, ...(metrics ? { metrics } : {}) }),
      output: (stream, text) => o.emit({ type: "step-output", node, step, entry, stream, text }),
      action: async (action, detail, change) => {
        // Reaching here in a dry run is a bug: the read-only transports would throw anyway.
        if (o.dryRun) throw new MutationInReadOnlyMode(`${action} (${JSON.stringify(detail)})`);
        if (node !== null) this.touched.add(node);
        if (node !== null && action !== "migrate") this.outOfService.add(node);
        o.emit({ type: "action", node, step, entry, action, phase: "before", detail });
        // What was seen passing before a change proves nothing after it, nor while it is made.
        this.facts.steady.forget();
        try {
          const result = await change();
          this.facts.steady.forget();
          o.emit({ type: "action", node, step, entry, action, phase: "after", detail, ok: true });
          return result;
        } catch (error) {
          o.emit({ type: "action", node, step, entry, action, phase: "after", detail, ok: false, error: (error as Error).message });
          throw error;
        }
      },
      observe: (facets, options) => this.observe(target, pve, facets, options),
    };
  }

  /** Restores what the interrupted run knew that live state cannot tell (from its journal's summary). */
  private restore(resume: ResumeState): { done: string[]; inFlight: string | null; order: string[] } {
    const summary = summarizeRun(resume.events);
    const start = resume.events.find((e) => e.type === "run-start");
    const order = start?.type === "run-start" ? start.order : [];
    const done = summary.nodes.filter((n) => n.status === "done" || n.status === "skipped").map((n) => n.node);
    this.facts.upgraded.push(...summary.nodesDone);
    for (const node of summary.maintenanceOn) this.facts.maintenanceOn.add(node);
    for (const e of resume.events) {
      if (
        e.type === "action" &&
        e.node !== null &&
        e.phase === "after" &&
        e.ok &&
        e.action === "shutdown" &&
        typeof e.detail["vmid"] === "number"
      ) {
        this.facts.shutdownGuests.set(e.node, [...(this.facts.shutdownGuests.get(e.node) ?? []), e.detail["vmid"]]);
      }
    }
    if (start) this.startedAt = Date.parse(start.time);
    const firstInstall = resume.events.find(
      (e) => e.type === "action" && e.action === DIST_UPGRADE && e.phase === "after" && e.ok && typeof e.detail["versions"] === "object",
    );
    if (firstInstall?.type === "action") this.facts.pinnedVersions = firstInstall.detail["versions"] as Record<string, string>;
    const soak = summary.preflight.find((s) => s.step === canaryEntry.step);
    // A soak that was stopped goes on from where it began; one that refused starts again, whole.
    if (soak?.status === "failed" || soak?.status === "refused") this.canary.again = true;
    else if (soak) this.canary = { startedAt: Date.parse(soak.startedAt), over: soak.status === "ok", again: false };
    const inFlight = summary.inFlight;
    if (!inFlight) return { done, inFlight: null, order };
    if (inFlight.touched) {
      this.touched.add(inFlight.node);
      this.outOfService.add(inFlight.node);
    }
    const steps = summary.nodes.find((n) => n.node === inFlight.node)?.steps ?? [];
    this.facts.completedEntries.set(inFlight.node, new Set(steps.flatMap((s) => (s.status === "ok" && s.entry !== null ? [s.entry] : []))));
    const reboot = inFlight.reboot;
    if (reboot?.bootIdBefore && reboot.kernelAfter) {
      const sentAt = reboot.after?.ok && reboot.after.at ? Date.parse(reboot.after.at) : null;
      this.facts.reboots.set(inFlight.node, {
        bootIdBefore: reboot.bootIdBefore,
        kernelBefore: reboot.kernelBefore,
        kernelAfter: reboot.kernelAfter,
        sentAt,
      });
    }
    return { done, inFlight: inFlight.node, order };
  }

  async run(): Promise<RunResult> {
    const o = this.o;
    let order: string[];
    let resumeNode: string | null = null;
    this.startedAt = o.clock.now();
    if (o.resume) {
      const restored = this.restore(o.resume);
      order = restored.order.filter((n) => !restored.done.includes(n));
      resumeNode = restored.inFlight;
    } else {
      // Guests only decide the default order; if they cannot be read, config order stands and
      // the preflight gates (which need them too) refuse before anything is touched.
      const guests = await readGuestList({ config: o.config, shell: o.shell, pve: o.pve, probes: o.probes, target: null }).catch(() => []);
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
    o.nodeInFlight?.(null);
    this.facts.ending = { outcome: result.outcome, order };
    const ended = await this.finally(result);
    o.emit({
      type: "run-end",
      outcome: ended.outcome,
      exitCode: ended.exitCode,
      message: ended.message,
      humanAction: ended.humanAction,
      maintenanceLeftOn: ended.maintenanceLeftOn,
    });
    return ended;
  }

  private result(outcome: Outcome, exitCode: number, message: string, humanAction: string | null): RunResult {
    const maintenanceLeftOn = [...this.facts.maintenanceOn];
    // A node left in maintenance is out of service, whatever stopped the run.
    const code = exitCode === ExitCode.refused && maintenanceLeftOn.length > 0 ? ExitCode.nodeOutOfService : exitCode;
    return { outcome, exitCode: code, message, humanAction, maintenanceLeftOn, nodesDone: [...this.facts.upgraded] };
  }

  /**
   * Turns whatever stopped a step into the run's outcome. Before the node was changed, any "no"
   * (a gate, a placement, an unreadable state) leaves the cluster as it was: refused, exit 3.
   * After, the node may be out of service: failed, exit 4, with what a human must do.
   */
  private stopFor(error: unknown, node: string | null): RunResult {
    if (error instanceof RunStop) return this.result(error.outcome, error.exitCode, error.message, error.humanAction);
    const touched = node !== null && this.touched.has(node);
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof StopRequested) {
      const where = node ? ` while working on ${node}` : "";
      return this.result(
        "interrupted",
        ExitCode.interrupted,
        `${message}${where}; the journal says where`,
        touched
          ? `\`rollgate status\` shows where ${node} stands; continue with ${resumeCommand(this.o.playbook.upgradesTo)}.`
          : `Continue with ${resumeCommand(this.o.playbook.upgradesTo)} when ready.`,
      );
    }
    if (error instanceof MutationInReadOnlyMode || error instanceof TypeError || error instanceof ReferenceError) {
      return this.result(
        "failed",
        ExitCode.internal,
        `internal error: ${message}`,
        touched ? `rollgate hit a bug while working on ${node}: check it (\`rollgate status\`) before anything else.` : null,
      );
    }
    if (!touched) return this.result("refused", ExitCode.refused, message, null);
    const humanAction =
      error instanceof StepFailure
        ? error.humanAction
        : `Look at ${node} (\`rollgate status\`); when it is healthy, continue with ${resumeCommand(this.o.playbook.upgradesTo)}.`;
    if (!this.outOfService.has(node)) {
      const moved = `${node} is still in service: the guests moved off it so far stay where they are.`;
      return this.result("failed", ExitCode.refused, message, `${moved} ${humanAction}`);
    }
    return this.result("failed", ExitCode.nodeOutOfService, message, humanAction);
  }

  private async walk(order: string[], resumeNode: string | null): Promise<RunResult> {
    const o = this.o;
    const resumingTouched = resumeNode !== null && this.touched.has(resumeNode);
    o.emit({ type: "phase", phase: "preflight" });
    await this.runEntries(o.playbook.preflight, null, resumingTouched ? resumeNode : null);
    // A run resumed mid-node was checked before its first node; its node may be down right now,
    // which would make every placement look impossible. Each evacuation still places from live state.
    if (!resumingTouched) await this.refuseWhatPlanKnows(order);
    let started = 0;
    for (const [index, node] of order.entries()) {
      const resuming = node === resumeNode && resumingTouched;
      stopIfAsked(o.stop);
      if (!resuming && o.pauseAfter !== null && started >= o.pauseAfter) {
        return this.result(
          "paused",
          ExitCode.ok,
          `paused after ${started} node${started === 1 ? "" : "s"} (--pause-after); ${order.length - index} left: a later run continues`,
          null,
        );
      }
      if (!resuming && o.window && !inWindow(o.window, new Date(o.clock.now()))) {
        const message =
          started === 0
            ? `outside the maintenance window ${o.window.text}: no node started`
            : `the maintenance window ${o.window.text} closed after ${started} node${started === 1 ? "" : "s"}; ${order.length - index} left for the next window`;
        return this.result("outside-window", ExitCode.outsideWindow, message, null);
      }
      const skip = node !== resumeNode && (await this.upToDate(node));
      if (!skip && !resuming) {
        await this.backupCriticalFirst();
        await this.soakCanaryFirst();
      }
      o.emit({ type: "node-start", node, index: index + 1, total: order.length, estimateSeconds: this.estimates.get(node) ?? null });
      if (skip) {
        const reached = o.playbook.upgradesTo === null ? "" : `, on PVE ${o.playbook.upgradesTo}`;
        o.emit({
          type: "node-end",
          node,
          status: "skipped",
          message: `up to date: no packages pending, running the newest kernel${reached}`,
        });
        this.facts.upToDate.push(node);
        continue;
      }
      started += 1;
      o.nodeInFlight?.(node);
      try {
        await this.runEntries(o.playbook.node, node, resuming ? node : null);
        await this.verifyNodeBack(node);
      } catch (error) {
        const result = this.stopFor(error, node);
        o.emit({
          type: "node-end",
          node,
          status: result.outcome === "interrupted" ? "interrupted" : result.outcome === "refused" ? "refused" : "failed",
          message: result.message,
        });
        throw new RunStop(result.outcome, result.exitCode, result.message, result.humanAction);
      }
      o.nodeInFlight?.(null);
      this.facts.upgraded.push(node);
      o.emit({ type: "node-end", node, status: "done", message: o.dryRun ? "walked (dry run)" : "upgraded and verified" });
    }
    const done = this.facts.upgraded.length;
    return this.result(
      "success",
      ExitCode.ok,
      o.dryRun
        ? "dry run complete: no change was made"
        : done === 0
          ? "nothing to do: every node is up to date"
          : `upgraded ${this.facts.upgraded.join(", ")}`,
      null,
    );
  }

  /**
   * Before the first node this run changes (upgrade.backup): the critical guests' backups, once.
   * A run that has upgraded a node already took them (or began without them, and stays so).
   */
  private async backupCriticalFirst(): Promise<void> {
    if (!this.o.config.upgrade.backup || this.backedUp || this.facts.upgraded.length > 0) return;
    this.backedUp = true;
    const block = backupCritical(this.startedAt);
    await this.runEntry(
      { kind: "engine", id: "backup-critical", step: "backup-critical", title: block.title, implementation: block },
      null,
      null,
    );
  }

  /**
   * Before a node after the first one upgraded (upgrade.canary): the soak, once per run, resumed
   * from its journaled start. Before this run's first node, an earlier run's canary that still runs
   * the new version is the canary: its soak goes on from its upgrade, or again whole if it refused.
   * It ends the run as a refusal (exit 3), an interruption (exit 6) or a closed window (exit 7),
   * every node in service.
   */
  private async soakCanaryFirst(): Promise<void> {
    const o = this.o;
    const soakMs = o.config.upgrade.canary?.soak;
    if (soakMs === undefined || this.canary.over) return;
    const soak = await this.canaryToSoak();
    if (soak === null) return;
    const { canary, upgradedBy, soakedIn } = soak;
    const { step, title } = canaryEntry;
    const ctx = this.context(null, step, step);
    o.emit({ type: "step-start", node: null, step, entry: step, title });
    const end = (status: "ok" | "refused" | "failed" | "interrupted", message: string) =>
      o.emit({ type: "step-end", node: null, step, entry: step, status, message });
    if (soakedIn !== null) {
      this.canary.over = true;
      return end("ok", `${canary} soaked in run ${soakedIn}: the other nodes need no soak`);
    }
    if (o.dryRun) {
      const left = soak.startedAt === null ? soakMs : Math.max(0, soak.startedAt + soakMs - o.clock.now());
      end("ok", `would soak ${canary} for ${formatDuration(left)}, every gate watched, before the next node`);
      this.canary.over = true;
      return;
    }
    try {
      const startedAt = soak.startedAt ?? o.clock.now();
      const { window } = o;
      const ended = await soakCanary(ctx, o.config, this.betweenNodeGates(), {
        canary,
        soakMs,
        startedAt,
        saw: (v) => this.emitVerdicts(ctx, step, v),
        upgradedBy,
        windowOpen: () => window === null || inWindow(window, new Date(o.clock.now())),
      });
      if (ended.ended === "window-closed") {
        end("interrupted", ended.message);
        throw new RunStop("outside-window", ExitCode.outsideWindow, ended.message, null);
      }
      end("ok", ended.message);
      this.canary.over = true;
    } catch (error) {
      if (error instanceof RunStop) throw error;
      end(
        error instanceof StopRequested ? "interrupted" : error instanceof Refusal ? "refused" : "failed",
        error instanceof Error ? error.message : String(error),
      );
      const result = this.stopFor(error, null);
      const action =
        error instanceof Refusal
          ? `Every node is in service; ${canary} runs the new version, the others the old one. Look at what refused on ${canary} first. A later \`rollgate upgrade\` soaks ${canary} again, whole, before it upgrades another node.`
          : result.humanAction;
      throw new RunStop(result.outcome, result.exitCode, result.message, action);
    }
  }

  /**
   * The node to soak now and from when (null: from now), or null for no soak yet: this run's first
   * upgraded node, else an earlier run's canary if it still runs the new version (live state).
   */
  private async canaryToSoak(): Promise<{
    canary: string;
    startedAt: number | null;
    /** The earlier run whose upgrade of the canary began the soak this run goes on with. */
    upgradedBy: string | null;
    /** The earlier run in which it soaked to the end. */
    soakedIn: string | null;
  } | null> {
    const ours = this.facts.upgraded[0];
    if (ours !== undefined) return { canary: ours, startedAt: this.canary.startedAt, upgradedBy: null, soakedIn: null };
    const earlier = this.o.earlierCanary;
    if (!earlier || earlier.node === null || !(await this.upToDate(earlier.node))) return null;
    const goesOn = earlier.soak === "goes-on" && !this.canary.again;
    return {
      canary: earlier.node,
      startedAt: goesOn ? earlier.since : null,
      upgradedBy: goesOn ? earlier.runId : null,
      soakedIn: earlier.soak === "over" ? earlier.runId : null,
    };
  }

  /** Nothing pending and running the kernel it should: the node is skipped. */
  private async upToDate(node: string): Promise<boolean> {
    const state = await this.observe(null, this.o.pve, ["packages"], { nodes: [node] });
    const packages = state.packages?.[node];
    const pins = this.o.config.upgrade.sameVersions ? this.facts.pinnedVersions : null;
    return packages?.ok === true && upToDate(packages.value, this.o.playbook.upgradesTo, pins);
  }

  /**
   * Everything `plan` knows would stop a node (nowhere to put a guest, the only volfile server,
   * packages that cannot be read) is refused before the first node, while every node is in
   * service, instead of after the run has upgraded some nodes and left the cluster mixed.
   */
  private async refuseWhatPlanKnows(nodes: string[]): Promise<void> {
    if (nodes.length === 0) return;
    const state = await this.observe(null, this.o.pve, planFacets(this.o.config, this.o.playbook.preflightGates));
    const plan = buildPlan(this.o.config, state, [], nodes, this.o.playbook.upgradesTo);
    for (const n of plan.nodes) this.estimates.set(n.node, n.estimateSeconds);
    const blocked = plan.nodes.filter((n) => n.notes.length > 0);
    if (blocked.length === 0) return;
    const others = this.o.config.nodes.map((n) => n.name).filter((n) => !blocked.some((b) => b.node === n));
    const hint = others.length > 0 ? `; upgrade the others with \`--nodes ${others.join(",")}\`, or fix it first` : "";
    throw new Refusal(`${blocked.map((b) => `${b.node} cannot go down as planned: ${b.notes.join("; ")}`).join("; ")}${hint}`);
  }

  /**
   * The run's own entries on `node` (null: preflight, finally). `resumedTouched` names the node a
   * resumed run had already changed: it is out of service, so its "everything in service now"
   * gates cannot pass and are skipped; every block that takes it down still proves the rest of
   * the cluster healthy first.
   */
  private async runEntries(entries: PlaybookEntry[], node: string | null, resumedTouched: string | null): Promise<void> {
    this.facts.steady.forget();
    for (const [index, entry] of entries.entries()) {
      stopIfAsked(this.o.stop);
      // The gates this node's later entries wait for, steadily: each wait before them watches them too.
      this.facts.steady.ahead =
        node === null ? [] : unique(entries.slice(index + 1).flatMap((later) => (later.kind === "gate" && later.wait ? [later.gate] : [])));
      await this.runEntry(entry, node, resumedTouched);
    }
    this.facts.steady.ahead = [];
  }

  private async runEntry(entry: PlaybookEntry | EngineBlock, node: string | null, resumedTouched: string | null): Promise<void> {
    const o = this.o;
    const step = entry.kind === "engine" ? entry.step : entryName(entry);
    const ctx = this.context(node, entry.id, step);
    o.emit({ type: "step-start", node, step, entry: entry.id, title: entry.kind === "engine" ? entry.title : entryTitle(entry) });
    if (this.facts.ending === null) this.facts.lastStep = { node, step };
    const end = (status: "ok" | "skipped", message: string) => o.emit({ type: "step-end", node, step, entry: entry.id, status, message });
    try {
      if (entry.kind === "gate" || entry.kind === "preflight-gates") {
        const preflightOfResumed = resumedTouched !== null && (entry.kind === "preflight-gates" || node === null);
        if (preflightOfResumed) {
          return end(
            "skipped",
            `resuming ${resumedTouched}, which this run had already changed: each step that takes it down proves the rest of the cluster healthy first`,
          );
        }
        const message =
          entry.kind === "gate" && entry.wait && !o.dryRun
            ? await this.waitGate(ctx, step, entry.gate, waitMs(entry.wait, o.config.timeouts))
            : await this.gatesNow(ctx, step, entry);
        return end("ok", message);
      }
      const implementation: Step =
        entry.kind === "engine" ? entry.implementation : entry.kind === "step" ? steps[entry.step] : runCommandStep(entry);
      let assessment = await implementation.satisfied(ctx);
      if (assessment.done) return end("skipped", assessment.message);
      if (implementation.takesNodeDown && (await this.proveTakeDownSafe(ctx, step, implementation.takesNodeDown))) {
        // The wait may have changed what is left to do (HA moved a guest, a peer came back).
        assessment = await implementation.satisfied(ctx);
        if (assessment.done) return end("skipped", assessment.message);
      }
      if (o.dryRun) {
        const lines = implementation.describe(ctx, assessment.plan);
        for (const line of lines) ctx.progress(`${DRY_RUN_PROGRESS}${line}`);
        implementation.simulate(ctx, assessment.plan);
        if (node !== null) this.touched.add(node);
        return end("ok", lines.join("; "));
      }
      // Deciding and proving the cluster healthy took time: a stop asked for meanwhile comes first.
      stopIfAsked(o.stop);
      await implementation.act(ctx, assessment.plan);
      end("ok", await implementation.verify(ctx, assessment.plan));
    } catch (error) {
      const touched = node !== null && this.touched.has(node);
      const status = error instanceof StopRequested ? "interrupted" : touched ? "failed" : "refused";
      o.emit({ type: "step-end", node, step, entry: entry.id, status, message: error instanceof Error ? error.message : String(error) });
      throw error;
    }
  }

  /** The gates a `gates: preflight` entry means, or a single gate entry's. */
  private gatesOf(entry: PlaybookEntry): GateName[] {
    // The playbook's own preflight list, less what is checked before the first node only; the
    // engine adds its take-down gates before each take-down whatever the playbook says.
    if (entry.kind === "preflight-gates") return this.o.playbook.preflightGates.filter((g) => !gates[g].preflightOnly);
    return entry.kind === "gate" ? [entry.gate] : [];
  }

  /**
   * Evaluates gates once. Before the node is touched a "no" is a clean refusal. On a node already
   * partly out of service (a resumed run) it waits instead, as before a take-down: giving up there
   * would leave the node out of service for a peer that is back a minute later.
   */
  private async gatesNow(ctx: StepContext, step: string, entry: PlaybookEntry): Promise<string> {
    const names = this.gatesOf(entry);
    const { verdicts } = await observeGates(ctx, this.o.config, names);
    this.emitVerdicts(ctx, step, verdicts);
    const refused = verdicts.filter((v) => !v.pass);
    if (refused.length === 0) return seen(verdicts);
    const touched = ctx.node !== null && this.touched.has(ctx.node);
    if (!touched || this.o.dryRun) throw this.refusalOf(ctx, refused, entry.kind === "gate" && entry.wait !== null);
    const steady = await waitForGates(ctx, this.o.config, names, {
      limitMs: this.o.config.timeouts.heal,
      settleMs: this.o.config.timeouts.settle,
    });
    return `${seen(steady)}, steady for ${formatDuration(this.o.config.timeouts.settle)}`;
  }

  private async waitGate(ctx: StepContext, step: string, gate: GateName, limitMs: number): Promise<string> {
    const [verdict] = await waitForGates(ctx, this.o.config, [gate], { limitMs, settleMs: this.o.config.timeouts.settle });
    if (verdict) this.emitVerdicts(ctx, step, [verdict]);
    return verdict ? `${seen([verdict])}, steady for ${formatDuration(this.o.config.timeouts.settle)}` : `${gate} passes`;
  }

  private emitVerdicts(ctx: StepContext, step: string, verdicts: Verdict[]): void {
    for (const verdict of verdicts) this.o.emit({ type: "gate", node: ctx.node, step, entry: ctx.entry, verdict });
  }

  /**
   * A refusal: clean (exit 3) before the node was touched. In a dry run, a gate the real run
   * would wait for refuses as it would once its wait ran out with the cluster as it is now.
   */
  private refusalOf(ctx: StepContext, refused: Verdict[], wouldWait: boolean): Error {
    const message = reasonsOf(refused);
    const touched = ctx.node !== null && this.touched.has(ctx.node);
    if (wouldWait && touched)
      return new StepFailure(
        `would wait, and ${message}`,
        "Fix the reasons above before a real run; it would wait for them and stop with the node out of service.",
      );
    return new Refusal(message, refused);
  }

  /** The take-down gates for a block of this kind: the engine's own plus those the playbook's preflight adds. */
  private takeDownGates(kind: TakeDown): GateName[] {
    const names = unique([...takeDownGates, ...this.o.playbook.preflightGates.filter((g) => !gates[g].preflightOnly)]);
    // Before the node stops, its critical guests must already run elsewhere; while it drains they may still run on it.
    return names.map((g) => (g === "critical-healthy" && kind === "stop" ? "critical-healthy-elsewhere" : g));
  }

  /**
   * Right before a block takes the node out of service: the rest of the cluster must be healthy
   * now. Untouched, a "no" is a clean refusal. Already out of service (a peer lost power during
   * the evacuation, say), the node waits where it is until the gates pass again, steadily; it is
   * not taken further down meanwhile. Returns whether it had to wait.
   */
  private async proveTakeDownSafe(ctx: StepContext, step: string, kind: TakeDown): Promise<boolean> {
    const node = ctx.node!;
    const gates = this.takeDownGates(kind);
    const { verdicts } = await observeGates(ctx, this.o.config, gates);
    const refused = verdicts.filter((v) => !v.pass);
    if (refused.length === 0) {
      ctx.progress(`the rest of the cluster is healthy: ${gates.join(", ")} pass`);
      return false;
    }
    this.emitVerdicts(ctx, step, refused);
    if (!this.touched.has(node) || this.o.dryRun) throw this.refusalOf(ctx, refused, this.touched.has(node));
    ctx.progress(`not taking ${node} further down until the cluster is healthy again: ${refused.map((v) => v.gate).join(", ")} refuse`);
    await waitForGates(ctx, this.o.config, gates, {
      limitMs: this.o.config.timeouts.heal,
      settleMs: this.o.config.timeouts.settle,
      humanAction: `${node} is partly out of service (see \`rollgate status\`) and was not taken further down. Fix the reasons above, then ${resumeCommand(this.o.playbook.upgradesTo)}.`,
    });
    return true;
  }

  /** The gates about the whole cluster that hold between two nodes: every one but what is checked before the first node only. */
  private betweenNodeGates(): GateName[] {
    return unique([...takeDownGates, ...this.o.playbook.preflightGates]).filter(
      (g) => g !== "gluster-storage-failover" && !gates[g].preflightOnly,
    );
  }

  /**
   * After a node's steps, every gate must pass again, about the whole cluster, before the next
   * node may start, whatever the playbook checked. With the built-in playbooks they already do;
   * otherwise the run waits for them, steadily.
   */
  private async verifyNodeBack(node: string): Promise<void> {
    const o = this.o;
    const { step, title } = nodeVerifiedEntry;
    const entry = `${node}:${step}`;
    // About the whole cluster, the node itself included: it must be back in service too.
    const ctx = this.context(node, entry, step, null);
    const names = this.betweenNodeGates();
    o.emit({ type: "step-start", node, step, entry, title });
    const end = (status: "ok" | "failed" | "interrupted", message: string) =>
      o.emit({ type: "step-end", node, step, entry, status, message });
    try {
      const { verdicts } = await observeGates(ctx, o.config, names);
      const refused = verdicts.filter((v) => !v.pass);
      if (refused.length === 0) return end("ok", seen(verdicts));
      this.emitVerdicts(ctx, step, refused);
      if (o.dryRun) throw this.refusalOf(ctx, refused, true);
      const steady = await waitForGates(ctx, o.config, names, { limitMs: o.config.timeouts.heal, settleMs: o.config.timeouts.settle });
      end("ok", `${seen(steady)}, steady for ${formatDuration(o.config.timeouts.settle)}`);
    } catch (error) {
      end(error instanceof StopRequested ? "interrupted" : "failed", error instanceof Error ? error.message : String(error));
      throw error;
    }
  }

  /**
   * The finally steps, each whatever the others did. A run that failed keeps its outcome (its
   * finally steps are reported by their own events); one that succeeded is not called done while a
   * finally step says something is still to do (every node upgraded, but HA would put the routers
   * on one node): refused, exit 3, every node in service, with what to do.
   */
  private async finally(result: RunResult): Promise<RunResult> {
    const o = this.o;
    if (o.playbook.finally.length === 0) return result;
    o.emit({ type: "phase", phase: "finally" });
    let ended = result;
    for (const entry of o.playbook.finally) {
      try {
        await this.runEntry(entry, null, null);
      } catch (error) {
        if (ended.outcome !== "success") continue;
        const why = error instanceof Error ? error.message : String(error);
        const action = error instanceof StepFailure ? error.humanAction : null;
        const upgraded = o.dryRun ? "every node would be upgraded, but the run would not be done" : "every node is upgraded, but not done";
        ended = this.result("refused", ExitCode.refused, `${upgraded}: ${why}`, action);
      }
    }
    return ended;
  }
}
