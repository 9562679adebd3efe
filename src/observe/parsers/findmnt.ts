// `findmnt --fstab -J -t glusterfs` on a node: the Gluster volumes it mounts, where from, and
// with which backup volfile servers. util-linux prints {"filesystems": [{target, source, fstype,
// options}]} and exits 1, printing nothing, when no entry matches (util-linux misc-utils/findmnt.c).

import { z } from "zod";

export interface GlusterMount {
  target: string;
  /** The volfile server named in `source` (`pve1:/gv0`). */
  server: string;
  volume: string;
  /** `backup-volfile-servers=pve2:pve3` (or the older single `backupvolfile-server=`). */
  backupServers: string[];
  /** The line as it would be written in /etc/fstab, for messages. */
  line: string;
}

const findmntSchema = z.object({
  filesystems: z.array(
    z.looseObject({ target: z.string(), source: z.string(), fstype: z.string(), options: z.string().nullable().optional() }),
  ),
});

/** The fstab entries of Gluster mounts; throws on output that is not findmnt's JSON. */
export function parseGlusterFstab(stdout: string, exitCode: number | null): GlusterMount[] {
  if (exitCode === 1 && stdout.trim() === "") return [];
  if (exitCode !== 0) throw new Error(`findmnt exited ${exitCode}`);
  let data: unknown;
  try {
    data = JSON.parse(stdout);
  } catch {
    throw new Error(`findmnt printed something that is not JSON: ${JSON.stringify(stdout.slice(0, 60))}`);
  }
  const parsed = findmntSchema.safeParse(data);
  if (!parsed.success) throw new Error(`findmnt printed JSON of an unexpected shape: ${parsed.error.issues[0]?.message ?? "invalid"}`);
  return parsed.data.filesystems.flatMap((fs) => {
    const source = /^\[?([^\]]+?)\]?:\/?([^/]+)$/.exec(fs.source);
    if (!source || !["glusterfs", "fuse.glusterfs"].includes(fs.fstype)) return [];
    const options = (fs.options ?? "").split(",");
    const backups = options.flatMap((o) => {
      const m = /^(?:backup-volfile-servers|backupvolfile-server)=(.*)$/.exec(o);
      return m ? m[1]!.split(":").filter((s) => s !== "") : [];
    });
    return [
      {
        target: fs.target,
        server: source[1]!,
        volume: source[2]!,
        backupServers: backups,
        line: `${fs.source} ${fs.target} ${fs.fstype} ${fs.options ?? "defaults"} 0 0`,
      },
    ];
  });
}
