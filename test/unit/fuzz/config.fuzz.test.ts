// cluster.yaml mangled every way a hand, an editor or an attacker could: parseConfig returns a config
// or throws a ConfigError/UsageError of a few positioned lines, fast, never a stack trace.
import fc from "fast-check";
import { describe, it } from "vitest";
import { parseConfig } from "../../../src/config/index.js";
import { MAX_ERRORS_SHOWN } from "../../../src/config/limits.js";
import { ConfigError, UsageError } from "../../../src/util/errors.js";
import { EXAMPLE } from "../config/example.js";
import { applyAll, assertErrorType, assertReadable, check, garbage, mutations, timed } from "./fuzz.js";

/** Positioned lines, plus "… and N more errors". */
const MAX_LINES = MAX_ERRORS_SHOWN + 1;
// Generous: the shared CI machine may be busy; an alias bomb that expanded would take far longer.
const SLOW_MS = 5000;

/** parseConfig's error for `text` after checking it is a readable ConfigError/UsageError; null when it parsed. */
async function parsesOrRefuses(text: string): Promise<Error | null> {
  let thrown: unknown = null;
  const ms = await timed(() => {
    try {
      parseConfig(text, "cluster.yaml", "/etc/rollgate");
    } catch (error) {
      thrown = error;
    }
  });
  if (ms > SLOW_MS) throw new Error(`parseConfig took ${Math.round(ms)} ms`);
  if (thrown === null) return null;
  assertErrorType(thrown, ConfigError, UsageError);
  assertReadable(thrown.message, MAX_LINES);
  // Several lines only as several positioned errors: a newline from the document must not split one.
  const lines = thrown.message.split("\n");
  if (lines.length > 1 && !lines.every((line) => /^cluster\.yaml:\d+:\d+: |^… and \d+ more errors$/.test(line)))
    throw new Error(`an error line is not positioned:\n${thrown.message}`);
  return thrown;
}

/** `&a [*a, *a]` nested `depth` times: a billion-laughs document. */
function aliasBomb(depth: number): string {
  const lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"];
  for (let i = 1; i <= depth; i++) lines.push(`a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(", ")}]`);
  return lines.join("\n");
}

const lines = EXAMPLE.split("\n");
const hostile = fc.oneof(
  garbage,
  fc.constantFrom("$(id)", "`id`", "a;b", "x\ny", "pve1 && reboot", "../../etc", "name\u0000", "PVE1", "ℙ𝕍𝔼", "-1", "~"),
);

describe("cluster.yaml, mutated", () => {
  it("line, number and byte mutations", async () => {
    await check("config: mutations", 60, mutations(5), (ms) => parsesOrRefuses(applyAll(EXAMPLE, ms)));
  });

  it("a key duplicated at some line", async () => {
    await check("config: duplicate keys", 40, fc.nat({ max: lines.length - 2 }), (line) => {
      const copy = [...lines];
      copy.splice(line + 1, 0, lines[line] ?? "");
      return parsesOrRefuses(copy.join("\n"));
    });
  });

  it("YAML alias bombs anywhere", async () => {
    await check("config: alias bombs", 15, fc.tuple(fc.integer({ min: 1, max: 9 }), fc.nat({ max: lines.length })), ([depth, line]) => {
      const copy = [...lines];
      copy.splice(line, 0, aliasBomb(depth));
      return parsesOrRefuses(copy.join("\n"));
    });
  });

  it("hostile names in every name-like field", async () => {
    const fields = [
      "cluster: storehouse",
      "name: pve2",
      "group: routers",
      "volumes: [gv0]",
      "unit: celery.service",
      "user: root",
      "node: pve1",
    ];
    await check("config: hostile names", 50, fc.tuple(fc.constantFrom(...fields), hostile, fc.boolean()), ([field, name, quoted]) => {
      const [key] = field.split(": ");
      const value = quoted ? JSON.stringify(name) : name;
      const replacement = field.startsWith("volumes") ? `volumes: [${value}]` : `${key}: ${value}`;
      return parsesOrRefuses(EXAMPLE.replace(field, replacement));
    });
  });

  it("a node name that is not a hostname label is refused, quoted or not", async () => {
    const notLabel = hostile.filter((name) => !/^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(name.trim()));
    await check("config: hostile node names refused", 50, fc.tuple(notLabel, fc.boolean()), async ([name, quoted]) => {
      const text = EXAMPLE.replace("name: pve2,", `name: ${quoted ? JSON.stringify(name) : name},`);
      if ((await parsesOrRefuses(text)) === null) throw new Error(`node name ${JSON.stringify(name)} was accepted`);
    });
  });

  it("random documents", async () => {
    await check(
      "config: random documents",
      30,
      fc.oneof(
        fc.string({ maxLength: 200 }),
        fc.json().map((j) => j),
      ),
      parsesOrRefuses,
    );
  });
});
