// Watches a run's events for a node or a heal that takes longer than expected (upgrade.slow): more
// than `factor` times its estimate. It only tells: the run goes on waiting within its timeouts, as
// the safety contract wants (a heal is waited for, never cut short), and each node or heal is told
// once. The estimates are the plan's for a node (or upgrade.slow.node) and upgrade.slow.heal for a
// heal, so a lab that runs its cluster faster states its own.

import type { RunEvent } from "./events.js";

export interface SlowSettings {
  factor: number;
  healMs: number;
  /** Overrides the plan's estimate of every node; null: the plan's, from node-start. */
  nodeMs: number | null;
  /** timeouts.heal: where a heal wait gives up by itself. */
  healLimitMs: number;
}

/** What was seen to be slow, and where the run stands. */
export interface SlowSight {
  node: string;
  what: "node" | "heal";
  elapsedMs: number;
  estimateMs: number;
  factor: number;
  limitMs: number | null;
  upgraded: string[];
  step: string | null;
}

export interface Timers {
  set(fire: () => void, ms: number): unknown;
  clear(handle: unknown): void;
  now(): number;
}

export const realTimers: Timers = {
  set: (fire, ms) => setTimeout(fire, ms).unref(),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
  now: () => Date.now(),
};

/** The step whose wait is the heal's (src/steps/gluster-heal.ts). */
const HEAL_STEP = "gluster-heal";

export function slowWatch(settings: SlowSettings, tell: (sight: SlowSight) => void, timers: Timers = realTimers) {
  const pending = new Map<"node" | "heal", unknown>();
  const upgraded: string[] = [];
  let step: string | null = null;
  const start = (what: "node" | "heal", node: string, estimateMs: number, limitMs: number | null) => {
    stopTimer(what);
    const startedAt = timers.now();
    pending.set(
      what,
      timers.set(() => {
        pending.delete(what);
        tell({
          node,
          what,
          elapsedMs: timers.now() - startedAt,
          estimateMs,
          factor: settings.factor,
          limitMs,
          upgraded: [...upgraded],
          step,
        });
      }, estimateMs * settings.factor),
    );
  };
  const stopTimer = (what: "node" | "heal") => {
    if (pending.has(what)) timers.clear(pending.get(what));
    pending.delete(what);
  };
  const stopAll = () => {
    stopTimer("node");
    stopTimer("heal");
  };
  return {
    onEvent(event: RunEvent): void {
      switch (event.type) {
        case "node-start": {
          const estimateMs = settings.nodeMs ?? (event.estimateSeconds != null ? event.estimateSeconds * 1000 : null);
          if (estimateMs !== null && estimateMs > 0) start("node", event.node, estimateMs, null);
          return;
        }
        case "node-end":
          stopAll();
          if (event.status === "done") upgraded.push(event.node);
          return;
        case "step-start":
          step = event.step;
          if (event.step === HEAL_STEP && event.node !== null) start("heal", event.node, settings.healMs, settings.healLimitMs);
          return;
        case "step-end":
          if (event.step === HEAL_STEP) stopTimer("heal");
          return;
        case "run-end":
          stopAll();
          return;
        default:
          return;
      }
    },
    stop: stopAll,
  };
}
