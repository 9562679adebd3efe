// `rollgate check --gate gluster-healed` against a real GlusterFS 10 pool (see helpers/gluster-lab.ts)
// when a node loses power: its link goes down first, then all its processes are SIGKILLed, so its
// peers get no FIN or RST and nothing answers at its address. glusterd on the survivors keeps its
// dead peer "Connected" and waits for it, so rollgate must not wait for gluster: it has to see that
// SSH cannot reach the node, refuse within 30 s, and say so about that node.

import { describe, expect, it } from "vitest";
import { runCli, type CliRun } from "../helpers/cli.js";
import { useGlusterLab, VOLUME } from "./helpers/gluster-lab.js";

/** The refusal's wall-time bound: well under the CLI's 120 s command timeout, which a hung glusterd would run into. */
const REFUSAL_BOUND_MS = 30_000;

const theLab = useGlusterLab();

async function check(...args: string[]): Promise<CliRun> {
  return runCli(["check", "--gate", "gluster-healed", "-c", theLab().configFile, ...args], { env: {} });
}

describe("rollgate check --gate gluster-healed when a node of a real GlusterFS pool loses power", () => {
  it("passes on the healthy pool first", async () => {
    const run = await check();
    expect(run.stderr).toBe("");
    expect(run.exitCode).toBe(0);
  });

  it("refuses within 30 s after node3 is powered off, naming node3 as powered off or unreachable", async () => {
    const killed = await theLab().powerLoss(theLab().host("node3"));
    expect(killed).toEqual(expect.arrayContaining(["brick", "glusterd", "self-heal daemon", "sshd"]));

    const started = Date.now();
    const run = await check();
    const elapsedMs = Date.now() - started;
    console.log(`power loss of node3: rollgate check refused in ${(elapsedMs / 1000).toFixed(1)} s (exit ${run.exitCode})`);
    console.log(run.stdout);

    expect(run.stderr).toBe("");
    // README, "Exit codes": 3 = a gate refused while every node was in service.
    expect(run.exitCode).toBe(3);
    expect(elapsedMs).toBeLessThan(REFUSAL_BOUND_MS);
    expect(run.stdout).toMatch(/^gluster-healed\s+REFUSE\s/);
    // src/observe/collect.ts (readGlusterFast): the volume is cut short on proof that node3 cannot be reached.
    expect(run.stdout).toContain("node3 is unreachable (powered off or network down)");
    expect(run.stdout).toMatch(/gluster peer status on node3: could not be observed \(node3: (no SSH answer|cannot connect)/);
  });
});
