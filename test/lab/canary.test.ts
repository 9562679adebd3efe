// upgrade.canary against the lab: the first node upgraded soaks with every gate watched before the
// second starts; a gate that refuses through `settle` during the soak ends the run there, every
// node in service (exit 3); a refusal that clears within `settle` does not; a dry run only says it
// would soak.

import { afterEach, describe, expect, it } from "vitest";
import type { Config } from "../../src/config/index.js";
import type { RunEvent } from "../../src/run/events.js";
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
    expect(outline(events)).toEqual([`node-start ${canary}`, `node-end ${canary} done`, "canary failed"]);
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
});
