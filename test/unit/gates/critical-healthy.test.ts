// critical-healthy: the routers pair (100 on pve1, 101 on pve2; minHealthy 2, spread) has enough members
// running, unpaused and answering their probes, never two on one node.
// critical-healthy-elsewhere: the same, counting only members off the node about to go down.

import { describe, expect, it } from "vitest";
import {
  agentFails,
  clusterConfig,
  degraded,
  evaluate,
  expectPass,
  expectRefusal,
  groupNotRead,
  guestsUnobservable,
  healthyState,
  memberNotInCluster,
  memberOn,
  memberPaused,
  memberStatusUnobservable,
  memberStopped,
  tcpProbeFails,
  type Mutator,
} from "./state-factory.js";

describe("critical-healthy gate", () => {
  it("passes when both routers run, answer their probes and sit on different nodes", () => {
    const verdict = evaluate("critical-healthy", healthyState());
    expectPass(verdict);
    expect(verdict.checked).toContain("group routers: 2 members healthy (minimum 2)");
    expect(verdict.summary).toBe("routers: 100 on pve1, 101 on pve2, agents answer, tcp 10.0.0.1:443 answers");
  });

  it.each<[string, Mutator, string]>([
    [
      "a member is stopped",
      memberStopped(101),
      "routers (1/2 healthy, 2 required): 100 on pve1, 101 on pve2 (stopped), agent answers on 100, tcp 10.0.0.1:443 answers on 100",
    ],
    [
      "a member is paused",
      memberPaused(100),
      "routers (1/2 healthy, 2 required): 100 on pve1 (running, QEMU paused), 101 on pve2, agent answers on 101, tcp 10.0.0.1:443 answers on 101",
    ],
    [
      "a member's agent does not answer",
      agentFails(101, "QEMU guest agent is not running"),
      "routers (1/2 healthy, 2 required): 100 on pve1, 101 on pve2 (agent does not answer), agent answers on 100, tcp 10.0.0.1:443 answers on 100",
    ],
    [
      "a member is not in the cluster",
      memberNotInCluster(101),
      "routers (1/2 healthy, 2 required): 100 on pve1, 101 (not in the cluster), agent answers on 100, tcp 10.0.0.1:443 answers on 100",
    ],
    [
      "two members share a node",
      memberOn(101, "pve1"),
      "routers (not spread: 100, 101 on pve1): 100 on pve1, 101 on pve1, agents answer, tcp 10.0.0.1:443 answers",
    ],
    ["the group's members were not read", groupNotRead, "routers: unknown (members not read)"],
    ["the guests are unobservable", guestsUnobservable("595 no route to host"), "critical groups unknown (guests not read)"],
  ])("summarizes the refusal when %s", (_, mutate, summary) => {
    const verdict = evaluate("critical-healthy", degraded(mutate));
    expect(verdict.pass).toBe(false);
    expect(verdict.summary).toBe(summary);
  });

  it("does not claim the agent answered for a member it was not asked of", () => {
    // The agent is probed only where it is enabled; such a member is healthy, but proved nothing by it.
    const unasked: Mutator = (state) => {
      if (state.guests?.ok) state.guests.value.critical.routers![1]!.agent = null;
    };
    const verdict = evaluate("critical-healthy", degraded(unasked));
    expectPass(verdict);
    expect(verdict.summary).toBe(
      "routers: 100 on pve1, 101 on pve2, agent answers on 100, agent not probed on 101, tcp 10.0.0.1:443 answers",
    );
  });

  it.each<[string, Mutator, string[]]>([
    ["a member is stopped", memberStopped(101), ["group routers: 1 of 2 required members healthy", "101 (fw2) on pve2: stopped"]],
    ["a member is paused (PVE says running, QEMU paused)", memberPaused(100), ["100 (fw1) on pve1: running, QEMU paused"]],
    [
      "a member's guest agent does not answer",
      agentFails(101, "QEMU guest agent is not running"),
      ["101 (fw2) on pve2: guest agent does not answer (QEMU guest agent is not running)"],
    ],
    [
      "a member's tcp probe fails",
      tcpProbeFails(101, "connect ECONNREFUSED 10.0.0.1:443"),
      ["101 (fw2) on pve2: probe tcp 10.0.0.1:443 failed (connect ECONNREFUSED 10.0.0.1:443)"],
    ],
    [
      "a member is not in the cluster",
      memberNotInCluster(101),
      ["101: no such guest in the cluster", "fix critical[].vms in cluster.yaml"],
    ],
    [
      "a member's status/current is unobservable",
      memberStatusUnobservable(100, "500 VM 100 qmp command 'query-status' failed - got timeout"),
      ["100 (fw1) on pve1: status unknown (500 VM 100 qmp command 'query-status' failed - got timeout)"],
    ],
    ["the group's members were not read", groupNotRead, ["group routers: could not be observed (not collected)"]],
    [
      "the guests are unobservable",
      guestsUnobservable("595 no route to host"),
      ["guests (API /cluster/resources): could not be observed (595 no route to host)"],
    ],
  ])("refuses when %s", (_, mutate, texts) => {
    expectRefusal(evaluate("critical-healthy", degraded(mutate)), ...texts);
  });

  it("refuses a member whose declared tcp probe was not run: unknown is not healthy", () => {
    const verdict = evaluate(
      "critical-healthy",
      degraded((state) => void (state.guests!.ok && (state.guests!.value.critical["routers"]![1]!.tcp = []))),
    );
    expectRefusal(verdict, "101 (fw2) on pve2: probe tcp 10.0.0.1:443 was not run; its health is unknown");
  });

  it("refuses two members of a spread group on one node, even when both are healthy", () => {
    const verdict = evaluate("critical-healthy", degraded(memberOn(101, "pve1")));
    expectRefusal(
      verdict,
      "group routers: 100 and 101 all run on pve1 (spread: true)",
      "move all but one: `ha-manager migrate vm:101 pve2`",
    );
    expect(verdict.reasons).toHaveLength(1);
  });

  it("passes with one member down when the group needs only one (minHealthy 1)", () => {
    const verdict = evaluate("critical-healthy", degraded(memberStopped(101)), { config: clusterConfig({ minHealthy: 1 }) });
    expectPass(verdict);
    expect(verdict.checked).toContain("group routers: 1 members healthy (minimum 1)");
    expect(verdict.summary).toBe(
      "routers (1/2 healthy): 100 on pve1, 101 on pve2 (stopped), agent answers on 100, tcp 10.0.0.1:443 answers on 100",
    );
  });

  it("still refuses with minHealthy 1 when no member is healthy", () => {
    const verdict = evaluate("critical-healthy", degraded(memberStopped(101), memberPaused(100)), {
      config: clusterConfig({ minHealthy: 1 }),
    });
    expectRefusal(
      verdict,
      "group routers: 0 of 1 required members healthy",
      "100 (fw1) on pve1: running, QEMU paused",
      "101 (fw2) on pve2: stopped",
    );
  });
});

describe("critical-healthy-elsewhere gate", () => {
  it("refuses while a member still runs on the node about to go down, saying to migrate it", () => {
    expect(evaluate("critical-healthy-elsewhere", healthyState("pve1")).summary).toBe(
      "routers (1/2 healthy off pve1, 2 required): 100 on pve1, 101 on pve2, agents answer, tcp 10.0.0.1:443 answers",
    );
    expectRefusal(
      evaluate("critical-healthy-elsewhere", healthyState("pve1")),
      "group routers: 1 of 2 required members healthy off pve1",
      "100 (fw1) is on pve1, the node about to go down: migrate it first",
    );
  });

  it("passes once that member runs healthy on another node", () => {
    const verdict = evaluate("critical-healthy-elsewhere", degraded(memberOn(100, "pve3")), { target: "pve1" });
    expectPass(verdict);
    expect(verdict.checked).toContain("group routers: 2 members healthy off pve1 (minimum 2)");
    expect(verdict.summary).toBe("routers: 100 on pve3, 101 on pve2, agents answer, tcp 10.0.0.1:443 answers");
  });

  it("refuses when the migrated member is not healthy where it landed", () => {
    expectRefusal(
      evaluate("critical-healthy-elsewhere", degraded(memberOn(100, "pve3"), memberPaused(100)), { target: "pve1" }),
      "1 of 2 required members healthy off pve1",
      "100 (fw1) on pve3: running, QEMU paused",
    );
  });

  it("refuses without a target node: there is nothing to be healthy elsewhere from", () => {
    const verdict = evaluate("critical-healthy-elsewhere", healthyState(), { target: null });
    expectRefusal(verdict, "needs a target node");
    expect(verdict.summary).toBe("no target node given");
  });
});
