// Kernel, boot and systemd commands of a Proxmox VE node, and reading its files.

import { userConfigText } from "../../pve/acl.js";
import { kernelVersionString } from "../../model/releases.js";
import { isPmxcfsPath, PmxcfsError, strerror, type Errno } from "../../model/pmxcfs.js";
import { AptFiles, AptFsError, isAptPath } from "../../model/apt-files.js";
import { printLines, type CommandContext, type LabCommand } from "../context.js";
import { glusterViewFrom } from "../../model/gluster-view.js";
import { volumeRecord } from "../../gluster/volume-record.js";
import { fstab } from "./mounts.js";

export const uname: LabCommand = async (ctx, args) => {
  const node = ctx.cluster.node(ctx.node);
  if (args.length === 1 && args[0] === "-r") {
    await printLines(ctx, [node.runningKernel]);
    return 0;
  }
  if (args.length === 0 || (args.length === 1 && args[0] === "-s")) {
    await printLines(ctx, ["Linux"]);
    return 0;
  }
  if (args.length === 1 && args[0] === "-v") {
    await printLines(ctx, [kernelVersionString(node.runningKernel)]);
    return 0;
  }
  if (args.length === 1 && args[0] === "-a") {
    await printLines(ctx, [`Linux ${ctx.node} ${node.runningKernel} ${kernelVersionString(node.runningKernel)} x86_64 GNU/Linux`]);
    return 0;
  }
  ctx.out.stderr(`uname: invalid option -- '${(args[0] ?? "").replace(/^-+/, "")}'\nTry 'uname --help' for more information.\n`);
  return 1;
};

// pve-manager bin/pveversion: pvecfg's "package/version/repoid" and the running kernel (--verbose is not modelled).
export const pveversion: LabCommand = async (ctx, args) => {
  if (args.length > 0) {
    ctx.out.stderr("USAGE: pveversion [--verbose]\n");
    return 255;
  }
  const node = ctx.cluster.node(ctx.node);
  await printLines(ctx, [
    `pve-manager/${node.pveVersion}/${ctx.cluster.profileOf(ctx.node).repoid[node.pveVersion] ?? "0000000000000000"} (running kernel: ${node.runningKernel})`,
  ]);
  return 0;
};

export const hostname: LabCommand = async (ctx) => {
  await printLines(ctx, [ctx.node]);
  return 0;
};

type FileRead = { content: string } | { errno: Errno };

/** A node's own files (boot id, hostname, reboot-required, glusterd's volume records) and the cluster's /etc/pve. */
function readFile(ctx: CommandContext, path: string): FileRead {
  // The lab keeps user.cfg as data beside the pmxcfs tree (the API's access checks read it).
  if (path === "/etc/pve/user.cfg") return { content: userConfigText(ctx.cluster.userConfig) };
  if (isPmxcfsPath(path)) {
    try {
      return { content: ctx.cluster.pmxcfs.read(path) };
    } catch (error) {
      if (error instanceof PmxcfsError) return { errno: error.code };
      throw error;
    }
  }
  const node = ctx.cluster.node(ctx.node);
  if (isAptPath(path)) {
    try {
      return { content: new AptFiles(node.aptFiles).read(path) };
    } catch (error) {
      if (error instanceof AptFsError) return { errno: error.code };
      throw error;
    }
  }
  const record = /^\/var\/lib\/glusterd\/vols\/([^/]+)\/info$/.exec(path);
  if (record) {
    const volume = glusterViewFrom(ctx.cluster, ctx.node).volumes.find((v) => v.name === record[1]);
    return volume ? { content: volumeRecord(volume) } : { errno: "ENOENT" };
  }
  switch (path) {
    case "/proc/sys/kernel/random/boot_id":
      return { content: `${node.bootId}\n` };
    case "/etc/hostname":
      return { content: `${ctx.node}\n` };
    case "/run/reboot-required":
    case "/var/run/reboot-required":
      return node.rebootRequiredFile ? { content: "*** System restart required ***\n" } : { errno: "ENOENT" };
    case "/etc/fstab":
      return { content: fstab(ctx.cluster, ctx.node) };
    default:
      return { errno: "ENOENT" };
  }
}

function fileKind(ctx: CommandContext, path: string): "file" | "dir" | null {
  if (isPmxcfsPath(path)) return ctx.cluster.pmxcfs.stat(path)?.kind ?? null;
  if (isAptPath(path)) return new AptFiles(ctx.cluster.node(ctx.node).aptFiles).stat(path);
  return "content" in readFile(ctx, path) ? "file" : null;
}

export const cat: LabCommand = async (ctx, args) => {
  let status = 0;
  for (const path of args) {
    const read = readFile(ctx, path);
    if ("errno" in read) {
      // coreutils src/cat.c: "cat: FILE: …", the name unquoted (quotef).
      ctx.out.stderr(`cat: ${path}: ${strerror[read.errno]}\n`);
      status = 1;
    } else await ctx.out.stdout(read.content);
  }
  return status;
};

const testKinds: Record<string, (kind: "file" | "dir" | null) => boolean> = {
  "-e": (kind) => kind !== null,
  "-f": (kind) => kind === "file",
  "-d": (kind) => kind === "dir",
};

export const test: LabCommand = async (ctx, args) => {
  const [flag, path] = args;
  const holds = flag !== undefined && Object.hasOwn(testKinds, flag) ? testKinds[flag] : undefined;
  if (args.length !== 2 || !holds) return 2;
  return holds(fileKind(ctx, path!)) ? 0 : 1;
};

export const proxmoxBootTool: LabCommand = async (ctx, args) => {
  if (args[0] !== "kernel" || args[1] !== "list") {
    ctx.out.stderr("the lab models only 'proxmox-boot-tool kernel list'\n");
    return 2;
  }
  // proxmox-kernel-helper's proxmox-boot-tool lists kernels sorted as text: real nodes print
  // 6.11.11-2-pve before 6.5.13-6-pve, and so 6.8.12-11-pve before 6.8.12-9-pve.
  const kernels = [...ctx.cluster.node(ctx.node).installedKernels].sort();
  await printLines(ctx, ["Manually selected kernels:", "None.", "", "Automatically selected kernels:", ...kernels]);
  return 0;
};

export const reboot: LabCommand = async (ctx) => {
  // systemd accepts the request and returns; the connection drops a few seconds later.
  ctx.cluster.reboot(ctx.node, ctx.source);
  return 0;
};

export const systemctl: LabCommand = async (ctx, args) => {
  const [verb, ...units] = args.filter((a) => !a.startsWith("-"));
  const node = ctx.cluster.node(ctx.node);
  switch (verb) {
    case "is-active": {
      let status = 0;
      for (const unit of units) {
        const state = node.units.get(withSuffix(unit)) ?? "inactive";
        if (state !== "active") status = 3;
        await printLines(ctx, [state]);
      }
      return units.length === 0 ? 1 : status;
    }
    case "list-units":
      return listUnits(ctx, args);
    case "reboot":
      return reboot(ctx, []);
    case "start":
    case "restart":
      for (const unit of units) {
        ctx.cluster.record.mutation(ctx.source, `systemctl ${verb} ${withSuffix(unit)} on ${ctx.node}`);
        if (!node.units.has(withSuffix(unit))) {
          ctx.out.stderr(`Failed to ${verb} ${withSuffix(unit)}: Unit ${withSuffix(unit)} not found.\n`);
          return 5;
        }
        ctx.cluster.setUnit(ctx.node, withSuffix(unit), "active");
        if (withSuffix(unit) === "glusterd.service") ctx.cluster.restartGlusterd(ctx.node);
      }
      return 0;
    default:
      ctx.out.stderr(`the lab models only 'systemctl is-active|list-units|start|restart|reboot', not '${verb ?? ""}'\n`);
      return 1;
  }
};

/**
 * `systemctl list-units --type=service --state=running --plain --no-legend`: one line per unit,
 * UNIT LOAD ACTIVE SUB DESCRIPTION (systemd src/systemctl/systemctl-list-units.c output_units_list;
 * --plain drops the bullet, --no-legend the header and footer). The lab has no descriptions: the
 * unit's name stands for it.
 */
async function listUnits(ctx: CommandContext, args: readonly string[]): Promise<number> {
  const wanted = ["--type=service", "--state=running", "--plain", "--no-legend"];
  const missing = wanted.filter((option) => !args.includes(option));
  if (missing.length > 0) {
    ctx.out.stderr(`the lab models only 'systemctl list-units ${wanted.join(" ")}' (missing ${missing.join(" ")})\n`);
    return 1;
  }
  const running = [...ctx.cluster.node(ctx.node).units].filter(([unit, state]) => state === "active" && unit.endsWith(".service"));
  const width = Math.max(0, ...running.map(([unit]) => unit.length));
  await printLines(
    ctx,
    running.map(([unit]) => `${unit.padEnd(width)} loaded active running ${unit.replace(/\.service$/, "")}`),
  );
  return 0;
}

const withSuffix = (unit: string) => (/\.(service|socket|target|timer|mount)$/.test(unit) ? unit : `${unit}.service`);
