// private-network: every node reaches every other node's privateAddress (the "public up, private down"
// incident after a NIC rename).

import { describe, expect, it } from "vitest";
import { failed, observed } from "../../../src/observe/state.js";
import {
  clusterConfig,
  degraded,
  evaluate,
  expectPass,
  expectRefusal,
  healthyState,
  pathResult,
  pathsNotChecked,
} from "./state-factory.js";

const noAnswer = observed({ reachable: false, detail: "no answer (1 sent, 0 received)" });

describe("private-network gate", () => {
  it("passes when all six paths answer", () => {
    const verdict = evaluate("private-network", healthyState());
    expectPass(verdict);
    expect(verdict.checked).toHaveLength(6);
    expect(verdict.summary).toBe("6/6 private paths answer");
  });

  it("refuses one unreachable path, naming where from and where to, and only that path", () => {
    const verdict = evaluate("private-network", degraded(pathResult("pve1", "pve2", noAnswer)));
    expectRefusal(verdict, "pve1 → pve2 (10.10.0.12): no answer (1 sent, 0 received)", "check the private interfaces");
    expect(verdict.reasons).toHaveLength(1);
    expect(verdict.summary).toBe("5/6 private paths answer; no answer on pve1 → pve2");
  });

  it("names each direction of a link that is down both ways", () => {
    const verdict = evaluate("private-network", degraded(pathResult("pve1", "pve3", noAnswer), pathResult("pve3", "pve1", noAnswer)));
    expectRefusal(verdict, "pve1 → pve3 (10.10.0.13)");
    expectRefusal(verdict, "pve3 → pve1 (10.10.0.11)");
    expect(verdict.reasons).toHaveLength(2);
  });

  it("refuses a path it could not test, quoting why", () => {
    const verdict = evaluate(
      "private-network",
      degraded(pathResult("pve2", "pve3", failed("ping exited 127: bash: ping: command not found; output not understood"))),
    );
    expectRefusal(
      verdict,
      "pve2 → pve3 (10.10.0.13): could not be observed (ping exited 127: bash: ping: command not found; output not understood)",
    );
  });

  it("refuses a path that was not checked at all", () => {
    const verdict = evaluate("private-network", degraded(pathsNotChecked("pve3")));
    expectRefusal(verdict, "pve3 → pve1 (10.10.0.11): could not be observed (not collected)");
    expect(verdict.summary).toBe("4/6 private paths answer; unknown: pve3 → pve1, pve3 → pve2");
  });

  it("passes, saying so, when no node declares a privateAddress", () => {
    const verdict = evaluate(
      "private-network",
      { observedAt: "2024-10-15T03:00:00.000Z", target: null },
      { config: clusterConfig({ privateAddresses: false }) },
    );
    expectPass(verdict);
    expect(verdict.checked).toEqual(["no privateAddress declared"]);
    expect(verdict.summary).toBe("no privateAddress declared");
  });

  it("cuts a long list short in the summary, counting the rest", () => {
    const verdict = evaluate("private-network", { observedAt: "2024-10-15T03:00:00.000Z", target: null });
    expect(verdict.summary).toBe(
      "0/6 private paths answer; unknown: pve1 → pve2, pve1 → pve3, pve2 → pve1, pve2 → pve3, pve3 → pve1 and 1 more",
    );
  });
});
