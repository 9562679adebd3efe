// The GlusterFS captures, copied verbatim from ../shared/fixtures/gluster into the repository so that a clean
// clone (CI) can run the tests without the shared folder.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

export const GLUSTER_FIXTURES = fileURLToPath(new URL("../fixtures/gluster/", import.meta.url));

/** Every file under a fixture root, as a path relative to it (`2-node3-down/node1.heal-info.txt`). */
export function listGlusterFixtures(root = GLUSTER_FIXTURES): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)))
    .sort();
}

export function readGlusterFixture(path: string): string {
  return readFileSync(join(GLUSTER_FIXTURES, path), "utf8");
}
