// A node's root file system and `df` over it. The PVE installer's layout: / an ext4 on the LVM
// volume pve/root, /boot a directory on it (proxmox/pve-installer Proxmox/Install.pm: root is a
// quarter of the disk plus 12 GiB, at most 96 GiB; the lab's disks are large enough for the cap).

import type { LabCluster } from "../../model/cluster.js";
import { printLines, type LabCommand } from "../context.js";

const BLOCK = 4096;
const blocks = (bytes: number) => Math.floor(bytes / BLOCK) * BLOCK;

// mkfs.ext4 (e2fsprogs 1.47, its defaults) on a 96 GiB volume, as df reported it here: its size
// after the inode tables and journal, and the 5% reserved for root that Avail never counts.
const ROOT_SIZE = 100_861_726_720;
const ROOT_RESERVED = 5_170_737_152;

export interface RootFilesystem {
  sizeBytes: number;
  availBytes: number;
}

/**
 * / of a node: 8.6 to 12.5 GB used by the system, logs and the `local` storage's ISO images under
 * /var/lib/vz; under low-disk-space, ISO images and backups there leave the node it names 3.1 GB.
 */
export function rootFilesystem(cluster: LabCluster, node: string): RootFilesystem {
  const low = cluster.faults.lowDiskSpaceOn === node;
  const used = blocks(8.6e9 + 1.3e9 * ((cluster.node(node).spec.nodeId - 1) % 4));
  const availBytes = low ? blocks(3.12e9) : ROOT_SIZE - ROOT_RESERVED - used;
  return { sizeBytes: ROOT_SIZE, availBytes };
}

type Cell = { text: string; right: boolean };

/**
 * GNU coreutils src/df.c print_table: each column as wide as its widest cell, one space between,
 * text left-aligned and numbers right-aligned, the last column not padded.
 */
function table(rows: Cell[][]): string[] {
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((r) => r[col]!.text.length)));
  return rows.map((row) =>
    row
      .map((cell, col) =>
        col === row.length - 1 ? cell.text : cell.right ? cell.text.padStart(widths[col]!) : cell.text.padEnd(widths[col]!),
      )
      .join(" "),
  );
}

/** `df -B1 --output=file,avail,size,target PATH…`, the form rollgate uses, for / and /boot. */
export const df: LabCommand = async (ctx, args) => {
  const [blockSize, output, ...paths] = args;
  if (blockSize !== "-B1" || output !== "--output=file,avail,size,target" || paths.length === 0) {
    ctx.out.stderr(`df: the lab models only 'df -B1 --output=file,avail,size,target PATH…', not '${args.join(" ")}'\n`);
    return 1;
  }
  const unknown = paths.find((p) => p !== "/" && p !== "/boot");
  if (unknown !== undefined) {
    ctx.out.stderr(`df: the lab models only / and /boot, not '${unknown}'\n`);
    return 1;
  }
  const root = rootFilesystem(ctx.cluster, ctx.node);
  const left = (text: string): Cell => ({ text, right: false });
  const right = (text: string): Cell => ({ text, right: true });
  await printLines(
    ctx,
    table([
      [left("File"), right("Avail"), right("1B-blocks"), left("Mounted on")],
      ...paths.map((p) => [left(p), right(String(root.availBytes)), right(String(root.sizeBytes)), left("/")]),
    ]),
  );
  return 0;
};
