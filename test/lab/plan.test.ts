// `rollgate plan` against the lab: a readable plan, a stable JSON document, and zero changes.

import { afterEach, describe, expect, it } from "vitest";
import type { Plan } from "../../src/plan/plan.js";
import { runCli } from "../helpers/cli.js";
import { startTestLab, type TestLab } from "../helpers/lab.js";

let current: TestLab | null = null;
afterEach(async () => {
  await current?.stop();
  current = null;
});

async function planJson(t: TestLab, ...args: string[]): Promise<Plan> {
  const run = await runCli(["plan", "-c", t.lab.files.config, "--json", ...args]);
  expect(run.exitCode).toBe(0);
  return JSON.parse(run.stdout) as Plan;
}

describe("rollgate plan", () => {
  it("orders nodes fewest-critical-first, predicts reboots, places every guest, and changes nothing", async () => {
    const t = (current = await startTestLab());
    const run = await runCli(["plan", "-c", t.lab.files.config]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain("Order: pve3 → pve1 → pve2 (fewest critical guests first)");
    const { pendingKernel, runningKernel } = t.lab.cluster.topology;
    expect(run.stdout).toContain(`reboot: new kernel ${pendingKernel} (running ${runningKernel})`);
    expect(run.stdout).toContain("Ready: every gate passes now.");
    expect(run.stdout.split("\n").length).toBeLessThan(40);

    const plan = await planJson(t);
    expect(plan.order).toEqual(["pve3", "pve1", "pve2"]);
    const moves = plan.nodes.flatMap((n) => n.moves);
    // Every running guest of every node has a destination, never the node being upgraded.
    for (const node of plan.nodes) for (const move of node.moves) expect(move.to).not.toBe(node.node);
    expect(moves.every((m) => m.problem === null)).toBe(true);
    // The container restart-migrates; the routers land on already-upgraded nodes, never together.
    expect(moves.find((m) => m.vmid === 200)).toMatchObject({ action: "restart-migrate" });
    const pve1 = plan.nodes.find((n) => n.node === "pve1")!;
    expect(pve1.moves.find((m) => m.vmid === 100)?.to).toBe("pve3");
    const pve2 = plan.nodes.find((n) => n.node === "pve2")!;
    expect(pve2.moves.find((m) => m.vmid === 101)?.to).toBe("pve1");
    expect(plan.estimateSeconds).toBeGreaterThan(0);
    expect(Object.keys(plan)).toEqual([
      "cluster",
      "observedAt",
      "order",
      "orderReason",
      "nodes",
      "gates",
      "ready",
      "warnings",
      "estimateSeconds",
      "otherRuns",
    ]);
    // No other run holds either lock.
    expect((plan as unknown as { otherRuns: unknown }).otherRuns).toEqual({ runs: [], unknown: [] });

    expect(t.lab.status().record.mutations).toEqual([]);
  });

  it("skips a node with nothing pending and the newest kernel running", async () => {
    const t = (current = await startTestLab());
    const pve2 = t.lab.cluster.node("pve2");
    pve2.pending = [];
    const plan = await planJson(t);
    expect(plan.nodes.find((n) => n.node === "pve2")).toMatchObject({ upToDate: true, moves: [] });
  });

  it("--nodes limits the plan; an unknown node is a usage error", async () => {
    const t = (current = await startTestLab());
    const plan = await planJson(t, "--nodes", "pve2");
    expect(plan.order).toEqual(["pve2"]);
    const bad = await runCli(["plan", "-c", t.lab.files.config, "--nodes", "pve7"]);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain("--nodes: no node pve7 in cluster.yaml");
  });

  it("says not ready, with the refusing gate, when both routers share a node", async () => {
    const t = (current = await startTestLab({ scenario: "routers-on-one-node" }));
    const run = await runCli(["plan", "-c", t.lab.files.config]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/critical-healthy\s+REFUSE\s+group routers: 100 and 101 all run on pve1/);
    expect(run.stdout).toContain("Not ready: 1 gate refuses.");
    expect(t.lab.status().record.mutations).toEqual([]);
  });
});

describe("rollgate plan and PVE's Gluster storage", () => {
  it("says which node cannot go down while the storage has no second volfile server", async () => {
    const t = (current = await startTestLab({ scenario: "storage-without-server2" }));
    const run = await runCli(["plan", "-c", t.lab.files.config]);
    expect(run.stdout).toContain(
      "storage gv0 (volume gv0) fetches its volfile only from pve1: while it reboots, guests on gv0 cannot start or migrate. Add a second server first: `pvesm set gv0 --server2 pve2`",
    );
    expect(run.stdout).toContain("Not ready: pve1 cannot go down as planned (see above).");
  });
});

describe("rollgate plan --to 9", () => {
  it("on PVE 8.4 with packages pending and a glusterfs storage: the minor upgrade first, and the storage conversion written out", async () => {
    const t = (current = await startTestLab({ pveVersion: "8.4" }));
    const run = await runCli(["plan", "--to", "9", "-c", t.lab.files.config, "--no-color"]);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^Major upgrade of cluster lab to PVE 9: fix these first/);
    expect(run.stdout).toMatch(
      /latest-pve-8\s+REFUSE\s+pve1 runs PVE 8\.4\.\d+ with \d+ packages to install \(.*\): run the minor upgrade first \(`rollgate upgrade`\)/,
    );
    expect(run.stdout).toContain(
      "pve1:/gv0 /mnt/pve/gv0 glusterfs defaults,_netdev,backup-volfile-servers=pve2:pve3,x-systemd.requires=glusterd.service 0 0",
    );
    // pve8to9 --full on every node: its FAILs quoted, the one about rollgate's own role a warning with the command for later.
    expect(run.stdout).toMatch(
      /pve8to9\s+REFUSE\s+pve1: pve8to9 FAIL in "CHECKING CONFIGURED STORAGES": found 'glusterfs' storage 'gv0' \(the same for pve2, pve3\)/,
    );
    expect(run.stdout).toContain(
      `warning: pve1: pve8to9 FAIL in "MISCELLANEOUS CHECKS": 1 custom role(s) use the to-be-dropped 'VM.Monitor' privilege and need to be adapted after the upgrade: that role is rollgate's own (RollgateUpgrade: PVE 8 checks VM.Monitor for the guest agent ping); once every node runs PVE 9, run \`pveum role modify RollgateUpgrade --privs "Sys.Audit,VM.Audit,VM.Migrate,VM.PowerMgmt,VM.GuestAgent.Audit,Datastore.Audit"\` (the same for pve2, pve3)`,
    );
    expect(run.stdout).toContain("`rollgate upgrade --to 9` runs it (playbook proxmox-major-9), one node at a time, behind these gates.");
    expect(t.lab.status().record.mutations).toEqual([]);
  });

  it("pve8to9-fails: the FAIL pve8to9 reports on pve2 only is quoted, with the line it names", async () => {
    const t = (current = await startTestLab({ pveVersion: "8.4", scenario: "pve8to9-fails" }));
    const run = await runCli(["plan", "--to", "9", "-c", t.lab.files.config, "--json"]);
    expect(run.exitCode, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout) as { ready: boolean; gates: Array<{ gate: string; reasons: string[] }> };
    expect(json.ready).toBe(false);
    const reasons = json.gates.find((g) => g.gate === "pve8to9")!.reasons;
    expect(reasons.filter((r) => r.includes("mixed old and new package repository suites"))).toEqual([
      expect.stringMatching(
        /^pve2: pve8to9 FAIL in "MISCELLANEOUS CHECKS": Found mixed old and new .* found suite trixie at in \/etc\/apt\/sources\.list:9 /,
      ),
    ]);
    expect(t.lab.status().record.mutations).toEqual([]);
  });

  it("on a cluster already on 9.1: ready, as JSON too", async () => {
    const t = (current = await startTestLab({ pveVersion: "9.1" }));
    const run = await runCli(["plan", "--to", "9", "-c", t.lab.files.config, "--json"]);
    expect(run.exitCode, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout) as { to: string; ready: boolean; gates: Array<{ gate: string; pass: boolean; summary: string }> };
    expect(json).toMatchObject({ to: "9", ready: true });
    expect(json.gates.find((g) => g.gate === "latest-pve-8")?.summary).toBe("pve1, pve2, pve3 on 9 already");
    expect(json.gates.find((g) => g.gate === "no-glusterfs-storage")?.pass).toBe(true);
    expect(json.gates.find((g) => g.gate === "pve8to9")).toMatchObject({ pass: true, summary: "clean on pve1, pve2, pve3" });
  });

  it("refuses a release it does not know (exit 2)", async () => {
    const t = (current = await startTestLab());
    const run = await runCli(["plan", "--to", "10", "-c", t.lab.files.config]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain("Allowed choices are 9");
  });
});

describe("rollgate plan --packages, --changelog", () => {
  it("lists every pending package with both versions, and each one's changelog since the installed version", async () => {
    const t = (current = await startTestLab());
    const listed = await runCli(["plan", "-c", t.lab.files.config, "--packages"]);
    expect(listed.exitCode).toBe(0);
    // A minor upgrade within PVE 9 is no move away from PVE 8's GlusterFS plugin.
    expect(listed.stdout).not.toContain("removed the GlusterFS storage plugin");
    for (const p of t.lab.cluster.topology.pendingPackages)
      expect(listed.stdout).toContain(p.from ? `${p.name} ${p.from} → ${p.to}` : `${p.name} ${p.to} (new)`);
    const run = await runCli(["plan", "-c", t.lab.files.config, "--changelog"]);
    expect(run.exitCode).toBe(0);
    const notes = run.stdout.slice(run.stdout.indexOf("Changelogs:"));
    // pve-manager 9.1.2 → 9.1.4: the real entries of 9.1.4 and 9.1.3, not of the installed 9.1.2.
    expect(notes).toMatch(
      /pve-manager 9\.1\.2 → 9\.1\.4 \(apt-get changelog on pve\d\)\n\s+pve-manager \(9\.1\.4\) trixie; urgency=medium/,
    );
    expect(notes).toContain("pve-manager (9.1.3) trixie");
    expect(notes).not.toContain("pve-manager (9.1.2)");
    expect(notes).not.toContain("pve-manager (9.1.5)");
    // The lab holds no other capture: apt's own answer for a changelog it cannot find, said per package.
    expect(notes).toMatch(
      /qemu-server \S+ → \S+ \(apt-get changelog on pve\d\)\n {2}not available: E: Failed to fetch changelog:\/qemu-server\.changelog {2}Changelog unavailable for qemu-server=/,
    );
    expect(t.lab.status().record.mutations).toEqual([]);
    const json = JSON.parse((await runCli(["plan", "-c", t.lab.files.config, "--changelog", "--json"])).stdout) as {
      changelogs: Array<{ name: string; changes: { ok: boolean; entries?: Array<{ version: string }> } }>;
    };
    expect(json.changelogs.find((c) => c.name === "pve-manager")?.changes.entries?.map((e) => e.version)).toEqual(["9.1.4", "9.1.3"]);
  });
});
