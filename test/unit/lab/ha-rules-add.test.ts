// `ha-manager rules add` on lab nodes, as pve-ha-manager's create_rule answers it: PVE 9 only,
// refused while HA groups are not migrated yet and for a rule id in use.

import { afterEach, describe, expect, it } from "vitest";
import { LabCluster } from "../../../src/lab/model/cluster.js";
import { faultsOf } from "../../../src/lab/model/scenarios.js";
import { buildTopology } from "../../../src/lab/model/topology.js";
import type { PveRelease } from "../../../src/lab/model/releases.js";
import { manualClock, type ManualClock } from "./manual-clock.js";
import { runOnNode } from "./lab-shell.js";

let clock: ManualClock;
afterEach(() => clock?.stop());

function lab(release: PveRelease): LabCluster {
  clock = manualClock();
  return new LabCluster(buildTopology(3, release), faultsOf("healthy"), clock);
}

const add = "ha-manager rules add resource-affinity apart --resources vm:100,vm:101 --affinity negative --comment 'two words'";

describe("ha-manager rules add on a lab node", () => {
  it("adds a negative resource-affinity rule on PVE 9, and refuses the same id twice", async () => {
    const cluster = lab("9.1");
    cluster.ha.rules.splice(0);
    expect((await runOnNode(cluster, clock, add)).status).toBe(0);
    expect(cluster.ha.rules).toEqual([
      { rule: "apart", type: "resource-affinity", resources: ["vm:100", "vm:101"], affinity: "negative", comment: "two words" },
    ]);
    const again = await runOnNode(cluster, clock, add);
    expect([again.status, again.stderr]).toEqual([255, "create ha rule failed: HA rule 'apart' already defined\n"]);
  });

  it("refuses while groups.cfg still has groups (a PVE 9 node before the CRM migrated them)", async () => {
    const cluster = lab("9.1");
    cluster.ha.groups.push({ group: "routers", nodes: [{ node: "pve1", priority: 1 }], restricted: false, nofailback: true });
    const run = await runOnNode(cluster, clock, add);
    expect([run.status, run.stderr]).toEqual([255, "cannot create ha rule: ha groups have not been migrated yet\n"]);
  });

  it("is no command of PVE 8's ha-manager", async () => {
    const run = await runOnNode(lab("8.4"), clock, add);
    expect(run.status).toBe(255);
    expect(run.stderr).toMatch(/^ERROR: unknown command 'ha-manager rules add/);
  });
});
