// A node's APT sources as files, read only: every file apt reads there, and the backup
// sources-trixie keeps of each (`.bookworm.bak`) where one exists, since the planner refuses to
// overwrite a different one. The sources-trixie step plans from this read, and the preflight gate
// trixie-repositories shows the same plan before any node is touched.

import { aptReads, BACKUP_SUFFIX, SOURCES_DIR, type SourceFile } from "../pve/apt-sources.js";
import type { ObserveContext } from "./context.js";
import { runChecked } from "./nodes.js";
import { attempt, type Observed } from "./state.js";

const APT_DIR = "/etc/apt";

export function readAptSources(ctx: ObserveContext, node: string): Promise<Observed<SourceFile[]>> {
  return attempt(async () => {
    const paths: string[] = [];
    for (const dir of [APT_DIR, SOURCES_DIR]) {
      const { stdout } = await runChecked(ctx, node, ["ls", "-1", dir]);
      paths.push(...stdout.split("\n").flatMap((name) => (name === "" ? [] : [`${dir}/${name}`])));
    }
    const read = paths.filter((path) => aptReads(path) !== null);
    const backups = read.map((path) => `${path}${BACKUP_SUFFIX}`).filter((path) => paths.includes(path));
    return Promise.all([...read, ...backups].map(async (path) => ({ path, content: (await runChecked(ctx, node, ["cat", path])).stdout })));
  });
}
