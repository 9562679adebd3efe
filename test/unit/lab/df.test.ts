// `df` on lab nodes, through the lab shell: laid out as the real coreutils 9.1 capture is, byte for
// byte but the numbers; / on the installer's 96 GiB root volume; under low-disk-space pve2's / has
// 3.1 GB free, and pve8to9 there warns as check_misc does.

import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { LabCluster } from "../../../src/lab/model/cluster.js";
import { faultsOf, type ScenarioName } from "../../../src/lab/model/scenarios.js";
import { buildTopology } from "../../../src/lab/model/topology.js";
import { dfArgv, parseDf } from "../../../src/observe/parsers/df.js";
import { manualClock, type ManualClock } from "./manual-clock.js";
import { runOnNode } from "./lab-shell.js";

let clock: ManualClock;
afterEach(() => clock?.stop());

function lab(scenario: ScenarioName = "healthy"): LabCluster {
  clock = manualClock();
  return new LabCluster(buildTopology(3, "8.4"), faultsOf(scenario), clock);
}

const capture = readFileSync(new URL("../../fixtures/df/same-fs.txt", import.meta.url), "utf8");
const dfLine = dfArgv.join(" ");

describe("df on a lab node", () => {
  it("prints what the real df prints for / and /boot on the root file system, with the node's numbers", async () => {
    const cluster = lab();
    const run = await runOnNode(cluster, clock, dfLine);
    expect(run.status).toBe(0);
    const { root } = parseDf(run.stdout);
    // The capture's numbers have as many digits as the lab's: the columns line up the same.
    expect(run.stdout).toBe(capture.replaceAll("85069209600", String(root.availBytes)).replaceAll("270553174016", String(root.sizeBytes)));
    expect(root.sizeBytes).toBe(100_861_726_720);
    expect(run.stderr).toBe("");
  });

  it("gives each node its own free space, all well above 10 GB unless a scenario fills one", async () => {
    const cluster = lab("low-disk-space");
    const free = await Promise.all(
      ["pve1", "pve2", "pve3"].map(async (node) => parseDf((await runOnNode(cluster, clock, dfLine, { node })).stdout).root.availBytes),
    );
    expect(new Set(free).size).toBe(3);
    expect(free[1]).toBeLessThan(5e9);
    expect(free[1]).toBeGreaterThan(3e9);
    for (const node of [0, 2]) expect(free[node]).toBeGreaterThan(10e9);
    const warn = "WARN: Less than 5 GB free space on root file system, upgrade may fail.";
    expect((await runOnNode(cluster, clock, "NO_COLOR=1 pve8to9 --full", { node: "pve2" })).stdout).toContain(warn);
    expect((await runOnNode(cluster, clock, "NO_COLOR=1 pve8to9 --full", { node: "pve1" })).stdout).not.toContain("free space on root");
  });

  it("refuses the forms and paths it does not model, as a failed command", async () => {
    const cluster = lab();
    expect(await runOnNode(cluster, clock, "df -h /")).toMatchObject({ status: 1, stdout: "" });
    expect((await runOnNode(cluster, clock, "df -B1 --output=file,avail,size,target / /var")).stderr).toBe(
      "df: the lab models only / and /boot, not '/var'\n",
    );
  });
});
