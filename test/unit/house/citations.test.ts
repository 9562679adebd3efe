// The domain facts the code relies on live in the repository: comments cite docs/domain, never a
// file outside it, and every file they cite exists.

import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../../..");
const sources = readdirSync(path.join(root, "src"), { recursive: true, withFileTypes: true })
  .filter((e) => e.isFile() && e.name.endsWith(".ts"))
  .map((e) => path.relative(root, path.join(e.parentPath, e.name)));

describe("citations in the code", () => {
  it("never point outside the repository", () => {
    const outside = sources.flatMap((file) =>
      readFileSync(path.join(root, file), "utf8")
        .split("\n")
        .flatMap((line, i) => (/(?<![\w/])notes\/\w+\.md|\.\.\/shared\//.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(outside).toEqual([]);
  });

  it("name docs/domain files that exist", () => {
    const cited = new Set(
      sources.flatMap((file) => [...readFileSync(path.join(root, file), "utf8").matchAll(/docs\/domain\/([\w-]+\.md)/g)].map((m) => m[1]!)),
    );
    expect(cited.size).toBeGreaterThan(0);
    expect([...cited].filter((name) => !existsSync(path.join(root, "docs/domain", name)))).toEqual([]);
  });
});
