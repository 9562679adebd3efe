// `df -B1 --output=file,avail,size,target / /boot` on a node (GNU coreutils src/df.c): a header,
// then one line per argument in the order given, naming it; a path df cannot read gets no line (df
// says why on stderr and exits 1). Avail is statvfs' f_bavail, what an unprivileged writer may
// still use, the same number pve8to9 compares (pve-common PVE::Tools::df). The mount point comes
// last so that one holding spaces stays whole; when /boot is on the root file system it is "/".

/** The command the parser below reads: its columns in this order, sizes in bytes. */
export const dfArgv = ["df", "-B1", "--output=file,avail,size,target", "/", "/boot"] as const;

export interface FileSystemSpace {
  mountPoint: string;
  availBytes: number;
  sizeBytes: number;
}

export interface DiskSpace {
  root: FileSystemSpace;
  /** Null when /boot lies on the root file system (df names "/" as its mount point). */
  boot: FileSystemSpace | null;
}

const HEADER = /^File\s+Avail\s+1B-blocks\s+Mounted on$/;
const LINE = /^(\S+)\s+(\d+)\s+(\d+)\s(.+)$/;

/** Free space on / and /boot; throws, quoting the line, on output that is not that command's. */
export function parseDf(stdout: string): DiskSpace {
  const [header, ...rows] = stdout.split("\n").filter((l) => l !== "");
  if (header === undefined || !HEADER.test(header))
    throw new Error(`df printed no header of its own: ${JSON.stringify((header ?? "").slice(0, 80))}`);
  const byFile = new Map<string, FileSystemSpace>();
  for (const row of rows) {
    const m = LINE.exec(row);
    if (!m || byFile.has(m[1]!)) throw new Error(`df printed an unexpected line: ${JSON.stringify(row.slice(0, 80))}`);
    byFile.set(m[1]!, { availBytes: Number(m[2]), sizeBytes: Number(m[3]), mountPoint: m[4]! });
  }
  const line = (file: string): FileSystemSpace => {
    const seen = byFile.get(file);
    if (!seen) throw new Error(`df printed no line for ${file}`);
    return seen;
  };
  const root = line("/");
  const boot = line("/boot");
  if (byFile.size !== 2) throw new Error(`df printed lines for ${[...byFile.keys()].join(", ")}, not for / and /boot only`);
  return { root, boot: boot.mountPoint === root.mountPoint ? null : boot };
}
