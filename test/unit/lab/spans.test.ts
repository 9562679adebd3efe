// What the benchmarks read from the lab's record (bench/seed-comparison.ts): the spans the cluster
// itself took and the moments rollgate waits for, at exact model times, and the seeded heal
// durations that make a fixed delay too short for one node and not for another.

import { afterEach, describe, expect, it } from "vitest";
import { LabCluster, timings } from "../../../src/lab/model/cluster.js";
import { healthyFaults, type Faults } from "../../../src/lab/model/scenarios.js";
import { buildTopology } from "../../../src/lab/model/topology.js";
import { manualClock, type ManualClock } from "./manual-clock.js";

let clock: ManualClock;

function lab(faults: Partial<Faults> = {}): LabCluster {
  clock = manualClock();
  return new LabCluster(buildTopology(3, "9.1"), { ...healthyFaults, ...faults }, clock);
}

afterEach(() => clock?.stop());

/** Reboots `node` and runs the clock until it has rejoined and its brick is back. */
function rebootAndReturn(c: LabCluster, node: string): number {
  const sent = clock.now();
  c.reboot(node, "test");
  clock.tick(timings.shutdown + timings.boot + timings.glusterAfterBoot);
  return sent;
}

describe("the lab's record of what took the cluster's time", () => {
  it("a reboot spans from the command to the node answering again, and says when it answered", () => {
    const c = lab();
    clock.tick(1_000);
    const sent = rebootAndReturn(c, "pve2");
    const answered = sent + timings.shutdown + timings.boot + timings.clusterJoinAfterBoot;
    const record = c.record.snapshot();
    expect(record.busy.filter((b) => b.kind === "reboot")).toEqual([
      { kind: "reboot", subject: "pve2", fromSeconds: sent / 1000, toSeconds: answered / 1000 },
    ]);
    expect(record.milestones).toContainEqual({ modelSeconds: answered / 1000, what: "pve2 answers" });
  });

  it("healDurationsMs: the heal after a node's return takes that node's duration, whatever its backlog", () => {
    const c = lab({ healDurationsMs: { pve1: 90_000, pve2: 600_000, pve3: 30_000 } });
    clock.tick(1_000);
    rebootAndReturn(c, "pve2");
    const back = clock.now();
    clock.tick(590_000);
    c.advance();
    expect(c.record.snapshot().milestones.some((m) => m.what === "gv0 healed")).toBe(false);
    clock.tick(11_000);
    c.advance();
    const healed = c.record.snapshot().milestones.find((m) => m.what === "gv0 healed");
    // The last entry leaves `heal info` as less than one is left: within the drain of one entry of the end.
    expect(healed!.modelSeconds).toBeGreaterThan((back + 590_000) / 1000);
    expect(healed!.modelSeconds).toBeLessThanOrEqual((back + 600_000) / 1000);
    const heal = c.record.snapshot().busy.find((b) => b.kind === "heal")!;
    expect(heal.fromSeconds).toBeCloseTo(back / 1000, 0);
    expect(heal.toSeconds).toBe(healed!.modelSeconds);
  });

  it("without heal durations the scenario's rate drains the backlog as before", () => {
    const c = lab({ healRatePerSecond: 40 });
    clock.tick(1_000);
    rebootAndReturn(c, "pve3");
    const pending = Math.max(...[...c.volume.heal.values()].map((i) => i.pending));
    expect(pending).toBeGreaterThan(40);
    clock.tick(Math.ceil(pending / 40) * 1000 + 1_000);
    c.advance();
    expect(c.record.snapshot().milestones.some((m) => m.what === "gv0 healed")).toBe(true);
  });

  it("maintenance spans from the request until the HA manager reports it, as the API shows it", () => {
    const c = lab();
    clock.tick(1_000);
    c.setMaintenance("pve1", true, "test");
    clock.tick(60_000);
    const span = c.record.snapshot().busy.find((b) => b.kind === "maintenance" && b.subject === "pve1");
    expect(span).toBeDefined();
    expect(span!.fromSeconds).toBe(1);
    // At least the LRM's pickup, at most a CRM round after it.
    expect(span!.toSeconds - span!.fromSeconds).toBeGreaterThanOrEqual(timings.maintenancePickup / 1000);
    expect(span!.toSeconds - span!.fromSeconds).toBeLessThanOrEqual((timings.maintenancePickup + 2 * timings.crmRound) / 1000);
  });
});
