// The lab's /etc/pve: one replicated tree for the whole cluster, as pmxcfs keeps it, with the
// lock directories of /etc/pve/priv/lock (docs/domain/pmxcfs-locks.md). Only what rollgate uses
// exists: /etc/pve, /etc/pve/priv and /etc/pve/priv/lock; anything else is created by commands.
//
// Two clocks, on purpose: a lock's 120 s expiry is model time (`modelNow`, model ms), like every
// duration the lab models, so a lab at 200x does not hold a dead lock for 2 real minutes; mtimes
// (what `stat -c %Y` prints) and `date +%s` are real wall-clock seconds, like the lab's ctime(),
// because rollgate compares them with its own lease, which is real time.

import path from "node:path";

/** The errors pmxcfs (and the kernel in front of it) answer with; `strerror` texts below. */
export type Errno = "ENOENT" | "EEXIST" | "EACCES" | "ENOTEMPTY" | "ENOTDIR" | "EISDIR";

export const strerror: Record<Errno, string> = {
  ENOENT: "No such file or directory",
  EEXIST: "File exists",
  EACCES: "Permission denied",
  ENOTEMPTY: "Directory not empty",
  ENOTDIR: "Not a directory",
  EISDIR: "Is a directory",
};

export class PmxcfsError extends Error {
  constructor(readonly code: Errno) {
    super(strerror[code]);
  }
}

// pve-cluster src/pmxcfs/memdb.c: #define CFS_LOCK_TIMEOUT (60 * 2), in seconds.
export const CFS_LOCK_TIMEOUT_MS = 120_000;

const PMXCFS_ROOT = "/etc/pve";
const LOCK_DIR = "/etc/pve/priv/lock";

export interface PmxcfsEntry {
  readonly kind: "dir" | "file";
  /** Wall-clock seconds of the last change (st_mtime). */
  readonly mtime: number;
  /** The node that made the last change (memdb's `writer`). */
  readonly writer: string;
  readonly content: string;
}

interface Entry {
  kind: "dir" | "file";
  mtime: number;
  writer: string;
  content: string;
  /** Lock directories only: model ms of the last change, from which the expiry counts. */
  lockChangedAt: number | null;
}

export interface PmxcfsOptions {
  /** Model milliseconds (the lab clock). */
  modelNow(): number;
  /** Model ms after which an unchanged lock expires; CFS_LOCK_TIMEOUT_MS unless the lab stretches it. */
  lockTimeoutMs?: number;
  /** Whether pmxcfs on `node` takes writes: only in a quorate partition. */
  writable(node: string): boolean;
  /** Real seconds since the epoch; a parameter so unit tests can pin it. */
  wallSeconds?(): number;
}

/** True for a path pmxcfs holds; the lab models no other file system. */
export function isPmxcfsPath(file: string): boolean {
  return file === PMXCFS_ROOT || file.startsWith(`${PMXCFS_ROOT}/`);
}

// pve-cluster src/pmxcfs/cfs-utils.c path_is_lockdir: a direct child of priv/lock.
function isLockDir(file: string): boolean {
  return path.posix.dirname(file) === LOCK_DIR;
}

export class Pmxcfs {
  private readonly entries = new Map<string, Entry>();
  private readonly wallSeconds: () => number;

  constructor(private readonly options: PmxcfsOptions) {
    this.wallSeconds = options.wallSeconds ?? (() => Math.floor(Date.now() / 1000));
    for (const dir of [PMXCFS_ROOT, "/etc/pve/priv", LOCK_DIR]) this.entries.set(dir, this.fresh("dir", "", null));
  }

  private fresh(kind: Entry["kind"], writer: string, lockChangedAt: number | null): Entry {
    return { kind, mtime: this.wallSeconds(), writer, content: "", lockChangedAt };
  }

  // ---- reading (works with or without quorum) ----------------------------------------------

  stat(file: string): PmxcfsEntry | null {
    const entry = this.entries.get(normal(file));
    return entry ? { kind: entry.kind, mtime: entry.mtime, writer: entry.writer, content: entry.content } : null;
  }

  read(file: string): string {
    const entry = this.lookup(normal(file));
    if (entry.kind === "dir") throw new PmxcfsError("EISDIR");
    return entry.content;
  }

  /** pve-cluster src/pmxcfs/memdb.c memdb_lock_expired: more than 120 s since the lock last changed. */
  lockExpired(file: string): boolean {
    const entry = this.entries.get(normal(file));
    return (
      entry?.lockChangedAt != null && this.options.modelNow() - entry.lockChangedAt > (this.options.lockTimeoutMs ?? CFS_LOCK_TIMEOUT_MS)
    );
  }

  // ---- changes: the kernel's lookup first (ENOENT, EEXIST), then quorum (EACCES), then memdb ----

  // pve-cluster src/pmxcfs/memdb.c memdb_mkdir: EEXIST if the name exists; a lock starts its 120 s.
  mkdir(node: string, dir: string): void {
    const target = normal(dir);
    this.parentOf(target);
    if (this.entries.has(target)) throw new PmxcfsError("EEXIST");
    this.mustWrite(node);
    this.entries.set(target, this.fresh("dir", node, isLockDir(target) ? this.options.modelNow() : null));
  }

  // pve-cluster src/pmxcfs/memdb.c memdb_delete: a directory must be empty; any node may remove a lock.
  rmdir(node: string, dir: string): void {
    const target = normal(dir);
    const entry = this.lookup(target);
    if (entry.kind !== "dir") throw new PmxcfsError("ENOTDIR");
    this.mustWrite(node);
    // memdb_delete: "cant remove root".
    if (target === PMXCFS_ROOT) throw new PmxcfsError("EACCES");
    if (this.children(target).length > 0) throw new PmxcfsError("ENOTEMPTY");
    this.entries.delete(target);
  }

  /** open(O_WRONLY|O_CREAT|O_TRUNC) then write: pve-cluster src/README, "O_TRUNC creates are not atomic". */
  truncate(node: string, file: string): void {
    const target = normal(file);
    const existing = this.entries.get(target);
    if (existing?.kind === "dir") throw new PmxcfsError("EISDIR");
    if (!existing) this.parentOf(target);
    this.mustWrite(node);
    this.entries.set(target, this.fresh("file", node, null));
  }

  /** open(O_CREAT) without O_TRUNC, as touch does: an existing file keeps its content. */
  create(node: string, file: string): void {
    const target = normal(file);
    const existing = this.entries.get(target);
    if (existing?.kind === "dir") throw new PmxcfsError("EISDIR");
    if (existing) return;
    this.parentOf(target);
    this.mustWrite(node);
    this.entries.set(target, this.fresh("file", node, null));
  }

  // pve-cluster src/pmxcfs/memdb.c memdb_pwrite: the content changes, and mtime and writer with it.
  append(node: string, file: string, data: string): void {
    const entry = this.lookup(normal(file));
    if (entry.kind === "dir") throw new PmxcfsError("EISDIR");
    this.mustWrite(node);
    entry.content += data;
    entry.mtime = this.wallSeconds();
    entry.writer = node;
  }

  // pve-cluster src/pmxcfs/memdb.c memdb_rename: replaces the target; no lock dirs, no non-empty dirs.
  rename(node: string, from: string, to: string): void {
    const source = normal(from);
    const target = normal(to);
    const entry = this.lookup(source);
    const replaced = this.entries.get(target);
    if (!replaced) this.parentOf(target);
    else if (replaced.kind === "dir" && entry.kind === "file") throw new PmxcfsError("EISDIR");
    else if (replaced.kind === "file" && entry.kind === "dir") throw new PmxcfsError("ENOTDIR");
    // The kernel answers a rename onto itself without asking the file system.
    if (source === target) return;
    this.mustWrite(node);
    if (entry.kind === "dir" && isLockDir(source)) throw new PmxcfsError("EACCES");
    if (entry.kind === "dir" && this.children(source).length > 0) throw new PmxcfsError("ENOTEMPTY");
    if (replaced?.kind === "dir" && this.children(target).length > 0) throw new PmxcfsError("ENOTEMPTY");
    this.entries.delete(source);
    const lockChangedAt = entry.kind === "dir" && isLockDir(target) ? this.options.modelNow() : null;
    this.entries.set(target, { ...entry, mtime: this.wallSeconds(), writer: node, lockChangedAt });
  }

  // pve-cluster src/pmxcfs/memdb.c memdb_delete, for a file (unlink).
  unlink(node: string, file: string): void {
    const target = normal(file);
    const entry = this.lookup(target);
    if (entry.kind === "dir") throw new PmxcfsError("EISDIR");
    this.mustWrite(node);
    this.entries.delete(target);
  }

  /**
   * utimensat(mtime). pve-cluster src/pmxcfs/cfs-plug-memdb.c cfs_plug_memdb_utimens: an mtime of 0
   * on a lock dir is first an unlock request, which deletes the lock if it expired; then the mtime
   * update, which memdb_mtime accepts on a lock only if not older and from the same writer.
   */
  utime(node: string, file: string, mtime: number): void {
    const target = normal(file);
    const entry = this.lookup(target);
    this.mustWrite(node);
    const lock = entry.kind === "dir" && isLockDir(target);
    if (lock && mtime === 0 && this.lockExpired(target)) {
      this.entries.delete(target);
      // In pmxcfs the mtime message races the unlock; the lab lets the unlock win.
      throw new PmxcfsError("ENOENT");
    }
    if (lock && (mtime < entry.mtime || entry.writer !== node)) throw new PmxcfsError("EACCES");
    entry.mtime = mtime;
    entry.writer = node;
    if (lock) entry.lockChangedAt = this.options.modelNow();
  }

  /** Real seconds now: what `date +%s` prints and what a change stamps as mtime. */
  wallClockSeconds(): number {
    return this.wallSeconds();
  }

  // ---- helpers -------------------------------------------------------------------------------

  private lookup(file: string): Entry {
    const entry = this.entries.get(file);
    if (!entry) throw new PmxcfsError(this.ancestorProblem(file) ?? "ENOENT");
    return entry;
  }

  /** The directory `file` would live in; ENOENT or ENOTDIR as the kernel's path walk reports. */
  private parentOf(file: string): Entry {
    const parent = this.entries.get(path.posix.dirname(file));
    if (!parent) throw new PmxcfsError(this.ancestorProblem(file) ?? "ENOENT");
    if (parent.kind !== "dir") throw new PmxcfsError("ENOTDIR");
    return parent;
  }

  /** ENOTDIR when a file stands where a directory of the path should be. */
  private ancestorProblem(file: string): Errno | null {
    for (let dir = path.posix.dirname(file); dir !== "/" && dir !== "."; dir = path.posix.dirname(dir)) {
      if (this.entries.get(dir)?.kind === "file") return "ENOTDIR";
    }
    return null;
  }

  private children(dir: string): string[] {
    return [...this.entries.keys()].filter((p) => path.posix.dirname(p) === dir && p !== dir);
  }

  // pve-cluster src/pmxcfs/dcdb.c dcdb_send_fuse_message: -EACCES while not quorate.
  private mustWrite(node: string): void {
    if (!this.options.writable(node)) throw new PmxcfsError("EACCES");
  }
}

/** `/etc/pve//priv/` → `/etc/pve/priv`; callers pass absolute paths. */
function normal(file: string): string {
  const normalized = path.posix.normalize(file);
  return normalized.length > 1 && normalized.endsWith("/") ? normalized.slice(0, -1) : normalized;
}
