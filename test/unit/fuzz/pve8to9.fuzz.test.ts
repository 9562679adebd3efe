// Every pve8to9 fixture, mangled: the parser returns a report or a one-line error, never throws,
// and the verdict never passes a document that does not prove it: one SUMMARY, FAILURES: 0, no
// FAIL line, its counts agreeing with the lines (an oracle below counts them its own, simpler way).
import { readdirSync, readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parsePve8to9, pve8to9Verdict } from "../../../src/pve/pve8to9.js";
import { applyAll, assertReadable, check, garbage, mutations } from "./fuzz.js";

const DIR = new URL("../../fixtures/pve8to9/", import.meta.url);
const FIXTURES = readdirSync(DIR)
  .filter((f) => f.endsWith(".txt"))
  .map((name) => ({ name, text: readFileSync(new URL(name, DIR), "utf8") }));

const SGR = /\x1b\[[0-9;]*m/g;

/** Whether the document proves a clean run, read without the parser: line prefixes and summary rows only. */
function proves(doc: string): boolean {
  const text = doc.replace(SGR, "");
  if (!text.endsWith("\n")) return false;
  const lines = text.split("\n");
  const at = lines.flatMap((l, i) => (l === "= SUMMARY =" ? [i] : []));
  if (at.length !== 1) return false;
  const body = lines.slice(0, at[0]);
  const tail = lines.slice(at[0]! + 1);
  const count = (prefix: string) => body.filter((l) => l.startsWith(`${prefix}: `)).length;
  const row = (label: string) => {
    const hits = tail.filter((l) => l.startsWith(`${label}:`));
    return hits.length === 1 ? Number(hits[0]!.slice(label.length + 1).trim()) : NaN;
  };
  const seen = { PASS: count("PASS"), SKIP: count("SKIP"), NOTICE: count("NOTICE"), WARN: count("WARN"), FAIL: count("FAIL") };
  const total = seen.PASS + seen.SKIP + seen.NOTICE + seen.WARN + seen.FAIL;
  const notFull = body.includes("SKIP: NOTE: Expensive checks, like CT cgroupv2 compat, not performed without '--full' parameter");
  return (
    seen.FAIL === 0 &&
    row("FAILURES") === 0 &&
    row("WARNINGS") === seen.WARN &&
    row("PASSED") === seen.PASS &&
    row("SKIPPED") === seen.SKIP &&
    row("TOTAL") === total &&
    !notFull
  );
}

function readsSafely(doc: string): void {
  const parsed = parsePve8to9(doc);
  if ("error" in parsed) assertReadable(parsed.error);
  const verdict = pve8to9Verdict("pve1", parsed);
  verdict.reasons.forEach((r) => assertReadable(r));
  if (verdict.pass && !proves(doc)) throw new Error(`a verdict passed a document that does not prove a clean run:\n${doc}`);
}

type Edit =
  | { kind: "relevel"; which: number; to: string }
  | { kind: "drop-level-line"; which: number }
  | { kind: "cut-line"; at: number }
  | { kind: "sgr"; at: number; code: string };

const LEVELS = ["PASS", "INFO", "SKIP", "NOTICE", "WARN", "FAIL"];
const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant("relevel" as const), which: fc.nat(), to: fc.constantFrom(...LEVELS, "pass", "FAILED", "") }),
  fc.record({ kind: fc.constant("drop-level-line" as const), which: fc.nat() }),
  fc.record({ kind: fc.constant("cut-line" as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant("sgr" as const),
    at: fc.nat(),
    code: fc.constantFrom("\x1b[0m", "\x1b[1;31m", "\x1b[32m", "\x1b[", "\x1b[33"),
  }),
);

/** Edits that know pve8to9's shape: a level changed or dropped, the run cut after a line, colour codes put anywhere. */
function applyEdit(doc: string, e: Edit): string {
  const lines = doc.split("\n");
  const levelled = lines.flatMap((l, i) => (/^(?:\x1b\[[0-9;]*m)*(PASS|INFO|SKIP|NOTICE|WARN|FAIL): /.test(l) ? [i] : []));
  switch (e.kind) {
    case "relevel": {
      const i = levelled[e.which % Math.max(1, levelled.length)];
      if (i === undefined) return doc;
      lines[i] = lines[i]!.replace(/(PASS|INFO|SKIP|NOTICE|WARN|FAIL):/, `${e.to}:`);
      return lines.join("\n");
    }
    case "drop-level-line": {
      const i = levelled[e.which % Math.max(1, levelled.length)];
      if (i !== undefined) lines.splice(i, 1);
      return lines.join("\n");
    }
    case "cut-line":
      return `${lines.slice(0, e.at % (lines.length + 1)).join("\n")}\n`;
    case "sgr": {
      const at = e.at % (doc.length + 1);
      return doc.slice(0, at) + e.code + doc.slice(at);
    }
  }
}

const fixture = fc.constantFrom(...FIXTURES);

describe("pve8to9 fixtures, mutated", () => {
  it("holds the fixtures, and the oracle agrees with the verdict on them", () => {
    expect(FIXTURES.length).toBeGreaterThanOrEqual(8);
    for (const f of FIXTURES) expect(pve8to9Verdict("pve1", parsePve8to9(f.text)).pass, f.name).toBe(proves(f.text));
  });

  it("text mutations: a report or a one-line error, never a pass without proof", async () => {
    await check("pve8to9: mutations", 400, fc.tuple(fixture, mutations()), ([f, ms]) => readsSafely(applyAll(f.text, ms)));
  });

  it("pve8to9-shaped edits: levels changed or dropped, runs cut, colours anywhere", async () => {
    await check("pve8to9: shaped edits", 300, fc.tuple(fixture, fc.array(edit, { minLength: 1, maxLength: 4 })), ([f, es]) =>
      readsSafely(es.reduce(applyEdit, f.text)),
    );
  });

  it("garbage lines put anywhere", async () => {
    await check("pve8to9: garbage lines", 200, fc.tuple(fixture, fc.nat(), garbage), ([f, at, text]) => {
      const lines = f.text.split("\n");
      lines.splice(at % (lines.length + 1), 0, text);
      readsSafely(lines.join("\n"));
    });
  });

  it("any bytes at all", async () => {
    const bytes = fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: "binary", maxLength: 300 }));
    await check("pve8to9: random stdout", 100, bytes, (stdout) => readsSafely(stdout));
  });
});
