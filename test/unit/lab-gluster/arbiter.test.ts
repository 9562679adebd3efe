// The arbiter-volume lab against a real pool: the lab model (pve1-3, `gv0` replica 3 and `vmstore`
// replica 2 + arbiter 1) driven through the four states of test/fixtures/gluster/arbiter (healthy,
// node 3 down with writes, node 3 back while healing, healed), each command rollgate runs compared
// with the real GlusterFS 10.3 capture of `labvol` (replica 3) and `arbvol` (replica 2 + arbiter,
// the arbiter last): the same lines once UUIDs, host names, brick paths, ports, pids and entry
// counts are put aside, and the runs of `<file>` entries folded to one line.

import { afterEach, describe, expect, it } from "vitest";
import { runGluster } from "../../../src/lab/gluster/cli.js";
import { LabCluster, timings } from "../../../src/lab/model/cluster.js";
import { glusterViewFrom } from "../../../src/lab/model/gluster-view.js";
import { faultsOf } from "../../../src/lab/model/scenarios.js";
import { buildTopology } from "../../../src/lab/model/topology.js";
import { manualClock, type ManualClock } from "../lab/manual-clock.js";
import { loopbackFixture, readFixture, stdoutOf } from "./fixtures.js";

interface Naming {
  hosts: readonly string[];
  volumes: ReadonlyArray<{ name: string; brickPath: string }>;
}

const REAL: Naming = {
  hosts: ["node1", "node2", "node3"],
  volumes: [
    { name: "arbvol", brickPath: "/srv/gluster/arbvol/brick" },
    { name: "labvol", brickPath: "/srv/gluster/labvol/brick" },
  ],
};
const LAB: Naming = {
  hosts: ["pve1", "pve2", "pve3"],
  volumes: [
    { name: "vmstore", brickPath: "/data/brick/vmstore" },
    { name: "gv0", brickPath: "/data/brick/gv0" },
  ],
};

/** What may differ between two pools; the rest (elements, their order, states, `-` and 0 counts) must not. */
function shape(output: string, naming: Naming): string[] {
  let text = output;
  naming.volumes.forEach(({ name, brickPath }, i) => {
    text = text.replaceAll(brickPath, `BRICK${i}`).replace(new RegExp(`\\b${name}\\b`, "g"), `VOL${i}`);
  });
  naming.hosts.forEach((host, i) => (text = text.replace(new RegExp(`\\b${host}\\b`, "g"), `HOST${i + 1}`)));
  text = text
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "UUID")
    .replace(/<(port|tcp|pid)>\d+</g, "<$1>N<")
    .replace(/<numberOfEntries>[1-9]\d*</g, "<numberOfEntries>N<");
  const lines = text.split("\n").filter((line, i, all) => !(line.includes("<file ") && all[i - 1]?.includes("<file ")));
  return lines.map((line) => (line.includes("<file ") ? line.replace(/<file .*<\/file>/, "<file/>") : line));
}

/** The `<volume>` elements of a document, each as its lines. */
function volumeElements(xml: string): string[] {
  return [...xml.matchAll(/ *<volume>\n[\s\S]*?\n *<\/volume>\n/g)].map((m) => m[0]);
}

let clock: ManualClock;
afterEach(() => clock?.stop());

/** The lab in the capture's state, seen from pve1 as the captures were seen from node1; on PVE 8.4, whose GlusterFS 10.3 made them. */
function labIn(state: string): LabCluster {
  clock = manualClock();
  const cluster = new LabCluster(buildTopology(3, "8.4"), faultsOf("arbiter-volume"), clock);
  if (state === "1-healthy") return cluster;
  cluster.powerCycle("pve3");
  // Down, and past the ping timeout after which its peers read it Disconnected.
  clock.tick(timings.shutdown + timings.peerStaleAfterDown + 1_000);
  if (state === "2-node3-down") return cluster;
  clock.tick(timings.boot - timings.peerStaleAfterDown - 1_000 + timings.glusterAfterBoot + 500);
  if (state === "3-node3-back") return cluster;
  clock.tick(120_000);
  return cluster;
}

const gluster = (cluster: LabCluster, command: string) => {
  const result = runGluster([...command.split(" "), "--xml"], glusterViewFrom(cluster, "pve1"));
  expect(result.exitCode).toBe(0);
  expect(result.stderr).toBe("");
  return stdoutOf(result);
};

const STATES = ["1-healthy", "2-node3-down", "3-node3-back", "4-healed"];

describe.each(STATES)("arbiter captures in %s", (state) => {
  const capture = (file: string) => readFixture(`arbiter/${state}/${file}`);

  it.each([
    ["volume info VOL", "volume-info.xml"],
    ["volume status VOL", "volume-status.xml"],
    ["volume heal VOL info", "heal-info.xml"],
    ["volume heal VOL info split-brain", "heal-info-split-brain.xml"],
  ])("%s, for the arbiter volume and the replica-3 one", (command, file) => {
    const cluster = labIn(state);
    for (const [i, real] of REAL.volumes.entries()) {
      const lab = gluster(cluster, command.replace("VOL", LAB.volumes[i]!.name));
      expect(shape(lab, LAB)).toEqual(shape(capture(`node1.${real.name}.${file}`), REAL));
    }
  });

  it("volume info: one <volume> per volume in glusterd's (name) order, and their count", () => {
    const lab = gluster(labIn(state), "volume info");
    const real = capture("node1.volume-info-all.xml");
    const labVolumes = volumeElements(lab);
    const realVolumes = volumeElements(real);
    // The real pool has arbvol, arbvol1, labvol; the lab gv0, vmstore.
    expect(labVolumes.map((v) => /<name>(\w+)<\/name>/.exec(v)![1])).toEqual(["gv0", "vmstore"]);
    expect(shape(labVolumes[1]!, LAB)).toEqual(shape(realVolumes[0]!, REAL));
    expect(shape(labVolumes[0]!, LAB)).toEqual(shape(realVolumes[2]!, REAL));
    const envelope = (xml: string, volumes: string[]) => volumes.reduce((doc, v) => doc.replace(v, ""), xml);
    expect(envelope(lab, labVolumes).replace("<count>2</count>", "<count>N</count>")).toBe(
      envelope(real, realVolumes).replace("<count>3</count>", "<count>N</count>"),
    );
  });
});

describe("the arbiter volume in text", () => {
  it("volume info names the arbiter as real 10.3 does (loopback/arb_info.txt, up to its options)", () => {
    clock = manualClock();
    const cluster = new LabCluster(buildTopology(3, "8.4"), faultsOf("arbiter-volume"), clock);
    const result = runGluster(["volume", "info", "vmstore"], glusterViewFrom(cluster, "pve1"));
    const head = (text: string) => text.slice(0, text.indexOf("Options Reconfigured:")).replace(/Volume ID: \S+/, "Volume ID: UUID");
    const real = head(loopbackFixture("arb_info.txt").output)
      .replace(/127\.1\.1\.(\d):\/data\/gl\/\d\/bricks\/vmshard/g, "pve$1:/data/brick/vmstore")
      .replace("vmshard", "vmstore");
    expect(head(stdoutOf(result))).toBe(real);
    expect(stdoutOf(result)).toContain("Number of Bricks: 1 x (2 + 1) = 3\n");
    expect(stdoutOf(result)).toContain("Brick3: pve3:/data/brick/vmstore (arbiter)\n");
  });

  it("volume list names both volumes; pool list is the pool's, whatever the volumes", () => {
    clock = manualClock();
    const cluster = new LabCluster(buildTopology(3, "8.4"), faultsOf("arbiter-volume"), clock);
    expect(stdoutOf(runGluster(["volume", "list"], glusterViewFrom(cluster, "pve2")))).toBe("gv0\nvmstore\n");
    expect(stdoutOf(runGluster(["pool", "list"], glusterViewFrom(cluster, "pve2"))).split("\n")).toHaveLength(5);
  });

  it("volume status all lists both volumes, each with its own brick processes and the nodes' shared self-heal daemons", () => {
    clock = manualClock();
    const cluster = new LabCluster(buildTopology(3, "8.4"), faultsOf("arbiter-volume"), clock);
    const text = stdoutOf(runGluster(["volume", "status"], glusterViewFrom(cluster, "pve1")));
    expect(text.match(/^Status of volume: \S+$/gm)).toEqual(["Status of volume: gv0", "Status of volume: vmstore"]);
    const pids = (brick: string) => [...text.matchAll(new RegExp(`^${brick}\\s+\\d+\\s+0\\s+Y\\s+(\\d+)`, "gm"))].map((m) => m[1]);
    expect(new Set([...pids("Brick pve1:/data/brick/gv0"), ...pids("Brick pve1:/data/brick/vmstore")]).size).toBe(2);
    const shd = [...text.matchAll(/^Self-heal Daemon on localhost\s+N\/A\s+N\/A\s+Y\s+(\d+)/gm)].map((m) => m[1]);
    expect(shd).toHaveLength(2);
    expect(shd[0]).toBe(shd[1]);
  });
});
