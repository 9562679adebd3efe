// The step contract: what a step is to the engine, and what it gets to work with.
//
// A step converges, like cephadm's re-entrant upgrade: it first asks live state whether its
// effect already holds (`satisfied`), and only if not does it act and then verify the effect.
// So a resumed run simply runs the node's steps again, and each decides from the cluster as it is
// now, not from a memory of step names. The dry-run text comes from the same plan (and the same
// command builders) that `act` executes.

import type { Config } from "../config/index.js";
import { SteadyWatch } from "../run/steady-watch.js";
import type { ObserveContext } from "../observe/context.js";
import type { ClusterState, Facet } from "../observe/state.js";
// The type only: steps never call into the engine.
import type { Outcome } from "../run/events.js";
import type { Clock } from "../transport/clock.js";
import type { Probes } from "../transport/probes.js";
import type { PveApi } from "../transport/pve.js";
import type { RemoteShell } from "../transport/remote-command.js";
import type { Simulation } from "./simulation.js";

/** A reboot this run asked for: the boot id before it proves (by changing) that it happened. */
export interface RebootRequest {
  bootIdBefore: string;
  /** The kernel it ran when the reboot was asked for: the one to fall back to; null if not known (an older journal). */
  kernelBefore: string | null;
  kernelAfter: string;
  /** When the request was recorded as sent (ms since the epoch); null when it may never have been sent. */
  sentAt: number | null;
}

/**
 * What the run knows that live state cannot tell (kept in the journal, restored on resume): which
 * nodes it finished, which guests it shut down, which reboots it asked for, where it switched
 * maintenance on, and which `run:` entries it completed on the node it stopped at.
 */
export interface RunFacts {
  /** Nodes upgraded in this run, in order: preferred destinations for guests. */
  upgraded: string[];
  /** Guests this run shut down (policy `shutdown`, or pinned by local disks), per node, to start again. */
  shutdownGuests: Map<string, number[]>;
  reboots: Map<string, RebootRequest>;
  /** Nodes this run put in HA maintenance and has not taken out again. */
  maintenanceOn: Set<string>;
  /** Playbook entries (by id) that ended ok on a node before an interruption. */
  completedEntries: Map<string, Set<string>>;
  /** Nodes found up to date and skipped. */
  upToDate: string[];
  /** The step the run was at when it last started one: where a stopped run stopped. */
  lastStep: { node: string | null; step: string } | null;
  /** How the run ended, once decided (the finally steps run after it). */
  ending: { outcome: Outcome; order: string[] } | null;
  /** upgrade.sameVersions: the versions the run's first node installed (package → version), once it did. */
  pinnedVersions: Record<string, string> | null;
  /** Which gates have passed without a break since when, across this node's waits (src/run/steady-watch.ts). */
  steady: SteadyWatch;
}

export function emptyFacts(): RunFacts {
  return {
    upgraded: [],
    shutdownGuests: new Map(),
    reboots: new Map(),
    maintenanceOn: new Set(),
    completedEntries: new Map(),
    upToDate: [],
    lastStep: null,
    ending: null,
    pinnedVersions: null,
    steady: new SteadyWatch(),
  };
}

export interface ObserveOptions {
  /** Restrict the per-node facets (ssh, packages) to these nodes. */
  nodes?: readonly string[];
}

export interface StepContext {
  config: Config;
  /** The node being upgraded (null for preflight and finally). */
  node: string | null;
  /** The PVE major the playbook upgrades to (`upgradesTo`), or null: a node is done once nothing is pending. */
  upgradesTo: number | null;
  /** The playbook entry's id, from its position: `node[3]`. */
  entry: string;
  /** Read-only in a dry run: a mutation throws before anything is sent. */
  shell: RemoteShell;
  /** Never asks the node being upgraded (it may be rebooting). */
  pve: PveApi;
  probes: Probes;
  clock: Clock;
  /** Aborted when a stop is requested; waits end at once, changes in flight finish first. */
  stop: AbortSignal;
  facts: RunFacts;
  /** Set in a dry run: the changes the run would have made so far, laid over every observation. */
  simulation: Simulation | null;
  progress(message: string, metrics?: Record<string, number | null>): void;
  output(stream: "stdout" | "stderr", text: string): void;
  /** Journals a change before and after making it. */
  action<T>(action: string, detail: Record<string, unknown>, change: () => Promise<T>): Promise<T>;
  /** Live state (with the dry run's simulated changes laid over it). */
  observe(facets: Iterable<Facet>, options?: ObserveOptions): Promise<ClusterState>;
}

/** What a step finds when it looks at live state: its effect holds already, or what is left to do. */
export type Assessment<Plan> = { done: true; message: string } | { done: false; plan: Plan };

export const done = (message: string): Assessment<never> => ({ done: true, message });
export const toDo = <Plan>(plan: Plan): Assessment<Plan> => ({ done: false, plan });

/**
 * How acting takes the node out of service, so the engine can prove the rest of the cluster
 * healthy first: "drain" (guests may still run on it: maintenance, evacuation, dpkg at work) or
 * "stop" (it goes down: its critical guests must already run elsewhere).
 */
export type TakeDown = "drain" | "stop";

export interface Step<Plan = unknown> {
  title: string;
  /** What live state the step reads to decide. */
  needs: readonly Facet[];
  takesNodeDown: TakeDown | null;
  satisfied(ctx: StepContext): Promise<Assessment<Plan>>;
  /** The dry run's lines: what `act` would send, from the same commands. */
  describe(ctx: StepContext, plan: Plan): string[];
  act(ctx: StepContext, plan: Plan): Promise<void>;
  /** Waits until the effect is observed; says what was seen. */
  verify(ctx: StepContext, plan: Plan): Promise<string>;
  /** The dry run: what acting would leave behind, in the state the run goes on reasoning over. */
  simulate(ctx: StepContext, plan: Plan): void;
}

/** For reads outside `observe`, in act and verify (the node being upgraded is spared as a vantage point). */
export function observeContextOf(ctx: StepContext): ObserveContext {
  return { config: ctx.config, shell: ctx.shell, pve: ctx.pve, probes: ctx.probes, target: ctx.node };
}

/** The node a node step works on; a programming error if the step is used outside a node phase. */
export function targetOf(ctx: StepContext): string {
  if (ctx.node === null) throw new Error(`programming error: step ${ctx.entry} needs a node`);
  return ctx.node;
}
