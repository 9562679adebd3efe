// Unknown means no: a gate that was given nothing to look at refuses, and a gate given exactly the facets it
// says it needs (what `rollgate check` collects for it) can pass.

import { describe, expect, it } from "vitest";
import { gateNames, gates } from "../../../src/gates/index.js";
import type { GateName } from "../../../src/gates/index.js";
import { observed } from "../../../src/observe/state.js";
import { clusterConfig, evaluate, expectPass, healthyState, onlyFacets, pve8to9Report } from "./state-factory.js";

/** The healthy cluster as each gate asks about it: the major upgrade's want it ready for PVE 9 (its Gluster storage converted). */
function healthyFor(name: GateName) {
  const state = healthyState("pve3");
  if (name === "no-glusterfs-storage")
    state.storage = observed({
      listed: [
        { storage: "local", type: "dir" },
        { storage: "gv0", type: "dir" },
      ],
      gluster: [],
    });
  if (name === "runs-pve-9") {
    state.packages!["pve3"] = observed({ ...pve3Packages(state), pveVersion: "9.1.4" });
    state.pve8to9!["pve3"] = observed(pve8to9Report("pve91-clean.txt"));
  }
  return state;
}

function pve3Packages(state: ReturnType<typeof healthyState>) {
  const seen = state.packages?.["pve3"];
  if (!seen?.ok) throw new Error("state factory: pve3's packages not observed");
  return seen.value;
}

describe("every gate in the registry", () => {
  it.each(gateNames)("%s refuses when none of its facets were collected", (name) => {
    const config = clusterConfig();
    expect(gates[name].needs(config).length).toBeGreaterThan(0);
    const verdict = evaluate(name, { observedAt: "2024-10-15T03:00:00.000Z", target: "pve3" }, { config });
    expect(verdict.pass).toBe(false);
    expect(verdict.reasons.join("\n")).toContain("could not be observed (not collected)");
    // The summary claims nothing it did not see: it says what is unknown.
    expect(verdict.summary).toContain("unknown");
  });

  it.each(gateNames)("%s passes on a healthy cluster given only the facets it needs", (name) => {
    // pve3, the target, runs no router: critical-healthy-elsewhere can pass too.
    const config = clusterConfig();
    expectPass(evaluate(name, onlyFacets(healthyFor(name), gates[name].needs(config)), { config }));
  });
});
