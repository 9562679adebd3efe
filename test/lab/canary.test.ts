// upgrade.canary against the lab: the first node upgraded soaks with every gate watched before the
// second starts; a gate that refuses through `settle` during the soak ends the run there, every
// node in service (exit 3); a refusal that clears within `settle` does not; a dry run only says it
// would soak. The soak outlives a run: a closed window or a stop leaves it for the next run, which
// goes on with it (or soaks again after a refusal) before it upgrades another node.

import { afterEach, describe, expect, it } from "vitest";
import type { Config } from "../../src/config/index.js";
import { earlierCanary } from "../../src/run/canary.js";
import type { RunEvent } from "../../src/run/events.js";
import { summarizeRun } from "../../src/run/run-summary.js";
import { parseWindow } from "../../src/run/window.js";
import { systemClock, type Clock } from "../../src/transport/clock.js";
import { runEngine } from "../helpers/engine.js";
import { startTestLab, type TestLab } from "../helpers/lab.js";

let current: TestLab | null = null;
afterEach(async () => {
  await current?.stop();
  current = null;
});

const SOAK_MS = 2_500;

async function lab(): Promise<{ t: TestLab; config: Config }> {
  const t = (current = await startTestLab({ timeScale: 200 }));
  const { config: loaded } = t.loaded;
  return { t, config: { ...loaded, upgrade: { ...loaded.upgrade, canary: { soak: SOAK_MS } } } };
}

/** The run's node and canary events, in order, as `node-start pve3`, `canary ok`. */
function outline(events: RunEvent[]): string[] {
  return events.flatMap((e) => {
    if (e.type === "node-start") return [`node-start ${e.node}`];
    if (e.type === "node-end") return [`node-end ${e.node} ${e.status}`];
    if (e.type === "step-end" && e.step === "canary-soak") return [`canary ${e.status}`];
    return [];
  });
}

const timeOf = (events: RunEvent[], match: (e: RunEvent) => boolean) => Date.parse(events.find(match)!.time);

describe("upgrade.canary", () => {
  it("the first node soaks for canary.soak, every gate watched, before the second node starts", async () => {
    const { t, config } = await lab();
    const { result, events } = await runEngine(t, { config });
    expect(result).toMatchObject({ outcome: "success", exitCode: 0 });
    const [first, second, third] = result.message.replace("upgraded ", "").split(", ");
    expect(outline(events)).toEqual([
      `node-start ${first}`,
      `node-end ${first} done`,
      "canary ok",
      `node-start ${second}`,
      `node-end ${second} done`,
      `node-start ${third}`,
      `node-end ${third} done`,
    ]);
    const soaked = events.find((e) => e.type === "step-end" && e.step === "canary-soak");
    expect(soaked).toMatchObject({ message: expect.stringMatching(new RegExp(`^${first} soaked 2\\.5 s with every gate passing \\(`)) });
    const waited =
      timeOf(events, (e) => e.type === "node-start" && e.node === second) -
      timeOf(events, (e) => e.type === "node-end" && e.node === first);
    expect(waited).toBeGreaterThanOrEqual(SOAK_MS);
  });

  it("a service that stays down during the soak ends the run there: exit 3, no second node, saying what refused", async () => {
    const { t, config } = await lab();
    const { node: serviceNode, unit } = config.services[0] as { node: string; unit: string };
    const { result, events } = await runEngine(t, { config }, (e) => {
      if (e.type === "step-start" && e.step === "canary-soak") t.lab.cluster.setUnit(serviceNode, unit, "inactive");
    });
    const first = events.find((e) => e.type === "node-start")!;
    const canary = first.type === "node-start" ? first.node : "";
    expect(result).toMatchObject({ outcome: "refused", exitCode: 3, maintenanceLeftOn: [] });
    expect(result.message).toMatch(
      new RegExp(
        `^canary ${canary}: services: service celery \\(${unit.replace(".", "\\.")} on ${serviceNode}\\): inactive: .* \\(refusing for [\\d.]+ m?s, [\\d.]+ m?s into a 2\\.5 s soak\\); no other node was started$`,
      ),
    );
    expect(result.humanAction).toContain(`Every node is in service; ${canary} runs the new version, the others the old one.`);
    expect(outline(events)).toEqual([`node-start ${canary}`, `node-end ${canary} done`, "canary refused"]);
  });

  it("a refusal that clears within settle is a blip: the soak goes on and the run completes", async () => {
    const { t, config } = await lab();
    const { node: serviceNode, unit } = config.services[0] as { node: string; unit: string };
    const { result, events } = await runEngine(t, { config }, (e) => {
      if (e.type !== "step-start" || e.step !== "canary-soak") return;
      t.lab.cluster.setUnit(serviceNode, unit, "inactive");
      // Back well within settle (the lab's 30 s / 200), long enough for a poll to see it down.
      setTimeout(() => t.lab.cluster.setUnit(serviceNode, unit, "active"), config.timeouts.poll * 2);
    });
    expect(result).toMatchObject({ outcome: "success", exitCode: 0 });
    const soaked = events.find((e) => e.type === "step-end" && e.step === "canary-soak");
    expect(soaked).toMatchObject({ status: "ok", message: expect.stringMatching(/; 1 refusal cleared within /) });
  });

  it("a dry run says it would soak, and does not wait", async () => {
    const { t, config } = await lab();
    const { result, events } = await runEngine(t, { config, dryRun: true });
    expect(result).toMatchObject({ outcome: "success", exitCode: 0 });
    const soaked = events.find((e) => e.type === "step-end" && e.step === "canary-soak");
    expect(soaked).toMatchObject({
      status: "ok",
      message: expect.stringMatching(/^would soak pve\d for 2\.5 s, every gate watched, before the next node$/),
    });
  });

  it("a window that closes during the soak ends the run (exit 7); the next run soaks what is left, then goes on", async () => {
    const { t, config } = await lab();
    // A window around now, and a clock that jumps past its end once the soak begins.
    const hhmm = (d: Date) => `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
    const window = parseWindow(`${hhmm(new Date(Date.now() - 3_600_000))}-${hhmm(new Date(Date.now() + 3_600_000))}`);
    let skew = 0;
    const clock: Clock = { now: () => Date.now() + skew, sleep: systemClock.sleep };
    const first = await runEngine(t, { config, window, clock }, (e) => {
      if (e.type === "step-start" && e.step === "canary-soak") skew = 3 * 3_600_000;
    });
    const canary = first.result.nodesDone[0]!;
    expect(first.result).toMatchObject({ outcome: "outside-window", exitCode: 7, maintenanceLeftOn: [] });
    expect(first.result.message).toMatch(
      new RegExp(
        `^the maintenance window closed [\\d.]+ m?s into ${canary}'s 2\\.5 s soak \\([\\d.]+ m?s left\\); the next run in the window goes on with it$`,
      ),
    );
    expect(outline(first.events)).toEqual([`node-start ${canary}`, `node-end ${canary} done`, "canary interrupted"]);

    const earlier = earlierCanary([summarizeRun(first.events)]);
    expect(earlier).toMatchObject({ soak: "goes-on", node: canary });
    const second = await runEngine(t, { config, earlierCanary: earlier });
    expect(second.result).toMatchObject({ outcome: "success", exitCode: 0 });
    const [next, last] = second.result.nodesDone;
    expect(outline(second.events).slice(0, 4)).toEqual([
      `node-start ${canary}`,
      `node-end ${canary} skipped`,
      "canary ok",
      `node-start ${next}`,
    ]);
    const soaked = second.events.find((e) => e.type === "step-end" && e.step === "canary-soak");
    expect(soaked).toMatchObject({
      message: expect.stringMatching(
        new RegExp(
          `^${canary} has run the new version [\\d.]+ m?s since run test-run upgraded it \\(soak 2\\.5 s\\), every gate passing now`,
        ),
      ),
    });
    // The soak counts from the canary's upgrade in the first run, not from the second run's start.
    const upgraded = timeOf(first.events, (e) => e.type === "node-end" && e.node === canary);
    expect(timeOf(second.events, (e) => e.type === "node-start" && e.node === next)).toBeGreaterThanOrEqual(upgraded + SOAK_MS);
    expect(last).toBeDefined();
  });

  it("after a soak that refused, the next run soaks the canary again, whole, before it upgrades another node", async () => {
    const { t, config } = await lab();
    const { node: serviceNode, unit } = config.services[0] as { node: string; unit: string };
    const first = await runEngine(t, { config }, (e) => {
      if (e.type === "step-start" && e.step === "canary-soak") t.lab.cluster.setUnit(serviceNode, unit, "inactive");
    });
    expect(first.result).toMatchObject({ outcome: "refused", exitCode: 3 });
    expect(first.result.humanAction).toContain("A later `rollgate upgrade` soaks");
    const canary = first.result.nodesDone[0]!;
    t.lab.cluster.setUnit(serviceNode, unit, "active");

    const second = await runEngine(t, { config, earlierCanary: earlierCanary([summarizeRun(first.events)]) });
    expect(second.result).toMatchObject({ outcome: "success", exitCode: 0 });
    const next = second.result.nodesDone[0]!;
    expect(outline(second.events).slice(0, 4)).toEqual([
      `node-start ${canary}`,
      `node-end ${canary} skipped`,
      "canary ok",
      `node-start ${next}`,
    ]);
    const soakStart = timeOf(second.events, (e) => e.type === "step-start" && e.step === "canary-soak");
    expect(timeOf(second.events, (e) => e.type === "node-start" && e.node === next) - soakStart).toBeGreaterThanOrEqual(SOAK_MS);
  });

  it("after a soak that ended, the next run upgrades the rest without another soak", async () => {
    const { t, config } = await lab();
    const first = await runEngine(t, { config, pauseAfter: 2 });
    expect(first.result).toMatchObject({ outcome: "paused", exitCode: 0 });
    expect(outline(first.events)).toContain("canary ok");
    const second = await runEngine(t, { config, earlierCanary: earlierCanary([summarizeRun(first.events)]) });
    expect(second.result).toMatchObject({ outcome: "success", exitCode: 0 });
    const soaked = second.events.filter((e) => e.type === "step-end" && e.step === "canary-soak");
    expect(soaked).toEqual([
      expect.objectContaining({
        status: "ok",
        message: `${first.result.nodesDone[0]} soaked in run test-run: the other nodes need no soak`,
      }),
    ]);
    const soakStart = timeOf(second.events, (e) => e.type === "step-start" && e.step === "canary-soak");
    const last = second.result.nodesDone[0]!;
    expect(timeOf(second.events, (e) => e.type === "node-start" && e.node === last) - soakStart).toBeLessThan(SOAK_MS);
  });

  it("a stop during the soak: --resume goes on from the soak's journaled start", async () => {
    const { t, config } = await lab();
    const stop = new AbortController();
    const first = await runEngine(t, { config, stop: stop.signal }, (e) => {
      if (e.type === "step-start" && e.step === "canary-soak") setTimeout(() => stop.abort(new Error("stopped on request (SIGINT)")), 500);
    });
    expect(first.result).toMatchObject({ outcome: "interrupted", exitCode: 6, maintenanceLeftOn: [] });
    const soakStart = timeOf(first.events, (e) => e.type === "step-start" && e.step === "canary-soak");
    const second = await runEngine(t, { config, resume: { runId: "test-run", events: first.events } });
    expect(second.result).toMatchObject({ outcome: "success", exitCode: 0 });
    const next = second.result.nodesDone[1]!;
    const nextStart = timeOf(second.events, (e) => e.type === "node-start" && e.node === next);
    expect(nextStart).toBeGreaterThanOrEqual(soakStart + SOAK_MS);
    // Not soaked whole again: the 0.5 s before the stop counted.
    const resumedSoak = timeOf(second.events, (e) => e.type === "step-start" && e.step === "canary-soak");
    expect(nextStart - resumedSoak).toBeLessThan(SOAK_MS);
  });
});
