import * as fs from "node:fs/promises";

export interface BoundedRead {
  /** The whole file, or null when it is larger than the limit. */
  text: string | null;
  /** Its size in bytes; null when it is larger than the limit and fstat cannot tell how large (a pipe, /dev/zero). */
  bytes: number | null;
  mode: number;
}

/** Reads `file` as UTF-8 unless it is larger than `limit` bytes; never reads more than `limit + 1` bytes of it. */
export async function readAtMost(file: string, limit: number): Promise<BoundedRead> {
  const handle = await fs.open(file, "r");
  try {
    const stats = await handle.stat();
    const buffer = Buffer.alloc(limit + 1);
    let read = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, read, buffer.length - read, null);
      if (bytesRead === 0) break;
      read += bytesRead;
      if (read === buffer.length) break;
    }
    const tooLarge = read > limit;
    return {
      text: tooLarge ? null : buffer.toString("utf8", 0, read),
      bytes: !tooLarge ? read : stats.size > limit ? stats.size : null,
      mode: stats.mode,
    };
  } finally {
    await handle.close();
  }
}
