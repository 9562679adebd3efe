// `pve8to9 [--full]` on a lab node: pve-manager PVE/CLI/pve8to9.pm's checklist, its checks in its
// order and its messages verbatim, answered from the lab's state (docs/domain/pve8to9.md). A node
// on PVE 8 runs pve-manager 8.4's copy (branch stable-8), one on PVE 9 master's: pve-manager 9
// still ships it (bin/Makefile), and it answers as on an upgraded node, "already upgraded to
// Proxmox VE 9". The two differ in a few messages only (marked below). Like the real tool it
// colours its lines whether or not stdout is a terminal (Term::ANSIColor, unless NO_COLOR or
// ANSI_COLORS_DISABLED is set) and exits 0 whatever it found.

import type { LabCluster } from "../../model/cluster.js";
import type { NodeState } from "../../model/state.js";
import { storageConfig } from "../../pve/routes.js";
import type { LabCommand } from "../context.js";
import { rootFilesystem } from "./df.js";

type Level = "pass" | "info" | "skip" | "notice" | "warn" | "fail";

// pve8to9.pm $level2color through Term::ANSIColor: green, bold, yellow, bold red; reset is ESC[0m.
const SGR: Partial<Record<Level, string>> = { pass: "\x1b[32m", notice: "\x1b[1m", warn: "\x1b[33m", fail: "\x1b[1;31m" };
const RESET = "\x1b[0m";

/** What pve8to9.pm prints: its counters, print_header's blank lines, $log_line's colours and resets. */
class Checklist {
  private out = "";
  private first = true;
  readonly counters = { pass: 0, skip: 0, notice: 0, warn: 0, fail: 0 };

  constructor(private readonly colour: boolean) {}

  header(title: string): void {
    if (!this.first) this.out += "\n";
    this.out += `= ${title} =\n\n`;
    this.first = false;
  }

  print(text: string): void {
    this.out += text;
  }

  log(level: Level, line: string): void {
    if (level !== "info") this.counters[level]++;
    const colour = this.colour ? (SGR[level] ?? "") : "";
    this.out += `${colour}${level.toUpperCase()}: ${line}\n${this.colour ? RESET : ""}`;
  }

  /** Term::ANSIColor colored(): the attributes, the string (its newlines inside), a reset. */
  colored(text: string, sgr: string, when = true): string {
    return this.colour && when ? `${sgr}${text}${RESET}` : text;
  }

  summary(): string {
    const c = this.counters;
    const total = c.pass + c.skip + c.notice + c.warn + c.fail;
    this.header("SUMMARY");
    this.print(`TOTAL:    ${total}\n`);
    this.print(this.colored(`PASSED:   ${c.pass}\n`, SGR.pass!));
    this.print(`SKIPPED:  ${c.skip}\n`);
    this.print(this.colored(`WARNINGS: ${c.warn}\n`, SGR.warn!, c.warn > 0));
    this.print(this.colored(`FAILURES: ${c.fail}\n`, SGR.fail!, c.fail > 0));
    if (c.warn > 0 || c.fail > 0) {
      const sgr = c.fail > 0 ? SGR.fail! : SGR.warn!;
      this.print(this.colored("\nATTENTION: Please check the output for detailed information!\n", sgr));
      if (c.fail > 0) this.print(this.colored("Try to solve the problems one at a time and then run this checklist tool again.\n", sgr));
    }
    return this.out;
  }
}

interface Seen {
  cluster: LabCluster;
  node: NodeState;
  name: string;
  upgraded: boolean;
}

function checkPvePackages(c: Checklist, s: Seen): void {
  c.header("CHECKING VERSION INFORMATION FOR PVE PACKAGES");
  c.print("Checking for package updates..\n");
  const pending = s.node.pending.map((p) => p.name).sort();
  if (pending.length > 0) c.log("warn", `updates for the following packages are available:\n  ${pending.join(", ")}`);
  else c.log("pass", "all packages up-to-date");

  c.print("\nChecking proxmox-ve package version..\n");
  // proxmox-ve's version follows pve-manager's major.minor (8.4.0 for pve-manager 8.4.x).
  const [major = 0, minor = 0] = s.node.pveVersion.split(".").map(Number);
  if (major > 8) c.log("pass", "already upgraded to Proxmox VE 9");
  else if (major >= 8 && minor >= 4) c.log("pass", "proxmox-ve package has version >= 8.4-0");
  else c.log("fail", "proxmox-ve package is too old, please upgrade to >= 8.4-0!");

  const kernel = s.node.runningKernel;
  const expected = (version: string) => {
    if (!s.upgraded) return /^(?:6\.(?:2|5|8|11|14))/.test(version);
    if (/^(?:6\.(?:1[4-9]|1\d\d+)|7\.\d+)[^~]*$/.test(version)) return true;
    const m = /^(\d+)\.(\d+)[^~]*-pve$/.exec(version);
    return m !== null && (Number(m[1]) > 6 || (Number(m[1]) === 6 && Number(m[2]) >= 14));
  };
  c.print("\nChecking running kernel version..\n");
  if (expected(kernel)) {
    c.log(
      "pass",
      s.upgraded ? `running new kernel '${kernel}' after upgrade.` : `running kernel '${kernel}' is considered suitable for upgrade.`,
    );
    return;
  }
  const metas = s.upgraded ? ["proxmox-kernel-7.0", "proxmox-kernel-6.17", "proxmox-kernel-6.14"] : ["pve-kernel-6.8"];
  const installed = metas.find((meta) =>
    s.node.installedKernels.some((k) => k.startsWith(`${meta.replace(/^(?:proxmox|pve)-kernel-/, "")}.`)),
  );
  if (installed) c.log("warn", `a suitable kernel (${installed}) is installed, but an unsuitable (${kernel}) is booted, missing reboot?!`);
  else c.log("warn", `unexpected running and installed kernel '${kernel}'.`);
}

function checkClusterCorosync(c: Checklist, s: Seen): void {
  c.header("CHECKING CLUSTER HEALTH/SETTINGS");
  c.log("pass", "systemd unit 'pve-cluster.service' is in state 'active'");
  c.log("pass", "systemd unit 'corosync.service' is in state 'active'");
  // The members this node's corosync sees, as `pvecm status` counts them in this lab.
  const all = [...s.cluster.nodes.values()];
  const members = s.cluster.faults.quorumLost ? [s.node] : all.filter((n) => s.cluster.isOnline(n.spec.name));
  const expected = all.length;
  if (members.length >= Math.floor(expected / 2) + 1) c.log("pass", "Cluster Filesystem is quorate.");
  else c.log("fail", "Cluster Filesystem readonly, lost quorum?!");
  c.print("\nAnalzying quorum settings and state..\n");
  const offline = expected - members.length;
  if (offline > 0) c.log("fail", `${offline} nodes are offline!`);
  c.log("info", `configured votes - nodes: ${expected}`);
  c.log("info", "configured votes - qdevice: 0");
  c.log("info", `current expected votes: ${expected}`);
  c.log("info", `current total votes: ${members.length}`);
  if (members.length < expected) c.log("warn", `total votes < expected votes: ${members.length}/${expected}!`);
  if (expected < 3) c.log("warn", "cluster consists of less than three quorum-providing nodes!");
  c.print("\nChecking nodelist entries..\n");
  c.log("pass", "nodelist settings OK");
  c.print("\nChecking totem settings..\n");
  c.log("pass", "totem settings OK");
  c.print("\n");
  c.log("info", "run 'pvecm status' to get detailed cluster status..");
}

function checkCeph(c: Checklist): void {
  c.header("CHECKING HYPER-CONVERGED CEPH STATUS");
  c.log("skip", "no hyper-converged ceph setup detected!");
}

function checkStorages(c: Checklist, s: Seen): void {
  c.header("CHECKING CONFIGURED STORAGES");
  // PVE::Storage::storage_info: the storages enabled on this node, by ID.
  const storages = storageConfig(s.cluster)
    .filter((st) => typeof st["nodes"] !== "string" || st["nodes"].split(",").includes(s.name))
    .sort((a, b) => String(a["storage"]).localeCompare(String(b["storage"])));
  for (const st of storages) {
    const id = String(st["storage"]);
    const active = id !== s.cluster.volume.name || s.node.glusterMount !== null;
    if (active) c.log("pass", `storage '${id}' enabled and active.`);
    else c.log("warn", `storage '${id}' enabled but not active!`);
  }
  c.log("info", "Checking storage content type configuration..");
  c.log("pass", "no storage content problems found");
  // stable-8 spells it "re-uses", master "reuses".
  c.log("pass", `no storage ${s.upgraded ? "reuses" : "re-uses"} a directory for multiple content types.`);
  c.log("info", "Check for usage of native GlusterFS storage plugin...");
  const gluster = storages.filter((st) => st["type"] === "glusterfs");
  for (const st of gluster) c.log("fail", `found 'glusterfs' storage '${String(st["storage"])}'`);
  if (gluster.length > 0)
    c.log(
      "fail",
      "Starting with Proxmox VE 9, native GlusterFS support will end. GlusterFS storage will therefore cease to work.\n" +
        "This is because the GlusterFS project is no longer properly maintained.\n\n" +
        "You will therefore have to move all GlusterFS volumes to different storage and then remove any configured GlusterFS storage before starting the upgrade.\n\n" +
        "Alternatively, you can manually mount your GlusterFS instances via the 'glusterfs' command-line tool and use them as directory storage.",
    );
  else c.log("pass", "No GlusterFS storage found.");
  c.log("info", "Checking whether all external RBD storages have the 'keyring' option configured");
  c.log("skip", "No RBD storage configured.");
}

function checkVirtualGuests(c: Checklist, s: Seen): void {
  c.header("VIRTUAL GUEST CHECKS");
  if (!s.upgraded) {
    c.log("info", "Checking for running guests..");
    const running = [...s.cluster.guests.values()].filter((g) => g.node === s.name && g.status === "running").length;
    if (running > 0) c.log("warn", `${running} running guest(s) detected - consider migrating or stopping them.`);
    else c.log("pass", "no running guest detected.");
  } else c.log("skip", "Skipping check for running guests - already upgraded.");
  c.log("info", "Checking if LXCFS is running with FUSE3 library, if already upgraded..");
  if (!s.upgraded) c.log("skip", "not yet upgraded, no need to check the FUSE library version LXCFS uses");
  else c.log("pass", "systems seems to be upgraded and LXCFS is running with FUSE 3 library");
  c.log("info", "Checking for VirtIO devices that would change their MTU...");
  c.log("pass", "All guest config descriptions fit in the new limit of 8 KiB");
  c.log("info", "Checking container configs for deprecated lxc.cgroup entries");
  c.log("pass", "No legacy 'lxc.cgroup' keys found.");
  c.log("info", "Checking VM configurations for outdated machine versions");
  c.log("pass", "All VM machine versions are recent enough");
}

const OLD_SUITE = "bookworm";
const NEW_SUITE = "trixie";
const OLDER_SUITES = new Set(["bullseye", "buster", "stretch", "jessie"]);

/**
 * The APT files pve8to9 reads on this node. Under pve8to9-fails the fault node's Proxmox line
 * already names trixie (a half-done switch of its sources), for pve8to9 only: apt-get keeps
 * fetching bookworm there, so the minor upgrade the lab runs is unchanged.
 */
function aptFilesSeen(s: Seen): Map<string, string> {
  const files = new Map(s.node.aptFiles);
  if (s.cluster.faults.mixedAptSuitesOn !== s.name) return files;
  const list = files.get("/etc/apt/sources.list");
  if (list !== undefined)
    files.set("/etc/apt/sources.list", list.replace(/^(deb http:\/\/download\.proxmox\.com\/debian\/pve) bookworm /m, "$1 trixie "));
  return files;
}

/**
 * check_apt_repos: one-line entries of /etc/apt/sources.list and sources.list.d/*.list only (deb822
 * .sources are not read). The real tool reads the directory in readdir order; the lab sorts it as `ls` does.
 */
function checkAptRepos(c: Checklist, s: Seen): void {
  c.log("info", "Checking if the suite for the Debian security repository is correct..");
  const files = aptFilesSeen(s);
  const lists = [...files.keys()]
    .filter((f) => f.startsWith("/etc/apt/sources.list.d/") && /^[^/]*\.list$/.test(f.slice("/etc/apt/sources.list.d/".length)))
    .sort();
  let found: { suite: string; where: string } | null = null;
  let mismatches: Array<{ suite: string; where: string }> | null = null;
  const strange: Array<{ suite: string; where: string }> = [];
  let testRepo: { suite: string; legacy: boolean } | null = null;
  for (const file of [...(files.has("/etc/apt/sources.list") ? ["/etc/apt/sources.list"] : []), ...lists]) {
    files
      .get(file)!
      .split("\n")
      .forEach((raw, i) => {
        const line = raw.split("#")[0]!;
        if (!/^deb\s/.test(line)) return;
        const m = /deb\s+(?:\[[^\]]*\]\s+)?(\w+:\/\/\S+)\s+(?:(\S+)(?:\s+(\S+))?)?/i.exec(line);
        if (!m) return;
        const where = `in ${file}:${i + 1}`;
        const component = m[3];
        if (component !== undefined && /pve-?test/.test(component))
          testRepo = { suite: m[2] ?? "", legacy: testRepo?.legacy === true || component === "pvetest" };
        const suite = (m[2] ?? "").replace(/-(?:(?:proposed-)?updates|backports|debug|security)(?:-debug)?$/, "");
        if (suite !== OLD_SUITE && suite !== NEW_SUITE && !OLDER_SUITES.has(suite)) {
          strange.push({ suite, where });
          return;
        }
        if (found === null) found = { suite, where };
        else if (suite !== found.suite) {
          mismatches ??= [found];
          mismatches.push({ suite, where });
        }
      });
  }
  const listed = (entries: Array<{ suite: string; where: string }>) =>
    entries.map((e) => `found suite ${e.suite} at ${e.where}`).join("\n    ");
  if (strange.length > 0)
    c.log(
      "notice",
      `found unusual suites that are neither old '${OLD_SUITE}' nor new '${NEW_SUITE}':\n    ${listed(strange)}\n  Please ensure these repositories are shipping compatible packages for the upgrade!`,
    );
  if (mismatches !== null)
    // $where is "in FILE:LINE", printed after "at": the source's own doubled preposition.
    c.log(
      "fail",
      `Found mixed old and new package repository suites, fix before upgrading! Mismatches:\n    ${listed(mismatches)}\n` +
        "  Configure the same base-suite for all Proxmox and Debian provided repos and ask original vendor for any third-party repos.\n" +
        `  E.g., for the upgrade to Proxmox VE 9 use the '${NEW_SUITE}' suite.`,
    );
  else if (strange.length > 0) c.log("notice", "found no suite mismatches, but found at least one strange suite");
  else c.log("pass", "found no suite mismatch");
  const test = testRepo as { suite: string; legacy: boolean } | null;
  if (test === null) return;
  c.log("info", "Found test repo for Proxmox VE, checking compatibility with updated 'pve-test' spelling.");
  if (test.legacy)
    c.log(
      test.suite === NEW_SUITE ? "fail" : "warn",
      `Found legacy spelling 'pvetest' of the pve-test repo. Change the repo to use 'pve-test' when updating the repos to the '${NEW_SUITE}' suite for Proxmox VE 9!`,
    );
  else if (test.suite === NEW_SUITE) c.log("pass", `Found modern spelling 'pve-test' of the pve-test repo for new suite '${NEW_SUITE}'.`);
  else if (test.suite === OLD_SUITE)
    c.log("fail", `Found modern spelling 'pve-test' but old suite '${OLD_SUITE}', did you forgot to update the suite?`);
  else c.log("fail", `Found modern spelling 'pve-test' but unexpected suite '${test.suite}'`);
}

/** RRD files of the lab's nodes, guests and storages, in KiB, times pve8to9's multipliers (check_rrd_migration). */
function rrdEstimate(s: Seen): string {
  const kib = s.cluster.nodes.size * 74 * 18.1 + s.cluster.guests.size * 74 * 20.2 + s.cluster.nodes.size * 2 * 14 * 11.14;
  const gib = kib / 1024 / 1024;
  return gib > 1 ? `${gib.toFixed(2)} GiB` : `${(gib * 1024).toFixed(2)} MiB`;
}

function checkMisc(c: Checklist, s: Seen): void {
  c.header("MISCELLANEOUS CHECKS");
  c.log("skip", "No SSH config file found.");
  c.log("info", "Checking common daemon services..");
  for (const unit of ["pveproxy", "pvedaemon", "pvescheduler", "pvestatd"])
    c.log("pass", `systemd unit '${unit}.service' is in state 'active'`);
  c.log("info", "Checking for supported & active NTP service..");
  c.log("pass", "Detected active time synchronisation unit 'chrony.service'");
  // check_misc compares the root file system's free space with decimal 5 and 10 GB (the lab's df answers the same numbers).
  const { availBytes } = rootFilesystem(s.cluster, s.name);
  if (availBytes < 5e9) c.log("warn", "Less than 5 GB free space on root file system, upgrade may fail.");
  else if (availBytes < 10e9) c.log("notice", "Less than 10 GB free space on root file system.");
  c.log("info", `Checking if the local node's hostname '${s.name}' is resolvable..`);
  c.log("info", "Checking if resolved IP is configured on local node..");
  c.log("pass", `Resolved node IP '${s.node.spec.address}' configured and active on single interface.`);
  c.log("info", "Check node certificate's RSA key size");
  // pve-cluster PVE/Cluster/Setup.pm: the cluster CA is 4096-bit RSA, each node's certificate 2048-bit.
  c.log("pass", "Certificate 'pve-root-ca.pem' passed Debian Busters (and newer) security level for TLS connections (4096 >= 2048 RSA)");
  c.log("pass", "Certificate 'pve-ssl.pem' passed Debian Busters (and newer) security level for TLS connections (2048 >= 2048 RSA)");
  c.log("info", "Checking backup retention settings..");
  c.log("pass", "no backup retention problems found.");
  c.log("info", "checking CIFS credential location..");
  c.log("pass", "no CIFS credentials at outdated location found.");
  c.log("info", "Checking permission system changes..");
  c.log("info", "Checking custom role IDs");
  // check_custom_pool_roles: the roles user.cfg holds (built-in ones are not written there), those with VM.Monitor.
  const custom = Object.values(s.cluster.userConfig.roles);
  const needHandling = custom.filter((privileges) => privileges.includes("VM.Monitor")).length;
  if (needHandling > 0) {
    c.log(
      "notice",
      "Proxmox VE 9 replaced the ambiguously named 'VM.Monitor' privilege with 'Sys.Audit' for QEMU HMP monitor access and new dedicated 'VM.GuestAgent.*' privileges for access to a VM's guest agent.\n" +
        "\tThe guest agent sub-privileges are 'Audit' for all informational commands, 'FileRead' and 'FileWrite' for file-read and file-write, 'FileSystemMgmt' for filesystem freeze, thaw and trim, and 'Unrestricted' for everything, including command execution. Operations that affect the VM runstate require 'VM.PowerMgmt' or 'VM.GuestAgent.Unrestricted'",
    );
    c.log("fail", `${needHandling} custom role(s) use the to-be-dropped 'VM.Monitor' privilege and need to be adapted after the upgrade`);
  } else if (custom.length > 0) c.log("pass", `none of the ${custom.length} custom roles need handling`);
  else c.log("pass", "no custom roles defined");
  c.log("info", "Checking node and guest description/note length..");
  c.log("pass", "All node config descriptions fit in the new limit of 64 KiB");
  checkAptRepos(c, s);
  c.log("info", "Checking for existence of NVIDIA vGPU Manager..");
  c.log("pass", "No NVIDIA vGPU Service found.");
  c.log("info", "Checking bootloader configuration...");
  c.log("skip", "System booted in legacy-mode - no need for additional packages");
  c.log("info", "Check for dkms modules...");
  c.log("pass", "no dkms modules found");
  // check_legacy_notification_sections returns without a word when the file does not exist.
  c.log("info", "Check for legacy 'filter' or 'group' sections in /etc/pve/notifications.cfg...");
  if (s.cluster.pmxcfs.stat("/etc/pve/notifications.cfg")?.kind === "file") c.log("pass", "No legacy 'filter' or 'group' sections found!");
  c.log("info", "Check for legacy 'notification-policy' or 'notification-target' options in /etc/pve/jobs.cfg...");
  c.log("pass", "No legacy 'notification-policy' or 'notification-target' options found!");
  c.log("info", "Check for LVM autoactivation settings on LVM and LVM-thin storages...");
  c.log("pass", "No problematic volumes found.");
  c.log("info", "Checking lvm config for thin_check_options...");
  c.log("pass", "Check for correct thin_check_options passed");
  if (s.upgraded) {
    c.log("info", "Check post RRD metrics data format update situation...");
    c.log("pass", "No old RRD metric files found, normally this means all have been migrated.");
  } else {
    // stable-8's wording; master's is "Check space requirements for RRD format upgrade...".
    c.log("info", "Check space requirements for RRD migration...");
    c.log("pass", `Enough free disk space for increased RRD metric granularity requirements, which is roughly ${rrdEstimate(s)}.`);
  }
  c.log("info", "Checking for IPAM DB files that have not yet been migrated.");
  c.log("pass", "No legacy IPAM DB found.");
  c.log("pass", "No legacy MAC DB found.");
  c.log("info", "Checking if the legacy sysctl file '/etc/sysctl.conf' needs to be migrated to new '/etc/sysctl.d/' path.");
  // bookworm's procps ships /etc/sysctl.conf, all comments; trixie's does not.
  c.log(
    "pass",
    s.upgraded
      ? "Legacy file '/etc/sysctl.conf' is not present."
      : "Legacy file '/etc/sysctl.conf' exists but does not contain any settings.",
  );
  c.log("info", "Checking if matching CPU microcode package is installed.");
  c.log("pass", "Found matching CPU microcode package 'intel-microcode' installed.");
}

/** check_containers_cgroup_compat (--full only): the lab's containers run Debian, which supports cgroup v2: silence. */
function checkContainers(c: Checklist, s: Seen): void {
  if (![...s.cluster.guests.values()].some((g) => g.node === s.name && g.spec.type === "lxc"))
    c.log("skip", "No containers on node detected.");
}

export const pve8to9: LabCommand = async (ctx, args) => {
  if (args.length > 1 || (args.length === 1 && args[0] !== "--full")) {
    ctx.out.stderr("the lab models only 'pve8to9 [--full]'\n");
    return 255;
  }
  const node = ctx.cluster.node(ctx.node);
  const seen: Seen = { cluster: ctx.cluster, node, name: ctx.node, upgraded: Number(node.pveVersion.split(".")[0]) > 8 };
  // Term::ANSIColor: NO_COLOR set to anything, or ANSI_COLORS_DISABLED true to Perl ("" and "0" are false).
  const disabled = ctx.env["ANSI_COLORS_DISABLED"];
  const colour = !(Object.hasOwn(ctx.env, "NO_COLOR") || (disabled !== undefined && disabled !== "" && disabled !== "0"));
  const c = new Checklist(colour);
  checkPvePackages(c, seen);
  checkClusterCorosync(c, seen);
  checkCeph(c);
  checkStorages(c, seen);
  checkVirtualGuests(c, seen);
  checkMisc(c, seen);
  if (args[0] === "--full") checkContainers(c, seen);
  else c.log("skip", "NOTE: Expensive checks, like CT cgroupv2 compat, not performed without '--full' parameter");
  await ctx.out.stdout(c.summary());
  return 0;
};
