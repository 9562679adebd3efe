// Every start of rollgate loads main.ts and the commands' definitions; each command's
// implementation, and what it needs (ssh2, zod, listr2, nodemailer, the lab), is imported by its
// action when it runs. These hold the static import graphs to that, and the gates' names (src/gates/names.ts,
// which the definitions read) to the registry.

import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { gates } from "../../../src/gates/index.js";
import { gateNames } from "../../../src/gates/names.js";

const src = fileURLToPath(new URL("../../../src/", import.meta.url));

/** What importing `entry` loads before any of its code runs: `import()` and type-only imports left out. */
function staticGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest);
    for (const statement of source.statements) {
      let specifier: ts.Expression | undefined;
      if (ts.isImportDeclaration(statement)) {
        const clause = statement.importClause;
        const bindings = clause?.namedBindings;
        const onlyTypes =
          clause !== undefined &&
          (clause.isTypeOnly ||
            (clause.name === undefined &&
              bindings !== undefined &&
              ts.isNamedImports(bindings) &&
              bindings.elements.every((e) => e.isTypeOnly)));
        if (!onlyTypes) specifier = statement.moduleSpecifier;
      } else if (ts.isExportDeclaration(statement) && !statement.isTypeOnly) specifier = statement.moduleSpecifier;
      if (specifier === undefined || !ts.isStringLiteral(specifier)) continue;
      const name = specifier.text;
      if (name.startsWith(".")) visit(path.resolve(path.dirname(file), name.replace(/\.js$/, ".ts")));
      else if (!name.startsWith("node:")) packages.add(name.startsWith("@") ? name.split("/").slice(0, 2).join("/") : name.split("/")[0]!);
    }
  };
  visit(path.join(src, entry));
  return { files, packages };
}

const under = (files: Set<string>, dir: string) => [...files].filter((f) => f.startsWith(path.join(src, dir)));

describe("what a start of rollgate loads", () => {
  it("for --help, a usage error or before any command's action: commander and a few small modules", () => {
    const { files, packages } = staticGraph("cli/main.ts");
    expect([...packages]).toEqual(["commander"]);
    // bin/rollgate's other import, the handler of errors nobody caught.
    expect([...staticGraph("cli/last-resort.ts").packages]).toEqual([]);
    // The lab's scenario and release names, for `lab up --help` and `demo --help`: data, no lab.
    expect(
      under(files, "lab")
        .map((f) => path.relative(src, f))
        .sort(),
    ).toEqual(["lab/model/releases.ts", "lab/model/scenarios.ts"]);
  });

  it("for check and plan: neither the upgrade's progress display and notifications nor the lab", () => {
    for (const command of ["cli/check.ts", "cli/plan.ts"]) {
      const { files, packages } = staticGraph(command);
      expect(packages).not.toContain("listr2");
      expect(packages).not.toContain("nodemailer");
      expect(under(files, "lab").filter((f) => !f.startsWith(path.join(src, "lab/model")))).toEqual([]);
    }
  });

  it("for status: no API client, no gates", () => {
    const { files, packages } = staticGraph("cli/status.ts");
    expect(packages).not.toContain("proxmox-api");
    expect(under(files, "gates")).toEqual([]);
  });

  it("names the gates as the registry does, in its order (check --help lists them so)", () => {
    expect(Object.keys(gates)).toEqual(gateNames);
  });
});
