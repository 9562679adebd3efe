// `check --nagios`: the verdicts of real gates over the state factory's cluster, read as a Nagios
// plugin reads them: the state in the line and in the exit status, heal entries as perfdata.

import { describe, expect, it } from "vitest";
import { BusyAdvice } from "../../../src/cli/render/live-run.js";
import { busyNodes, nagiosReport, NagiosState } from "../../../src/cli/render/nagios.js";
import type { GateName } from "../../../src/gates/index.js";
import {
  brickOf,
  degraded,
  evaluate,
  healPending,
  healthyState,
  memberStopped,
  nodeOffline,
  notQuorate,
  splitBrain,
  volumeUnobservable,
  type Mutator,
} from "../gates/state-factory.js";

const GATES: GateName[] = ["quorum", "gluster-healed", "critical-healthy"];
const report = (...mutators: Mutator[]) => {
  const state = degraded(...mutators);
  return nagiosReport(GATES.map((gate) => evaluate(gate, state)));
};

describe("check --nagios", () => {
  it("OK when every gate passes, with each brick's heal entries as perfdata", () => {
    const { state, line } = nagiosReport(GATES.map((gate) => evaluate(gate, healthyState())));
    expect(state).toBe(NagiosState.ok);
    expect(line).toBe(
      `ROLLGATE OK - 3 gates pass | gates=3;;;0 gates_refusing=0;;;0 'heal gv0 ${brickOf("pve1")}'=0;;;0 'heal gv0 ${brickOf("pve2")}'=0;;;0 'heal gv0 ${brickOf("pve3")}'=0;;;0`,
    );
  });

  it("WARNING while a node that came back heals: entries pending, every brick counted, nothing waiting cannot fix", () => {
    const { state, line } = report(healPending("pve2", 205));
    expect(state).toBe(NagiosState.warning);
    expect(line).toMatch(/^ROLLGATE WARNING - gluster-healed WARNING: gv0: 205 entries pending on 1 of 3 bricks/);
    expect(line).toContain(`'heal gv0 ${brickOf("pve2")}'=205;;;0`);
  });

  it("with the heal's trend: WARNING while it goes down or for less than healStall, CRITICAL once stalled", () => {
    const verdicts = GATES.map((gate) => evaluate(gate, degraded(healPending("pve2", 205))));
    const shrinking = nagiosReport(verdicts, undefined, {
      stalled: false,
      text: "heal on gv0: shrinking, 205 from 250 at the check 5 m ago",
    });
    expect(shrinking.state).toBe(NagiosState.warning);
    expect(shrinking.line).toMatch(
      /^ROLLGATE WARNING - gluster-healed WARNING: gv0: 205 entries pending on 1 of 3 bricks[^|]* - heal on gv0: shrinking, 205 from 250 at the check 5 m ago \| /,
    );
    const stalled = nagiosReport(verdicts, undefined, {
      stalled: true,
      text: "heal stalled on gv0: 205 entries, not shrinking for 12 m (healStall 10 m)",
    });
    expect(stalled.state).toBe(NagiosState.critical);
    expect(stalled.line).toMatch(
      /^ROLLGATE CRITICAL - gluster-healed CRITICAL: gv0: 205 entries pending.* - heal stalled on gv0: 205 entries, not shrinking for 12 m \(healStall 10 m\) \| /,
    );
    // The perfdata stays as it was.
    expect(stalled.line.split(" | ")[1]).toBe(shrinking.line.split(" | ")[1]);
    // No state kept: WARNING as before, and the line says why there is no trend.
    const unknown = nagiosReport(verdicts, undefined, {
      stalled: false,
      text: "heal trend unknown: no state can be kept in /var/lib/rollgate (EACCES; see --nagios-state)",
    });
    expect(unknown.state).toBe(NagiosState.warning);
    expect(unknown.line).toContain(" - heal trend unknown: no state can be kept in /var/lib/rollgate (EACCES");
  });

  it("the heal's trend is no part of a refusal that is not only heal entries pending", () => {
    const stalled = { stalled: true, text: "heal stalled on gv0: 3 entries, not shrinking for 12 m (healStall 10 m)" };
    const split = GATES.map((gate) => evaluate(gate, degraded(healPending("pve2", 3), splitBrain("pve2", 1))));
    expect(nagiosReport(split, undefined, stalled).line).not.toContain("heal stalled");
    const quorumLost = GATES.map((gate) => evaluate(gate, degraded(notQuorate("pve3"))));
    expect(nagiosReport(quorumLost, undefined, stalled).line).not.toContain("heal stalled");
    const healthy = GATES.map((gate) => evaluate(gate, healthyState()));
    expect(nagiosReport(healthy, undefined, stalled).state).toBe(NagiosState.ok);
  });

  it("CRITICAL for what it saw and refused: a split-brain (even with entries pending), quorum lost", () => {
    expect(report(healPending("pve2", 3), splitBrain("pve2", 1)).state).toBe(NagiosState.critical);
    const lost = report(notQuorate("pve3"));
    expect(lost.state).toBe(NagiosState.critical);
    expect(lost.line).toMatch(/^ROLLGATE CRITICAL - quorum CRITICAL: /);
  });

  it("UNKNOWN when a gate could only say it could not see, and CRITICAL still wins over it", () => {
    const unseen = report(volumeUnobservable("gluster volume info gv0 on pve1: timed out"));
    expect(unseen.state).toBe(NagiosState.unknown);
    expect(unseen.line).toMatch(/^ROLLGATE UNKNOWN - gluster-healed UNKNOWN: /);
    expect(report(volumeUnobservable("timed out"), notQuorate("pve3")).state).toBe(NagiosState.critical);
  });

  it("WARNING, not CRITICAL, for a refusal only about the node a live run is upgrading; a fault or another node stays CRITICAL", () => {
    const gates: GateName[] = ["nodes-online", "gluster-healed", "critical-healthy"];
    const during = (busy: string[], ...mutators: Mutator[]) => {
      const state = degraded(...mutators);
      return nagiosReport(
        gates.map((gate) => evaluate(gate, state)),
        busyNodes(new BusyAdvice(busy), ["pve1", "pve2", "pve3"]),
      );
    };
    const rebooting = during(["pve2"], nodeOffline("pve2"));
    expect(rebooting.state).toBe(NagiosState.warning);
    expect(rebooting.line).toMatch(/^ROLLGATE WARNING - nodes-online WARNING: .*\(pve2: being upgraded by a live rollgate run\)/);
    expect(during(["pve3"], nodeOffline("pve2")).state).toBe(NagiosState.critical);
    expect(during(["pve2"], nodeOffline("pve2"), nodeOffline("pve1")).state).toBe(NagiosState.critical);
    expect(during(["pve2"], splitBrain("pve2", 2)).state).toBe(NagiosState.critical);
    expect(during(["pve2"], memberStopped(101)).state).toBe(NagiosState.critical);
  });

  it("a heal the live run is waiting for follows the trend like any other: its entries are on the bricks that stayed up", () => {
    const state = degraded(healPending("pve1", 3), healPending("pve3", 3));
    const stalled = { stalled: true, text: "heal stalled on gv0: 6 entries, not shrinking for 12 m (healStall 10 m)" };
    const report = nagiosReport(
      GATES.map((gate) => evaluate(gate, state)),
      busyNodes(new BusyAdvice(["pve2"]), ["pve1", "pve2", "pve3"]),
      stalled,
    );
    expect(report.state).toBe(NagiosState.critical);
    // Only about the node being upgraded (its own brick's entries): WARNING, the run fails on the stall itself.
    const own = nagiosReport(
      GATES.map((gate) => evaluate(gate, degraded(healPending("pve2", 3)))),
      busyNodes(new BusyAdvice(["pve2"]), ["pve1", "pve2", "pve3"]),
      stalled,
    );
    expect(own.state).toBe(NagiosState.warning);
    expect(own.line).toMatch(/ - heal stalled on gv0: .* \(pve2: being upgraded by a live rollgate run\) \| /);
  });
});
