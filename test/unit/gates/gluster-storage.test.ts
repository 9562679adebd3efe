// gluster-storage-failover: a node whose reboot would leave a PVE Gluster storage without any
// volfile server is not taken down.

import { describe, expect, it } from "vitest";
import { gates } from "../../../src/gates/index.js";
import { observed, type ClusterState } from "../../../src/observe/state.js";
import { clusterConfig, healthyState } from "./state-factory.js";

const config = clusterConfig();
const evaluate = (state: ClusterState, target: string | null) => gates["gluster-storage-failover"].evaluate({ config, state: { ...state, target }, target });

describe("gluster-storage-failover", () => {
  it("passes when the storage names a second server, whichever node goes down", () => {
    for (const target of ["pve1", "pve2", "pve3", null]) expect(evaluate(healthyState(), target).pass).toBe(true);
  });

  it("refuses to take down the only volfile server, and says how to add a second", () => {
    const state = healthyState();
    state.storage = observed([{ storage: "gv0", volume: "gv0", server: "pve1", server2: null }]);
    expect(evaluate(state, "pve2").pass).toBe(true);
    const v = evaluate(state, "pve1");
    expect(v.reasons).toEqual([
      "storage gv0 (volume gv0) fetches its volfile only from pve1, which is pve1: while it reboots, guests on gv0 cannot start or migrate. Add a second server first: `pvesm set gv0 --server2 pve2`",
    ]);
  });

  it("recognises a server written as the node's address", () => {
    const state = healthyState();
    state.storage = observed([{ storage: "gv0", volume: "gv0", server: config.nodes[2]!.address, server2: null }]);
    expect(evaluate(state, "pve3").pass).toBe(false);
  });
});
