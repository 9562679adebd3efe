// package-sources: a repository that fails refuses before any node is touched, once per failure,
// with the line to fix.

import { describe, expect, it } from "vitest";
import { failed, observed } from "../../../src/observe/state.js";
import { evaluate, expectPass, healthyState, NODES } from "./state-factory.js";

const ok = { errors: [], warnings: [] };
const unauthorized = (codename: string) => ({
  errors: [
    `Failed to fetch https://enterprise.proxmox.com/debian/pve/dists/${codename}/InRelease 401 Unauthorized [IP: 212.224.123.70 443]`,
  ],
  warnings: [],
});

describe("package-sources", () => {
  it("passes when every node refreshed its lists", () => {
    const state = healthyState();
    state.aptUpdate = Object.fromEntries(NODES.map((n) => [n, observed(ok)]));
    const verdict = evaluate("package-sources", state);
    expectPass(verdict);
    expect(verdict.summary).toBe("apt-get update works on pve1, pve2, pve3");
  });

  it("says a failure on every node once, with the repository to disable and the one to add", () => {
    const state = healthyState();
    state.aptUpdate = Object.fromEntries(NODES.map((n) => [n, observed(unauthorized("trixie"))]));
    expect(evaluate("package-sources", state).summary).toBe("apt-get update fails on pve1, pve2, pve3");
    expect(evaluate("package-sources", state).reasons).toEqual([
      "apt-get update fails on pve1, pve2, pve3: Failed to fetch https://enterprise.proxmox.com/debian/pve/dists/trixie/InRelease 401 Unauthorized [IP: 212.224.123.70 443]: the enterprise repository needs a subscription. Without one, disable `deb https://enterprise.proxmox.com/debian/pve trixie pve-enterprise` (by default in /etc/apt/sources.list.d/pve-enterprise.sources, set Enabled: false) and add `deb http://download.proxmox.com/debian/pve trixie pve-no-subscription`",
    ]);
  });

  it("refuses a node it could not ask", () => {
    const state = healthyState();
    state.aptUpdate = {
      pve1: observed(ok),
      pve2: observed({ errors: [], warnings: ["W: Target Packages is configured multiple times"] }),
      pve3: failed("pve3: connection refused"),
    };
    expect(evaluate("package-sources", state).summary).toBe(
      "apt-get update works on pve1, pve2 (warnings on pve2); unknown on pve3 (not read)",
    );
    expect(evaluate("package-sources", state).reasons).toEqual([
      "apt-get update on pve3: could not be observed (pve3: connection refused); refusing until it can be",
    ]);
  });
});
