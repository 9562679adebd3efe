// README's command reference is the CLI's own: the block between its markers is exactly what
// `rollgate reference` prints, and it names every command a user can run with its flags.

import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runCli } from "../../helpers/cli.js";

const readme = () => readFile(fileURLToPath(new URL("../../../README.md", import.meta.url)), "utf8");

describe("the command reference", () => {
  it("in README is the generated one (regenerate: rollgate reference)", async () => {
    const printed = await runCli(["reference"]);
    expect(printed.exitCode).toBe(0);
    const block = /<!-- command-reference:start -->\n([\s\S]*?)<!-- command-reference:end -->/.exec(await readme())?.[1];
    expect(block).toBe(printed.stdout);
  });

  it("has every command with its flags and defaults, lab's subcommands by their full name", async () => {
    const { stdout } = await runCli(["reference"]);
    const headings = [...stdout.matchAll(/^#### `rollgate ([a-z ]+?)(?: [<[].*)?`$/gm)].map((m) => m[1]);
    expect(headings).toEqual(
      expect.arrayContaining([
        "init",
        "plan",
        "check",
        "upgrade",
        "status",
        "schema",
        "demo",
        "lab up",
        "lab down",
        "lab status",
        "reference",
      ]),
    );
    expect(stdout).toContain("| `-c, --config <file>` | cluster description | `cluster.yaml` |");
    expect(stdout).toContain("| `--force` | replace the file if it exists |  |");
  });
});
