// `rollgate check --gate gluster-healed` against the lab in each hard state a real GlusterFS shows
// after a power loss: it refuses (exit 3), never passes, and its reason names the cause.

import { afterEach, describe, expect, it } from "vitest";
import type { ScenarioName } from "../../src/lab/model/scenarios.js";
import { runCli, type CliRun } from "../helpers/cli.js";
import { eventually, startTestLab, type TestLab } from "../helpers/lab.js";

let current: TestLab | null = null;
afterEach(async () => {
  await current?.stop();
  current = null;
});

async function lab(scenario: ScenarioName, timeScale = 50): Promise<TestLab> {
  current = await startTestLab({ scenario, timeScale });
  return current;
}

/** pve3 loses power and comes back; returns as soon as its glusterd answers again. */
async function powerCycleUntilGlusterd(t: TestLab): Promise<void> {
  t.lab.cluster.powerCycle("pve3");
  await eventually("pve3 to go down", () => t.lab.cluster.node("pve3").power === "down");
  await eventually("pve3's glusterd to answer", () => t.lab.cluster.node("pve3").glusterdUp, 20_000);
}

async function refusal(t: TestLab): Promise<CliRun> {
  const run = await runCli(["check", "-c", t.lab.files.config, "--gate", "gluster-healed"]);
  expect(run.exitCode).toBe(3);
  expect(run.stdout).toMatch(/^gluster-healed\s+REFUSE\s/m);
  return run;
}

describe("gluster-healed after a power loss", () => {
  it("volume-status-hangs: names the CLI's timeout and the lock the hung status holds", async () => {
    const run = await refusal(await lab("volume-status-hangs"));
    expect(run.stdout).toMatch(
      /`gluster volume status gv0 --xml` on pve\d: glusterd did not answer within the gluster CLI's timeout: it is waiting for a peer that is powered off or hung \(gluster printed "Error : Request timed out"\)/,
    );
    expect(run.stdout).toContain(
      "another gluster command still holds volume gv0's lock (glusterd is still waiting for it to finish, e.g. for a peer that does not answer)",
    );
  }, 30_000);

  it("a node powered off while volume status hangs: refused at once, naming the node, not after the CLI's timeout", async () => {
    // At 10x the CLI's 120 s timeout is 12 s of real time; pve3 stays down for its 40 s boot (4 s).
    const t = await lab("volume-status-hangs", 10);
    t.lab.cluster.powerCycle("pve3");
    await eventually("pve3 to go down", () => t.lab.cluster.node("pve3").power === "down");
    const started = Date.now();
    const run = await refusal(t);
    expect(Date.now() - started).toBeLessThan(6_000);
    expect(run.stdout).toContain("pve3 is unreachable (powered off or network down)");
  });

  it("heal-info-slow: waits for the slow heal info and names the entries it lists", async () => {
    const t = await lab("heal-info-slow");
    await powerCycleUntilGlusterd(t);
    await eventually("pve3's brick", () => t.lab.cluster.brickAvailable("pve3"));
    const started = Date.now();
    const run = await refusal(t);
    // 10 s of model time at scale 50: the answer was waited for, not given up on.
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    expect(run.stdout).toMatch(/pve1:\/data\/brick\/gv0: \d+ entries pending \(e\.g\. \S+\); wait for the self-heal daemon/);
  }, 30_000);

  it("shd-down: names the node whose self-heal daemon is offline, and its log", async () => {
    const run = await refusal(await lab("shd-down"));
    expect(run.stdout).toContain(
      "pve3:/data/brick/gv0: the self-heal daemon on pve3 is offline: heals to and from it cannot run: look in /var/log/glusterfs/glustershd.log on pve3",
    );
  });

  it("just-back: the peer is back but its brick is not: names the brick as offline and unreachable", async () => {
    // Scale 10: the 20 s during which the brick is not started last 2 s.
    const t = await lab("just-back", 10);
    await powerCycleUntilGlusterd(t);
    const run = await refusal(t);
    expect(run.stdout).toContain("pve3:/data/brick/gv0: brick process is offline although glusterd on pve3 answers");
    expect(run.stdout).toMatch(
      /pve3:\/data\/brick\/gv0: not reachable from pve\d \(Transport endpoint is not connected\); entries unknown/,
    );
    expect(run.stdout).not.toContain("sees peer pve3 as disconnected");
  }, 30_000);

  it("server-quorum-lost: names server quorum, and the peers each node cannot see", async () => {
    const run = await refusal(await lab("server-quorum-lost"));
    expect(run.stdout).toContain(
      'volume gv0 is not started, or none of its bricks is running (glusterd stops the bricks of a node that lost server quorum) (gluster printed "gv0: Not able to fetch volfile from glusterd")',
    );
    expect(run.stdout).toContain("pve1 sees peer pve2 as disconnected: its glusterd is down or unreachable");
    // Every vantage node says the same: said once.
    expect(run.stdout).toMatch(/\(the same on pve\d, pve\d\)/);
    expect(run.stdout.split("Not able to fetch volfile").length - 1).toBe(1);
  });

  it("all-bricks-down: says no brick of the volume runs", async () => {
    const run = await refusal(await lab("all-bricks-down"));
    expect(run.stdout).toContain("none of its bricks is running");
    expect(run.stdout).not.toContain("disconnected");
  });

  it("peers-by-ip: bricks named by address are read like bricks named by host: healthy passes", async () => {
    const t = await lab("peers-by-ip");
    const run = await runCli(["check", "-c", t.lab.files.config, "--gate", "gluster-healed"]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/^gluster-healed\s+pass\s+gv0: 0 entries on 3 bricks, no split-brain$/m);
  });
});
