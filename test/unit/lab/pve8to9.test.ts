// `pve8to9 [--full]` on lab nodes, through the lab shell: the fixtures' bytes (colours included,
// which the real tool writes without a terminal), exit 0 whatever it found, the FAILs a PVE 8.4
// node of this lab really gets, the pve8to9-fails scenario's FAIL on pve2 only, pending updates as
// a WARN until the minor upgrade, lost quorum, and PVE 9.1's "already upgraded" report.

import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { LabCluster } from "../../../src/lab/model/cluster.js";
import { labAccess } from "../../../src/lab/pve/access.js";
import type { PveRelease } from "../../../src/lab/model/releases.js";
import { faultsOf, scenarioReleases, type ScenarioName } from "../../../src/lab/model/scenarios.js";
import { buildTopology } from "../../../src/lab/model/topology.js";
import { parsePve8to9, pve8to9Verdict, type Pve8to9Report } from "../../../src/pve/pve8to9.js";
import { manualClock, type ManualClock } from "./manual-clock.js";
import { runOnNode } from "./lab-shell.js";

let clock: ManualClock;
afterEach(() => clock?.stop());

/** A lab cluster whose user.cfg holds rollgate's role, as `rollgate lab up` makes it. */
async function lab(release: PveRelease, scenario: ScenarioName = "healthy"): Promise<LabCluster> {
  clock = manualClock();
  const cluster = new LabCluster(buildTopology(3, release), faultsOf(scenario), clock);
  const token = { tokenId: "rollgate@pve!upgrade", secret: "secret", missingPrivileges: cluster.faults.tokenMissingPrivileges };
  await labAccess(release, token, cluster.userConfig);
  return cluster;
}

/** Runs a line on `node`, moving model time on until it is done. */
/** Runs a line on `node`, moving model time on until it is done. */
const sh = (cluster: LabCluster, line: string, node = "pve1") => runOnNode(cluster, clock, line, { node });

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/pve8to9/${name}`, import.meta.url), "utf8");

async function checklist(cluster: LabCluster, node = "pve1"): Promise<Pve8to9Report> {
  const run = await sh(cluster, "pve8to9 --full", node);
  expect(run.status).toBe(0);
  const parsed = parsePve8to9(run.stdout);
  if ("error" in parsed) throw new Error(parsed.error);
  return parsed;
}

const failTexts = (r: Pve8to9Report) => r.lines.filter((l) => l.level === "fail").map((l) => l.text.split("\n")[0]);

describe("pve8to9 on a PVE 8.4 node", () => {
  it("writes the fixture's bytes, coloured without a terminal, plain with NO_COLOR, and exits 0 despite its FAILs", async () => {
    const cluster = await lab("8.4");
    expect(await sh(cluster, "pve8to9 --full")).toEqual({ status: 0, stdout: fixture("pve84-full.color.txt"), stderr: "" });
    expect(await sh(cluster, "NO_COLOR=1 pve8to9 --full")).toEqual({ status: 0, stdout: fixture("pve84-full.txt"), stderr: "" });
  });

  it("FAILs the native glusterfs storage and rollgate's VM.Monitor role, as the real tool would on this cluster", async () => {
    const report = await checklist(await lab("8.4"));
    expect(failTexts(report)).toEqual([
      "found 'glusterfs' storage 'gv0'",
      "Starting with Proxmox VE 9, native GlusterFS support will end. GlusterFS storage will therefore cease to work.",
      "1 custom role(s) use the to-be-dropped 'VM.Monitor' privilege and need to be adapted after the upgrade",
    ]);
    expect(pve8to9Verdict("pve1", report).pass).toBe(false);
  });

  it("counts every custom role of user.cfg holding VM.Monitor, not only rollgate's", async () => {
    const cluster = await lab("8.4");
    cluster.userConfig.roles["Monitoring"] = ["VM.Audit", "VM.Monitor"];
    cluster.userConfig.roles["Backup"] = ["VM.Backup"];
    expect(failTexts(await checklist(cluster)).at(-1)).toBe(
      "2 custom role(s) use the to-be-dropped 'VM.Monitor' privilege and need to be adapted after the upgrade",
    );
    delete cluster.userConfig.roles["Monitoring"];
    delete cluster.userConfig.roles["RollgateUpgrade"];
    const report = await checklist(cluster);
    expect(report.lines.find((l) => l.text.startsWith("none of the"))?.text).toBe("none of the 1 custom roles need handling");
  });

  it("WARNs pending updates until the minor upgrade is installed", async () => {
    const cluster = await lab("8.4");
    const before = await checklist(cluster);
    expect(before.lines.find((l) => l.section === "CHECKING VERSION INFORMATION FOR PVE PACKAGES" && l.level === "warn")?.text).toMatch(
      /^updates for the following packages are available:\n {2}proxmox-kernel-6\.8, /,
    );
    expect((await sh(cluster, "DEBIAN_FRONTEND=noninteractive apt-get -y dist-upgrade")).status).toBe(0);
    const after = await checklist(cluster);
    expect(after.lines.some((l) => l.level === "pass" && l.text === "all packages up-to-date")).toBe(true);
    expect(after.summary.warnings).toBe(before.summary.warnings - 1);
  });

  it("FAILs lost quorum and the nodes it cannot see", async () => {
    const report = await checklist(await lab("8.4", "quorum-lost"));
    const cluster = report.lines.filter((l) => l.section === "CHECKING CLUSTER HEALTH/SETTINGS" && l.level !== "info");
    expect(cluster.map((l) => `${l.level}: ${l.text}`)).toEqual([
      "pass: systemd unit 'pve-cluster.service' is in state 'active'",
      "pass: systemd unit 'corosync.service' is in state 'active'",
      "fail: Cluster Filesystem readonly, lost quorum?!",
      "fail: 2 nodes are offline!",
      "warn: total votes < expected votes: 1/3!",
      "pass: nodelist settings OK",
      "pass: totem settings OK",
    ]);
  });

  it("refuses arguments it does not model", async () => {
    expect(await sh(await lab("8.4"), "pve8to9 --frobnicate")).toEqual({
      status: 255,
      stdout: "",
      stderr: "the lab models only 'pve8to9 [--full]'\n",
    });
  });
});

describe("pve8to9's APT check reads the node's own files", () => {
  const aptLines = (r: Pve8to9Report) =>
    r.lines
      .filter((l) => l.section === "MISCELLANEOUS CHECKS" && /suite|pve-?test/.test(l.text) && l.level !== "info")
      .map((l) => `${l.level}: ${l.text.split("\n")[0]}`);

  it("a .list file on trixie beside bookworm ones is the mixed-suites FAIL; a pvetest one on bookworm a WARN", async () => {
    const cluster = await lab("8.4");
    cluster
      .node("pve1")
      .aptFiles.set("/etc/apt/sources.list.d/pvetest.list", "deb http://download.proxmox.com/debian/pve bookworm pvetest\n");
    cluster.node("pve3").aptFiles.set("/etc/apt/sources.list.d/extra.list", "deb http://deb.debian.org/debian trixie main\n");
    expect(aptLines(await checklist(cluster, "pve1"))).toEqual([
      "pass: found no suite mismatch",
      "warn: Found legacy spelling 'pvetest' of the pve-test repo. Change the repo to use 'pve-test' when updating the repos to the 'trixie' suite for Proxmox VE 9!",
    ]);
    expect(aptLines(await checklist(cluster, "pve3"))).toEqual([
      "fail: Found mixed old and new package repository suites, fix before upgrading! Mismatches:",
    ]);
  });

  it("PVE 9's deb822 .sources files are not read: nothing to mismatch", async () => {
    expect(aptLines(await checklist(await lab("9.1")))).toEqual(["pass: found no suite mismatch"]);
  });
});

describe("the pve8to9-fails scenario", () => {
  it("exists on PVE 8.4 only, where pve8to9 reads the .list files it is about", () => {
    expect(scenarioReleases["pve8to9-fails"]).toEqual(["8.4"]);
  });

  it("adds the mixed-suites FAIL to pve2's report, and to no other node's", async () => {
    const cluster = await lab("8.4", "pve8to9-fails");
    expect((await sh(cluster, "NO_COLOR=1 pve8to9 --full", "pve2")).stdout).toBe(fixture("pve84-mixed-suites.txt"));
    const mixed = "Found mixed old and new package repository suites, fix before upgrading! Mismatches:";
    for (const node of ["pve1", "pve2", "pve3"]) {
      const report = await checklist(cluster, node);
      expect(failTexts(report).includes(mixed), node).toBe(node === "pve2");
    }
    const verdict = pve8to9Verdict("pve2", await checklist(cluster, "pve2"));
    expect(verdict.reasons).toContain(
      "pve2: pve8to9 FAIL in \"MISCELLANEOUS CHECKS\": Found mixed old and new package repository suites, fix before upgrading! Mismatches: found suite bookworm at in /etc/apt/sources.list:1 found suite trixie at in /etc/apt/sources.list:9 Configure the same base-suite for all Proxmox and Debian provided repos and ask original vendor for any third-party repos. E.g., for the upgrade to Proxmox VE 9 use the 'trixie' suite.",
    );
  });
});

describe("pve8to9 on a PVE 9.1 node", () => {
  it("is still installed and reports the node as upgraded: no FAIL, the pending updates as its one WARN", async () => {
    const cluster = await lab("9.1");
    expect(await sh(cluster, "pve8to9 --full")).toEqual({ status: 0, stdout: fixture("pve91-full.color.txt"), stderr: "" });
    expect((await sh(cluster, "NO_COLOR=1 pve8to9", "pve2")).stdout).toBe(fixture("pve91-not-full.txt"));
    const report = await checklist(cluster);
    expect(report.lines[0]).toMatchObject({ level: "warn" });
    expect(report.lines[1]).toMatchObject({ level: "pass", text: "already upgraded to Proxmox VE 9" });
    const verdict = pve8to9Verdict("pve1", report);
    expect(verdict.pass).toBe(true);
    expect(verdict.warnings).toHaveLength(1);
  });
});
