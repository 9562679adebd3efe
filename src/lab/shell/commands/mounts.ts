// A node's mounts: /etc/fstab as the PVE installer writes it (plus, on PVE 9, the Gluster volume's
// FUSE mount an admin adds), and `findmnt` over fstab or the kernel's mount table, with
// util-linux's JSON layout.

import type { LabCluster } from "../../model/cluster.js";
import { stableUuid } from "../../model/topology.js";
import { printLines, type LabCommand } from "../context.js";

interface Filesystem {
  target: string;
  source: string;
  fstype: string;
  options: string;
}

/**
 * The Gluster line on PVE 9: one line copied to every node, as admins do. The first node names the
 * volume; backup-volfile-servers lists the other peers, so a node that boots while that node is
 * down still fetches the volfile (glusterfs xlators/mount/fuse/utils/mount.glusterfs.in);
 * `_netdev` waits for the network, x-systemd.requires=glusterd.service for the local glusterd of a
 * hyper-converged node.
 */
function glusterFstab(cluster: LabCluster): Filesystem | null {
  if (!cluster.storageOnFstab) return null;
  const { source, backups } = cluster.mountSpec();
  const options = [
    "defaults",
    "_netdev",
    ...(backups.length > 0 ? [`backup-volfile-servers=${backups.join(":")}`] : []),
    "x-systemd.requires=glusterd.service",
  ];
  return { target: `/mnt/pve/${cluster.volume.name}`, source, fstype: "glusterfs", options: options.join(",") };
}

// proxmox/pve-installer Proxmox/Install.pm: the header, an ext4 root on LVM with
// errors=remount-ro, the ESP by UUID on an EFI system, the swap volume, /proc.
function installerFstab(node: string): Filesystem[] {
  const esp = stableUuid(`esp-${node}`).slice(0, 8).toUpperCase();
  return [
    { target: "/", source: "/dev/pve/root", fstype: "ext4", options: "errors=remount-ro" },
    { target: "/boot/efi", source: `UUID=${esp.slice(0, 4)}-${esp.slice(4)}`, fstype: "vfat", options: "defaults" },
    { target: "none", source: "/dev/pve/swap", fstype: "swap", options: "sw" },
    { target: "/proc", source: "proc", fstype: "proc", options: "defaults" },
  ];
}

function fstabEntries(cluster: LabCluster, node: string): Filesystem[] {
  const gluster = glusterFstab(cluster);
  return [...installerFstab(node), ...(gluster ? [gluster] : [])];
}

export function fstab(cluster: LabCluster, node: string): string {
  const pass = (fs: Filesystem) => (fs.target === "/" ? 1 : fs.target === "/boot/efi" ? 1 : 0);
  return [
    "# <file system> <mount point> <type> <options> <dump> <pass>",
    ...fstabEntries(cluster, node).map((fs) => `${fs.source} ${fs.target} ${fs.fstype} ${fs.options} 0 ${pass(fs)}`),
    "",
  ].join("\n");
}

/**
 * The kernel's mount table (the part the lab models). The FUSE mount exists while the node runs
 * and its mount succeeded; its source names the first volfile server, its options are those
 * fuse-bridge.c passes (default_permissions,allow_other,max_read=131072) as the kernel shows them.
 */
function kernelMounts(cluster: LabCluster, node: string): Filesystem[] {
  const mounts: Filesystem[] = [
    { target: "/", source: "/dev/mapper/pve-root", fstype: "ext4", options: "rw,relatime,errors=remount-ro" },
    {
      target: "/etc/pve",
      source: "/dev/fuse",
      fstype: "fuse",
      options: "rw,nosuid,nodev,relatime,user_id=0,group_id=0,default_permissions,allow_other",
    },
  ];
  const gluster = cluster.node(node).glusterMount;
  if (gluster)
    mounts.push({
      target: `/mnt/pve/${cluster.volume.name}`,
      source: gluster.source,
      fstype: "fuse.glusterfs",
      options: "rw,relatime,user_id=0,group_id=0,default_permissions,allow_other,max_read=131072",
    });
  return mounts;
}

/**
 * libsmartcols' JSON (util-linux lib/jsonwrt.c, 2.38 and 2.41 alike): three-space indents,
 * siblings joined as `},{`, an empty value as null; findmnt names the table "filesystems".
 */
function scolsJson(rows: Filesystem[]): string {
  const value = (v: string) => (v === "" ? "null" : JSON.stringify(v));
  const objects = rows.map(
    (r) =>
      `      {\n${(["target", "source", "fstype", "options"] as const).map((k) => `         "${k}": ${value(r[k])}`).join(",\n")}\n      }`,
  );
  return `{\n   "filesystems": [\n${objects.join(",")}\n   ]\n}\n`;
}

/** `findmnt [--fstab] -J [-t TYPES]`: the forms rollgate uses. */
export const findmnt: LabCommand = async (ctx, args) => {
  let json = false;
  let fromFstab = false;
  let types: string[] | null = null;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "-J" || arg === "--json") json = true;
    else if (arg === "-s" || arg === "--fstab") fromFstab = true;
    else if (arg === "-k" || arg === "--kernel") fromFstab = false;
    else if (arg === "-t" || arg === "--types") types = (args[++i] ?? "").split(",");
    else if (arg.startsWith("--types=")) types = arg.slice("--types=".length).split(",");
    else if (/^-t./.test(arg)) types = arg.slice(2).split(",");
    else {
      ctx.out.stderr(`findmnt: the lab models only 'findmnt [--fstab] -J [-t TYPES]', not '${arg}'\n`);
      return 1;
    }
  }
  if (!json) {
    ctx.out.stderr("findmnt: the lab models only the JSON output (-J)\n");
    return 1;
  }
  if (!fromFstab && types === null) {
    // Unfiltered, the kernel's table prints as a tree of children under "/", which the lab does not model.
    ctx.out.stderr("findmnt: the lab models the kernel's table only with -t TYPES\n");
    return 1;
  }
  const all = fromFstab ? fstabEntries(ctx.cluster, ctx.node) : kernelMounts(ctx.cluster, ctx.node);
  const rows = types === null ? all : all.filter((fs) => types.includes(fs.fstype));
  // util-linux misc-utils/findmnt.c: fstab is listed (no tree), and a list with no match prints
  // nothing and exits 1; the kernel's table is a tree, printed (empty) with exit 0 whatever matched.
  if (fromFstab && rows.length === 0) return 1;
  await printLines(ctx, [scolsJson(rows).replace(/\n$/, "")]);
  return 0;
};
