// The slow watch: a node or a heal is told once when it passes factor × its estimate, never when
// it ends before, and never again after it ended.

import { describe, expect, it } from "vitest";
import type { RunEvent, RunEventBody } from "../../../src/run/events.js";
import { slowWatch, type SlowSight, type Timers } from "../../../src/run/slow-watch.js";

/** Timers on a hand-moved clock. */
function manualTimers() {
  let now = 0;
  const due = new Map<number, { at: number; fire: () => void }>();
  let next = 0;
  const timers: Timers = {
    set: (fire, ms) => {
      due.set(++next, { at: now + ms, fire });
      return next;
    },
    clear: (handle) => void due.delete(handle as number),
    now: () => now,
  };
  const advance = (ms: number) => {
    now += ms;
    for (const [id, t] of [...due]) if (t.at <= now) (due.delete(id), t.fire());
  };
  return { timers, advance };
}

const at = (body: RunEventBody): RunEvent => ({ ...body, time: "2026-12-03T00:00:00Z" });
const settings = { factor: 3, healMs: 120_000, nodeMs: null, healLimitMs: 7_200_000 };

function watch() {
  const told: SlowSight[] = [];
  const { timers, advance } = manualTimers();
  const w = slowWatch(settings, (s) => told.push(s), timers);
  return { told, advance, on: (body: RunEventBody) => w.onEvent(at(body)) };
}

describe("slowWatch", () => {
  it("tells once when a heal passes factor × its estimate, with the node, the limit and what the run upgraded", () => {
    const { told, advance, on } = watch();
    on({ type: "node-start", node: "pve3", index: 1, total: 3, estimateSeconds: null });
    on({ type: "node-end", node: "pve3", status: "done", message: "" });
    on({ type: "node-start", node: "pve1", index: 2, total: 3, estimateSeconds: null });
    on({ type: "step-start", node: "pve1", step: "gluster-heal", title: "" });
    advance(359_000);
    expect(told).toEqual([]);
    advance(1_000);
    expect(told).toEqual([
      {
        node: "pve1",
        what: "heal",
        elapsedMs: 360_000,
        estimateMs: 120_000,
        factor: 3,
        limitMs: 7_200_000,
        upgraded: ["pve3"],
        step: "gluster-heal",
      },
    ]);
    advance(3_600_000);
    expect(told).toHaveLength(1);
  });

  it("says nothing for a heal or a node that ends in time", () => {
    const { told, advance, on } = watch();
    on({ type: "node-start", node: "pve3", index: 1, total: 3, estimateSeconds: 600 });
    on({ type: "step-start", node: "pve3", step: "gluster-heal", title: "" });
    advance(300_000);
    on({ type: "step-end", node: "pve3", step: "gluster-heal", status: "ok", message: "" });
    advance(1_000_000);
    on({ type: "node-end", node: "pve3", status: "done", message: "" });
    advance(10_000_000);
    expect(told).toEqual([]);
  });

  it("times a node against the plan's estimate, and not at all when the run made no plan", () => {
    const { told, advance, on } = watch();
    on({ type: "node-start", node: "pve3", index: 1, total: 2, estimateSeconds: 600 });
    on({ type: "step-start", node: "pve3", step: "wait-online", title: "" });
    advance(1_800_000);
    expect(told).toMatchObject([{ node: "pve3", what: "node", estimateMs: 600_000, step: "wait-online", limitMs: null }]);
    on({ type: "node-end", node: "pve3", status: "done", message: "" });
    on({ type: "node-start", node: "pve1", index: 2, total: 2, estimateSeconds: null });
    advance(100_000_000);
    expect(told).toHaveLength(1);
  });
});
