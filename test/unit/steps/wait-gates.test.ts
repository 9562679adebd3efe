// The gate wait against the lab: a gate that passes must keep passing for `settle` before the wait
// returns (heal info can read 0 for a moment while entries are still coming), and one refusing
// poll starts the window again. Times are the step clock's, as the wait measures them.

import { afterEach, describe, expect, it } from "vitest";
import { waitForGates } from "../../../src/steps/wait.js";
import { pveClientFor, sshPoolFor } from "../../../src/transport/from-config.js";
import { startTestLab, type TestLab } from "../../helpers/lab.js";
import { stepContext } from "../../helpers/step-context.js";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A lab whose settle window (400 ms real) is eight polls long, and a step context on pve3. */
async function setUp(progress: (message: string, at: number) => void) {
  const t: TestLab = await startTestLab({ timeScale: 200, timeouts: { settle: "400ms" } });
  const shell = sshPoolFor(t.loaded.config);
  const pve = await pveClientFor(t.loaded.config, t.secret);
  cleanups.push(async () => {
    pve.close();
    await shell.close();
    await t.stop();
  });
  const { ctx } = stepContext({ config: t.loaded.config, node: "pve3", shell, pve, progress: (m) => progress(m, Date.now()) });
  return { t, ctx, config: t.loaded.config };
}

describe("waitForGates", () => {
  it("a gate that passes at once is watched for a whole settle window before the wait returns", async () => {
    const seen: string[] = [];
    const { ctx, config } = await setUp((m) => seen.push(m));
    const start = ctx.clock.now();
    const [verdict] = await waitForGates(ctx, config, ["services"], { limitMs: 10_000, settleMs: config.timeouts.settle });
    expect(verdict?.pass).toBe(true);
    expect(ctx.clock.now() - start).toBeGreaterThanOrEqual(config.timeouts.settle);
    expect(seen[0]).toBe("services passes; it must hold 400 ms before it counts");
    expect(seen.length).toBeGreaterThanOrEqual(2);
  }, 30_000);

  it("one refusing poll in the window starts it again: the wait returns a whole window after the gate passes again", async () => {
    let back: number | null = null;
    let stage: "passing" | "stopped" | "back" = "passing";
    const { t, ctx, config } = await setUp((message, at) => {
      const { node, unit } = t.lab.cluster.topology.service;
      if (stage === "passing" && message.includes("before it counts")) {
        t.lab.cluster.setUnit(node, unit, "inactive");
        stage = "stopped";
      } else if (stage === "stopped" && message.startsWith("waiting for services")) {
        t.lab.cluster.setUnit(node, unit, "active");
        stage = "back";
        back = at;
      }
    });
    await waitForGates(ctx, config, ["services"], { limitMs: 10_000, settleMs: config.timeouts.settle });
    expect(stage).toBe("back");
    expect(Date.now() - back!).toBeGreaterThanOrEqual(config.timeouts.settle);
  }, 30_000);
});
