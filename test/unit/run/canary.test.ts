// earlierCanary: what the journals of earlier runs say of the cluster's canary, for the next run
// (upgrade.canary): a soak that ended is over for every node, one that refused is done again,
// whole, and one a window or a stop cut short goes on from the canary's upgrade.

import { describe, expect, it } from "vitest";
import { earlierCanary } from "../../../src/run/canary.js";
import type { StepStatus } from "../../../src/run/events.js";
import { summarizeRun, type RunSummary } from "../../../src/run/run-summary.js";
import { EventScript } from "../../helpers/run-events.js";

/** A run that upgraded `done` (in order), then soaked with `soak`'s outcome (if any). */
function run(runId: string, done: string[], soak?: StepStatus, dryRun = false): RunSummary {
  const script = new EventScript().emit({
    type: "run-start",
    runId,
    cluster: "storehouse",
    configFile: "/etc/rollgate/cluster.yaml",
    playbook: "proxmox-gluster",
    order: ["pve3", "pve1", "pve2"],
    dryRun,
    resumes: null,
    pid: 4242,
    host: "ops1",
  });
  done.forEach((node, index) => {
    script.emit({ type: "node-start", node, index: index + 1, total: 3, estimateSeconds: null });
    script.emit({ type: "node-end", node, status: "done", message: "upgraded and verified" }, 600);
    if (index === 0 && soak) {
      script.emit({ type: "step-start", node: null, step: "canary-soak", title: "Canary" });
      script.emit({ type: "step-end", node: null, step: "canary-soak", status: soak, message: "soak" }, 3600);
    }
  });
  if (done.length === 0 && soak) {
    script.emit({ type: "step-start", node: null, step: "canary-soak", title: "Canary" });
    script.emit({ type: "step-end", node: null, step: "canary-soak", status: soak, message: "soak" }, 3600);
  }
  return summarizeRun(script.events);
}

const endOf = (summary: RunSummary, node: string) => Date.parse(summary.nodes.find((n) => n.node === node)!.endedAt!);

describe("earlierCanary", () => {
  it("is null when no earlier run upgraded or soaked a node", () => {
    expect(earlierCanary([])).toBeNull();
    expect(earlierCanary([run("r2", []), run("r1", [])])).toBeNull();
  });

  it("a run whose window closed during the soak: its first node goes on soaking from its upgrade", () => {
    const first = run("r1", ["pve3"], "interrupted");
    expect(earlierCanary([first])).toEqual({ soak: "goes-on", node: "pve3", runId: "r1", since: endOf(first, "pve3") });
  });

  it("a run that went on with an earlier soak and was cut short again still counts from the first upgrade", () => {
    const first = run("r1", ["pve3"], "interrupted");
    expect(earlierCanary([run("r3", []), run("r2", [], "interrupted"), first])).toEqual({
      soak: "goes-on",
      node: "pve3",
      runId: "r1",
      since: endOf(first, "pve3"),
    });
  });

  it("a soak that ended, in the run that upgraded the canary or a later one, is over", () => {
    expect(earlierCanary([run("r1", ["pve3", "pve1"], "ok")])).toEqual({ soak: "over", node: "pve3", runId: "r1" });
    expect(earlierCanary([run("r2", ["pve1"], "ok"), run("r1", ["pve3"], "interrupted")])).toEqual({
      soak: "over",
      node: "pve1",
      runId: "r2",
    });
    expect(earlierCanary([run("r2", [], "ok"), run("r1", ["pve3"], "interrupted")])).toEqual({ soak: "over", node: "pve3", runId: "r2" });
  });

  it("a soak that refused is done again, whole, on the canary", () => {
    expect(earlierCanary([run("r1", ["pve3"], "refused")])).toEqual({ soak: "again", node: "pve3", runId: "r1" });
    expect(earlierCanary([run("r2", [], "refused"), run("r1", ["pve3"], "interrupted")])).toEqual({
      soak: "again",
      node: "pve3",
      runId: "r2",
    });
  });

  it("a run that upgraded nodes without a canary makes its first node the canary, soaking since its upgrade", () => {
    const first = run("r1", ["pve3", "pve1"]);
    expect(earlierCanary([first])).toMatchObject({ soak: "goes-on", node: "pve3", since: endOf(first, "pve3") });
  });

  it("dry runs do not count", () => {
    expect(earlierCanary([run("r2", ["pve3", "pve1", "pve2"], "ok", true)])).toBeNull();
  });
});
