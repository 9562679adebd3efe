// Reading the captured GlusterFS 10.3 outputs kept in the repository (test/fixtures/gluster): the
// loopback files' exit annotation, and the numbered folders' index.tsv with stdout and .stderr files.

import { existsSync } from "node:fs";
import { join } from "node:path";
import type { GlusterCommandResult } from "../../../src/lab/gluster/view.js";
import { GLUSTER_FIXTURES, readGlusterFixture } from "../../helpers/fixtures.js";

export const readFixture = readGlusterFixture;

export function fixtureExists(relative: string): boolean {
  return existsSync(join(GLUSTER_FIXTURES, relative));
}

/** A `loopback/` file: stdout and stderr mixed, then the capture script's `[exit=N]` line (absent in healing_*.txt). */
export function loopbackFixture(name: string): { output: string; exitCode: number } {
  const text = readFixture(`loopback/${name}`);
  const match = /\[exit=(\d+)\]\n$/.exec(text);
  if (!match) return { output: text, exitCode: 0 };
  return { output: text.slice(0, match.index), exitCode: Number(match[1]) };
}

export interface Capture {
  /** The folder, e.g. `2-node3-down` or `peers-by-ip/2-node3-down`. */
  folder: string;
  file: string;
  node: string;
  /** The words after `gluster`. */
  args: string[];
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** Every `gluster` command of a numbered folder, from its index.tsv. */
export function capturesIn(folder: string): Capture[] {
  const [, ...rows] = readFixture(`${folder}/index.tsv`).trimEnd().split("\n");
  return rows
    .map((row) => row.split("\t"))
    .filter(([, , , , command]) => command?.startsWith("gluster "))
    .map(([, file, node, , command, exit]) => ({
      folder,
      file: file!,
      node: node!,
      args: command!.split(" ").slice(1),
      stdout: readFixture(`${folder}/${file}`),
      stderr: fixtureExists(`${folder}/${file}.stderr`) ? readFixture(`${folder}/${file}.stderr`) : "",
      exitCode: Number(exit),
    }));
}

export function stdoutOf(result: GlusterCommandResult): string {
  return [...result.stdout].join("");
}
