// Every real gluster capture, mangled: each parser returns its result or its `{ ok: false, error }`
// of one line, never throws; heal info reads the same however its stdout is chunked.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createHealInfoParser, parseHealTrigger, type GlusterInvocation } from "../../../src/gluster/index.js";
import { catalogFixtures, type Capture } from "../gluster/captures.js";
import { HEAL_REQUESTS, summarizeCapture, summarizeStdout } from "../gluster/summaries.js";
import { assertReadable, check } from "./fuzz.js";
import { anyEdit, applyEdits } from "./gluster-edits.js";

const CAPTURES = catalogFixtures().captures;

/** The capture's reading after `stdout` replaced its own, as rollgate reads it: never a throw, errors one line. */
async function readsOrRefuses(capture: Capture, stdout: string): Promise<void> {
  const run: GlusterInvocation = { ...capture.run, stdout };
  const summary = capture.kind === "heal-trigger" ? summarizeTrigger(run) : await summarizeCapture({ ...capture, run });
  if (summary.startsWith("error: ")) assertReadable(summary.slice("error: ".length));
  if (capture.kind !== "heal-trigger") {
    const alone = await summarizeStdout(capture.kind, stdout);
    if (alone.startsWith("error: ")) assertReadable(alone.slice("error: ".length));
  }
}

function summarizeTrigger(run: GlusterInvocation): string {
  const parsed = parseHealTrigger(run);
  return parsed.ok ? `heal launched on ${parsed.value.volume}` : `error: ${parsed.error}`;
}

const capture = fc.constantFrom(...CAPTURES);

describe("every gluster capture, mutated", () => {
  it("holds captures of every kind rollgate parses", () => {
    expect(new Set(CAPTURES.map((c) => c.kind)).size).toBeGreaterThanOrEqual(15);
  });

  it("text and gluster edits: a result or a one-line error", async () => {
    await check("gluster parsers: mutations", 400, fc.tuple(capture, anyEdit), ([c, edits]) =>
      readsOrRefuses(c, applyEdits(c.run.stdout, edits)),
    );
  });

  it("any bytes at all", async () => {
    const bytes = fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: "binary", maxLength: 300 }));
    await check("gluster parsers: random stdout", 200, fc.tuple(capture, bytes), ([c, stdout]) => readsOrRefuses(c, stdout));
  });

  it("heal info reads the same however its stdout is chunked", async () => {
    const heal = CAPTURES.filter((c) => HEAL_REQUESTS[c.kind] !== undefined);
    const cuts = fc.array(fc.nat(), { maxLength: 8 });
    await check("gluster heal info: chunking", 150, fc.tuple(fc.constantFrom(...heal), anyEdit, cuts), ([c, edits, at]) => {
      const stdout = applyEdits(c.run.stdout, edits);
      const request = HEAL_REQUESTS[c.kind]!;
      const whole = createHealInfoParser(request);
      whole.write(stdout);
      const chunked = createHealInfoParser(request);
      const bytes = Buffer.from(stdout, "utf8");
      const points = [...new Set(at.map((n) => n % (bytes.length + 1)))].sort((a, b) => a - b);
      let from = 0;
      for (const point of [...points, bytes.length]) {
        chunked.write(bytes.subarray(from, point));
        from = point;
      }
      // The same result; for bad output the first problem seen may depend on where the chunks end, but it is a refusal still.
      const [a, b] = [chunked.end(), whole.end()];
      if (b.ok) expect(a).toEqual(b);
      else expect(a.ok).toBe(false);
    });
  });
});
