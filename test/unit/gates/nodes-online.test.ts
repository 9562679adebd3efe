// nodes-online: every declared node is a cluster member, online, reachable over SSH, and not left in
// HA maintenance; without an active HA manager nobody acknowledges maintenance, so it fails closed.

import { describe, expect, it } from "vitest";
import { failed, observed } from "../../../src/observe/state.js";
import {
  degraded,
  evaluate,
  expectPass,
  expectRefusal,
  extraClusterNode,
  haManagerInactive,
  haNodeStatus,
  healthyState,
  nodeMissingFromCluster,
  nodeOffline,
  sshFails,
  type Mutator,
} from "./state-factory.js";

describe("nodes-online gate", () => {
  it("passes when every node is online, answers over SSH and is not in maintenance", () => {
    const verdict = evaluate("nodes-online", healthyState());
    expectPass(verdict);
    expect(verdict.summary).toBe("3/3 nodes online (corosync, SSH, HA)");
  });

  it.each<[string, Mutator[], string]>([
    ["a node is offline", [nodeOffline("pve2")], "corosync: 2/3 online (pve2 offline), SSH: 3/3 answer, HA: 3/3 online"],
    [
      "membership differs from cluster.yaml",
      [nodeMissingFromCluster("pve3"), extraClusterNode("pve4")],
      "corosync: 2/3 online (pve3 not a member, pve4 not in cluster.yaml), SSH: 3/3 answer, HA: 3/3 online",
    ],
    [
      "a node does not answer over SSH",
      [sshFails("pve2", "connect ETIMEDOUT 10.0.0.12:22")],
      "corosync: 3/3 online, SSH: 2/3 answer (pve2 not reached), HA: 3/3 online",
    ],
    [
      "a node was left in HA maintenance",
      [haNodeStatus("pve2", "maintenance")],
      "corosync: 3/3 online, SSH: 3/3 answer, HA: 2/3 online (pve2 in maintenance)",
    ],
    [
      "the HA manager is not active",
      [haManagerInactive],
      "corosync: 3/3 online, SSH: 3/3 answer, HA: manager inactive (2 resources configured)",
    ],
    [
      "the cluster status is unobservable",
      [(s) => void (s.pve = failed("596 Broken pipe"))],
      "corosync: unknown (cluster status not read), SSH: 3/3 answer, HA: 3/3 online",
    ],
  ])("summarizes the refusal when %s", (_, mutators, summary) => {
    const verdict = evaluate("nodes-online", degraded(...mutators));
    expect(verdict.pass).toBe(false);
    expect(verdict.summary).toBe(summary);
  });

  it("counts the node being upgraded as online while it is in HA maintenance, and says so", () => {
    const verdict = evaluate("nodes-online", degraded(haNodeStatus("pve2", "maintenance")), { target: "pve2" });
    expectPass(verdict);
    expect(verdict.summary).toBe("3/3 nodes online (corosync, SSH, HA); pve2 in HA maintenance, as the node being upgraded");
  });

  it.each<[string, Mutator, string[]]>([
    ["a node is offline", nodeOffline("pve2"), ["pve2: offline in the cluster (corosync)", "bring it back"]],
    [
      "a declared node is not a cluster member",
      nodeMissingFromCluster("pve3"),
      ["pve3: listed in cluster.yaml but not a member of cluster storehouse", "fix nodes in cluster.yaml"],
    ],
    [
      "the cluster has a node cluster.yaml does not list",
      extraClusterNode("pve4"),
      ["pve4: a member of the cluster that cluster.yaml does not list", "add it to nodes"],
    ],
    [
      "a node does not answer over SSH",
      sshFails("pve2", "connect ETIMEDOUT 10.0.0.12:22"),
      ["pve2 over SSH: could not be observed (connect ETIMEDOUT 10.0.0.12:22)"],
    ],
    [
      "a node was left in HA maintenance",
      haNodeStatus("pve2", "maintenance"),
      ["pve2: in HA maintenance mode", "`ha-manager crm-command node-maintenance disable pve2`"],
    ],
    ["the HA manager reports a node as fenced", haNodeStatus("pve3", "fence"), ['pve3: HA node status is "fence", expected "online"']],
    ["the HA manager is not active", haManagerInactive, ["HA manager reports no status", "pve-ha-crm"]],
    [
      "the HA status is unobservable",
      (s) => void (s.ha = failed("401 permission denied - invalid PVE ticket")),
      ["HA manager status (API /cluster/ha/status/manager_status): could not be observed (401 permission denied - invalid PVE ticket)"],
    ],
    [
      "the cluster status is unobservable",
      (s) => void (s.pve = failed("596 Broken pipe")),
      ["cluster status (API /cluster/status): could not be observed (596 Broken pipe)"],
    ],
  ])("refuses when %s", (_, mutate, texts) => {
    expectRefusal(evaluate("nodes-online", degraded(mutate)), ...texts);
  });
});

describe("nodes-online without any HA resource", () => {
  it("needs no HA master when HA manages nothing, and says so", () => {
    const state = healthyState();
    state.ha = observed({ managerActive: false, nodeStatus: {}, resourceCount: 0 });
    const v = evaluate("nodes-online", state);
    expectPass(v);
    expect(v.checked).toContain("HA manages no resource: no HA master needed, maintenance mode is not used");
    // HA vouches for nothing here: the summary does not claim it.
    expect(v.summary).toBe("3/3 nodes online (corosync, SSH); HA manages no resource");
  });
});
