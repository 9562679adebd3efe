// README's configuration reference is the schema's: the table between its markers is exactly what
// `rollgate schema --markdown` prints, and that table names every key the loader accepts.

import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { configJsonSchema } from "../../../src/config/index.js";
import { configReference } from "../../../src/config/reference.js";
import { runCli } from "../../helpers/cli.js";

const readme = () => readFile(fileURLToPath(new URL("../../../README.md", import.meta.url)), "utf8");

describe("the configuration reference", () => {
  it("in README is the generated one (regenerate: rollgate schema --markdown)", async () => {
    const text = await readme();
    const block = /<!-- config-reference:start -->\n([\s\S]*?)<!-- config-reference:end -->/.exec(text)?.[1];
    expect(block).toBe(configReference(configJsonSchema()));
  });

  it("has a row for every top-level key, required ones marked, durations and defaults shown", () => {
    const table = configReference(configJsonSchema());
    for (const key of [
      "cluster",
      "proxmox",
      "ssh",
      "nodes",
      "gluster",
      "critical",
      "services",
      "upgrade",
      "timeouts",
      "notify",
      "heartbeat",
      "journal",
    ])
      expect(table).toMatch(new RegExp(`^\\| \`${key}\``, "m"));
    expect(table).toMatch(/^\| `cluster` \(required\) \| string \|/m);
    expect(table).toMatch(/^\| `timeouts\.heal` \| duration \| `2h` \|/m);
    expect(table).toMatch(/^\| `notify\[\]\.format` \| json \\\| ntfy \\\| gotify \| `json` \|/m);
    expect(table).toMatch(/^\| `heartbeat\.url` \(required\) \| string \|/m);
  });

  it("is what `rollgate schema --markdown` prints", async () => {
    const run = await runCli(["schema", "--markdown"]);
    expect(run.exitCode).toBe(0);
    expect(`${run.stdout.trimEnd()}\n`).toBe(configReference(configJsonSchema()));
  });
});
