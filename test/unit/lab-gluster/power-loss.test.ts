// The hard states a real GlusterFS shows after a power loss, as the lab's `gluster` answers them
// over its shell at exact model times: a status that hangs and the lock it holds, a slow heal info,
// a self-heal daemon dead alone, a brick not yet started after its node came back, server quorum
// lost, and every brick process down. Texts and exit codes as gluster/glusterfs v10.3 prints them
// (cli-cmd.c, glusterd-syncop.c, glfs-heal.c; docs/domain/gluster.md).

import { afterEach, describe, expect, it } from "vitest";
import { LabCluster } from "../../../src/lab/model/cluster.js";
import { faultsOf, type ScenarioName } from "../../../src/lab/model/scenarios.js";
import { buildTopology } from "../../../src/lab/model/topology.js";
import { runCommandLine } from "../../../src/lab/shell/interpreter.js";
import { manualClock, type ManualClock } from "../lab/manual-clock.js";

let clock: ManualClock;
afterEach(() => clock?.stop());

function lab(scenario: ScenarioName): LabCluster {
  clock = manualClock();
  return new LabCluster(buildTopology(3, "9.1"), faultsOf(scenario), clock);
}

interface Answer {
  status: number;
  stdout: string;
  stderr: string;
}

/** Starts `line` on `node`; the answer settles once the model time it takes has been ticked. */
function start(cluster: LabCluster, node: string, line: string): { answer: Promise<Answer>; settled: () => boolean } {
  let stdout = "";
  let stderr = "";
  let done = false;
  const answer = runCommandLine(
    {
      cluster,
      node,
      source: `ssh ${node}`,
      out: { stdout: async (chunk) => void (stdout += chunk), stderr: (chunk) => void (stderr += chunk) },
      stdin: async () => "",
      signal: new AbortController().signal,
      dropConnection: () => {},
    },
    line,
  ).then((status) => {
    done = true;
    return { status, stdout, stderr };
  });
  return { answer, settled: () => done };
}

/** Runs `line` and lets the microtasks settle (no model time passes). */
async function sh(cluster: LabCluster, node: string, line: string): Promise<Answer> {
  const run = start(cluster, node, line);
  for (let i = 0; i < 20 && !run.settled(); i++) await Promise.resolve();
  if (!run.settled()) throw new Error(`${line} on ${node} did not answer at once`);
  return run.answer;
}

async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

const BUSY = "Another transaction is in progress for gv0. Please try again after some time.";
const VOLFILE = { status: 251, stdout: "gv0: Not able to fetch volfile from glusterd\nVolume heal failed.\n", stderr: "" };

/** The volume status row of a process: name, then its Online column. */
const row = (name: string, online: "Y" | "N") =>
  new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}\\s+\\S+\\s+\\S+\\s+${online}\\s`, "m");

describe("volume-status-hangs", () => {
  it("status waits the CLI's 120 s, then prints `Error : Request timed out` on stdout, as text even with --xml, exit 1", async () => {
    const c = lab("volume-status-hangs");
    const hung = start(c, "pve1", "gluster volume status gv0 --xml");
    await flush();
    clock.tick(119_999);
    await flush();
    expect(hung.settled()).toBe(false);
    clock.tick(1);
    expect(await hung.answer).toEqual({ status: 1, stdout: "Error : Request timed out\n", stderr: "" });
  });

  it("while it hangs, a volume-level command anywhere is refused: the lock is the volume's, on every peer", async () => {
    const c = lab("volume-status-hangs");
    const hung = start(c, "pve1", "gluster volume status gv0");
    await flush();
    expect(await sh(c, "pve2", "gluster volume status gv0")).toEqual({ status: 1, stdout: "", stderr: `${BUSY}\n` });
    const xml = await sh(c, "pve3", "gluster volume status gv0 --xml");
    expect(xml.status).toBe(0);
    expect(xml.stdout).toContain(`<opRet>-1</opRet>\n  <opErrno>30802</opErrno>\n  <opErrstr>${BUSY}</opErrstr>`);
    expect(await sh(c, "pve3", "gluster volume heal gv0")).toEqual({
      status: 1,
      stdout: "",
      stderr: `Launching heal operation to perform index self heal on volume gv0 has been unsuccessful:\n${BUSY}\n`,
    });
    // glfsheal is a client of the bricks, not a glusterd transaction: heal info still answers.
    const heal = await sh(c, "pve2", "gluster volume heal gv0 info");
    expect(heal.status).toBe(0);
    expect(heal.stdout).toContain("Brick pve1:/data/brick/gv0\nStatus: Connected\nNumber of entries: 0\n");
    clock.tick(120_000);
    await hung.answer;
    // glusterd keeps the lock after the CLI gave up, until its 180 s lock timer drops it.
    expect((await sh(c, "pve2", "gluster volume status gv0")).stderr).toBe(`${BUSY}\n`);
    clock.tick(60_000);
    const again = start(c, "pve2", "gluster volume status gv0");
    await flush();
    expect(again.settled()).toBe(false);
    clock.tick(120_000);
    expect((await again.answer).stdout).toBe("Error : Request timed out\n");
  });

  it("--timeout=N shortens the CLI's wait", async () => {
    const c = lab("volume-status-hangs");
    const hung = start(c, "pve1", "gluster --timeout=5 volume status gv0");
    await flush();
    clock.tick(5_000);
    expect(await hung.answer).toEqual({ status: 1, stdout: "Error : Request timed out\n", stderr: "" });
  });
});

describe("heal-info-slow", () => {
  it("heal info answers after 10 s of model time", async () => {
    const c = lab("heal-info-slow");
    const slow = start(c, "pve1", "gluster volume heal gv0 info --xml");
    await flush();
    clock.tick(9_999);
    await flush();
    expect(slow.settled()).toBe(false);
    clock.tick(1);
    const answer = await slow.answer;
    expect(answer.status).toBe(0);
    expect(answer.stdout).toContain("<numberOfEntries>0</numberOfEntries>");
  });
});

describe("shd-down", () => {
  it("the last node's self-heal daemon is offline, every brick online; a heal cannot be launched", async () => {
    const c = lab("shd-down");
    const status = await sh(c, "pve1", "gluster volume status gv0");
    for (const node of ["pve1", "pve2", "pve3"]) expect(status.stdout).toMatch(row(`Brick ${node}:/data/brick/gv0`, "Y"));
    expect(status.stdout).toMatch(row("Self-heal Daemon on localhost", "Y"));
    expect(status.stdout).toMatch(row("Self-heal Daemon on pve2", "Y"));
    expect(status.stdout).toMatch(/^Self-heal Daemon on pve3\s+N\/A\s+N\/A\s+N\s+N\/A\s*$/m);
    expect(await sh(c, "pve1", "gluster volume heal gv0")).toEqual({
      status: 1,
      stdout: "",
      stderr:
        "Launching heal operation to perform index self heal on volume gv0 has been unsuccessful:\n" +
        "Staging failed on pve3. Error: Self-heal daemon is not running. Check self-heal daemon log file.\n",
    });
    expect((await sh(c, "pve3", "gluster volume heal gv0 info")).stdout).not.toContain("Transport endpoint");
  });
});

describe("just-back", () => {
  it("after the first rebooted node returns, its peer is Connected for 20 s while heal info cannot reach its brick", async () => {
    const c = lab("just-back");
    c.powerCycle("pve3");
    clock.tick(5_000 + 40_000 + 4_000);
    const peers = await sh(c, "pve1", "gluster peer status");
    expect(peers.stdout).toContain("Hostname: pve3\nUuid: ");
    expect(peers.stdout).toMatch(/Hostname: pve3\nUuid: \S+\nState: Peer in Cluster \(Connected\)/);
    const heal = await sh(c, "pve1", "gluster volume heal gv0 info");
    expect(heal.status).toBe(0);
    expect(heal.stdout).toContain("Brick pve3:/data/brick/gv0\nStatus: Transport endpoint is not connected\nNumber of entries: -\n");
    expect((await sh(c, "pve1", "gluster volume status gv0")).stdout).toMatch(row("Brick pve3:/data/brick/gv0", "N"));
    clock.tick(20_000);
    expect((await sh(c, "pve1", "gluster volume heal gv0 info")).stdout).toMatch(
      /Brick pve3:\/data\/brick\/gv0\n(.+\n)*Status: Connected\n/,
    );
  });
});

describe("server-quorum-lost", () => {
  it("every node sees itself alone, stops its brick, and heal info cannot fetch the volfile: exit 251", async () => {
    const c = lab("server-quorum-lost");
    for (const node of ["pve1", "pve2", "pve3"]) {
      expect(await sh(c, node, "gluster volume heal gv0 info")).toEqual(VOLFILE);
      const xml = await sh(c, node, "gluster volume heal gv0 info --xml");
      expect(xml.status).toBe(251);
      expect(xml.stdout).toContain(
        "<opRet>-1</opRet>\n  <opErrno>5</opErrno>\n  <opErrstr>gv0: Not able to fetch volfile from glusterd</opErrstr>",
      );
    }
    const status = await sh(c, "pve2", "gluster volume status gv0");
    expect(status.stdout).toMatch(row("Brick pve2:/data/brick/gv0", "N"));
    expect(status.stdout).not.toContain("Brick pve1");
    expect((await sh(c, "pve2", "gluster peer status")).stdout).toMatch(
      /Hostname: pve1\nUuid: \S+\nState: Peer in Cluster \(Disconnected\)/,
    );
    expect((await sh(c, "pve1", "gluster volume info gv0")).stdout).toContain("cluster.server-quorum-type: server\n");
  });
});

describe("all-bricks-down", () => {
  it("every brick process is offline while every glusterd and self-heal daemon runs; heal info exits 251", async () => {
    const c = lab("all-bricks-down");
    const status = await sh(c, "pve1", "gluster volume status gv0");
    for (const node of ["pve1", "pve2", "pve3"]) expect(status.stdout).toMatch(row(`Brick ${node}:/data/brick/gv0`, "N"));
    expect(status.stdout).toMatch(row("Self-heal Daemon on localhost", "Y"));
    expect(await sh(c, "pve2", "gluster volume heal gv0 info")).toEqual(VOLFILE);
    expect((await sh(c, "pve3", "gluster peer status")).stdout).not.toContain("Disconnected");
  });
});

describe("peers-by-ip", () => {
  it("bricks, peers and remote self-heal daemons carry the address the pool was probed by", async () => {
    const c = lab("peers-by-ip");
    expect((await sh(c, "pve1", "gluster peer status")).stdout).toMatch(
      /^Number of Peers: 2\n\nHostname: 10\.10\.0\.2\nUuid: \S+\nState: Peer in Cluster \(Connected\)\n\nHostname: 10\.10\.0\.3\n/,
    );
    const status = await sh(c, "pve1", "gluster volume status gv0");
    expect(status.stdout).toMatch(row("Brick 10.10.0.1:/data/brick/gv0", "Y"));
    expect(status.stdout).toMatch(row("Self-heal Daemon on localhost", "Y"));
    expect(status.stdout).toMatch(row("Self-heal Daemon on 10.10.0.3", "Y"));
    expect((await sh(c, "pve2", "gluster volume heal gv0 info")).stdout).toContain(
      "Brick 10.10.0.3:/data/brick/gv0\nStatus: Connected\nNumber of entries: 0\n",
    );
  });
});
