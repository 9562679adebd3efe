// `rollgate upgrade --to 9` against a PVE 8.4 lab: a cluster prepared as `plan --to 9` asks
// (ready-for-9) is carried to 9.1 one node at a time, routers never both down; one that is not
// ready is refused before any node is touched, saying what to fix; a run resumes only through
// the playbook it started with.

import { afterEach, describe, expect, it } from "vitest";
import type { LabOptions } from "../../src/lab/lab.js";
import type { ScenarioName } from "../../src/lab/model/scenarios.js";
import { runCli } from "../helpers/cli.js";
import { eventually, startTestLab, type TestLab } from "../helpers/lab.js";

let current: TestLab | null = null;
afterEach(async () => {
  await current?.stop();
  current = null;
});

async function lab(options: Omit<LabOptions, "dir"> = {}): Promise<TestLab> {
  current = await startTestLab({ timeScale: 200, pveVersion: "8.4", ...options });
  return current;
}

const upgrade = (t: TestLab, ...args: string[]) => runCli(["upgrade", "-c", t.lab.files.config, ...args]);

describe("rollgate upgrade --to 9", () => {
  it("carries a prepared 8.4 cluster to 9.1 node by node: new kernel, Gluster 11.1, routers never both down", async () => {
    const t = await lab({ scenario: "ready-for-9" });
    const run = await upgrade(t, "--to", "9", "--yes", "--no-color");
    expect(run.exitCode, run.stdout.slice(-2000)).toBe(0);
    expect(run.stdout).toContain("playbook proxmox-major-9; nodes pve3 → pve1 → pve2");
    // PVE's HA migration made no rule that keeps the routers apart: rollgate adds the one cluster.yaml's spread asks for, then checks it.
    expect(run.stdout).toContain("finally ha-spread-rule: ok (added routers-apart (group routers))");
    expect(run.stdout).toMatch(/finally ha-spread: ok \(ha-spread: 1 of 1 spread group\(s\) kept apart by an HA rule\)/);
    for (const node of ["pve1", "pve2", "pve3"]) {
      expect(t.lab.cluster.node(node).pveVersion).toBe("9.1.4");
      expect(t.lab.cluster.node(node).runningKernel).toBe("6.17.4-2-pve");
      expect(t.lab.cluster.profileOf(node).glusterfs).toBe("11.1");
      // sources-trixie kept the originals.
      expect([...t.lab.cluster.node(node).aptFiles.keys()]).toContain("/etc/apt/sources.list.bookworm.bak");
    }
    const record = t.lab.status().record;
    expect(record.unsafeTakeDowns).toEqual([]);
    expect(record.maxOutOfService).toBe(1);
    expect(record.criticalBreaches).toEqual([]);
    // Guests move only older → newer: from the first dist-upgrade on, none leaves a node on 9 for one still on 8.
    const on9 = new Set<string>();
    const backwards: string[] = [];
    for (const { action } of record.mutations) {
      const upgraded = /^apt-get dist-upgrade on (\S+)$/.exec(action);
      if (upgraded) on9.add(upgraded[1]!);
      const moved = /^migrate \d+ from (\S+) to (\S+)$/.exec(action);
      if (moved && on9.has(moved[1]!) && !on9.has(moved[2]!)) backwards.push(action);
    }
    expect(on9.size).toBe(3);
    expect(backwards).toEqual([]);
    // No migration failed, HA's own included.
    expect([...t.lab.cluster.tasks.values()].filter((task) => /migrate$/.test(task.type) && task.exitstatus !== "OK")).toEqual([]);
    // Each node: sources, then the dist-upgrade, then the reboot into the new kernel, each after the node was emptied.
    const pve3 = record.mutations.filter((m) => m.action.includes("pve3")).map((m) => m.action);
    expect(pve3.indexOf("apt-get dist-upgrade on pve3")).toBeLessThan(pve3.indexOf("reboot pve3"));
    // Gluster's op-version only after the last server runs 11.
    const raise = record.mutations.findIndex((m) => m.action === "gluster volume set all cluster.op-version 110000");
    expect(raise).toBeGreaterThan(record.mutations.findIndex((m) => m.action === "reboot pve2"));
    expect(t.lab.cluster.glusterOpVersion).toBe(110000);
    // With every node on 9, PVE's HA manager migrated the groups to rules by itself; the negative rule came after.
    expect(t.lab.cluster.ha.groups).toEqual([]);
    expect(t.lab.cluster.ha.rules).toEqual([
      expect.objectContaining({ rule: "ha-group-routers", type: "node-affinity" }),
      expect.objectContaining({ rule: "routers-apart", type: "resource-affinity", resources: ["vm:100", "vm:101"], affinity: "negative" }),
    ]);
    expect(record.mutations.filter((m) => m.action.startsWith("ha-manager rules add"))).toHaveLength(1);
    const again = await upgrade(t, "--to", "9", "--yes", "--no-color");
    expect(again.exitCode, again.stdout.slice(-1500)).toBe(0);
    expect(again.stdout).toContain("nothing to do: every node is up to date");
  }, 120_000);

  it("peer-rejected-after-upgrade: the first node back on GlusterFS 11 is Peer Rejected; one glusterd restart brings it back, then the run goes on", async () => {
    const t = await lab({ scenario: "peer-rejected-after-upgrade" });
    const run = await upgrade(t, "--to", "9", "--yes", "--no-color");
    expect(run.stdout).toContain(
      'pve3 gluster-rejoin: ok (pve3 is back in the pool after one restart of its glusterd (was: pve1 sees pve3 as "Peer Rejected"',
    );
    const record = t.lab.status().record;
    expect(record.mutations.filter((m) => m.action === "systemctl restart glusterd.service on pve3")).toHaveLength(1);
    expect(record.faults.map((f) => f.what)).toEqual(["pve3 Peer Rejected after its upgrade to GlusterFS 11"]);
    expect(record.unsafeTakeDowns).toEqual([]);
    expect(run.exitCode, run.stdout.slice(-1500)).toBe(0);
  }, 120_000);

  it("a rejection one glusterd restart does not mend stops the run there, the node in maintenance, after that one restart", async () => {
    const t = await lab({ scenario: "peer-rejected-after-upgrade" });
    // A volume configuration that really differs: restarting glusterd changes nothing.
    t.lab.cluster.restartGlusterd = () => {};
    const run = await upgrade(t, "--to", "9", "--yes", "--no-color");
    expect(run.exitCode).toBe(4);
    expect(run.stdout).toContain('pve3 is still rejected after its glusterd was restarted once: pve1 sees pve3 as "Peer Rejected"');
    expect(run.stdout).toContain('look for "Version of Cksums … differ" in /var/log/glusterfs/glusterd.log');
    const record = t.lab.status().record;
    expect(record.mutations.filter((m) => m.action.startsWith("systemctl restart glusterd"))).toHaveLength(1);
    expect(t.lab.cluster.node("pve3").haStatus).toBe("maintenance");
    expect(record.takeDowns.map((d) => d.node).every((n) => n === "pve3")).toBe(true);
  }, 120_000);

  it("a dry run walks the major upgrade's steps and changes nothing", async () => {
    const t = await lab({ scenario: "ready-for-9" });
    const run = await upgrade(t, "--to", "9", "--dry-run", "--no-color");
    // It foresees the end too: the rule PVE's HA migration will not make, added once the groups are migrated.
    expect(run.exitCode, run.stdout.slice(-2000)).toBe(0);
    expect(run.stdout).toContain(
      "would: ha-manager rules add resource-affinity routers-apart --resources vm:100,vm:101 --affinity negative --comment 'kept apart by rollgate: cluster.yaml spreads this critical group' on pve1, once PVE has migrated the HA groups (group routers)",
    );
    expect(run.stdout).toMatch(/would: back up \/etc\/apt\/sources\.list as \/etc\/apt\/sources\.list\.bookworm\.bak .* on pve3/);
    expect(run.stdout).toContain(
      "would: DEBIAN_FRONTEND=noninteractive apt-get -y -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold dist-upgrade on pve3: PVE 8.4.2 to 9",
    );
    expect(t.lab.status().record.mutations).toEqual([]);
  }, 60_000);

  it("plan --to 9 names the repositories each node will use after the switch to trixie, read only", async () => {
    const t = await lab({ scenario: "ready-for-9" });
    const run = await runCli(["plan", "--to", "9", "-c", t.lab.files.config, "--no-color"]);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toMatch(
      /trixie-repositories\s+pass\s+pve1, pve2, pve3: deb\.debian\.org\/debian trixie trixie-updates main contrib; security\.debian\.org\/debian-security trixie-security main contrib; download\.proxmox\.com\/debian\/pve trixie pve-no-subscription\n/,
    );
    expect(t.lab.status().record.mutations).toEqual([]);
  });

  it("a run of some nodes only leaves the op-version where it is, saying why", async () => {
    const t = await lab({ scenario: "ready-for-9" });
    const run = await upgrade(t, "--to", "9", "--yes", "--nodes", "pve3", "--no-color");
    expect(run.exitCode, run.stdout.slice(-1500)).toBe(0);
    expect(run.stdout).toMatch(
      /gluster-op-version: skipped \(kept at 100000: pve1 runs glusterfs 10\.3, pve2 runs glusterfs 10\.3; raise it once every server runs 11\)/,
    );
    expect(t.lab.cluster.glusterOpVersion).toBe(100000);
  }, 60_000);

  it.each<[readonly ScenarioName[], RegExp]>([
    [
      ["glusterfs-storage"],
      /no-glusterfs-storage: storage gv0 is of type glusterfs .*add to \/etc\/fstab `pve1:\/gv0 \/mnt\/pve\/gv0 glusterfs /,
    ],
    [
      ["ready-for-9", "pve8to9-fails"],
      /pve8to9: pve2: pve8to9 FAIL in "MISCELLANEOUS CHECKS": Found mixed old and new package repository suites/,
    ],
    [["low-disk-space"], /disk-space: pve2: \/ has 3\.1 GB free of 100\.8 GB; the upgrade to PVE 9 needs 5\.0 GB .*`apt-get clean`/],
  ])("%s: refused before any node is touched, quoting what to fix", async (scenario, said) => {
    const t = await lab({ scenario });
    const run = await upgrade(t, "--to", "9", "--yes", "--no-color");
    expect(run.exitCode).toBe(3);
    expect(run.stdout).toMatch(said);
    expect(t.lab.status().record.mutations).toEqual([]);
  });

  it("low-disk-space: plan --to 9 and a dry run read the live free space and refuse as the run does, changing nothing", async () => {
    const t = await lab({ scenario: "low-disk-space" });
    const plan = await runCli(["plan", "--to", "9", "-c", t.lab.files.config, "--json"]);
    const gates = (JSON.parse(plan.stdout) as { gates: Array<{ gate: string; pass: boolean; reasons: string[] }> }).gates;
    expect(gates.find((g) => g.gate === "disk-space")).toMatchObject({
      pass: false,
      reasons: [expect.stringMatching(/^pve2: \/ has 3\.1 GB free/)],
    });
    // pve8to9 sees the same disk: its WARN, which alone refuses nothing.
    expect(gates.find((g) => g.gate === "pve8to9")?.pass).toBe(true);
    const dry = await upgrade(t, "--to", "9", "--dry-run", "--no-color");
    expect(dry.exitCode).toBe(3);
    expect(dry.stdout).toMatch(/disk-space: pve2: \/ has 3\.1 GB free/);
    expect(t.lab.status().record.mutations).toEqual([]);
  }, 60_000);

  it("on an 8.4 cluster not prepared: refused before any node is touched, each thing to fix named", async () => {
    const t = await lab();
    const run = await upgrade(t, "--to", "9", "--yes", "--no-color");
    expect(run.exitCode).toBe(3);
    expect(run.stdout).toMatch(/latest-pve-8: .*run the minor upgrade first/);
    expect(t.lab.status().record.mutations).toEqual([]);
    // The run stops at the first gate that refuses; plan names every one. GlusterFS 10.3 wrote
    // nfs.disable=on at volume create, which 11.1 drops, so its 10.3 peers would reject it.
    const plan = await runCli(["plan", "--to", "9", "-c", t.lab.files.config, "--json"]);
    const gates = (JSON.parse(plan.stdout) as { gates: Array<{ gate: string; pass: boolean; reasons: string[] }> }).gates;
    expect(gates.find((g) => g.gate === "gluster-records")).toMatchObject({
      pass: false,
      reasons: [
        expect.stringMatching(
          /^pve1: \/var\/lib\/glusterd\/vols\/gv0\/info holds `nfs\.disable=on`, which GlusterFS 11\.1 drops when it starts.* \(the same for pve2, pve3\)$/,
        ),
      ],
    });
  });

  it("a run stopped mid-node resumes only through the playbook it started with, and then finishes on 9", async () => {
    const t = await lab({ scenario: "ready-for-9" });
    let signal: (name: NodeJS.Signals) => void = () => {};
    const interrupted = runCli(["upgrade", "-c", t.lab.files.config, "--to", "9", "--yes"], { onStart: (send) => (signal = send) });
    await eventually("pve3's dist-upgrade", () => t.lab.status().record.mutations.some((m) => m.action === "apt-get dist-upgrade on pve3"));
    signal("SIGTERM");
    const stopped = await interrupted;
    expect(stopped.exitCode).toBe(6);
    // What to run next names the playbook's major: a plain --resume would be refused (below).
    expect(stopped.stdout).toContain("continue with `rollgate upgrade --to 9 --resume`");
    const minor = await upgrade(t, "--yes", "--resume");
    expect(minor.exitCode).toBe(2);
    expect(minor.stderr).toContain(
      "the run to resume used playbook proxmox-major-9, not proxmox-gluster: resume it with `rollgate upgrade --to 9 --resume` (or start over with --fresh)",
    );
    const resumed = await upgrade(t, "--to", "9", "--yes", "--resume");
    expect(resumed.exitCode, resumed.stdout.slice(-1500)).toBe(0);
    expect([...t.lab.cluster.nodes.values()].map((n) => n.pveVersion)).toEqual(["9.1.4", "9.1.4", "9.1.4"]);
    expect(t.lab.status().record.mutations.filter((m) => m.action === "reboot pve3")).toHaveLength(1);
    expect(t.lab.status().record.maxOutOfService).toBe(1);
  }, 120_000);
});
