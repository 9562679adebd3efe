// A file written whole or not at all: a draft in the same directory (rename is atomic only within
// one filesystem), flushed to disk, renamed over the old file. The draft's name is hidden and ends
// in .tmp, so a reader that globs for the final name (node_exporter's *.prom) never reads it. On
// failure the draft is removed and the old file stays.

import { open, rename, rm } from "node:fs/promises";
import path from "node:path";

export async function writeFileAtomically(file: string, text: string, mode: number): Promise<void> {
  const draft = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    const handle = await open(draft, "w", mode);
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(draft, file);
  } catch (error) {
    await rm(draft, { force: true });
    throw error;
  }
}
