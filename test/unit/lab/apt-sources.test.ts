// A lab node's APT sources through its shell: the files a PVE 8.4 and a 9.1 node have, read with
// cat and ls, written atomically (dd to a temporary name, then mv), and apt-get update following
// them: trixie sources on 8.4 offer the PVE 9 set, an enabled enterprise entry answers 401.

import { afterEach, describe, expect, it } from "vitest";
import { LabCluster } from "../../../src/lab/model/cluster.js";
import type { PveRelease } from "../../../src/lab/model/releases.js";
import { faultsOf, type ScenarioName } from "../../../src/lab/model/scenarios.js";
import { buildTopology } from "../../../src/lab/model/topology.js";
import { planTrixieSources, type SourceFile } from "../../../src/pve/apt-sources.js";
import { manualClock, type ManualClock } from "./manual-clock.js";
import { runOnNode } from "./lab-shell.js";

const D = "/etc/apt/sources.list.d";
let clock: ManualClock;
afterEach(() => clock?.stop());

function lab(release: PveRelease, scenario: ScenarioName = "healthy"): LabCluster {
  clock = manualClock();
  return new LabCluster(buildTopology(3, release), faultsOf(scenario), clock);
}

const sh = (cluster: LabCluster, line: string, stdin = "", node = "pve1") => runOnNode(cluster, clock, line, { node, stdin });

/** What rollgate would do over SSH: each file to a temporary name, then renamed over the real one. */
async function writeAtomically(c: LabCluster, file: SourceFile): Promise<void> {
  expect(await sh(c, `dd of=${file.path}.rollgate-tmp status=none`, file.content)).toEqual({ status: 0, stdout: "", stderr: "" });
  expect(await sh(c, `mv -f ${file.path}.rollgate-tmp ${file.path}`)).toEqual({ status: 0, stdout: "", stderr: "" });
}

async function readSources(c: LabCluster): Promise<SourceFile[]> {
  const names = (await sh(c, `ls ${D}`)).stdout.split("\n").filter(Boolean);
  const paths = ["/etc/apt/sources.list", ...names.map((n) => `${D}/${n}`)];
  const files: SourceFile[] = [];
  for (const path of paths) {
    const read = await sh(c, `cat ${path}`);
    if (read.status === 0) files.push({ path, content: read.stdout });
  }
  return files;
}

describe("the sources files of a lab node", () => {
  it("PVE 8.4: sources.list with the no-subscription line, the installer's pve-enterprise.list and ceph.list commented out", async () => {
    const c = lab("8.4");
    expect(await sh(c, "ls /etc/apt")).toEqual({ status: 0, stdout: "sources.list\nsources.list.d\n", stderr: "" });
    expect((await sh(c, `ls -1 ${D}`)).stdout).toBe("ceph.list\npve-enterprise.list\n");
    expect((await sh(c, "cat /etc/apt/sources.list")).stdout).toContain(
      "deb http://download.proxmox.com/debian/pve bookworm pve-no-subscription\n",
    );
    expect((await sh(c, `cat ${D}/pve-enterprise.list`)).stdout).toBe(
      "# deb https://enterprise.proxmox.com/debian/pve bookworm pve-enterprise\n",
    );
    expect((await sh(lab("8.4", "enterprise-repo-401"), `cat ${D}/pve-enterprise.list`)).stdout).toBe(
      "deb https://enterprise.proxmox.com/debian/pve bookworm pve-enterprise\n",
    );
  });

  it("PVE 9.1: the deb822 set", async () => {
    const c = lab("9.1");
    expect((await sh(c, `ls ${D}`)).stdout).toBe("ceph.sources\ndebian.sources\nproxmox.sources\npve-enterprise.sources\n");
    expect((await sh(c, `cat ${D}/pve-enterprise.sources`)).stdout).toBe(
      "Types: deb\nURIs: https://enterprise.proxmox.com/debian/pve\nSuites: trixie\nComponents: pve-enterprise\nEnabled: no\nSigned-By: /usr/share/keyrings/proxmox-archive-keyring.gpg\n",
    );
    expect(await sh(c, "cat /etc/apt/sources.list")).toEqual({
      status: 1,
      stdout: "",
      stderr: "cat: /etc/apt/sources.list: No such file or directory\n",
    });
    expect((await sh(c, `test -d ${D} && test -f ${D}/debian.sources && echo yes`)).stdout).toBe("yes\n");
  });

  it("writes, renames and removes with coreutils' messages; each change recorded on that node only", async () => {
    const c = lab("9.1");
    await writeAtomically(c, { path: `${D}/extra.sources`, content: "Types: deb\n" });
    expect((await sh(c, `cat ${D}/extra.sources`)).stdout).toBe("Types: deb\n");
    expect((await sh(c, `ls ${D}`, "", "pve2")).stdout).not.toContain("extra.sources");
    expect(await sh(c, `rm ${D}/extra.sources`)).toEqual({ status: 0, stdout: "", stderr: "" });
    expect(await sh(c, `rm ${D}/extra.sources`)).toEqual({
      status: 1,
      stdout: "",
      stderr: `rm: cannot remove '${D}/extra.sources': No such file or directory\n`,
    });
    expect((await sh(c, `rm -f ${D}/extra.sources`)).status).toBe(0);
    expect(await sh(c, `dd of=${D} status=none`, "x")).toMatchObject({ status: 1, stderr: `dd: failed to open '${D}': Is a directory\n` });
    expect(await sh(c, `mv ${D}/missing ${D}/x`)).toMatchObject({
      status: 1,
      stderr: `mv: cannot stat '${D}/missing': No such file or directory\n`,
    });
    expect(await sh(c, `ls ${D}/missing`)).toMatchObject({
      status: 2,
      stderr: `ls: cannot access '${D}/missing': No such file or directory\n`,
    });
    expect((await sh(c, `ls ${D}/debian.sources`)).stdout).toBe(`${D}/debian.sources\n`);
  });
});

describe("apt-get update follows the files", () => {
  it("an enterprise entry enabled by hand answers 401; commented out again, the update passes", async () => {
    const c = lab("8.4");
    expect((await sh(c, "apt-get update")).status).toBe(0);
    await writeAtomically(c, {
      path: `${D}/pve-enterprise.list`,
      content: "deb https://enterprise.proxmox.com/debian/pve bookworm pve-enterprise\n",
    });
    const failing = await sh(c, "apt-get update");
    expect(failing.status).toBe(100);
    expect(failing.stdout).toContain(
      "Err:5 https://enterprise.proxmox.com/debian/pve bookworm InRelease\n  401  Unauthorized [IP: 66.70.154.82 443]\n",
    );
    const fixed = lab("9.1", "enterprise-repo-401");
    expect((await sh(fixed, "apt-get update")).status).toBe(100);
    const sources = (await sh(fixed, `cat ${D}/pve-enterprise.sources`)).stdout;
    await writeAtomically(fixed, {
      path: `${D}/pve-enterprise.sources`,
      content: sources.replace("Components: pve-enterprise\n", "Components: pve-enterprise\nEnabled: no\n"),
    });
    expect((await sh(fixed, "apt-get update")).status).toBe(0);
  });

  it("a file apt cannot parse stops the update before any fetch", async () => {
    const c = lab("9.1");
    await writeAtomically(c, { path: `${D}/broken.sources`, content: "URIs: http://x\nSuites: trixie\n" });
    expect(await sh(c, "apt-get update")).toEqual({
      status: 100,
      stdout: "",
      stderr: `E: Malformed stanza 1 in source list ${D}/broken.sources (type)\nE: The list of sources could not be read.\n`,
    });
    await sh(c, `rm ${D}/broken.sources`);
    await writeAtomically(c, { path: `${D}/broken.list`, content: "# fine\ndeb http://deb.debian.org/debian\n" });
    expect((await sh(c, "apt-get update")).stderr).toBe(
      `E: Malformed entry 2 in list file ${D}/broken.list (Suite)\nE: The list of sources could not be read.\n`,
    );
  });

  it("8.4 switched to trixie by planTrixieSources: the update fetches trixie and the simulation offers PVE 9.1", async () => {
    const c = lab("8.4");
    const plan = planTrixieSources(await readSources(c), { subscription: false });
    if (!plan.ok) throw new Error(plan.refusals.join("\n"));
    for (const file of [...plan.backups, ...plan.writes]) await writeAtomically(c, file);
    for (const path of plan.removes) expect((await sh(c, `rm -f ${path}`)).status).toBe(0);
    expect((await sh(c, `ls ${D}`)).stdout).toBe(
      "ceph.list.bookworm.bak\nceph.sources\ndebian.sources\npve-enterprise.list.bookworm.bak\npve-enterprise.sources\n",
    );
    expect(planTrixieSources(await readSources(c), { subscription: false })).toMatchObject({ ok: true, changes: [] });

    const update = await sh(c, "apt-get update");
    expect(update).toMatchObject({ status: 0, stderr: "" });
    expect(update.stdout).toContain("Hit:1 http://deb.debian.org/debian trixie InRelease\n");
    expect(update.stdout).toContain("Hit:3 http://security.debian.org/debian-security trixie-security InRelease\n");
    expect(update.stdout).toContain("Get:4 http://download.proxmox.com/debian/pve trixie InRelease [2,768 B]\n");

    const simulated = await sh(c, "apt-get -s dist-upgrade");
    expect(simulated.stdout).toContain("Inst pve-manager [8.4.1] (9.1.4 Proxmox:9.1/pve-no-subscription [all])\n");
    expect(simulated.stdout).toContain("Inst qemu-server [8.3.12] (9.1.3 ");
    expect(simulated.stdout).toContain("Inst proxmox-kernel-6.17.4-2-pve-signed (6.17.4-2 ");
    // Back on bookworm, the minor upgrade is offered again.
    for (const backup of plan.backups)
      await writeAtomically(c, { path: backup.path.replace(/\.bookworm\.bak$/, ""), content: backup.content });
    for (const path of plan.writes.map((w) => w.path)) await sh(c, `rm -f ${path}`);
    expect((await sh(c, "apt-get update")).status).toBe(0);
    expect((await sh(c, "apt-get -s dist-upgrade")).stdout).toContain(
      "Inst pve-manager [8.4.1] (8.4.2 Proxmox:8.4/pve-no-subscription [all])\n",
    );
  });

  it("8.4 on trixie lists: the dist-upgrade installs PVE 9.1, whose kernel runs after the reboot", async () => {
    const c = lab("8.4");
    const plan = planTrixieSources(await readSources(c), { subscription: false });
    if (!plan.ok) throw new Error(plan.refusals.join("\n"));
    for (const file of [...plan.backups, ...plan.writes]) await writeAtomically(c, file);
    for (const path of plan.removes) await sh(c, `rm -f ${path}`);
    expect((await sh(c, "apt-get update")).status).toBe(0);
    const upgrade = await sh(c, "DEBIAN_FRONTEND=noninteractive apt-get -y dist-upgrade");
    expect(upgrade.status, upgrade.stderr).toBe(0);
    expect(upgrade.stdout).toContain("Get:1 http://download.proxmox.com/debian/pve trixie/pve-no-subscription amd64 ");
    expect(upgrade.stdout).toContain("Processing triggers for pve-manager (9.1.4) ...\n");
    expect((await sh(c, "pveversion")).stdout).toMatch(/^pve-manager\/9\.1\.4\/5ac30304265fbd8e \(running kernel: 6\.8\.12-9-pve\)\n$/);
    expect((await sh(c, "gluster --version")).stdout).toMatch(/^glusterfs 11\.1\n/);
    expect((await sh(c, "test -e /run/reboot-required")).status).toBe(0);
    expect((await sh(c, "apt-get -s dist-upgrade")).stdout).toContain("0 upgraded, 0 newly installed");
  });
});
