// The lab model with several Gluster volumes (arbiter-volume): each volume has its own bricks and
// heal index per brick; an arbiter indexes writes like a data brick (it holds every file's
// metadata: glusterdocs arbiter-volumes-and-quorum.md); each volume heals once its own bricks are
// back; a take-down with entries on either volume is unsafe; the default lab has one volume.

import { afterEach, describe, expect, it } from "vitest";
import { LabCluster, timings } from "../../../src/lab/model/cluster.js";
import { pendingCount } from "../../../src/lab/model/heal.js";
import { faultsOf, type Faults, type ScenarioName } from "../../../src/lab/model/scenarios.js";
import { buildTopology } from "../../../src/lab/model/topology.js";
import { manualClock, type ManualClock } from "./manual-clock.js";

let clock: ManualClock;
afterEach(() => clock?.stop());

function lab(scenarios: ScenarioName[], nodes = 3, faults: Partial<Faults> = {}): LabCluster {
  clock = manualClock();
  return new LabCluster(buildTopology(nodes), { ...faultsOf(scenarios), ...faults }, clock);
}

/** Pending entries per brick node, per volume. */
function entries(c: LabCluster): Record<string, Record<string, number>> {
  c.advance();
  return Object.fromEntries(c.volumes.map((v) => [v.name, Object.fromEntries([...v.heal].map(([n, i]) => [n, pendingCount(i)]))]));
}

describe("several volumes", () => {
  it("the default lab has one volume, gv0 on every node; arbiter-volume adds vmstore, replica 2 + arbiter on the first three", () => {
    expect(lab(["healthy"], 4).volumes.map((v) => [v.name, [...v.heal.keys()], v.arbiterCount])).toEqual([
      ["gv0", ["pve1", "pve2", "pve3", "pve4"], 0],
    ]);
    expect(lab(["arbiter-volume"], 4).volumes.map((v) => [v.name, [...v.heal.keys()], v.arbiterCount])).toEqual([
      ["gv0", ["pve1", "pve2", "pve3", "pve4"], 0],
      ["vmstore", ["pve1", "pve2", "pve3"], 1],
    ]);
  });

  it("while a data brick's node is down, the other data brick and the arbiter both collect the writes, on both volumes", () => {
    const c = lab(["arbiter-volume"]);
    c.powerCycle("pve1");
    clock.tick(timings.shutdown + 20_000);
    const seen = entries(c);
    // Away from the moment it starts shutting down: 25 s at 5 writes a second.
    expect(seen).toEqual({ gv0: { pve1: 0, pve2: 125, pve3: 125 }, vmstore: { pve1: 0, pve2: 125, pve3: 125 } });
  });

  it("both volumes heal once the node is back, the arbiter's index drained by its own node's self-heal daemon", () => {
    const c = lab(["arbiter-volume"]);
    c.powerCycle("pve2");
    clock.tick(timings.shutdown + timings.boot + timings.glusterAfterBoot - 1);
    const before = entries(c);
    expect(before["vmstore"]!["pve3"]).toBeGreaterThan(200);
    expect(before["vmstore"]!["pve2"]).toBe(0);
    clock.tick(60_000);
    expect(entries(c)).toEqual({ gv0: { pve1: 0, pve2: 0, pve3: 0 }, vmstore: { pve1: 0, pve2: 0, pve3: 0 } });
  });

  it("a node without a vmstore brick going down leaves vmstore whole: it takes no entries and heals on its own", () => {
    const c = lab(["arbiter-volume"], 4);
    c.powerCycle("pve4");
    clock.tick(timings.shutdown + 10_000);
    expect(entries(c)).toEqual({ gv0: { pve1: 75, pve2: 75, pve3: 75, pve4: 0 }, vmstore: { pve1: 0, pve2: 0, pve3: 0 } });
  });

  it("writes to the arbiter volume alone while a brick is away leave entries on that volume only, which then heal", () => {
    const c = lab(["arbiter-volume", "heal-slow"]);
    c.writeWhileBrickAway("vmstore", "pve1", 300);
    expect(entries(c)).toEqual({ gv0: { pve1: 0, pve2: 0, pve3: 0 }, vmstore: { pve1: 0, pve2: 300, pve3: 300 } });
    // heal-slow drains half an entry a second.
    clock.tick(600_000);
    expect(entries(c)["vmstore"]).toEqual({ pve1: 0, pve2: 0, pve3: 0 });
    expect(() => c.writeWhileBrickAway("vmstore", "pve4", 1)).toThrow(/pve4 holds no brick of volume vmstore/);
  });

  it("taking a node down while the arbiter holds entries is recorded as unsafe, naming the volume", () => {
    const c = lab(["arbiter-volume", "heal-slow"]);
    c.writeWhileBrickAway("vmstore", "pve1", 40);
    c.reboot("pve2", "test");
    expect(c.record.snapshot().unsafeTakeDowns.at(-1)?.unsafe).toEqual(
      expect.arrayContaining(["pve3's vmstore brick has 40 heal entries", expect.stringMatching(/still runs on pve2$/)]),
    );
  });

  it("a rebooted node's vmstore brick is a new process with its own pid, apart from its gv0 brick", () => {
    const c = lab(["arbiter-volume"]);
    const vmstore = c.volumes[1]!;
    const before = vmstore.brickProcesses!.get("pve3")!.pid;
    c.powerCycle("pve3");
    clock.tick(timings.shutdown + timings.boot + timings.glusterAfterBoot);
    const after = vmstore.brickProcesses!.get("pve3")!.pid;
    expect(after).not.toBe(before);
    expect(after).not.toBe(c.node("pve3").brickPid);
    expect(after).not.toBe(c.node("pve3").shdPid);
  });
});
