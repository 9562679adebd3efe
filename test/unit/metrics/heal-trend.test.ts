// The heal's trend between two `check --nagios` runs: shrinking, first seen, not shrinking for a
// while, stalled once that is timeouts.healStall; growing alone is no stall; a healed or uncounted
// volume is forgotten.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { healTrend, type HealTrendState } from "../../../src/metrics/heal-trend.js";
import { check } from "../fuzz/fuzz.js";

const MINUTE = 60_000;
const STALL = 10 * MINUTE;
const T0 = Date.parse("2026-12-03T10:00:00.000Z");
const at = (minutes: number) => T0 + minutes * MINUTE;
const bricks = (volume: string, ...entries: Array<number | null>) =>
  Object.fromEntries(entries.map((e, i) => [`${volume} pve${i + 1}:/data/brick/${volume}`, e]));

/** Checks at the given minutes with these bricks' counts, each fed the state the one before saved. */
function checks(...runs: Array<[minutes: number, metrics: Record<string, number | null>]>) {
  let state: HealTrendState | null = null;
  return runs.map(([minutes, metrics]) => {
    const trend = healTrend(state, metrics, at(minutes), STALL);
    state = trend.next;
    return trend;
  });
}

describe("heal trend", () => {
  it("first seen: trend unknown until the next check, never stalled", () => {
    const [first] = checks([0, bricks("gv0", 100, 0, 105)]);
    expect(first!.volumes).toEqual([{ volume: "gv0", entries: 205, trend: "first-seen", notShrinkingMs: 0, stalled: false }]);
    expect(first!.text).toBe("heal on gv0: trend unknown until the next check");
    expect(first!.next).toEqual({
      version: 1,
      observedAt: "2026-12-03T10:00:00.000Z",
      volumes: { gv0: { entries: 205, since: "2026-12-03T10:00:00.000Z" } },
    });
  });

  it("lower than at the last check: shrinking, and the stall clock starts again", () => {
    const [, second] = checks([0, bricks("gv0", 100, 0, 105)], [5, bricks("gv0", 60, 0, 70)]);
    expect(second!.volumes[0]).toMatchObject({ trend: "shrinking", notShrinkingMs: 0, stalled: false });
    expect(second!.text).toBe("heal on gv0: shrinking, 130 from 205 at the check 5 m ago");
    expect(second!.next.volumes.gv0).toEqual({ entries: 130, since: new Date(at(5)).toISOString() });
  });

  it("the same for less than healStall: WARNING's 'not shrinking for'; for healStall or more: stalled", () => {
    const runs = checks([0, bricks("gv0", 3, 0, 3)], [3, bricks("gv0", 3, 0, 3)], [12, bricks("gv0", 3, 0, 3)]);
    expect(runs[1]!.volumes[0]).toMatchObject({ trend: "same", notShrinkingMs: 3 * MINUTE, stalled: false });
    expect(runs[1]!.text).toBe("heal on gv0: not shrinking for 3 m (healStall 10 m)");
    expect(runs[2]!.stalled).toBe(true);
    expect(runs[2]!.text).toBe("heal stalled on gv0: 6 entries, not shrinking for 12 m (healStall 10 m)");
    // The first sighting stays the start: a stall is not restarted by being looked at.
    expect(runs[2]!.next.volumes.gv0!.since).toBe(new Date(at(0)).toISOString());
  });

  it("growing is no stall at once (a brick just back gets the writes it missed), only once it lasts healStall", () => {
    const runs = checks([0, bricks("gv0", 10, 0, 10)], [5, bricks("gv0", 200, 0, 200)], [10, bricks("gv0", 300, 0, 300)]);
    expect(runs[1]!.stalled).toBe(false);
    expect(runs[1]!.text).toBe("heal on gv0: growing, 400 from 20 at the check 5 m ago, not shrinking for 5 m (healStall 10 m)");
    expect(runs[2]!.volumes[0]).toMatchObject({ trend: "growing", stalled: true });
    // Going down after growing is progress again.
    const recovering = checks([0, bricks("gv0", 10, 0, 10)], [5, bricks("gv0", 200, 0, 200)], [10, bricks("gv0", 150, 0, 150)]);
    expect(recovering[2]!.volumes[0]).toMatchObject({ trend: "shrinking", stalled: false });
  });

  it("a healed volume, or one with a brick not counted, is forgotten: the watch starts again", () => {
    const healed = checks([0, bricks("gv0", 3, 0, 3)], [5, bricks("gv0", 0, 0, 0)], [20, bricks("gv0", 3, 0, 3)]);
    expect(healed[1]!.next.volumes).toEqual({});
    expect(healed[1]!.text).toBe("");
    expect(healed[2]!.volumes[0]).toMatchObject({ trend: "first-seen", stalled: false });
    const uncounted = checks([0, bricks("gv0", 3, 0, 3)], [5, bricks("gv0", 3, null, 3)], [20, bricks("gv0", 3, 0, 3)]);
    expect(uncounted[1]!.volumes).toEqual([]);
    expect(uncounted[2]!.volumes[0]).toMatchObject({ trend: "first-seen", stalled: false });
  });

  it("each volume on its own: one stalls while another shrinks", () => {
    const runs = checks(
      [0, { ...bricks("gv0", 3, 0, 3), ...bricks("gv1", 500, 0, 500) }],
      [11, { ...bricks("gv0", 3, 0, 3), ...bricks("gv1", 100, 0, 100) }],
    );
    expect(runs[1]!.stalled).toBe(true);
    expect(runs[1]!.volumes.map((v) => [v.volume, v.trend, v.stalled])).toEqual([
      ["gv0", "same", true],
      ["gv1", "shrinking", false],
    ]);
    expect(runs[1]!.text).toBe(
      "heal stalled on gv0: 6 entries, not shrinking for 11 m (healStall 10 m); heal on gv1: shrinking, 200 from 1000 at the check 11 m ago",
    );
  });

  it("a clock that went back is not read as a stall", () => {
    const runs = checks([10, bricks("gv0", 3, 0, 3)], [0, bricks("gv0", 3, 0, 3)]);
    expect(runs[1]!.volumes[0]).toMatchObject({ trend: "same", notShrinkingMs: 0, stalled: false });
  });

  it("never stalled while the total keeps going down, however far apart the checks; stalled once it stops for healStall", async () => {
    const schedule = fc.array(fc.record({ gapMinutes: fc.integer({ min: 1, max: 120 }), drop: fc.integer({ min: 1, max: 50 }) }), {
      minLength: 1,
      maxLength: 20,
    });
    await check("heal trend: shrinking never stalls", 200, schedule, (steps) => {
      let total = 1 + steps.reduce((sum, s) => sum + s.drop, 0);
      let minutes = 0;
      let state = healTrend(null, bricks("gv0", total), at(minutes), STALL);
      for (const { gapMinutes, drop } of steps) {
        total -= drop;
        minutes += gapMinutes;
        state = healTrend(state.next, bricks("gv0", total), at(minutes), STALL);
        expect(state.stalled).toBe(false);
      }
      // Then it stops: stalled once healStall has passed since the last drop, not before.
      expect(healTrend(state.next, bricks("gv0", total), at(minutes + 9), STALL).stalled).toBe(false);
      expect(healTrend(state.next, bricks("gv0", total + 1), at(minutes + 10), STALL).stalled).toBe(true);
    });
  });
});
