// The lab's dpkg when a dist-upgrade's session dies: interrupted once dpkg has unpacked something
// (apt then refuses with apt's own message, exit 100, until `dpkg --configure -a`), untouched when
// the session dies while apt downloads; ssh-drop-during-apt strikes once; api-flaky's mid-node window.

import { afterEach, describe, expect, it } from "vitest";
import { LabCluster } from "../../../src/lab/model/cluster.js";
import { faultsOf, type ScenarioName } from "../../../src/lab/model/scenarios.js";
import { buildTopology } from "../../../src/lab/model/topology.js";
import { runCommandLine } from "../../../src/lab/shell/interpreter.js";
import { manualClock, type ManualClock } from "./manual-clock.js";

let clock: ManualClock;
afterEach(() => clock?.stop());

function lab(scenario: ScenarioName = "healthy"): LabCluster {
  clock = manualClock();
  return new LabCluster(buildTopology(3, "9.1"), faultsOf(scenario), clock);
}

interface Run {
  status: number | "closed";
  stdout: string;
  stderr: string;
}

/** Runs a line on `node`, moving model time on; the session closes once stdout shows `closeAfter`. */
async function sh(cluster: LabCluster, line: string, node = "pve1", closeAfter?: string): Promise<Run> {
  let stdout = "";
  let stderr = "";
  let done = false;
  const session = new AbortController();
  const run = runCommandLine(
    {
      cluster,
      node,
      source: `ssh ${node}`,
      out: {
        stdout: async (chunk) => {
          stdout += chunk;
          if (closeAfter && stdout.includes(closeAfter)) session.abort();
        },
        stderr: (chunk) => void (stderr += chunk),
      },
      stdin: async () => "",
      signal: session.signal,
      dropConnection: () => session.abort(),
    },
    line,
  ).then(
    (status) => status,
    () => "closed" as const,
  );
  void run.finally(() => (done = true));
  for (let i = 0; i < 200 && !done; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    clock.tick(1_000);
  }
  return { status: await run, stdout, stderr };
}

const upgrade = "DEBIAN_FRONTEND=noninteractive apt-get -y dist-upgrade";
const interrupted = "E: dpkg was interrupted, you must manually run 'dpkg --configure -a' to correct the problem. \n";

describe("a dist-upgrade whose session closes", () => {
  it("once dpkg unpacked something: dpkg is interrupted, apt refuses with apt's message and 100, -s and update still work", async () => {
    const c = lab();
    const pendingBefore = c.node("pve1").pending.length;
    expect((await sh(c, upgrade, "pve1", "Unpacking ")).status).toBe("closed");
    expect(c.node("pve1")).toMatchObject({ dpkgInterrupted: true, dpkgBusy: false });
    expect(c.outOfServiceNodes()).toEqual(["pve1"]);
    expect(await sh(c, upgrade)).toMatchObject({ status: 100, stderr: interrupted });
    // apt-get -s takes no lock: it shows what is still to do and what dpkg left unconfigured.
    const simulated = await sh(c, "apt-get -s dist-upgrade");
    expect(simulated.status).toBe(0);
    expect(simulated.stdout).toMatch(/^\d+ not fully installed or removed\.$/m);
    expect(simulated.stdout.match(/^Inst /gm)?.length ?? 0).toBeLessThan(pendingBefore);
    expect((await sh(c, "apt-get update")).status).toBe(0);
  });

  it("dpkg --configure -a sets up what was unpacked; the next dist-upgrade installs the rest", async () => {
    const c = lab();
    const kernel = c.node("pve1").pending.find((p) => p.kernel)!.kernel!;
    await sh(c, upgrade, "pve1", "Unpacking ");
    const configure = await sh(c, "dpkg --configure -a");
    expect(configure.status).toBe(0);
    expect(configure.stdout).toMatch(/^Setting up proxmox-kernel-\S+ \(\S+\) \.\.\.$/m);
    expect(c.node("pve1")).toMatchObject({ dpkgInterrupted: false });
    expect(c.node("pve1").installedKernels).toContain(kernel);
    expect(c.outOfServiceNodes()).toEqual([]);
    expect(await sh(c, upgrade)).toMatchObject({ status: 0 });
    expect(c.node("pve1").pending).toEqual([]);
    // With nothing interrupted it has nothing to do.
    expect(await sh(c, "dpkg --configure -a")).toEqual({ status: 0, stdout: "", stderr: "" });
  });

  it("while apt still downloads: dpkg never ran, nothing changed", async () => {
    const c = lab();
    const pending = [...c.node("pve1").pending];
    expect((await sh(c, upgrade, "pve1", "Get:1 ")).status).toBe("closed");
    expect(c.node("pve1")).toMatchObject({ dpkgInterrupted: false, dpkgBusy: false, pending });
    expect(c.outOfServiceNodes()).toEqual([]);
  });
});

describe("ssh-drop-during-apt", () => {
  it("drops the first dist-upgrade only: after dpkg --configure -a the next one completes", async () => {
    const c = lab("ssh-drop-during-apt");
    // The lab cuts the connection (the SSH server then sends no exit status).
    expect((await sh(c, upgrade, "pve3")).status).toBe(255);
    expect(c.node("pve3").dpkgInterrupted).toBe(true);
    expect((await sh(c, "dpkg --configure -a", "pve3")).status).toBe(0);
    expect((await sh(c, upgrade, "pve3")).status).toBe(0);
    expect(c.node("pve3")).toMatchObject({ dpkgInterrupted: false, pending: [] });
    // Nor does it strike another node later.
    expect((await sh(c, upgrade, "pve1")).status).toBe(0);
  });
});

describe("api-flaky", () => {
  it("resets pve1's API connections for two minutes from the first take-down, and no other node's", async () => {
    const c = lab("api-flaky");
    expect(c.nextApiRequest("pve1").reset).toBe(false);
    c.setMaintenance("pve3", true, "ssh pve3");
    expect(c.nextApiRequest("pve1").reset).toBe(true);
    expect(c.nextApiRequest("pve2").reset).toBe(false);
    clock.tick(119_000);
    expect(c.nextApiRequest("pve1").reset).toBe(true);
    clock.tick(1_000);
    expect(c.nextApiRequest("pve1").reset).toBe(false);
  });
});
