// apt-get as Debian 12 prints it on a Proxmox VE node (as root, without a TTY).

import { timings } from "../../model/cluster.js";
import type { PackageUpgrade } from "../../model/topology.js";
import { modelDelay, printLines, type CommandContext, type LabCommand } from "../context.js";

const repo = "Proxmox:8.3/pve-no-subscription";
const dpkgInterrupted = "E: dpkg was interrupted, you must manually run 'dpkg --configure -a' to correct the problem.\n";

function arch(pkg: PackageUpgrade): string {
  return pkg.name.includes("kernel") && pkg.kernel ? "amd64" : pkg.name.startsWith("pve-qemu") ? "amd64" : "all";
}

function planLines(pending: PackageUpgrade[]): string[] {
  const fresh = pending.filter((p) => p.from === null);
  const upgraded = pending.filter((p) => p.from !== null);
  const lines = ["Reading package lists...", "Building dependency tree...", "Reading state information...", "Calculating upgrade..."];
  if (fresh.length > 0) lines.push("The following NEW packages will be installed:", `  ${fresh.map((p) => p.name).join(" ")}`);
  if (upgraded.length > 0) lines.push("The following packages will be upgraded:", `  ${upgraded.map((p) => p.name).sort().join(" ")}`);
  lines.push(`${upgraded.length} upgraded, ${fresh.length} newly installed, 0 to remove and 0 not upgraded.`);
  return lines;
}

function simulationLines(pending: PackageUpgrade[]): string[] {
  const describe = (p: PackageUpgrade) => `${p.name}${p.from ? ` [${p.from}]` : ""} (${p.to} ${repo} [${arch(p)}])`;
  return [...pending.map((p) => `Inst ${describe(p)}`), ...pending.map((p) => `Conf ${p.name} (${p.to} ${repo} [${arch(p)}])`)];
}

async function update(ctx: CommandContext): Promise<number> {
  ctx.cluster.aptUpdate(ctx.node, ctx.source);
  await modelDelay(ctx, timings.aptUpdate);
  await printLines(ctx, [
    "Hit:1 http://security.debian.org/debian-security bookworm-security InRelease",
    "Hit:2 http://deb.debian.org/debian bookworm InRelease",
    "Hit:3 http://deb.debian.org/debian bookworm-updates InRelease",
    "Get:4 http://download.proxmox.com/debian/pve bookworm InRelease [2,768 B]",
    "Fetched 2,768 B in 1s (3,512 B/s)",
    "Reading package lists...",
  ]);
  return 0;
}

async function distUpgrade(ctx: CommandContext, assumeYes: boolean, simulate: boolean): Promise<number> {
  const node = ctx.cluster.node(ctx.node);
  if (node.dpkgInterrupted && !simulate) {
    ctx.out.stderr(dpkgInterrupted);
    return 100;
  }
  if (node.dpkgBusy && !simulate) {
    ctx.out.stderr("E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 31337 (apt-get)\nN: Be aware that removing the lock file is not a solution and may break your system.\nE: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), is another process using it?\n");
    return 100;
  }
  const pending = [...node.pending];
  await printLines(ctx, planLines(pending));
  if (simulate) {
    await printLines(ctx, simulationLines(pending));
    return 0;
  }
  if (pending.length === 0) return 0;
  if (!assumeYes) {
    // Without a terminal apt cannot ask, so it aborts (what a cron job without -y gets).
    await ctx.out.stdout("Need to get 112 MB of archives.\nAfter this operation, 541 MB of additional disk space will be used.\nDo you want to continue? [Y/n] Abort.\n");
    return 1;
  }
  ctx.cluster.beginDistUpgrade(ctx.node, ctx.source);
  await printLines(ctx, ["Need to get 112 MB of archives.", "After this operation, 541 MB of additional disk space will be used."]);
  const drops = ctx.cluster.sshDropsDuringApt(ctx.node);
  const step = timings.distUpgrade / (pending.length * 2);
  try {
    for (const [i, p] of pending.entries()) {
      await modelDelay(ctx, step);
      await printLines(ctx, [`Get:${i + 1} http://download.proxmox.com/debian/pve bookworm/pve-no-subscription amd64 ${p.name} ${arch(p)} ${p.to} [4,096 kB]`]);
    }
    await printLines(ctx, ["Fetched 112 MB in 4s (28.0 MB/s)", "(Reading database ... 71234 files and directories currently installed.)"]);
    for (const [i, p] of pending.entries()) {
      if (drops && i === Math.floor(pending.length / 2)) {
        ctx.cluster.interruptDistUpgrade(ctx.node);
        ctx.dropConnection();
        return 255;
      }
      await modelDelay(ctx, step);
      await printLines(ctx, [`Preparing to unpack .../${p.name}_${p.to}_${arch(p)}.deb ...`, `Unpacking ${p.name} (${p.to})${p.from ? ` over (${p.from})` : ""} ...`]);
    }
  } catch (error) {
    // The client went away mid-install: dpkg is left half-done, as on a real node.
    ctx.cluster.interruptDistUpgrade(ctx.node);
    throw error;
  }
  await printLines(ctx, [...pending.map((p) => `Setting up ${p.name} (${p.to}) ...`), "Processing triggers for man-db (2.11.2-2) ...", "Processing triggers for pve-manager (8.3.0) ..."]);
  ctx.cluster.finishDistUpgrade(ctx.node);
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
  const node = ctx.cluster.node(ctx.node);
  const unconfigured = node.dpkgInterrupted ? node.pending.map((p) => `Setting up ${p.name} (${p.to}) ...`) : [];
  ctx.cluster.configurePending(ctx.node, ctx.source);
  await printLines(ctx, unconfigured);
  return 0;
};
