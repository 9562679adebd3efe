// The run's summary says what happened: "no node needed an upgrade" only when that is so.

import { describe, expect, it } from "vitest";
import { emptyFacts, type RunFacts } from "../../../src/steps/contract.js";
import { describeRun } from "../../../src/steps/summary.js";

const facts = (over: Partial<RunFacts>): RunFacts => ({ ...emptyFacts(), ...over });
const order = ["pve3", "pve1", "pve2"];

describe("the run's summary", () => {
  it("a run that upgraded every node names them", () => {
    expect(describeRun(facts({ upgraded: order, ending: { outcome: "success", order } }))).toBe("upgraded pve3, pve1, pve2");
  });

  it("says no node needed an upgrade only when every node was found up to date", () => {
    expect(describeRun(facts({ upToDate: order, ending: { outcome: "success", order } }))).toBe(
      "no node needed an upgrade: pve3, pve1, pve2 are up to date",
    );
    expect(describeRun(facts({ upgraded: ["pve3"], upToDate: ["pve1", "pve2"], ending: { outcome: "success", order } }))).toBe(
      "upgraded pve3; pve1, pve2 already up to date",
    );
  });

  it("a refusal before any node says so, and that nothing was upgraded", () => {
    const text = describeRun(facts({ lastStep: { node: null, step: "quorum" }, ending: { outcome: "refused", order } }));
    expect(text).toBe("refused before any node (at quorum); left to upgrade: pve3, pve1, pve2; no node was upgraded");
    expect(text).not.toContain("needed");
  });

  it("a failure names the node and step where it stopped, what was done and what is left", () => {
    const text = describeRun(
      facts({ upgraded: ["pve3"], lastStep: { node: "pve1", step: "gluster-heal" }, ending: { outcome: "failed", order } }),
    );
    expect(text).toBe("failed on pve1 at gluster-heal; upgraded pve3; left to upgrade: pve1, pve2");
  });

  it("an interruption too", () => {
    expect(describeRun(facts({ lastStep: { node: "pve3", step: "evacuate" }, ending: { outcome: "interrupted", order } }))).toBe(
      "interrupted on pve3 at evacuate; left to upgrade: pve3, pve1, pve2; no node was upgraded",
    );
  });
});
