// What a step gets to work with: the node, the transports (read-only in a dry run), the clock,
// the journal (through `action`), the live view (through `progress`), and what the run remembers.

import type { Config } from "../config/index.js";
import type { ObserveContext } from "../observe/context.js";
import { StopRequested } from "./failures.js";
import type { ClusterState, Facet, Guest } from "../observe/state.js";
import type { Clock } from "../transport/clock.js";
import type { Probes } from "../transport/probes.js";
import type { PveApi } from "../transport/pve.js";
import type { RemoteShell } from "../transport/remote-command.js";

/** What the run remembers across steps and nodes (and, through the journal, across a resume). */
export interface RunMemory {
  /** Nodes upgraded in this run, in order: preferred destinations for guests. */
  upgraded: string[];
  /** Guests shut down (policy `shutdown`, or pinned by local disks), to start again after the node returns. */
  shutdownGuests: Map<string, number[]>;
  /** The boot id seen before asking a node to reboot. */
  bootIdBefore: Map<string, string>;
  /** The kernel a node should boot. */
  expectedKernel: Map<string, string>;
  /** Nodes this run put in maintenance and has not taken out again. */
  maintenanceOn: Set<string>;
  /** Nodes with at least one change journaled: a failure there is no longer a clean refusal. */
  touched: Set<string>;
  /** Dry run: where guests would be after the nodes walked so far. */
  simulatedGuests: Guest[] | null;
}

export function emptyMemory(): RunMemory {
  return {
    upgraded: [],
    shutdownGuests: new Map(),
    bootIdBefore: new Map(),
    expectedKernel: new Map(),
    maintenanceOn: new Set(),
    touched: new Set(),
    simulatedGuests: null,
  };
}

export interface StepContext {
  config: Config;
  /** The node being upgraded (null for preflight and finally). */
  node: string | null;
  step: string;
  shell: RemoteShell;
  pve: PveApi;
  probes: Probes;
  clock: Clock;
  dryRun: boolean;
  /** Aborted when a stop is requested; waits end at once, changes in flight finish first. */
  stop: AbortSignal;
  memory: RunMemory;
  progress(message: string, metrics?: Record<string, number | null>): void;
  output(stream: "stdout" | "stderr", text: string): void;
  /** Journals a change before and after making it. */
  action<T>(action: string, detail: Record<string, unknown>, change: () => Promise<T>): Promise<T>;
  observe(facets: Iterable<Facet>): Promise<ClusterState>;
}

/** For reads outside `observe` (the node being upgraded is spared as a vantage point). */
export function observeContextOf(ctx: StepContext): ObserveContext {
  return { config: ctx.config, shell: ctx.shell, pve: ctx.pve, probes: ctx.probes, target: ctx.node };
}

/** The node a node step works on; a programming error if the step is used outside a node phase. */
export function targetOf(ctx: StepContext): string {
  if (ctx.node === null) throw new Error(`programming error: step ${ctx.step} needs a node`);
  return ctx.node;
}

export interface StepResult {
  status: "ok" | "skipped";
  message: string;
}

export interface Step {
  execute(ctx: StepContext): Promise<StepResult>;
  /** A dry run: what the step would do, read from live state, changing nothing. */
  describe(ctx: StepContext): Promise<string[]>;
}

/** Waits one poll interval; a stop request ends the wait (the caller is at a safe point). */
export async function pausePoll(ctx: StepContext): Promise<void> {
  try {
    await ctx.clock.sleep(ctx.config.timeouts.poll, ctx.stop);
  } catch {
    throw new StopRequested();
  }
}

/**
 * Polls `check` until it says true; each other answer is shown as progress. After `limitMs` the
 * failure is thrown; a stop request ends the wait at the next poll.
 */
export async function waitUntil(ctx: StepContext, limitMs: number, failure: () => Error, check: () => Promise<string | true>): Promise<void> {
  const deadline = ctx.clock.now() + limitMs;
  for (;;) {
    const result = await check();
    if (result === true) return;
    ctx.progress(result);
    if (ctx.clock.now() >= deadline) throw failure();
    await pausePoll(ctx);
  }
}
