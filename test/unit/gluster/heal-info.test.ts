import { describe, expect, it } from "vitest";
import {
  createHealInfoParser,
  parseHealInfo,
  SAMPLE_SIZE,
  type HealInfo,
  type HealInfoRequest,
  type HealInfoSource,
} from "../../../src/gluster/index.js";
import { type Capture, catalogFixtures } from "./captures.js";
import { HEAL_REQUESTS, summarizeHealInfo } from "./summaries.js";

const TEXT_INFO: HealInfoRequest = { kind: "info", format: "text" };
const XML_INFO: HealInfoRequest = { kind: "info", format: "xml" };
const TEXT_SPLIT_BRAIN: HealInfoRequest = { kind: "split-brain", format: "text" };
const XML_SPLIT_BRAIN: HealInfoRequest = { kind: "split-brain", format: "xml" };
const TEXT_SUMMARY: HealInfoRequest = { kind: "summary", format: "text" };
const XML_SUMMARY: HealInfoRequest = { kind: "summary", format: "xml" };

const healCaptures = catalogFixtures().captures.filter((capture) => HEAL_REQUESTS[capture.kind] !== undefined);

function captureNamed(file: string): Capture & { request: HealInfoRequest } {
  const capture = healCaptures.find((candidate) => candidate.file === file);
  const request = capture && HEAL_REQUESTS[capture.kind];
  if (!capture || !request) throw new Error(`no heal capture ${file}`);
  return { ...capture, request };
}

async function heal(source: HealInfoSource, request: HealInfoRequest): Promise<HealInfo> {
  const parsed = await parseHealInfo(source, request);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

async function healError(source: HealInfoSource, request: HealInfoRequest): Promise<string> {
  const parsed = await parseHealInfo(source, request);
  if (parsed.ok) throw new Error(`expected an error, got ${summarizeHealInfo(parsed.value)}`);
  return parsed.error;
}

async function healCapture(file: string): Promise<HealInfo> {
  const { run, request } = captureNamed(file);
  return heal(run.stdout, request);
}

const LABVOL_BRICKS = ["node1", "node2", "node3"].map((host) => `${host}:/srv/gluster/labvol/brick`);
const FIRST_PENDING = ["/down1/file153", "/down1/file163", "/down1/file165", "/down1/file196", "/down1/file57"];

describe("heal info with node3 down, seen from node1 (2-node3-down)", () => {
  it("text: 205 entries on node1 and node2, unknown on node3", async () => {
    const info = await healCapture("2-node3-down/node1.heal-info.txt");
    expect(info.bricks.map((brick) => brick.name)).toEqual(LABVOL_BRICKS);
    expect(info.bricks.map((brick) => [brick.host, brick.path])).toEqual(
      ["node1", "node2", "node3"].map((host) => [host, "/srv/gluster/labvol/brick"]),
    );
    expect(info.bricks.map((brick) => brick.entries)).toEqual([205, 205, null]);
    expect(info.bricks.map((brick) => brick.connected)).toEqual([true, true, false]);
    expect(info.bricks.map((brick) => brick.splitBrain)).toEqual([0, 0, null]);
    expect(info.bricks[2]?.status).toBe("Transport endpoint is not connected");
    expect(info.bricks[0]?.sample).toEqual(FIRST_PENDING);
    expect(info.bricks[2]?.sample).toEqual([]);
  });

  it("XML: the same counts, but no split-brain count because <file> carries no state", async () => {
    const info = await healCapture("2-node3-down/node1.heal-info.xml");
    expect(info.bricks.map((brick) => brick.name)).toEqual(LABVOL_BRICKS);
    expect(info.bricks.map((brick) => brick.entries)).toEqual([205, 205, null]);
    expect(info.bricks.map((brick) => brick.splitBrain)).toEqual([null, null, null]);
    expect(info.bricks.map((brick) => brick.connected)).toEqual([true, true, false]);
    expect(info.bricks[1]?.sample).toEqual(FIRST_PENDING);
  });

  it("summary XML (malformed for the unreachable brick in 10.3): node3 is unknown, not 0", async () => {
    const info = await healCapture("2-node3-down/node1.heal-info-summary.xml");
    expect(info.bricks.map((brick) => brick.entries)).toEqual([205, 205, null]);
    expect(info.bricks.map((brick) => brick.splitBrain)).toEqual([0, 0, null]);
    expect(info.bricks[2]?.status).toBe("Failed to process entries completely. (Transport endpoint is not connected)");
  });

  it("summary text: 205 pending, 0 in split-brain, node3 unknown", async () => {
    const info = await healCapture("2-node3-down/node1.heal-info-summary.txt");
    expect(info.bricks.map((brick) => [brick.entries, brick.splitBrain])).toEqual([
      [205, 0],
      [205, 0],
      [null, null],
    ]);
  });

  it("split-brain form: 0 in split-brain on node1 and node2, and it does not count pending entries", async () => {
    for (const file of ["2-node3-down/node1.heal-info-split-brain.txt", "2-node3-down/node1.extra.heal-info-split-brain.xml"]) {
      const info = await healCapture(file);
      expect(info.bricks.map((brick) => [brick.entries, brick.splitBrain, brick.connected])).toEqual([
        [null, 0, true],
        [null, 0, true],
        [null, null, false],
      ]);
    }
  });
});

describe("a brick gluster could not count is unknown, never 0", () => {
  it.each(healCaptures.map((capture) => [capture.file, capture] as const))("%s", async (_file, capture) => {
    const parsed = await parseHealInfo(capture.run.stdout, HEAL_REQUESTS[capture.kind] ?? TEXT_INFO);
    for (const brick of parsed.ok ? parsed.value.bricks : []) {
      if (!brick.connected) expect([brick.entries, brick.splitBrain]).toEqual([null, null]);
    }
  });
});

// No capture of the split-brain volume sbvol is in fixtures/: these are its outputs as quoted verbatim in
// notes/gluster.md §1.2, §1.3, §1.4 and §1.5 (replica 2, quorum off, split-brain forced).
const SBVOL_INFO =
  "Brick 127.1.1.1:/data/gl/1/bricks/sbvol\n" +
  "<gfid:28ef8ead-4861-48dd-8b31-5a154279703a> - Is in split-brain\n" +
  "<gfid:1936a04d-de9f-4cb9-a839-45a2c644abbf> - Is in split-brain\n" +
  "Status: Connected\nNumber of entries: 2\n\n" +
  "Brick 127.1.1.2:/data/gl/2/bricks/sbvol\n" +
  "/f2 - Is in split-brain\n/f1 - Is in split-brain\n" +
  "Status: Connected\nNumber of entries: 2\n\n";
const SBVOL_SPLIT_BRAIN =
  "Brick 127.1.1.1:/data/gl/1/bricks/sbvol\n" +
  "<gfid:28ef8ead-4861-48dd-8b31-5a154279703a>\n<gfid:1936a04d-de9f-4cb9-a839-45a2c644abbf>\n" +
  "Status: Connected\nNumber of entries in split-brain: 2\n\n" +
  "Brick 127.1.1.2:/data/gl/2/bricks/sbvol\n/f2\n/f1\n" +
  "Status: Connected\nNumber of entries in split-brain: 2\n\n";
const SBVOL_SPLIT_BRAIN_XML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cliOutput>
  <healInfo>
    <bricks>
      <brick hostUuid="910e85d5-5cec-4f32-ba92-c3fdfd9f363d">
        <name>127.1.1.1:/data/gl/1/bricks/sbvol</name>
        <file gfid="28ef8ead-4861-48dd-8b31-5a154279703a">&lt;gfid:28ef8ead-4861-48dd-8b31-5a154279703a&gt;</file>
        <file gfid="1936a04d-de9f-4cb9-a839-45a2c644abbf">&lt;gfid:1936a04d-de9f-4cb9-a839-45a2c644abbf&gt;</file>
        <status>Connected</status>
        <numberOfEntries>2</numberOfEntries>
      </brick>
    </bricks>
  </healInfo>
  <opRet>0</opRet>
  <opErrno>0</opErrno>
  <opErrstr/>
</cliOutput>
`;
const SBVOL_SUMMARY =
  "Brick 127.1.1.1:/data/gl/1/bricks/sbvol\nStatus: Connected\nTotal Number of entries: 2\n" +
  "Number of entries in heal pending: 0\nNumber of entries in split-brain: 2\nNumber of entries possibly healing: 0\n\n";

describe("split-brain (sbvol)", () => {
  it("heal info counts the `- Is in split-brain` entries, gfid forms included", async () => {
    const info = await heal(SBVOL_INFO, TEXT_INFO);
    expect(info.bricks.map((brick) => [brick.entries, brick.splitBrain])).toEqual([
      [2, 2],
      [2, 2],
    ]);
    expect(info.bricks[0]?.sample).toEqual(["<gfid:28ef8ead-4861-48dd-8b31-5a154279703a>", "<gfid:1936a04d-de9f-4cb9-a839-45a2c644abbf>"]);
    expect(info.bricks[1]?.sample).toEqual(["/f2", "/f1"]);
  });

  it("heal info split-brain lists bare paths and counts them", async () => {
    const info = await heal(SBVOL_SPLIT_BRAIN, TEXT_SPLIT_BRAIN);
    expect(info.bricks.map((brick) => [brick.entries, brick.splitBrain])).toEqual([
      [null, 2],
      [null, 2],
    ]);
    expect(info.bricks[1]?.sample).toEqual(["/f2", "/f1"]);
  });

  it("the XML split-brain form unescapes gfid paths", async () => {
    const info = await heal(SBVOL_SPLIT_BRAIN_XML, XML_SPLIT_BRAIN);
    expect(info.bricks[0]?.splitBrain).toBe(2);
    expect(info.bricks[0]?.sample).toEqual(["<gfid:28ef8ead-4861-48dd-8b31-5a154279703a>", "<gfid:1936a04d-de9f-4cb9-a839-45a2c644abbf>"]);
  });

  it("heal info summary gives the split-brain count", async () => {
    const info = await heal(SBVOL_SUMMARY, TEXT_SUMMARY);
    expect(info.bricks.map((brick) => [brick.entries, brick.splitBrain])).toEqual([[2, 2]]);
  });

  it("entries possibly undergoing heal are pending, not split-brain", async () => {
    const info = await heal(
      "Brick node1:/srv/gluster/labvol/brick\n/images/100/vm-100-disk-0.raw - Possibly undergoing heal\n" +
        "/down1/file118 \nStatus: Connected\nNumber of entries: 2\n\n",
      TEXT_INFO,
    );
    expect(info.bricks[0]).toMatchObject({ entries: 2, splitBrain: 0 });
    expect(info.bricks[0]?.sample).toEqual(["/images/100/vm-100-disk-0.raw", "/down1/file118"]);
  });
});

/** A deterministic generator of chunk sizes, so that a failure can be replayed. */
function chunkSizes(seed: number, max: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return 1 + (state % max);
  };
}

function* bytesIn(text: string, nextSize: () => number): Generator<Uint8Array> {
  const bytes = Buffer.from(text, "utf8");
  for (let start = 0; start < bytes.length;) {
    const end = Math.min(bytes.length, start + nextSize());
    yield bytes.subarray(start, end);
    start = end;
  }
}

describe("streaming gives the result of the whole output, however it is cut into chunks", () => {
  it.each(healCaptures.map((capture) => [capture.file, capture] as const))("%s in random-size byte chunks", async (_file, capture) => {
    const request = HEAL_REQUESTS[capture.kind] ?? TEXT_INFO;
    const whole = await parseHealInfo(capture.run.stdout, request);
    expect(await parseHealInfo(bytesIn(capture.run.stdout, chunkSizes(capture.file.length, 97)), request)).toEqual(whole);
  });

  it.each([
    "2-node3-down/node1.heal-info.txt",
    "2-node3-down/node1.heal-info.xml",
    "2-node3-down/node1.heal-info-summary.xml",
    "2-node3-down/node1.extra.heal-info-split-brain.xml",
    "2-node3-down/node3.heal-info.xml",
    "loopback/heal_info_created_not_started_xml.txt",
  ])("%s one byte at a time", async (file) => {
    const { run, request } = captureNamed(file);
    const whole = await parseHealInfo(run.stdout, request);
    expect(
      await parseHealInfo(
        bytesIn(run.stdout, () => 1),
        request,
      ),
    ).toEqual(whole);
  });

  it("keeps a UTF-8 character split across chunks whole", async () => {
    const output = "Brick node1:/srv/b\n/images/ünïcödé/😀.raw \nStatus: Connected\nNumber of entries: 1\n\n";
    const info = await heal(
      bytesIn(output, () => 1),
      TEXT_INFO,
    );
    expect(info.bricks[0]?.sample).toEqual(["/images/ünïcödé/😀.raw"]);
  });

  it("takes text chunks pushed one by one, as the lab's emulated gluster produces them", () => {
    const parser = createHealInfoParser(TEXT_INFO);
    for (const chunk of ["Brick node1:/srv/b\n/a", " \nStatus: Conn", "ected\nNumber of entries: 1\n", "\n"]) {
      parser.write(chunk);
    }
    expect(parser.end()).toMatchObject({ ok: true, value: { bricks: [{ entries: 1, sample: ["/a"] }] } });
  });

  it("keeps the first problem and ignores what follows it", () => {
    const parser = createHealInfoParser(TEXT_INFO);
    parser.write("Brick node1:/srv/b\nnot an entry\n");
    parser.write("Status: Connected\nNumber of entries: 0\n\n");
    expect(parser.end()).toEqual({
      ok: false,
      error:
        'brick node1:/srv/b: unexpected line "not an entry": heal info entries end with " ",' +
        ' " - Possibly undergoing heal" or " - Is in split-brain"',
    });
  });
});

/** Every prefix of an output that ends at a line boundary, shortest first. */
function linePrefixes(output: string): string[] {
  const prefixes: string[] = [];
  for (let end = output.indexOf("\n"); end !== -1 && end < output.length - 1; end = output.indexOf("\n", end + 1)) {
    prefixes.push(output.slice(0, end + 1));
  }
  return prefixes;
}

describe("truncated output is never read as a result", () => {
  const complete = healCaptures.filter((capture) => !capture.run.stdout.startsWith("Connection failed"));

  it.each(complete.map((capture) => [capture.file, capture] as const))("%s cut in half", async (_file, capture) => {
    const { run } = capture;
    const request = HEAL_REQUESTS[capture.kind] ?? TEXT_INFO;
    expect((await parseHealInfo(run.stdout.slice(0, Math.floor(run.stdout.length / 2)), request)).ok).toBe(false);
  });

  it("XML cut at any line is an error", async () => {
    const { run } = captureNamed("2-node3-down/node1.heal-info.xml");
    for (const prefix of linePrefixes(run.stdout)) {
      const error = await healError(prefix, XML_INFO);
      expect(error).toMatch(/output truncated$/);
    }
  });

  it("XML cut inside a brick names the brick", async () => {
    const { run } = captureNamed("2-node3-down/node1.heal-info.xml");
    const insideNode2 = run.stdout.slice(0, run.stdout.indexOf("/down1/file5</file>", run.stdout.indexOf("node2:/")));
    expect(await healError(insideNode2, XML_INFO)).toBe(
      "heal info --xml ended before the count of brick node2:/srv/gluster/labvol/brick: output truncated",
    );
    const withoutEnvelope = run.stdout.slice(0, run.stdout.indexOf("  <opRet>"));
    expect(await healError(withoutEnvelope, XML_INFO)).toBe(
      "heal info --xml ended before </cliOutput> (after brick node3:/srv/gluster/labvol/brick): output truncated",
    );
  });

  it("text cut inside a brick is an error naming the brick", async () => {
    const { run } = captureNamed("2-node3-down/node1.heal-info.txt");
    const node2 = run.stdout.indexOf("Brick node2");
    const midEntry = run.stdout.indexOf("/down1/file163", node2) + "/down1/fi".length;
    expect(await healError(run.stdout.slice(0, midEntry), TEXT_INFO)).toBe(
      "heal info ended before the count line of brick node2:/srv/gluster/labvol/brick: output truncated" +
        ' (its last line stops mid-way: "/down1/fi")',
    );
    expect(await healError(run.stdout.slice(0, run.stdout.indexOf("Status", node2)), TEXT_INFO)).toBe(
      "heal info ended before the count line of brick node2:/srv/gluster/labvol/brick: output truncated",
    );
  });

  it("text cut in the middle of the count line is an error: 20 may have been 205", async () => {
    const { run } = captureNamed("2-node3-down/node1.heal-info.txt");
    const cut = run.stdout.indexOf("Number of entries: 205") + "Number of entries: 20".length;
    expect(await healError(run.stdout.slice(0, cut), TEXT_INFO)).toBe(
      "heal info ended before the count line of brick node1:/srv/gluster/labvol/brick: output truncated" +
        ' (its last line stops mid-way: "Number of entries: 20")',
    );
  });

  it("text cut at a line inside a brick is an error; cut between bricks, it is short of bricks", async () => {
    const { run } = captureNamed("2-node3-down/node1.heal-info.txt");
    const withoutFinalBlankLine = run.stdout.slice(0, -1);
    for (const prefix of linePrefixes(run.stdout)) {
      const parsed = await parseHealInfo(prefix, TEXT_INFO);
      // Text has no closing mark: a cut right after a brick leaves fewer bricks than `volume info` lists,
      // which is how callers must catch it. Only the blank line after the last brick may go missing.
      if (!parsed.ok) expect(parsed.error).toMatch(/output truncated/);
      else if (prefix !== withoutFinalBlankLine) expect(parsed.value.bricks.length).toBeLessThan(3);
    }
  });

  it("summary text cut between its count lines is an error", async () => {
    const { run } = captureNamed("2-node3-down/node1.heal-info-summary.txt");
    const cut = run.stdout.indexOf("Number of entries in split-brain");
    expect(await healError(run.stdout.slice(0, cut), TEXT_SUMMARY)).toBe(
      "heal info summary ended before the count line of brick node1:/srv/gluster/labvol/brick: output truncated",
    );
  });
});

const BRICK = "Brick node1:/srv/gluster/labvol/brick\n";
const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<cliOutput>\n  <healInfo>\n    <bricks>\n';
const XML_TAIL = "    </bricks>\n  </healInfo>\n  <opRet>0</opRet>\n  <opErrno>0</opErrno>\n  <opErrstr/>\n</cliOutput>\n";
const xmlBrick = (body: string, hostUuid = "a495121b-9fbd-4b9a-83f9-c78a56507751"): string =>
  `${XML_HEAD}      <brick hostUuid="${hostUuid}">\n        <name>node1:/srv/gluster/labvol/brick</name>\n` +
  `${body}      </brick>\n${XML_TAIL}`;

describe("output that does not add up is an error that says what gluster printed", () => {
  it.each([
    [
      "a count that disagrees with the entries listed",
      `${BRICK}/a \n/b \nStatus: Connected\nNumber of entries: 3\n\n`,
      'brick node1:/srv/gluster/labvol/brick: gluster printed "Number of entries: 3" but listed 2 entries',
    ],
    [
      "a count that is not a number",
      `${BRICK}Status: Connected\nNumber of entries: many\n\n`,
      'brick node1:/srv/gluster/labvol/brick: gluster printed "Number of entries: many", which is not a count',
    ],
    [
      "`-` after listed entries",
      `${BRICK}/a \nStatus: Transport endpoint is not connected\nNumber of entries: -\n\n`,
      'brick node1:/srv/gluster/labvol/brick: gluster printed "Number of entries: -" but listed 1 entries',
    ],
    [
      "`-` for a connected brick",
      `${BRICK}Status: Connected\nNumber of entries: -\n\n`,
      'brick node1:/srv/gluster/labvol/brick: gluster says the brick is Connected but printed "Number of entries: -"',
    ],
    [
      "a count line that is not the expected one",
      `${BRICK}Status: Connected\nNumber of entries in split-brain: 0\n\n`,
      'brick node1:/srv/gluster/labvol/brick: expected "Number of entries: N", gluster printed' + ' "Number of entries in split-brain: 0"',
    ],
    [
      "a line after the last brick",
      `${BRICK}Status: Connected\nNumber of entries: 0\n\nVolume heal failed.\n`,
      'heal info: expected "Brick HOST:PATH" after brick node1:/srv/gluster/labvol/brick, gluster printed' + ' "Volume heal failed."',
    ],
    [
      "no blank line between bricks",
      `${BRICK}Status: Connected\nNumber of entries: 0\n${BRICK}`,
      'brick node1:/srv/gluster/labvol/brick: expected a blank line after "Number of entries: 0", gluster printed' +
        ' "Brick node1:/srv/gluster/labvol/brick"',
    ],
    [
      "a brick gluster could not name",
      "Brick - Not able to get brick information\nStatus: Connected\nNumber of entries: 0\n\n",
      'heal info: gluster could not name one of the bricks ("Brick - Not able to get brick information")',
    ],
    ["no output at all", "", "heal info printed nothing"],
    [
      "something else entirely",
      "Usage: gluster volume heal <VOLNAME> ...\n",
      'heal info: expected "Brick HOST:PATH", gluster printed "Usage: gluster volume heal <VOLNAME> ..."',
    ],
    [
      "a line longer than any path",
      `${BRICK}/${"x".repeat(70_000)}`,
      "a line of more than 65536 characters without a newline: this is not gluster's output",
    ],
  ])("text heal info: %s", async (_case, output, error) => {
    expect(await healError(output, TEXT_INFO)).toBe(error);
  });

  it("text summary: totals that do not add up", async () => {
    const output =
      `${BRICK}Status: Connected\nTotal Number of entries: 5\nNumber of entries in heal pending: 3\n` +
      "Number of entries in split-brain: 0\nNumber of entries possibly healing: 1\n\n";
    expect(await healError(output, TEXT_SUMMARY)).toBe(
      "brick node1:/srv/gluster/labvol/brick: gluster counted 5 entries in total but 3 pending + 0 in split-brain" +
        " + 1 possibly healing",
    );
  });

  it("text summary: entry lines where none belong", async () => {
    const output = `${BRICK}/a \nStatus: Connected\n`;
    expect(await healError(output, TEXT_SUMMARY)).toBe(
      'brick node1:/srv/gluster/labvol/brick: unexpected line "/a " before its Status line',
    );
  });

  it.each([
    [
      "an element gluster does not write",
      xmlBrick("        <status>Connected</status>\n        <numberOfEntries>0</numberOfEntries>\n        <extra/>\n"),
      "brick node1:/srv/gluster/labvol/brick: unexpected element <extra> in <brick>",
    ],
    [
      "no count for a connected brick",
      xmlBrick("        <status>Connected</status>\n"),
      "brick node1:/srv/gluster/labvol/brick: gluster says the brick is Connected but printed no <numberOfEntries>",
    ],
    [
      "a count that is not a number",
      xmlBrick("        <status>Connected</status>\n        <numberOfEntries>x</numberOfEntries>\n"),
      'brick node1:/srv/gluster/labvol/brick: gluster printed "<numberOfEntries>x</numberOfEntries>", which is not a count',
    ],
    [
      "a count that disagrees with the <file> elements",
      xmlBrick('        <file gfid="1">/a</file>\n        <status>Connected</status>\n        <numberOfEntries>2</numberOfEntries>\n'),
      'brick node1:/srv/gluster/labvol/brick: gluster printed "<numberOfEntries>2</numberOfEntries>" but listed 1 entries',
    ],
    [
      "a <file> after the status",
      xmlBrick('        <status>Connected</status>\n        <file gfid="1">/a</file>\n'),
      "brick node1:/srv/gluster/labvol/brick: <file> after <status>",
    ],
    [
      "no status",
      xmlBrick("        <numberOfEntries>0</numberOfEntries>\n"),
      "brick node1:/srv/gluster/labvol/brick: <numberOfEntries> before <status>",
    ],
    [
      "stray text",
      xmlBrick("        <status>Connected</status>\n        <numberOfEntries>0</numberOfEntries>\n        oops\n"),
      'brick node1:/srv/gluster/labvol/brick: unexpected text "oops" in <brick>',
    ],
    [
      "an error envelope",
      `${XML_HEAD}    </bricks>\n  </healInfo>\n  <opRet>-1</opRet>\n  <opErrno>107</opErrno>\n  <opErrstr/>\n</cliOutput>\n`,
      "gluster reported an error (opRet -1, opErrno 107): no message",
    ],
    ["no brick at all", `${XML_HEAD}${XML_TAIL}`, "heal info --xml listed no bricks"],
    [
      "malformed XML",
      xmlBrick("        <status>Conn&bogus;ected</status>\n"),
      'heal info --xml: malformed XML: 7:21: an undefined entity "&bogus;"',
    ],
    [
      "a plain-text error, as glusterd down prints even to --xml",
      "Connection failed. Please check if gluster daemon is operational.\n",
      'glusterd on this node is not running (gluster printed "Connection failed. Please check if gluster daemon is operational.")',
    ],
    ["nothing", "\n", "heal info --xml printed nothing"],
  ])("XML heal info: %s", async (_case, output, error) => {
    expect(await healError(output, XML_INFO)).toEqual(error);
  });

  it('XML: a brick glfsheal could not identify (hostUuid="-") is not connected, whatever its status says', async () => {
    const info = await heal(xmlBrick("        <status>Connected</status>\n        <numberOfEntries>0</numberOfEntries>\n", "-"), XML_INFO);
    expect(info.bricks[0]).toMatchObject({ connected: false, entries: null, splitBrain: null });
  });
});

describe("a brick gluster could only partly process", () => {
  it("text: its entries are unknown, the ones listed are kept as a sample", async () => {
    const output =
      `${BRICK}/a \n/b \n/c \nStatus: Failed to process entries completely. (Transport endpoint is not connected)\n` +
      "Number of entries: 3\n\n";
    const info = await heal(output, TEXT_INFO);
    expect(info.bricks[0]).toMatchObject({
      status: "Failed to process entries completely. (Transport endpoint is not connected)",
      connected: false,
      entries: null,
      splitBrain: null,
      sample: ["/a", "/b", "/c"],
    });
  });

  it("summary text: a single count line follows, and the brick is unknown", async () => {
    const output =
      `${BRICK}Status: Failed to process entries completely. (Transport endpoint is not connected)\n` + "Total Number of entries: 7\n\n";
    expect((await heal(output, TEXT_SUMMARY)).bricks[0]).toMatchObject({ connected: false, entries: null });
  });

  it("XML: the count is glued onto the status and left out; the status is given without it", async () => {
    const output = xmlBrick(
      '        <file gfid="1">/a</file>\n' +
        "        <status>Failed to process entries completely. (Transport endpoint is not connected)Number of entries: 1</status>\n",
    );
    expect((await heal(output, XML_INFO)).bricks[0]).toMatchObject({
      status: "Failed to process entries completely. (Transport endpoint is not connected)",
      connected: false,
      entries: null,
      sample: ["/a"],
    });
  });
});

async function* millionEntryHealInfo(entriesPerBrick: number): AsyncGenerator<string> {
  for (const host of ["node1", "node2"]) {
    yield `Brick ${host}:/srv/gluster/labvol/brick\n`;
    for (let start = 0; start < entriesPerBrick; start += 10_000) {
      let chunk = "";
      for (let index = start; index < start + 10_000; index++) chunk += `/.shard/b1f8.${index} \n`;
      yield chunk;
    }
    yield `Status: Connected\nNumber of entries: ${entriesPerBrick}\n\n`;
  }
  yield "Brick node3:/srv/gluster/labvol/brick\nStatus: Transport endpoint is not connected\nNumber of entries: -\n\n";
}

/** One brick's backlog as glfsheal writes it, in chunks of 10 000 <file> elements. */
async function* manyEntryHealInfoXml(entries: number): AsyncGenerator<string> {
  yield `${XML_HEAD}      <brick hostUuid="a495121b-9fbd-4b9a-83f9-c78a56507751">\n        <name>node1:/srv/b</name>\n`;
  for (let start = 0; start < entries; start += 10_000) {
    let chunk = "";
    for (let index = start; index < start + 10_000; index++) {
      chunk += `        <file gfid="1efda4c1-e9a8-4cd5-8163-1aabd77eb0f1">/.shard/b1f8.${index}</file>\n`;
    }
    yield chunk;
  }
  yield `        <status>Connected</status>\n        <numberOfEntries>${entries}</numberOfEntries>\n      </brick>\n${XML_TAIL}`;
}

describe("a heal backlog of a million entries per brick", () => {
  const firstShards = Array.from({ length: SAMPLE_SIZE }, (_, index) => `/.shard/b1f8.${index}`);

  it("text: counted, with only the first few entries kept", async () => {
    const info = await heal(millionEntryHealInfo(1_000_000), TEXT_INFO);
    expect(info.bricks.map((brick) => brick.entries)).toEqual([1_000_000, 1_000_000, null]);
    expect(info.bricks.map((brick) => brick.splitBrain)).toEqual([0, 0, null]);
    expect(info.bricks[0]?.sample).toEqual(firstShards);
    expect(info.bricks[1]?.sample).toEqual(firstShards);
  });

  it("XML: counted, with only the first few entries kept", async () => {
    const info = await heal(manyEntryHealInfoXml(1_000_000), XML_INFO);
    expect(info.bricks[0]).toMatchObject({ entries: 1_000_000, sample: firstShards });
  });
});
