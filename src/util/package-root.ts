// The directory of rollgate's package.json, wherever the code runs from (dist/, a bench build, a test).

import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

let cached: string | null = null;

export function packageRoot(): string {
  if (cached) return cached;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(dir, "package.json");
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === "rollgate")
      return (cached = dir);
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error("cannot find rollgate's package.json above its code");
    dir = parent;
  }
}
