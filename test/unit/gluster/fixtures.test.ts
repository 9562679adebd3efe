// Every gluster capture in test/fixtures/gluster, read the way rollgate reads it.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { checkGlusterInvocation, parseHealInfo } from "../../../src/gluster/index.js";
import { GLUSTER_FIXTURES, listGlusterFixtures, readGlusterFixture } from "../../helpers/fixtures.js";
import { catalogFixtures } from "./captures.js";
import { EXPECTED } from "./expected.js";
import { summarizeCapture, summarizeStdout } from "./summaries.js";

const catalog = catalogFixtures();
const SHARED_FIXTURES = fileURLToPath(new URL("../../../../shared/fixtures/gluster/", import.meta.url));

describe("the gluster fixture tree", () => {
  it("holds no file the catalog cannot place", () => {
    expect(catalog.unknown).toEqual([]);
  });

  it("has an expected reading for every capture of a kind rollgate parses, and none for a missing file", () => {
    expect(catalog.captures.map((capture) => capture.file).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  // arbiter/ was captured in this repository (test/real/capture-arbiter.ts), after the shared set.
  it.skipIf(!existsSync(SHARED_FIXTURES))("is a verbatim copy of ../shared/fixtures/gluster, plus arbiter/", () => {
    expect(listGlusterFixtures().filter((file) => !file.startsWith("arbiter/"))).toEqual(listGlusterFixtures(SHARED_FIXTURES));
    const differing = listGlusterFixtures(SHARED_FIXTURES).filter(
      (file) => !readFileSync(join(GLUSTER_FIXTURES, file)).equals(readFileSync(join(SHARED_FIXTURES, file))),
    );
    expect(differing).toEqual([]);
  });
});

describe("each capture reads as expected", () => {
  it.each(catalog.captures.map((capture) => [capture.file, capture] as const))("%s", async (file, capture) => {
    expect(await summarizeCapture(capture)).toBe(EXPECTED[file]);
  });
});

describe("a capture the invocation check rejects", () => {
  const rejected = catalog.captures.filter((capture) => capture.kind !== "heal-trigger" && !checkGlusterInvocation(capture.run).ok);

  it("exists for every error form the fixtures hold", () => {
    expect(rejected.length).toBeGreaterThanOrEqual(16);
  });

  it.each(rejected.map((capture) => [capture.file, capture] as const))("%s is rejected by its parser alone too", async (_file, capture) => {
    expect(await summarizeStdout(capture.kind, capture.run.stdout)).toMatch(/^error: /);
  });
});

/** heal-poll.raw.txt: `===== t=12.722s exit=0` before each poll's output. */
function splitPolls(raw: string): string[] {
  return raw.split(/^===== t=\S+ exit=\d+\n/m).filter((poll) => poll !== "");
}

describe("heal polled to completion", () => {
  it.each(catalog.healPolls.map((poll) => [poll.file, poll] as const))(
    "%s agrees with the capture script's heal-poll.tsv",
    async (file, poll) => {
      const rows = poll.tsv
        .trim()
        .split("\n")
        .slice(1)
        .map((row) => row.split("\t"));
      const polls = splitPolls(readGlusterFixture(file));
      expect(polls).toHaveLength(rows.length);
      for (const [index, [, , connected, entries]] of rows.entries()) {
        const parsed = await parseHealInfo(polls[index] ?? "", { kind: "info", format: "text" });
        if (!parsed.ok) throw new Error(`${file} poll ${index + 1}: ${parsed.error}`);
        expect(parsed.value.bricks.map((brick) => brick.entries).join(",")).toBe(entries);
        expect(String(parsed.value.bricks.filter((brick) => brick.connected).length)).toBe(connected);
      }
    },
  );
});
