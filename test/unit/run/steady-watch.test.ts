import { describe, expect, it } from "vitest";
import type { GateName, Verdict } from "../../../src/gates/index.js";
import { SteadyWatch } from "../../../src/run/steady-watch.js";

const verdict = (gate: GateName, pass: boolean): Verdict => ({
  gate,
  title: gate,
  pass,
  summary: pass ? "passes" : "refuses",
  reasons: pass ? [] : ["refuses"],
  checked: [],
});
const GAP = 20_000;

describe("SteadyWatch", () => {
  it("dates a streak from the first of an unbroken run of passing observations", () => {
    const watch = new SteadyWatch();
    watch.seen(1_000, 1_000, [verdict("services", true)], GAP);
    watch.seen(11_000, 11_000, [verdict("services", true)], GAP);
    expect(watch.steadySince(["services"])).toBe(1_000);
  });

  it("a refusal ends the streak; the next pass starts a new one", () => {
    const watch = new SteadyWatch();
    watch.seen(1_000, 1_000, [verdict("services", true)], GAP);
    watch.seen(11_000, 11_000, [verdict("services", false)], GAP);
    expect(watch.steadySince(["services"])).toBeNull();
    watch.seen(21_000, 21_000, [verdict("services", true)], GAP);
    expect(watch.steadySince(["services"])).toBe(21_000);
  });

  it("a pause longer than the gap starts the streak again: nobody saw what happened in between", () => {
    const watch = new SteadyWatch();
    watch.seen(1_000, 1_000, [verdict("services", true)], GAP);
    watch.seen(1_000 + GAP + 1, 1_000 + GAP + 1, [verdict("services", true)], GAP);
    expect(watch.steadySince(["services"])).toBe(1_000 + GAP + 1);
    watch.seen(1_000 + 2 * GAP, 1_000 + 2 * GAP, [verdict("services", true)], GAP);
    expect(watch.steadySince(["services"])).toBe(1_000 + GAP + 1);
  });

  it("several gates are steady since the latest of their streaks, and not at all while one was never seen", () => {
    const watch = new SteadyWatch();
    watch.seen(1_000, 1_000, [verdict("services", true)], GAP);
    watch.seen(5_000, 5_000, [verdict("services", true), verdict("critical-healthy", true)], GAP);
    expect(watch.steadySince(["services", "critical-healthy"])).toBe(5_000);
    expect(watch.steadySince(["services", "private-network"])).toBeNull();
    expect(watch.steadySince([])).toBeNull();
  });

  it("forget (a change made, another node) ends every streak", () => {
    const watch = new SteadyWatch();
    watch.seen(1_000, 1_000, [verdict("services", true)], GAP);
    watch.forget();
    expect(watch.steadySince(["services"])).toBeNull();
  });
});

describe("SteadyWatch at the edge of the gap", () => {
  it("a pause of exactly the gap still counts as watched; one millisecond more does not", () => {
    const watch = new SteadyWatch();
    watch.seen(0, 0, [verdict("services", true)], GAP);
    watch.seen(GAP, GAP, [verdict("services", true)], GAP);
    expect(watch.steadySince(["services"])).toBe(0);
    watch.seen(2 * GAP + 1, 2 * GAP + 1, [verdict("services", true)], GAP);
    expect(watch.steadySince(["services"])).toBe(2 * GAP + 1);
  });
});

describe("SteadyWatch and slow observations", () => {
  it("an observation that takes longer than the gap, begun right after the last one, is no pause", () => {
    const watch = new SteadyWatch();
    watch.seen(0, 1_000, [verdict("gluster-healed", true)], GAP);
    // heal info over a big backlog: 30 s to answer, asked for at once.
    watch.seen(1_000, 31_000, [verdict("gluster-healed", true)], GAP);
    expect(watch.steadySince(["gluster-healed"])).toBe(1_000);
    watch.seen(31_000 + GAP + 1, 31_000 + GAP + 2, [verdict("gluster-healed", true)], GAP);
    expect(watch.steadySince(["gluster-healed"])).toBe(31_000 + GAP + 2);
  });
});
