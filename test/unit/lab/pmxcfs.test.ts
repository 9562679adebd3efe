// The lab's pmxcfs: lock directories as pve-cluster's memdb treats them (EEXIST, the 120 s expiry
// on the model clock, the unlock request, refreshes only by the same writer), rename, and no writes
// without quorum (docs/domain/pmxcfs-locks.md).

import { beforeEach, describe, expect, it } from "vitest";
import { CFS_LOCK_TIMEOUT_MS, Pmxcfs, PmxcfsError, type Errno } from "../../../src/lab/model/pmxcfs.js";

const LOCK = "/etc/pve/priv/lock/rollgate";

let modelMs: number;
let wall: number;
let quorate: Set<string>;
let fs: Pmxcfs;

beforeEach(() => {
  modelMs = 0;
  wall = 1_700_000_000;
  quorate = new Set(["pve1", "pve2", "pve3"]);
  fs = new Pmxcfs({ modelNow: () => modelMs, wallSeconds: () => wall, writable: (node) => quorate.has(node) });
});

function errnoOf(act: () => void): Errno | null {
  try {
    act();
    return null;
  } catch (error) {
    if (error instanceof PmxcfsError) return error.code;
    throw error;
  }
}

describe("lock directories", () => {
  it("a second mkdir fails with EEXIST, from any node, until the lock is removed", () => {
    fs.mkdir("pve1", LOCK);
    expect(errnoOf(() => fs.mkdir("pve2", LOCK))).toBe("EEXIST");
    expect(errnoOf(() => fs.mkdir("pve1", LOCK))).toBe("EEXIST");
    fs.rmdir("pve3", LOCK);
    expect(errnoOf(() => fs.mkdir("pve2", LOCK))).toBeNull();
    expect(fs.stat(LOCK)).toMatchObject({ kind: "dir", writer: "pve2", mtime: wall });
  });

  it("expires more than 120 model seconds after it was taken", () => {
    fs.mkdir("pve1", LOCK);
    modelMs = CFS_LOCK_TIMEOUT_MS;
    expect(fs.lockExpired(LOCK)).toBe(false);
    modelMs += 1;
    expect(fs.lockExpired(LOCK)).toBe(true);
    // Only lock directories expire.
    fs.mkdir("pve1", "/etc/pve/priv/other");
    modelMs += 10 * CFS_LOCK_TIMEOUT_MS;
    expect(fs.lockExpired("/etc/pve/priv/other")).toBe(false);
  });

  it("an unlock request (utime 0) leaves a young lock alone and removes an expired one", () => {
    fs.mkdir("pve1", LOCK);
    modelMs = 60_000;
    expect(errnoOf(() => fs.utime("pve2", LOCK, 0))).toBe("EACCES");
    expect(fs.stat(LOCK)).not.toBeNull();
    modelMs = CFS_LOCK_TIMEOUT_MS + 1;
    // The request removes it; the mtime change that follows finds it gone.
    expect(errnoOf(() => fs.utime("pve2", LOCK, 0))).toBe("ENOENT");
    expect(fs.stat(LOCK)).toBeNull();
    expect(errnoOf(() => fs.mkdir("pve2", LOCK))).toBeNull();
  });

  it("accepts a refresh only from the node that wrote it, with a time not older; a refresh restarts the 120 s", () => {
    fs.mkdir("pve1", LOCK);
    wall += 30;
    expect(errnoOf(() => fs.utime("pve2", LOCK, wall))).toBe("EACCES");
    expect(errnoOf(() => fs.utime("pve1", LOCK, wall - 60))).toBe("EACCES");
    modelMs = 100_000;
    expect(errnoOf(() => fs.utime("pve1", LOCK, wall))).toBeNull();
    expect(fs.stat(LOCK)).toMatchObject({ mtime: wall, writer: "pve1" });
    modelMs = 100_000 + CFS_LOCK_TIMEOUT_MS;
    expect(fs.lockExpired(LOCK)).toBe(false);
    modelMs += 1;
    expect(fs.lockExpired(LOCK)).toBe(true);
  });

  it("cannot be renamed", () => {
    fs.mkdir("pve1", LOCK);
    expect(errnoOf(() => fs.rename("pve1", LOCK, "/etc/pve/priv/lock/elsewhere"))).toBe("EACCES");
  });
});

describe("files", () => {
  it("a rename replaces the target whole, stamped with the renaming node and time", () => {
    fs.truncate("pve1", "/etc/pve/priv/record");
    fs.append("pve1", "/etc/pve/priv/record", "old\n");
    fs.truncate("pve2", "/etc/pve/priv/record.tmp");
    fs.append("pve2", "/etc/pve/priv/record.tmp", "new\n");
    wall += 5;
    fs.rename("pve3", "/etc/pve/priv/record.tmp", "/etc/pve/priv/record");
    expect(fs.read("/etc/pve/priv/record")).toBe("new\n");
    expect(fs.stat("/etc/pve/priv/record")).toMatchObject({ kind: "file", mtime: wall, writer: "pve3" });
    expect(fs.stat("/etc/pve/priv/record.tmp")).toBeNull();
    expect(errnoOf(() => fs.rename("pve1", "/etc/pve/priv/record.tmp", "/etc/pve/priv/x"))).toBe("ENOENT");
  });

  it("refuses to rename a directory that is not empty", () => {
    fs.mkdir("pve1", "/etc/pve/priv/d");
    fs.truncate("pve1", "/etc/pve/priv/d/f");
    expect(errnoOf(() => fs.rename("pve1", "/etc/pve/priv/d", "/etc/pve/priv/e"))).toBe("ENOTEMPTY");
    expect(errnoOf(() => fs.rmdir("pve1", "/etc/pve/priv/d"))).toBe("ENOTEMPTY");
  });

  it("is one tree: what one node writes, every node reads", () => {
    fs.truncate("pve2", "/etc/pve/priv/shared");
    fs.append("pve2", "/etc/pve/priv/shared", "x");
    expect(fs.read("/etc/pve/priv/shared")).toBe("x");
    expect(errnoOf(() => fs.truncate("pve1", "/etc/pve/nodes/pve1/x"))).toBe("ENOENT");
  });
});

describe("without quorum", () => {
  it("refuses every write with EACCES, after the lookup's own answers, and still reads", () => {
    fs.mkdir("pve1", LOCK);
    fs.truncate("pve1", "/etc/pve/priv/record");
    quorate.delete("pve2");
    for (const act of [
      () => fs.mkdir("pve2", "/etc/pve/priv/lock/other"),
      () => fs.rmdir("pve2", LOCK),
      () => fs.truncate("pve2", "/etc/pve/priv/record"),
      () => fs.truncate("pve2", "/etc/pve/priv/new"),
      () => fs.append("pve2", "/etc/pve/priv/record", "x"),
      () => fs.rename("pve2", "/etc/pve/priv/record", "/etc/pve/priv/moved"),
      () => fs.unlink("pve2", "/etc/pve/priv/record"),
      () => fs.utime("pve2", "/etc/pve/priv/record", wall),
    ]) {
      expect(errnoOf(act)).toBe("EACCES");
    }
    // The kernel answers these before pmxcfs is asked.
    expect(errnoOf(() => fs.mkdir("pve2", LOCK))).toBe("EEXIST");
    expect(errnoOf(() => fs.rmdir("pve2", "/etc/pve/priv/lock/none"))).toBe("ENOENT");
    // Nor does an expired lock go away: the unlock request needs quorum too.
    modelMs = CFS_LOCK_TIMEOUT_MS + 1;
    expect(errnoOf(() => fs.utime("pve2", LOCK, 0))).toBe("EACCES");
    expect(fs.stat(LOCK)).not.toBeNull();
    expect(fs.read("/etc/pve/priv/record")).toBe("");
    expect(errnoOf(() => fs.mkdir("pve1", "/etc/pve/priv/lock/other"))).toBeNull();
  });
});
