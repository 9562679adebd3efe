// After a node returns, its waits come one after another: private network, heal, services,
// routers. Each watches the gates of the waits still to come, so what stayed healthy through the
// heal is not watched for another settle window; what refused meanwhile, or was changed by the
// run, is (src/run/steady-watch.ts).

import { afterEach, describe, expect, it } from "vitest";
import type { RunEvent } from "../../src/run/events.js";
import { runEngine } from "../helpers/engine.js";
import { startTestLab, type TestLab } from "../helpers/lab.js";

let current: TestLab | null = null;
afterEach(async () => {
  await current?.stop();
  current = null;
});

const HOLDING = "before it counts";
/**
 * A settle window of 80 s of lab time: a window of 150 ms real would be broken by any pause
 * between two observations over 100 ms (src/steps/wait.ts longestUnwatchedGap), as a loaded
 * machine makes them.
 */
const labOptions = { timeScale: 200, scenario: "heal-slow", timeouts: { settle: "400ms" } } as const;

/** The progress lines of one node's step. */
const progressOf = (events: RunEvent[], node: string, step: string) =>
  events.flatMap((e) => (e.type === "step-progress" && e.node === node && e.step === step ? [e.message] : []));

describe("a gate wait counts the time an earlier wait of the node watched its gate pass", () => {
  it("services and routers, healthy through a slow heal, pass at once after it; the heal still settles", async () => {
    const t = (current = await startTestLab(labOptions));
    const { result, events } = await runEngine(t);
    expect(result.outcome).toBe("success");
    for (const node of ["pve1", "pve2", "pve3"]) {
      expect(progressOf(events, node, "gluster-heal").some((m) => m.includes(HOLDING))).toBe(true);
      expect(progressOf(events, node, "services")).toEqual([]);
      expect(progressOf(events, node, "critical-healthy")).toEqual([]);
    }
    const record = t.lab.status().record;
    expect(record.unsafeTakeDowns).toEqual([]);
    expect(record.maxOutOfService).toBe(1);
  }, 60_000);

  it("a service that was down during the heal's settle window is watched for a whole window of its own", async () => {
    const t = (current = await startTestLab(labOptions));
    const { node: serviceNode, unit } = t.lab.cluster.topology.service;
    let first: string | null = null;
    let stage: "before" | "stopped" | "restarted" = "before";
    const { result, events } = await runEngine(t, {}, (e) => {
      if (e.type === "node-start") first ??= e.node;
      if ((e.type !== "step-progress" && e.type !== "step-end") || e.node !== first || e.step !== "gluster-heal") return;
      // Once the first node's heal reads zero and must hold, the worker stops (the heal's next
      // poll sees it down); it is back as the heal's wait ends, just before the services wait.
      if (stage === "before" && e.type === "step-progress" && e.message.includes(HOLDING)) {
        t.lab.cluster.setUnit(serviceNode, unit, "inactive");
        stage = "stopped";
      } else if (stage === "stopped" && e.type === "step-end") {
        t.lab.cluster.setUnit(serviceNode, unit, "active");
        stage = "restarted";
      }
    });
    expect(result.outcome).toBe("success");
    expect(stage).toBe("restarted");
    expect(progressOf(events, first!, "services").some((m) => m.includes(HOLDING))).toBe(true);
  }, 60_000);
});
