// quorum: the cluster is quorate and every expected corosync vote is present, or the upgrade would
// take the cluster's last margin down with the next node.

import { describe, expect, it } from "vitest";
import { failed } from "../../../src/observe/state.js";
import { degraded, evaluate, expectPass, expectRefusal, healthyState, notQuorate, votes, type Mutator } from "./state-factory.js";

describe("quorum gate", () => {
  it("passes a quorate cluster with 3 of 3 votes, and says so", () => {
    const verdict = evaluate("quorum", healthyState());
    expectPass(verdict);
    expect(verdict.summary).toBe("quorate, 3/3 votes");
  });

  it.each<[string, Mutator, string]>([
    ["corosync is not quorate", votes(2, false), "2/3 votes, not quorate"],
    ["a vote is missing although still quorate", votes(2), "quorate, 2/3 votes"],
    ["PVE's cluster status is not quorate", notQuorate("pve2", "pve3"), "not quorate (cluster status: 1/3 nodes online), 3/3 votes"],
    [
      "the votes are unobservable",
      (s) => void (s.votes = failed("`pvecm status` on pve1 exited 2")),
      "quorate, votes unknown (pvecm status not read)",
    ],
    [
      "the cluster status is unobservable",
      (s) => void (s.pve = failed("596 Broken pipe")),
      "3/3 votes, quorate per pvecm status; cluster status not read",
    ],
  ])("summarizes the refusal when %s", (_, mutate, summary) => {
    const verdict = evaluate("quorum", degraded(mutate));
    expect(verdict.pass).toBe(false);
    expect(verdict.summary).toBe(summary);
  });

  it.each<[string, Mutator, string[]]>([
    [
      "the cluster is not quorate",
      notQuorate("pve2", "pve3"),
      ["cluster storehouse is not quorate", "online: pve1 of 3", "restore corosync connectivity"],
    ],
    [
      "a vote is missing although still quorate",
      votes(2),
      ["pvecm status on pve1: 2 of 3 expected votes", "bring every node's corosync back"],
    ],
    ["corosync itself is not quorate", votes(1, false), ["1 of 3 expected votes, not quorate"]],
    [
      "the cluster status is unobservable",
      (s) => void (s.pve = failed("595 Errors during connection establishment, proxy handshake: Connection refused")),
      [
        "cluster status (API /cluster/status): could not be observed (595 Errors during connection establishment, proxy handshake: Connection refused)",
      ],
    ],
    [
      "the votes are unobservable",
      (s) => void (s.votes = failed("`pvecm status` on pve1 exited 2: Cannot initialize CMAP service")),
      ["corosync votes (pvecm status): could not be observed (`pvecm status` on pve1 exited 2: Cannot initialize CMAP service)"],
    ],
  ])("refuses when %s", (_, mutate, texts) => {
    expectRefusal(evaluate("quorum", degraded(mutate)), ...texts);
  });
});
