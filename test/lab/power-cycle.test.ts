// nodes[].powerCycle against the lab: a node hung in the reboot rollgate asked for
// (node-never-returns) is power-cycled out of band once, journaled, and the run goes on when it
// comes back; a power command that fails stops the run there (exit 4), saying so.

import { afterEach, describe, expect, it } from "vitest";
import type { Config } from "../../src/config/index.js";
import { controlSocketPath, serveControl } from "../../src/lab/control.js";
import { runEngine } from "../helpers/engine.js";
import { startTestLab, type TestLab } from "../helpers/lab.js";

let current: { t: TestLab; stopControl: () => Promise<void> } | null = null;
afterEach(async () => {
  await current?.stopControl();
  await current?.t.stop();
  current = null;
});

/** What `rollgate lab power-cycle` sends, as one self-contained command (no build needed). */
const labPowerCycle = (socket: string) =>
  `node -e "require('http').request({ socketPath: process.argv[1], method: 'POST', path: '/power-cycle/' + process.env.ROLLGATE_NODE }, (r) => process.exit(r.statusCode === 200 ? 0 : 1)).end()" ${socket}`;

async function lab(command: (socket: string) => string): Promise<{ t: TestLab; config: Config }> {
  const t = await startTestLab({ timeScale: 200, scenario: "node-never-returns" });
  current = { t, stopControl: await serveControl(t.lab, t.dir, () => {}) };
  const socket = controlSocketPath(t.dir);
  const { config } = t.loaded;
  return { t, config: { ...config, nodes: config.nodes.map((n) => ({ ...n, powerCycle: command(socket) })) } };
}

describe("nodes[].powerCycle", () => {
  it("power-cycles a node that does not come back from its reboot, once, and the run completes", async () => {
    const { t, config } = await lab(labPowerCycle);
    const { result, events } = await runEngine(t, { config });
    expect(result).toMatchObject({ outcome: "success", exitCode: 0 });
    const cycled = events.flatMap((e) =>
      e.type === "action" && e.action === "power cycle" ? [`${e.phase} ${e.node} ${String(e.ok ?? "")}`] : [],
    );
    const node = cycled[0]?.split(" ")[1];
    expect(cycled).toEqual([`before ${node} `, `after ${node} true`]);
    expect(t.lab.status().record.mutations.map((m) => m.action)).toContain(`power cycle ${node} (out of band)`);
    expect(t.lab.status().record.unsafeTakeDowns).toEqual([]);
  });

  it("a power command that fails stops the run with the node out of service (exit 4), naming the command", async () => {
    const { t, config } = await lab(() => "echo 'ipmitool: Unable to establish IPMI v2 / RMCP+ session' >&2; exit 1");
    const { result } = await runEngine(t, { config });
    expect(result).toMatchObject({ outcome: "failed", exitCode: 4 });
    expect(result.message).toMatch(
      /^pve\d did not come back within .+, and its power cycle `echo .*` exited 1: ipmitool: Unable to establish IPMI v2 \/ RMCP\+ session$/,
    );
    expect(result.humanAction).toMatch(/power it on by hand/);
    expect(
      t.lab
        .status()
        .record.mutations.map((m) => m.action)
        .some((a) => a.startsWith("power cycle")),
    ).toBe(false);
  });
});
