// Lab faults that bite, end to end: a run killed while apt works leaves dpkg interrupted on the
// node, as a real one would; ssh-drop-during-apt, then the `dpkg --configure -a` rollgate asks
// for, then `--resume` upgrades every node; api-flaky in the middle of a node is ridden out, and
// at preflight refused; never an unsafe take-down.

import path from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, spawnCli, stopChild, type ChildCli } from "../helpers/child-cli.js";
import { runEngine } from "../helpers/engine.js";
import { onNode } from "../helpers/admin.js";
import { eventually, startTestLab, type TestLab } from "../helpers/lab.js";
import type { LabOptions } from "../../src/lab/lab.js";
import type { RunEvent } from "../../src/run/events.js";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

// The killed run is a real process: the first run after a source change pays for the build.
beforeAll(ensureBuilt, 120_000);

async function lab(options: Omit<LabOptions, "dir">): Promise<TestLab> {
  const t = await startTestLab(options);
  cleanups.push(() => t.stop());
  return t;
}

function child(args: string[]): ChildCli {
  const cli = spawnCli(args);
  cleanups.push(() => stopChild(cli));
  return cli;
}

const nodeEnds = (events: RunEvent[]) => events.flatMap((e) => (e.type === "node-end" ? [`${e.node}:${e.status}`] : []));

describe("a run killed while apt-get dist-upgrade works", () => {
  it("leaves dpkg interrupted on the node: apt refuses until dpkg --configure -a", async () => {
    const t = await lab({ timeScale: 20 });
    const c = t.lab.cluster;
    const run = child(["upgrade", "--yes", "-c", t.lab.files.config, "--journal-dir", path.join(t.dir, "journal")]);
    await eventually("apt-get dist-upgrade to start on pve3", () => c.node("pve3").dpkgBusy, 14_000);
    // The download takes the first half of the dist-upgrade's model time; kill it while dpkg unpacks.
    const started = c.clock.now();
    await eventually("dpkg to be unpacking on pve3", () => c.clock.now() - started >= 14_000);
    run.process.kill("SIGKILL");
    expect(await run.exitCode).toBe(137);
    await eventually("the lab to see the session gone", () => !c.node("pve3").dpkgBusy);
    expect(c.node("pve3").dpkgInterrupted).toBe(true);
    expect(c.unconfiguredOn("pve3").length).toBeGreaterThan(0);

    const refused = await onNode(t, "pve3", ["apt-get", "-y", "dist-upgrade"]);
    expect(refused.exitCode).toBe(100);
    expect(refused.stderr).toBe("E: dpkg was interrupted, you must manually run 'dpkg --configure -a' to correct the problem. \n");
    expect((await onNode(t, "pve3", ["dpkg", "--configure", "-a"])).exitCode).toBe(0);
    expect(c.node("pve3").dpkgInterrupted).toBe(false);
    expect(t.lab.status().record.unsafeTakeDowns).toEqual([]);
  }, 25_000);
});

describe("ssh-drop-during-apt", () => {
  it("strikes once: after the dpkg --configure -a rollgate asks for, --resume upgrades every node", async () => {
    const t = await lab({ scenario: "ssh-drop-during-apt", timeScale: 200 });
    const c = t.lab.cluster;
    const first = await runEngine(t);
    expect(first.result).toMatchObject({ outcome: "failed", exitCode: 4, maintenanceLeftOn: ["pve3"] });
    expect(first.result.humanAction).toContain("dpkg --configure -a");
    expect(c.node("pve3").dpkgInterrupted).toBe(true);

    const configured = await onNode(t, "pve3", ["dpkg", "--configure", "-a"]);
    expect(configured.exitCode).toBe(0);
    const second = await runEngine(t, { resume: { runId: "test-run", events: first.events } });
    expect(second.result).toMatchObject({ outcome: "success", exitCode: 0, maintenanceLeftOn: [] });
    expect(nodeEnds(second.events)).toEqual(["pve3:done", "pve1:done", "pve2:done"]);
    for (const node of ["pve1", "pve2", "pve3"]) {
      expect(c.node(node)).toMatchObject({ pending: [], dpkgInterrupted: false, dpkgBusy: false });
      expect(c.node(node).runningKernel).toBe(t.lab.cluster.topology.pendingKernel);
    }
    expect(t.lab.status().record.unsafeTakeDowns).toEqual([]);
    expect(t.lab.status().record.maxOutOfService).toBe(1);
  }, 30_000);

  it("a resume that finds dpkg still interrupted stops on that node and says exactly what to run", async () => {
    const t = await lab({ scenario: "ssh-drop-during-apt", timeScale: 200 });
    const first = await runEngine(t);
    const second = await runEngine(t, { resume: { runId: "test-run", events: first.events } });
    expect(second.result).toMatchObject({ outcome: "failed", exitCode: 4, maintenanceLeftOn: ["pve3"] });
    expect(second.result.message).toContain("dpkg was interrupted");
    expect(second.result.humanAction).toContain("`dpkg --configure -a`");
    expect(t.lab.status().record.unsafeTakeDowns).toEqual([]);
  }, 15_000);
});

describe("a dist-upgrade killed once dpkg unpacked everything", () => {
  it("leaves apt nothing to install, yet rollgate does not take the node for upgraded; after dpkg --configure -a it finishes", async () => {
    const t = await lab({ timeScale: 200 });
    const c = t.lab.cluster;
    // An admin's own upgrade of pve3, killed after dpkg's last "Unpacking": no Inst line is left.
    c.beginDistUpgrade("pve3", "admin");
    c.interruptDistUpgrade("pve3", [...c.node("pve3").pending]);
    const first = await runEngine(t);
    expect(first.result).toMatchObject({ outcome: "failed", exitCode: 4, maintenanceLeftOn: ["pve3"] });
    expect(first.result.message).toContain("E: dpkg was interrupted, you must manually run 'dpkg --configure -a'");
    expect(first.result.humanAction).toContain("`dpkg --configure -a`");
    expect(nodeEnds(first.events)).toEqual(["pve3:failed"]);
    expect(t.lab.status().record.unsafeTakeDowns).toEqual([]);

    expect((await onNode(t, "pve3", ["dpkg", "--configure", "-a"])).exitCode).toBe(0);
    const second = await runEngine(t, { resume: { runId: "test-run", events: first.events } });
    expect(second.result).toMatchObject({ outcome: "success", exitCode: 0, maintenanceLeftOn: [] });
    // The kernel dpkg configured is the one pve3 now runs.
    expect(c.node("pve3").runningKernel).toBe(c.topology.pendingKernel);
    expect(t.lab.status().record.unsafeTakeDowns).toEqual([]);
  }, 30_000);
});

describe("api-flaky", () => {
  it("at preflight: refuses before touching anything, quoting the API's error", async () => {
    const t = await lab({ scenario: "api-flaky", timeScale: 200 });
    const { result } = await runEngine(t);
    expect(result).toMatchObject({ outcome: "refused", exitCode: 3, maintenanceLeftOn: [] });
    expect(result.message).toContain("HTTP 500 Can't connect to 127.0.0.1:85 (Connection refused)");
    expect(t.lab.status().record.takeDowns).toEqual([]);
  }, 15_000);

  it("in the middle of a node: pve1's API resets connections for two minutes; rollgate asks the other nodes and finishes", async () => {
    // Without the preflight's failures, so that the run gets to the first node.
    const t = await lab({ scenario: "api-flaky", faults: { apiFlaky: false }, timeScale: 200 });
    const { result, events } = await runEngine(t);
    expect(t.lab.cluster.apiResetCount).toBeGreaterThan(0);
    expect(result).toMatchObject({ outcome: "success", exitCode: 0, maintenanceLeftOn: [] });
    expect(nodeEnds(events)).toEqual(["pve3:done", "pve1:done", "pve2:done"]);
    expect(t.lab.status().record.unsafeTakeDowns).toEqual([]);
    expect(t.lab.status().record.maxOutOfService).toBe(1);
  }, 15_000);
});
