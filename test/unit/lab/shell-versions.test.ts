// What a lab node's shell prints on PVE 8.4 and 9.1, byte for byte where a real source fixes the
// bytes: gluster --version, findmnt's JSON, /etc/fstab, uname, proxmox-boot-tool's text-sorted
// kernel list, apt-get against a 401 from the enterprise repository, and pvecm's exit status.

import { afterEach, describe, expect, it } from "vitest";
import { LabCluster } from "../../../src/lab/model/cluster.js";
import type { PveRelease } from "../../../src/lab/model/releases.js";
import { faultsOf, type ScenarioName } from "../../../src/lab/model/scenarios.js";
import { buildTopology } from "../../../src/lab/model/topology.js";
import { manualClock, type ManualClock } from "./manual-clock.js";
import { runOnNode } from "./lab-shell.js";
import { runCommandLine } from "../../../src/lab/shell/interpreter.js";

let clock: ManualClock;
afterEach(() => clock?.stop());

function lab(release: PveRelease, scenario: ScenarioName = "healthy"): LabCluster {
  clock = manualClock();
  return new LabCluster(buildTopology(3, release), faultsOf(scenario), clock);
}

/** Runs a line on `node`, moving model time on until it is done. */
/** Runs a line on `node`, moving model time on until it is done. */
const sh = (cluster: LabCluster, line: string, node = "pve1") => runOnNode(cluster, clock, line, { node });

const glusterVersion = (v: string) =>
  `glusterfs ${v}\nRepository revision: git://git.gluster.org/glusterfs.git\nCopyright (c) 2006-2016 Red Hat, Inc. <https://www.gluster.org/>\nGlusterFS comes with ABSOLUTELY NO WARRANTY.\nIt is licensed to you under your choice of the GNU Lesser\nGeneral Public License, version 3 or any later version (LGPLv3\nor later), or the GNU General Public License, version 2 (GPLv2),\nin all cases as published by the Free Software Foundation.\n`;

const fuseJson = (source: string) =>
  `{\n   "filesystems": [\n      {\n         "target": "/mnt/pve/gv0",\n         "source": "${source}",\n         "fstype": "fuse.glusterfs",\n         "options": "rw,relatime,user_id=0,group_id=0,default_permissions,allow_other,max_read=131072"\n      }\n   ]\n}\n`;

describe("gluster --version", () => {
  it.each([
    ["8.4", "10.3"],
    ["9.1", "11.1"],
  ] as const)("PVE %s ships GlusterFS %s", async (release, version) => {
    expect(await sh(lab(release), "gluster --version")).toEqual({ status: 0, stdout: glusterVersion(version), stderr: "" });
  });

  it("an unknown option before --version fails first, as cli.c reads options in order", async () => {
    expect((await sh(lab("9.1"), "gluster --frobnicate --version")).status).toBe(255);
  });
});

describe("the Gluster mount", () => {
  it("9.1: /etc/fstab as the installer writes it, plus the volume's line with its backup volfile servers", async () => {
    const out = await sh(lab("9.1"), "cat /etc/fstab");
    expect(out.stdout).toMatch(
      /^# <file system> <mount point> <type> <options> <dump> <pass>\n\/dev\/pve\/root \/ ext4 errors=remount-ro 0 1\nUUID=[0-9A-F]{4}-[0-9A-F]{4} \/boot\/efi vfat defaults 0 1\n\/dev\/pve\/swap none swap sw 0 0\nproc \/proc proc defaults 0 0\npve1:\/gv0 \/mnt\/pve\/gv0 glusterfs defaults,_netdev,backup-volfile-servers=pve2:pve3,x-systemd.requires=glusterd.service 0 0\n$/,
    );
    expect((await sh(lab("8.4"), "cat /etc/fstab")).stdout).not.toContain("gv0");
  });

  it("9.1: findmnt --fstab -J -t glusterfs lists the fstab entry in util-linux's JSON", async () => {
    expect(await sh(lab("9.1"), "findmnt --fstab -J -t glusterfs")).toEqual({
      status: 0,
      stdout: `{\n   "filesystems": [\n      {\n         "target": "/mnt/pve/gv0",\n         "source": "pve1:/gv0",\n         "fstype": "glusterfs",\n         "options": "defaults,_netdev,backup-volfile-servers=pve2:pve3,x-systemd.requires=glusterd.service"\n      }\n   ]\n}\n`,
      stderr: "",
    });
    const without = await sh(lab("9.1", "mount-without-backup-volfile"), "findmnt --fstab -J -t glusterfs");
    expect(without.stdout).toContain('"options": "defaults,_netdev,x-systemd.requires=glusterd.service"');
  });

  it("8.4: no fstab entry (PVE's glusterfs storage mounts the volume itself): a list without a match exits 1", async () => {
    expect(await sh(lab("8.4"), "findmnt --fstab -J -t glusterfs")).toEqual({ status: 1, stdout: "", stderr: "" });
  });

  it.each([
    ["9.1", "pve1:/gv0"],
    ["8.4", "pve1:gv0"],
  ] as const)("%s: findmnt -J -t fuse.glusterfs shows the live FUSE mount of %s", async (release, source) => {
    expect(await sh(lab(release), "findmnt -J -t fuse.glusterfs", "pve2")).toEqual({ status: 0, stdout: fuseJson(source), stderr: "" });
  });

  it("before glusterd runs after a boot there is no mount: the tree prints empty and exits 0", async () => {
    const c = lab("9.1");
    c.powerCycle("pve2");
    clock.tick(5_000 + 40_000 + 3_500);
    expect(c.node("pve2").power).toBe("up");
    const out = await shNow(c, "findmnt -J -t fuse.glusterfs", "pve2");
    expect(out).toEqual({ status: 0, stdout: `{\n   "filesystems": [\n\n   ]\n}\n`, stderr: "" });
  });
});

/** Runs a line that needs no model time, without moving the clock. */
async function shNow(cluster: LabCluster, line: string, node: string) {
  let stdout = "";
  let stderr = "";
  const status = await runCommandLine(
    {
      cluster,
      node,
      source: `ssh ${node}`,
      out: { stdout: async (c) => void (stdout += c), stderr: (c) => void (stderr += c) },
      stdin: async () => "",
      signal: new AbortController().signal,
      dropConnection: () => {},
    },
    line,
  );
  return { status, stdout, stderr };
}

describe("kernels", () => {
  it.each([
    ["8.4", "Linux pve1 6.8.12-9-pve #1 SMP PREEMPT_DYNAMIC PMX 6.8.12-9 (2025-03-16T19:18Z) x86_64 GNU/Linux\n"],
    ["9.1", "Linux pve1 6.17.2-2-pve #1 SMP PREEMPT_DYNAMIC PMX 6.17.2-2 (2025-11-26T12:33Z) x86_64 GNU/Linux\n"],
  ] as const)("%s: uname -a", async (release, line) => {
    expect((await shNow(lab(release), "uname -a", "pve1")).stdout).toBe(line);
  });

  it.each([
    ["8.4", "pve-manager/8.4.1/2a5fa54a8503f96d (running kernel: 6.8.12-9-pve)\n"],
    ["9.1", "pve-manager/9.1.2/9d436f37a0ac4172 (running kernel: 6.17.2-2-pve)\n"],
  ] as const)("%s: pveversion", async (release, line) => {
    expect(await shNow(lab(release), "pveversion", "pve1")).toEqual({ status: 0, stdout: line, stderr: "" });
  });

  it("8.4: proxmox-boot-tool sorts kernels as text, so the new 6.8.12-11-pve comes before 6.8.12-9-pve", async () => {
    const c = lab("8.4");
    c.finishDistUpgrade("pve1");
    expect((await shNow(c, "proxmox-boot-tool kernel list", "pve1")).stdout).toBe(
      "Manually selected kernels:\nNone.\n\nAutomatically selected kernels:\n6.8.12-11-pve\n6.8.12-8-pve\n6.8.12-9-pve\n",
    );
    // The node still boots the newest one (by version, not by that order).
    c.powerCycle("pve1");
    clock.tick(60_000);
    expect(c.node("pve1").runningKernel).toBe("6.8.12-11-pve");
  });
});

describe("apt-get", () => {
  it.each([
    ["8.4", "bookworm", "66.70.154.82"],
    ["9.1", "trixie", "51.79.228.122"],
  ] as const)(
    "%s enterprise-repo-401: update exits 100 with apt's lines for the 401; the cached lists still simulate",
    async (release, suite, ip) => {
      const c = lab(release, "enterprise-repo-401");
      const update = await sh(c, "apt-get update");
      expect(update.status).toBe(100);
      expect(update.stdout).toContain(`Hit:1 http://deb.debian.org/debian ${suite} InRelease\n`);
      expect(update.stdout).toContain(
        `Err:5 https://enterprise.proxmox.com/debian/pve ${suite} InRelease\n  401  Unauthorized [IP: ${ip} 443]\n`,
      );
      expect(update.stderr).toBe(
        `E: Failed to fetch https://enterprise.proxmox.com/debian/pve/dists/${suite}/InRelease  401  Unauthorized [IP: ${ip} 443]\n` +
          `E: The repository 'https://enterprise.proxmox.com/debian/pve ${suite} InRelease' is not signed.\n` +
          "N: Updating from such a repository can't be done securely, and is therefore disabled by default.\n" +
          "N: See apt-secure(8) manpage for repository creation and user configuration details.\n",
      );
      const simulate = await sh(c, "apt-get -s dist-upgrade");
      expect(simulate.status).toBe(0);
      expect(simulate.stdout).toContain(release === "9.1" ? "Inst pve-manager [9.1.2] (9.1.4 " : "Inst pve-manager [8.4.1] (8.4.2 ");
      expect(simulate.stdout).toContain(
        release === "9.1" ? "Inst proxmox-kernel-6.17.4-2-pve-signed (6.17.4-2 " : "Inst proxmox-kernel-6.8.12-11-pve-signed (6.8.12-11 ",
      );
    },
  );

  it("healthy: update exits 0 naming the release's Debian suite", async () => {
    const update = await sh(lab("9.1"), "apt-get update");
    expect(update).toMatchObject({ status: 0, stderr: "" });
    expect(update.stdout).toContain("Hit:2 http://deb.debian.org/debian trixie-updates InRelease\n");
  });
});

describe("pvecm status", () => {
  it("exits 2 when not quorate (corosync-quorumtool EXIT_NOT_QUORATE), 0 when quorate", async () => {
    const lost = await shNow(lab("9.1", "quorum-lost"), "pvecm status", "pve1");
    expect(lost.status).toBe(2);
    expect(lost.stdout).toContain("Quorate:          No\n");
    const fine = await shNow(lab("9.1"), "pvecm status", "pve1");
    expect(fine.status).toBe(0);
    expect(fine.stdout).toContain("Quorum:           2  \n");
  });
});

describe("ha-manager status", () => {
  it("prints each entry of the Status API as TYPE STATUS; without HA resources only the quorum", async () => {
    expect((await shNow(lab("9.1", "no-ha-resources"), "ha-manager status", "pve2")).stdout).toBe("quorum OK\n");
    const lines = (await shNow(lab("8.4"), "ha-manager status", "pve2")).stdout.split("\n");
    expect(lines.slice(0, 2)).toEqual([
      "quorum OK",
      expect.stringMatching(/^master pve1 \(active, \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}\)$/),
    ]);
    expect(lines).toContain("service vm:103 (pve3, started)");
  });
});
