// apt-get as Debian prints it on a Proxmox VE node (as root, without a TTY): apt 2.6 on bookworm
// (PVE 8.4), apt 3.0 on trixie (PVE 9.1), whose apt-get keeps the old E:/N: prefixes (apt
// apt-pkg/contrib/error.cc: "Error:" only with APT::Output-Version 30, which only `apt` sets).

import { enabledSources, fetchedSuite } from "../../model/apt-files.js";
import changelogs from "../../model/changelogs.json" with { type: "json" };
import { timings } from "../../model/cluster.js";
import { releaseProfile, type ReleaseProfile } from "../../model/releases.js";
import type { PackageUpgrade } from "../../model/topology.js";
import { modelDelay, printLines, type CommandContext, type LabCommand } from "../context.js";

// apt-pkg/deb/debsystem.cc debSystem::Lock: after taking dpkg's locks, pending journal entries
// (dpkg interrupted) refuse with this error, its trailing space included; apt-private/
// private-cmndline.cc DispatchCommandLine: any error exits 100. `-s` takes no lock (apt-private/
// private-main.cc: Debug::NoLocking), nor does `update` (private-update.cc: BuildCaches(false)).
const dpkgInterrupted = "E: dpkg was interrupted, you must manually run 'dpkg --configure -a' to correct the problem. \n";

/** apt-get -s's release string of the no-subscription repository (apt-pkg/pkgcache.cc RelStr: Label:Version/Archive). */
function repo(ctx: CommandContext): string {
  return `Proxmox:${offered(ctx).release}/pve-no-subscription`;
}

/** The release whose repository the node's fetched lists are: its own, or the next one once `apt-get update` fetched trixie. */
function offered(ctx: CommandContext): ReleaseProfile {
  const major = ctx.cluster.profileOf(ctx.node).majorUpgrade;
  return major && ctx.cluster.node(ctx.node).aptLists === major.codename ? releaseProfile(major.release) : ctx.cluster.profileOf(ctx.node);
}

function arch(pkg: PackageUpgrade): string {
  return pkg.name.includes("kernel") && pkg.kernel ? "amd64" : pkg.name.startsWith("pve-qemu") ? "amd64" : "all";
}

/** `notUpgraded`: what an `install` of some packages leaves pending; a dist-upgrade calculates the whole upgrade instead. */
function planLines(pending: PackageUpgrade[], unconfigured: PackageUpgrade[] = [], notUpgraded: number | null = null): string[] {
  const fresh = pending.filter((p) => p.from === null);
  const upgraded = pending.filter((p) => p.from !== null);
  const lines = ["Reading package lists...", "Building dependency tree...", "Reading state information..."];
  if (notUpgraded === null) lines.push("Calculating upgrade...");
  if (fresh.length > 0) lines.push("The following NEW packages will be installed:", `  ${fresh.map((p) => p.name).join(" ")}`);
  if (upgraded.length > 0)
    lines.push(
      "The following packages will be upgraded:",
      `  ${upgraded
        .map((p) => p.name)
        .sort()
        .join(" ")}`,
    );
  lines.push(`${upgraded.length} upgraded, ${fresh.length} newly installed, 0 to remove and ${notUpgraded ?? 0} not upgraded.`);
  // apt-private/private-output.cc Stats: packages dpkg left unpacked are "not fully installed".
  if (unconfigured.length > 0) lines.push(`${unconfigured.length} not fully installed or removed.`);
  return lines;
}

function simulationLines(ctx: CommandContext, pending: PackageUpgrade[], unconfigured: PackageUpgrade[]): string[] {
  const describe = (p: PackageUpgrade) => `${p.name}${p.from ? ` [${p.from}]` : ""} (${p.to} ${repo(ctx)} [${arch(p)}])`;
  const conf = (p: PackageUpgrade) => `Conf ${p.name} (${p.to} ${repo(ctx)} [${arch(p)}])`;
  return [...pending.map((p) => `Inst ${describe(p)}`), ...unconfigured.map(conf), ...pending.map(conf)];
}

// The enterprise repository answers 401 without a subscription key; its address as seen in real
// captures of that error (bookworm 66.70.154.82, trixie 51.79.228.122).
const enterpriseIp: Record<string, string> = { bookworm: "66.70.154.82", trixie: "51.79.228.122" };

async function update(ctx: CommandContext): Promise<number> {
  const node = ctx.cluster.node(ctx.node);
  ctx.cluster.aptUpdate(ctx.node, ctx.source);
  const read = enabledSources(node.aptFiles);
  if (!read.ok) {
    // apt-pkg/sourcelist.cc: a source it cannot parse stops apt before it fetches anything.
    ctx.out.stderr(`${read.error}\nE: The list of sources could not be read.\n`);
    return 100;
  }
  await modelDelay(ctx, timings.aptUpdate);
  // The lab has no subscription: the enterprise repository answers 401. It numbers the hits in
  // source order and the failures after them (a real apt numbers items as they report, which varies).
  const failing = read.sources.filter((s) => s.uri.startsWith("https://enterprise.proxmox.com/"));
  const fetched = read.sources.filter((s) => !failing.includes(s));
  const lines = fetched.map((s, i) =>
    s.uri.startsWith("http://download.proxmox.com/")
      ? `Get:${i + 1} ${s.uri} ${s.suite} InRelease [2,768 B]`
      : `Hit:${i + 1} ${s.uri} ${s.suite} InRelease`,
  );
  const failed = failing.flatMap((s, i) => [
    `Err:${fetched.length + i + 1} ${s.uri} ${s.suite} InRelease`,
    // apt-private/acqprogress.cc Fail: the error text indented by two spaces; methods/connect.cc appends "[IP: ADDRESS PORT]".
    `  401  Unauthorized [IP: ${enterpriseIp[s.suite.replace(/-.*$/, "")] ?? enterpriseIp.trixie} 443]`,
  ]);
  const downloaded = fetched.some((s) => s.uri.startsWith("http://download.proxmox.com/"));
  await printLines(ctx, [...lines, ...failed, ...(downloaded ? ["Fetched 2,768 B in 1s (3,512 B/s)"] : []), "Reading package lists..."]);
  if (failing.length === 0) {
    ctx.cluster.aptListsFetched(ctx.node, fetchedSuite(read.sources, ctx.cluster.profileOf(ctx.node).codename));
    return 0;
  }
  // apt-pkg/acquire-item.cc: an InRelease that fails with an HTTP error does not fall back to
  // Release: "Failed to fetch URI  ERROR", then MessageInsecureRepository's error and notices;
  // apt-get exits 100. The cached lists stay, so a simulation still sees the pending packages.
  ctx.out.stderr(
    [
      ...failing.flatMap((s) => {
        const ip = `[IP: ${enterpriseIp[s.suite.replace(/-.*$/, "")] ?? enterpriseIp.trixie} 443]`;
        return [
          `E: Failed to fetch ${s.uri}/dists/${s.suite}/InRelease  401  Unauthorized ${ip}`,
          `E: The repository '${s.uri} ${s.suite} InRelease' is not signed.`,
        ];
      }),
      "N: Updating from such a repository can't be done securely, and is therefore disabled by default.",
      "N: See apt-secure(8) manpage for repository creation and user configuration details.",
      "",
    ].join("\n"),
  );
  return 100;
}

/**
 * `apt-get install NAME=VERSION…` of pending packages: each at the version named, which the
 * repository must offer (apt-pkg/cacheset.cc: "Version '%s' for '%s' was not found"; apt-get exits
 * 100 before it changes anything). The rest stays pending.
 */
async function installVersions(ctx: CommandContext, assumeYes: boolean, simulate: boolean, words: string[]): Promise<number> {
  const pending = ctx.cluster.pendingOn(ctx.node);
  const chosen: PackageUpgrade[] = [];
  for (const word of words) {
    const [name, version] = word.split("=");
    const pkg = pending.find((p) => p.name === name);
    if (!pkg || version === undefined) {
      ctx.out.stderr(`E: the lab's apt-get installs only pending packages as NAME=VERSION, not '${word}'\n`);
      return 100;
    }
    if (!ctx.cluster.offeredVersions(pkg).includes(version)) {
      ctx.out.stderr(`E: Version '${version}' for '${name}' was not found\n`);
      return 100;
    }
    chosen.push({ ...pkg, to: version });
  }
  return distUpgrade(ctx, assumeYes, simulate, chosen);
}

/**
 * `apt-get changelog NAME=VERSION`: the package's debian/changelog as of that version, newest entry
 * first. The lab holds real captures of pve-manager's only (changelogs.json); for any other package
 * it answers as apt does when it finds no changelog (apt-pkg/acquire-item.cc pkgAcqChangelog::Init).
 */
async function changelog(ctx: CommandContext, words: string[]): Promise<number> {
  const [name, version] = (words[0] ?? "").split("=");
  const text = (changelogs as Record<string, Record<string, string> | string>)[name ?? ""];
  const captured = typeof text === "object" ? text[ctx.cluster.profileOf(ctx.node).release] : undefined;
  const from = captured?.indexOf(`${name} (${version})`) ?? -1;
  if (!captured || from < 0) {
    ctx.out.stderr(`E: Failed to fetch changelog:/${name}.changelog  Changelog unavailable for ${name}=${version ?? ""}\n`);
    return 100;
  }
  await ctx.out.stdout(captured.slice(from));
  return 0;
}

async function distUpgrade(
  ctx: CommandContext,
  assumeYes: boolean,
  simulate: boolean,
  chosen: PackageUpgrade[] | null = null,
): Promise<number> {
  const node = ctx.cluster.node(ctx.node);
  // debSystem::Lock takes the frontend lock first, then looks for an interrupted dpkg.
  if (node.dpkgBusy && !simulate) {
    ctx.out.stderr(
      "E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 31337 (apt-get)\nN: Be aware that removing the lock file is not a solution and may break your system.\nE: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), is another process using it?\n",
    );
    return 100;
  }
  if (node.dpkgInterrupted && !simulate) {
    ctx.out.stderr(dpkgInterrupted);
    return 100;
  }
  const everything = ctx.cluster.pendingOn(ctx.node);
  const pending = chosen ?? everything;
  const unconfigured = ctx.cluster.unconfiguredOn(ctx.node);
  await printLines(
    ctx,
    planLines(pending, unconfigured, chosen && everything.filter((p) => p.from !== null && !chosen.some((c) => c.name === p.name)).length),
  );
  if (simulate) {
    await printLines(ctx, simulationLines(ctx, pending, unconfigured));
    return 0;
  }
  if (pending.length === 0) return 0;
  if (!assumeYes) {
    // Without a terminal apt cannot ask, so it aborts (what a cron job without -y gets).
    await ctx.out.stdout(
      "Need to get 112 MB of archives.\nAfter this operation, 541 MB of additional disk space will be used.\nDo you want to continue? [Y/n] Abort.\n",
    );
    return 1;
  }
  ctx.cluster.beginDistUpgrade(ctx.node, ctx.source);
  await printLines(ctx, ["Need to get 112 MB of archives.", "After this operation, 541 MB of additional disk space will be used."]);
  const drops = ctx.cluster.sshDropsDuringApt(ctx.node);
  const step = timings.distUpgrade / (pending.length * 2);
  const target = offered(ctx);
  const suite = target.codename;
  // How many packages dpkg has begun to unpack: a session that closes from then on (the client
  // killed, the connection lost: sshd hangs up, apt and dpkg die on SIGHUP or SIGPIPE) leaves
  // them unpacked but unconfigured and dpkg interrupted; one that closes while apt downloads
  // changes nothing.
  let unpacking = 0;
  try {
    for (const [i, p] of pending.entries()) {
      await modelDelay(ctx, step);
      await printLines(ctx, [
        `Get:${i + 1} http://download.proxmox.com/debian/pve ${suite}/pve-no-subscription amd64 ${p.name} ${arch(p)} ${p.to} [4,096 kB]`,
      ]);
    }
    await printLines(ctx, ["Fetched 112 MB in 4s (28.0 MB/s)", "(Reading database ... 71234 files and directories currently installed.)"]);
    for (const [i, p] of pending.entries()) {
      unpacking = i + 1;
      if (drops && i === Math.floor(pending.length / 2)) {
        ctx.cluster.interruptDistUpgrade(ctx.node, pending.slice(0, unpacking));
        ctx.dropConnection();
        return 255;
      }
      await modelDelay(ctx, step);
      await printLines(ctx, [
        `Preparing to unpack .../${p.name}_${p.to}_${arch(p)}.deb ...`,
        `Unpacking ${p.name} (${p.to})${p.from ? ` over (${p.from})` : ""} ...`,
      ]);
    }
    if (ctx.signal.aborted) throw new Error("channel closed");
  } catch (error) {
    ctx.cluster.interruptDistUpgrade(ctx.node, pending.slice(0, unpacking));
    throw error;
  }
  const manager = pending.find((p) => p.name === "pve-manager")?.to ?? node.pveVersion;
  await printLines(ctx, [
    ...pending.map((p) => `Setting up ${p.name} (${p.to}) ...`),
    `Processing triggers for man-db (${target.manDb}) ...`,
    `Processing triggers for pve-manager (${manager}) ...`,
  ]);
  ctx.cluster.finishDistUpgrade(ctx.node, pending);
  return 0;
}

export const aptGet: LabCommand = async (ctx, args) => {
  const words = args.filter((a, i) => !a.startsWith("-") && args[i - 1] !== "-o");
  const flags = args.filter((a) => a.startsWith("-"));
  const action = words[0];
  const simulate = flags.some((f) => ["-s", "--simulate", "--dry-run", "--just-print", "--no-act"].includes(f));
  const assumeYes = flags.some((f) => ["-y", "--yes", "--assume-yes"].includes(f));
  switch (action) {
    case "update":
      return update(ctx);
    case "dist-upgrade":
    case "full-upgrade":
      return distUpgrade(ctx, assumeYes, simulate);
    case "install":
      return installVersions(ctx, assumeYes, simulate, words.slice(1));
    case "changelog":
      return changelog(ctx, words.slice(1));
    case undefined:
      ctx.out.stderr("E: No command given\n");
      return 100;
    default:
      ctx.out.stderr(`E: Invalid operation ${action}\n`);
      return 100;
  }
};

export const dpkg: LabCommand = async (ctx, args) => {
  if (args.join(" ") !== "--configure -a") {
    ctx.out.stderr("dpkg: error: the lab models only 'dpkg --configure -a'\n");
    return 2;
  }
  if (ctx.cluster.node(ctx.node).dpkgBusy) {
    // dpkg lib/dpkg/dbmodify.c modstatdb_lock: the frontend lock is apt-get's; ohshit exits 2.
    ctx.out.stderr(
      "dpkg: error: dpkg frontend lock was locked by another process with pid 31337\nNote: removing the lock file is always wrong, and can end up damaging the\nlocked area and the entire system. See <https://wiki.debian.org/Teams/Dpkg/FAQ>.\n",
    );
    return 2;
  }
  // Only what the interrupted run unpacked is set up; packages it never reached stay for apt.
  const unpacked = ctx.cluster.unconfiguredOn(ctx.node);
  ctx.cluster.configurePending(ctx.node, ctx.source);
  const lines = unpacked.map((p) => `Setting up ${p.name} (${p.to}) ...`);
  if (unpacked.length > 0) lines.push(`Processing triggers for man-db (${ctx.cluster.profileOf(ctx.node).manDb}) ...`);
  await printLines(ctx, lines);
  return 0;
};
