// What a node of each PVE release the lab models runs, and the minor upgrade its repository
// offers: a snapshot of Proxmox's real package history at one date per release. Versions and
// dates are the packages' own debian/changelog entries; a kernel's `uname -v` carries its
// changelog date in UTC (pve-kernel debian/rules: KBUILD_BUILD_VERSION_TIMESTAMP="PMX
// $(DEB_VERSION) ($(CHANGELOG_DATE_UTC_ISO))").

import type { PackageUpgrade } from "./topology.js";

export type PveRelease = "8.4" | "9.1";

export const pveReleases: readonly PveRelease[] = ["8.4", "9.1"];

export function isPveRelease(value: string): value is PveRelease {
  return (pveReleases as readonly string[]).includes(value);
}

export interface ReleaseProfile {
  release: PveRelease;
  /** The Debian suite underneath (apt's output names it). */
  codename: "bookworm" | "trixie";
  pveManager: { from: string; to: string };
  /** pve-manager's `repoid` per version: the bump commit, `git rev-parse --short=16` (pve-manager Makefile GITVERSION). */
  repoid: Record<string, string>;
  /** Installed kernels, oldest first; the last one runs. */
  installedKernels: string[];
  pendingKernel: string;
  /** `uname -v`'s build stamp of every kernel above. */
  kernelBuilds: Record<string, string>;
  pendingPackages: PackageUpgrade[];
  /** Debian's glusterfs-server of that suite. */
  glusterfs: "10.3" | "11.1";
  /** Its glusterd's GD_OP_VERSION_MAX (glusterfs libglusterfs/src/glusterfs/globals.h: GD_OP_VERSION_10_0 on release-10, GD_OP_VERSION_11_0 on release-11). */
  glusterMaxOpVersion: number;
  /** pve-qemu-kvm's QEMU and the machine type a VM started on it gets (qemu-server PVE/QemuServer/Machine.pm $PVE_MACHINE_VERSION). */
  qemu: { version: string; machine: string };
  /**
   * The machine versions /nodes/N/capabilities/qemu/machines lists, newest first: those of QEMU's
   * machine-versions-x86_64.json back to 8.0 (the real list goes back to 2.x), each +pveN revision
   * of $PVE_MACHINE_VERSION before its plain version (qemu-server src/PVE/API2/Qemu/Machine.pm types).
   */
  machineVersions: string[];
  /** pve-manager's next bump after the repository snapshot (repo-moves-mid-run publishes it mid-run). */
  nextPveManager: string;
  /** man-db of the suite, named in dpkg's trigger lines. */
  manDb: string;
  /**
   * What `apt-get dist-upgrade` installs once the sources name the next Debian suite and
   * `apt-get update` fetched it: the node then runs that release.
   */
  majorUpgrade?: { release: PveRelease; codename: "trixie"; packages: PackageUpgrade[] };
}

const profiles: Record<PveRelease, ReleaseProfile> = {
  // Installed mid-April 2025 (pve-manager 8.4.1 of 2025-04-10, kernel 6.8.12-9 of 2025-03-16);
  // the repository as of 2025-07-11: pve-manager 8.4.2 (07-09), qemu-server 8.4.0 (07-10),
  // pve-qemu-kvm 9.2.0-6 (07-02), kernel 6.8.12-11 (05-22; -12 came on 07-14). 6.8.12-11 sorts
  // before 6.8.12-9 as text: proxmox-boot-tool lists it first.
  "8.4": {
    release: "8.4",
    codename: "bookworm",
    pveManager: { from: "8.4.1", to: "8.4.2" },
    // 8.4.3 of 2025-07-16, the next bump (pve-manager debian/changelog).
    repoid: { "8.4.1": "2a5fa54a8503f96d", "8.4.2": "930c59e20fd1774d", "8.4.3": "807436b0f0682014" },
    nextPveManager: "8.4.3",
    installedKernels: ["6.8.12-8-pve", "6.8.12-9-pve"],
    pendingKernel: "6.8.12-11-pve",
    kernelBuilds: { "6.8.12-8-pve": "2025-01-24T12:32Z", "6.8.12-9-pve": "2025-03-16T19:18Z", "6.8.12-11-pve": "2025-05-22T09:39Z" },
    pendingPackages: [
      { name: "proxmox-kernel-6.8.12-11-pve-signed", from: null, to: "6.8.12-11", kernel: "6.8.12-11-pve" },
      { name: "proxmox-kernel-6.8", from: "6.8.12-9", to: "6.8.12-11" },
      { name: "pve-manager", from: "8.4.1", to: "8.4.2" },
      { name: "qemu-server", from: "8.3.12", to: "8.4.0" },
      { name: "pve-qemu-kvm", from: "9.2.0-5", to: "9.2.0-6" },
    ],
    glusterfs: "10.3",
    glusterMaxOpVersion: 100000,
    qemu: { version: "9.2.0", machine: "pc-i440fx-9.2+pve1" },
    machineVersions: ["9.2+pve1", "9.2", "9.1", "9.0", "8.2", "8.1", "8.0"],
    manDb: "2.11.2-2",
    // The 9.1 repository of the snapshot below (its pendingPackages' targets), seen from 8.4.2;
    // `from` is the node's installed version where the lab tracks it. GlusterFS: Debian trixie's 11.1.
    majorUpgrade: {
      release: "9.1",
      codename: "trixie",
      packages: [
        { name: "proxmox-kernel-6.17.4-2-pve-signed", from: null, to: "6.17.4-2", kernel: "6.17.4-2-pve" },
        { name: "proxmox-kernel-6.17", from: null, to: "6.17.4-2" },
        { name: "proxmox-ve", from: "8.4.0", to: "9.1.0" },
        { name: "pve-manager", from: "8.4.2", to: "9.1.4" },
        { name: "qemu-server", from: "8.4.0", to: "9.1.3" },
        { name: "pve-ha-manager", from: "4.0.7", to: "5.1.0" },
        { name: "pve-qemu-kvm", from: "9.2.0-6", to: "10.1.2-5" },
        { name: "glusterfs-server", from: "10.3-5", to: "11.1-6" },
      ],
    },
  },
  // Installed at the start of December 2025 (pve-manager 9.1.2 of 2025-11-29, kernel 6.17.2-2 of
  // 2025-11-26); the repository as of 2025-12-23: pve-manager 9.1.4 (12-22), qemu-server 9.1.3
  // (12-17), pve-ha-manager 5.1.0 (12-12), pve-qemu-kvm 10.1.2-5 (12-22), kernel 6.17.4-2 (12-19).
  "9.1": {
    release: "9.1",
    codename: "trixie",
    pveManager: { from: "9.1.2", to: "9.1.4" },
    // 9.1.5 of 2026-01-27, the next bump (pve-manager debian/changelog).
    repoid: { "9.1.2": "9d436f37a0ac4172", "9.1.4": "5ac30304265fbd8e", "9.1.5": "80cf92a64bef6889" },
    nextPveManager: "9.1.5",
    installedKernels: ["6.17.2-1-pve", "6.17.2-2-pve"],
    pendingKernel: "6.17.4-2-pve",
    kernelBuilds: { "6.17.2-1-pve": "2025-10-21T11:55Z", "6.17.2-2-pve": "2025-11-26T12:33Z", "6.17.4-2-pve": "2025-12-19T07:49Z" },
    pendingPackages: [
      { name: "proxmox-kernel-6.17.4-2-pve-signed", from: null, to: "6.17.4-2", kernel: "6.17.4-2-pve" },
      { name: "proxmox-kernel-6.17", from: "6.17.2-2", to: "6.17.4-2" },
      { name: "pve-manager", from: "9.1.2", to: "9.1.4" },
      { name: "qemu-server", from: "9.1.1", to: "9.1.3" },
      { name: "pve-ha-manager", from: "5.0.8", to: "5.1.0" },
      { name: "pve-qemu-kvm", from: "10.1.2-4", to: "10.1.2-5" },
    ],
    // Debian trixie ships glusterfs 11.1 (bookworm 10.3); only `gluster --version` tells them apart here.
    glusterfs: "11.1",
    glusterMaxOpVersion: 110000,
    // QEMU 10.1 has no entry in qemu-server 9.1's $PVE_MACHINE_VERSION: revision +pve0.
    qemu: { version: "10.1.2", machine: "pc-i440fx-10.1+pve0" },
    machineVersions: ["10.1", "10.0+pve1", "10.0", "9.2+pve1", "9.2", "9.1", "9.0", "8.2", "8.1", "8.0"],
    manDb: "2.13.1-1",
  },
};

export function releaseProfile(release: PveRelease): ReleaseProfile {
  return profiles[release];
}

/** The release whose packages a node runs, from its pve-manager version (9.1.4 → 9.1). */
export function releaseOf(pveVersion: string): PveRelease {
  return pveVersion.startsWith("9.") ? "9.1" : "8.4";
}

/** `uname -v` of a kernel the lab knows, of either release (an 8.4 kernel still runs on a node upgraded to 9.1 until it reboots). */
export function kernelVersionString(kernel: string): string {
  const build = kernel.replace(/-pve$/, "");
  const stamp = pveReleases.map((r) => profiles[r].kernelBuilds[kernel]).find((s) => s !== undefined);
  return `#1 SMP PREEMPT_DYNAMIC PMX ${build} (${stamp ?? "unknown"})`;
}
