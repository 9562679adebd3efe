// rollgate's own version, read once from package.json (found from the package root in any layout).

import { readFile } from "node:fs/promises";
import path from "node:path";
import { packageRoot } from "./package-root.js";

let cached: Promise<string> | null = null;

export function packageVersion(): Promise<string> {
  cached ??= readFile(path.join(packageRoot(), "package.json"), "utf8").then((text) => (JSON.parse(text) as { version: string }).version);
  return cached;
}
