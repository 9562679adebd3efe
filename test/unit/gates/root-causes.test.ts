// Root cause first: a powered-off node is said once, not as a consequence per gate; reasons that
// differ only in their node are said once.

import { describe, expect, it } from "vitest";
import { evaluateGates } from "../../../src/gates/evaluate.js";
import { groupRepeated } from "../../../src/gates/root-causes.js";
import type { ClusterState } from "../../../src/observe/state.js";
import { brickUnreachable, clusterConfig, degraded, nodeOffline, peerDisconnected, sshFails } from "./state-factory.js";

const evaluateAll = (state: ClusterState) =>
  evaluateGates(clusterConfig(), state, ["quorum", "nodes-online", "gluster-healed", "private-network"]);

describe("root causes first", () => {
  it("a node SSH cannot reach and corosync does not see is 'unreachable (powered off or network down)', said once", () => {
    const state = degraded(
      nodeOffline("pve3"),
      sshFails("pve3", "pve3: no SSH answer from 10.0.0.13:22 within 10 s"),
      brickUnreachable("pve3"),
      peerDisconnected("pve1", "pve3"),
    );
    const verdicts = evaluateAll(state).filter((v) => !v.pass);
    const all = verdicts.flatMap((v) => v.reasons);
    expect(all.filter((r) => r.includes("powered off or network down"))).toEqual([
      "pve3: unreachable (powered off or network down): no SSH answer from 10.0.0.13:22 within 10 s; corosync does not see it",
    ]);
    expect(all.filter((r) => r.includes("Transport endpoint is not connected") || r.includes("sees peer pve3 as disconnected"))).toEqual(
      [],
    );
    // Every refusing gate still says why.
    for (const v of verdicts) expect(v.reasons.length).toBeGreaterThan(0);
  });

  it("several unreachable nodes: said once, grouped, and later gates point above in one line", () => {
    const state = degraded(
      nodeOffline("pve2"),
      nodeOffline("pve3"),
      sshFails("pve2", "pve2: no SSH answer from 10.0.0.12:22 within 10 s"),
      sshFails("pve3", "pve3: no SSH answer from 10.0.0.13:22 within 10 s"),
      brickUnreachable("pve2"),
      brickUnreachable("pve3"),
    );
    const all = evaluateAll(state).flatMap((v) => v.reasons);
    expect(all.filter((r) => r.includes("powered off"))).toEqual([
      "pve2: unreachable (powered off or network down): no SSH answer from 10.0.0.12:22 within 10 s; corosync does not see it (the same for pve3)",
    ]);
    expect(all).toContain("pve2, pve3: unreachable (see above)");
  });

  it("a node whose SSH fails while corosync sees it online is not called powered off", () => {
    const state = degraded(sshFails("pve3", "pve3: cannot connect to 10.0.0.13:22: connect ECONNREFUSED 10.0.0.13:22"));
    expect(
      evaluateAll(state)
        .flatMap((v) => v.reasons)
        .some((r) => r.includes("powered off")),
    ).toBe(false);
  });

  it("groups reasons that differ only in the node they name", () => {
    const config = clusterConfig();
    expect(
      groupRepeated(
        [
          "pve1:/data/brick/gv0: 12 entries pending",
          "pve2:/data/brick/gv0: 12 entries pending",
          "pve2:/data/brick/gv0: 3 entries pending",
          "pve1 sees peer pve3 as disconnected",
          "pve2 sees peer pve3 as disconnected",
        ],
        config,
      ),
    ).toEqual([
      "pve1:/data/brick/gv0: 12 entries pending (the same for pve2)",
      "pve2:/data/brick/gv0: 3 entries pending",
      "pve1 sees peer pve3 as disconnected",
      "pve2 sees peer pve3 as disconnected",
    ]);
  });
});
