// The streaming XML scanner heal info --xml is read with: the same reading as saxes on every real capture, however
// the output is cut into chunks, and a refusal, saying what and where, for everything gluster's libxml2 never writes.
import fc from "fast-check";
import { SaxesParser } from "saxes";
import { describe, expect, it } from "vitest";
import { parseHealInfo, type Parsed } from "../../../src/gluster/index.js";
import { parsing } from "../../../src/gluster/output-error.js";
import { XmlScanner } from "../../../src/gluster/xml-scanner.js";
import { check } from "../fuzz/fuzz.js";
import { anyEdit, applyEdits } from "../fuzz/gluster-edits.js";
import { catalogFixtures } from "./captures.js";

type XmlEvent = ["open", string, Record<string, string>] | ["text", string] | ["close", string];

/** Events with each run of text in one piece, however it was delivered. */
class EventLog {
  readonly events: XmlEvent[] = [];

  open(name: string, attributes: Record<string, string>): void {
    this.events.push(["open", name, attributes]);
  }

  text(text: string): void {
    const last = this.events.at(-1);
    if (last?.[0] === "text") last[1] += text;
    else this.events.push(["text", text]);
  }

  close(name: string): void {
    this.events.push(["close", name]);
  }
}

function scan(chunks: Iterable<string>): Parsed<XmlEvent[]> {
  const log = new EventLog();
  const scanner = new XmlScanner(
    {
      open: (name, attributes) => log.open(name, Object.fromEntries(attributes.entries())),
      text: (text) => log.text(text),
      close: (name) => log.close(name),
    },
    "test",
  );
  return parsing(() => {
    for (const chunk of chunks) scanner.write(chunk);
    scanner.end();
    return log.events;
  });
}

/** The reference: saxes, which xml-tree.ts still uses for the small outputs. Text outside the root is left out, as the scanner does. */
function saxesEvents(xml: string): Parsed<XmlEvent[]> {
  const log = new EventLog();
  const parser = new SaxesParser();
  let depth = 0;
  let failure: string | null = null;
  parser.on("error", (error) => (failure ??= error.message));
  parser.on("opentag", (tag) => {
    depth++;
    log.open(tag.name, { ...tag.attributes });
  });
  parser.on("text", (text) => {
    if (depth > 0) log.text(text);
  });
  parser.on("closetag", (tag) => {
    depth--;
    log.close(tag.name);
  });
  try {
    parser.write(xml).close();
  } catch (error) {
    failure ??= String(error);
  }
  return failure === null ? { ok: true, value: log.events } : { ok: false, error: failure };
}

function splitAt(text: string, points: readonly number[]): string[] {
  const cuts = [...new Set(points.map((point) => point % (text.length + 1)))].sort((a, b) => a - b);
  return [...cuts, text.length].map((end, index) => text.slice(cuts[index - 1] ?? 0, end));
}

const XML_CAPTURES = [
  ...new Map(
    catalogFixtures()
      .captures.filter((capture) => capture.kind.endsWith("-xml") && capture.run.stdout.startsWith("<"))
      .map((capture) => [capture.run.stdout, capture] as const),
  ).values(),
];
const SMALL = XML_CAPTURES.filter((capture) => capture.run.stdout.length <= 2_000);

describe("every real XML capture", () => {
  it("holds heal info, volume status, volume info, peer and pool captures, large and small", () => {
    const kinds = new Set(XML_CAPTURES.map((capture) => capture.kind));
    expect([...kinds].sort()).toEqual([
      "heal-info-xml",
      "heal-split-brain-xml",
      "heal-summary-xml",
      "peer-status-xml",
      "pool-list-xml",
      "volume-info-xml",
      "volume-status-xml",
    ]);
    expect(XML_CAPTURES.some((capture) => capture.run.stdout.length > 40_000)).toBe(true);
    expect(SMALL.length).toBeGreaterThan(10);
  });

  it.each(XML_CAPTURES.map((capture) => [capture.file, capture.run.stdout] as const))("%s reads as saxes reads it", (_file, xml) => {
    const reference = saxesEvents(xml);
    const scanned = scan([xml]);
    // Fragments (a `volume status` excerpt) are refused by both.
    if (reference.ok) expect(scanned).toEqual(reference);
    else expect(scanned.ok).toBe(false);
  });

  it.each(SMALL.map((capture) => [capture.file, capture.run.stdout] as const))("%s cut at every point reads the same", (_file, xml) => {
    const whole = scan([xml]);
    for (let cut = 0; cut <= xml.length; cut++) expect(scan([xml.slice(0, cut), xml.slice(cut)])).toEqual(whole);
  });

  it.each(XML_CAPTURES.map((capture) => [capture.file, capture.run.stdout] as const))(
    "%s one character at a time reads the same",
    (_file, xml) => {
      expect(scan(xml)).toEqual(scan([xml]));
    },
  );

  it("cut into any number of chunks, anywhere, each reads the same", async () => {
    await check(
      "xml scanner: chunking",
      300,
      fc.tuple(fc.constantFrom(...XML_CAPTURES), fc.array(fc.nat(), { maxLength: 40 })),
      ([capture, points]) => {
        const xml = capture.run.stdout;
        expect(scan(splitAt(xml, points))).toEqual(scan([xml]));
      },
    );
  });

  it("mutated, never read where saxes refuses, nor read differently from saxes", async () => {
    const markup = fc.constantFrom(
      "<",
      ">",
      "&",
      "&amp;",
      "&#0;",
      "<!-- c -->",
      "<![CDATA[x]]>",
      "<?pi?>",
      "<a>",
      "</a>",
      "<a/>",
      "'",
      '"',
      "=",
      "\r",
      "\u0001",
      "\uD800",
    );
    const insertion = fc.tuple(fc.nat(), markup);
    await check(
      "xml scanner: against saxes",
      400,
      fc.tuple(fc.constantFrom(...XML_CAPTURES), anyEdit, fc.array(insertion, { maxLength: 3 })),
      ([capture, edits, insertions]) => {
        let xml = applyEdits(capture.run.stdout, edits);
        for (const [at, text] of insertions) xml = xml.slice(0, at % (xml.length + 1)) + text + xml.slice(at % (xml.length + 1));
        const scanned = scan([xml]);
        if (scanned.ok) expect(saxesEvents(xml)).toEqual(scanned);
      },
    );
  });
});

const DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const doc = (body: string): string => `${DECLARATION}<cliOutput>\n${body}</cliOutput>\n`;

describe("what libxml2 writes is read", () => {
  it("elements, attributes, empty elements, whitespace", () => {
    expect(scan([doc('  <brick hostUuid="-">\n    <name>n:/b</name>\n  </brick>\n  <opErrstr/>\n')])).toEqual({
      ok: true,
      value: [
        ["open", "cliOutput", {}],
        ["text", "\n  "],
        ["open", "brick", { hostUuid: "-" }],
        ["text", "\n    "],
        ["open", "name", {}],
        ["text", "n:/b"],
        ["close", "name"],
        ["text", "\n  "],
        ["close", "brick"],
        ["text", "\n  "],
        ["open", "opErrstr", {}],
        ["close", "opErrstr"],
        ["text", "\n"],
        ["close", "cliOutput"],
      ],
    });
  });

  it("the five entities and character references, in text and in attributes", () => {
    const scanned = scan([doc('<file gfid="&lt;&#x41;&#66;&gt;">&amp;&lt;&gt;&quot;&apos; &#233;&#xE9;&#13;&#x1F600;</file>')]);
    expect(scanned.ok && scanned.value.slice(2, 5)).toEqual([
      ["open", "file", { gfid: "<AB>" }],
      ["text", "&<>\"' éé\r😀"],
      ["close", "file"],
    ]);
  });

  it("what XML allows beyond libxml2's own layout: single quotes, spaces inside tags, no declaration", () => {
    expect(scan(['<cliOutput  a = \'x"y\' b="2" ><e\n/></cliOutput >'])).toEqual({
      ok: true,
      value: [
        ["open", "cliOutput", { a: 'x"y', b: "2" }],
        ["open", "e", {}],
        ["close", "e"],
        ["close", "cliOutput"],
      ],
    });
  });

  it("a character outside the BMP split across two string chunks", () => {
    const xml = doc("<name>😀</name>");
    const cut = xml.indexOf("😀") + 1;
    expect(scan([xml.slice(0, cut), xml.slice(cut)])).toEqual(scan([xml]));
  });

  it("a reference cut by a chunk's end, in a text longer than any gluster writes, waits for its end", () => {
    const xml = doc(`<name>${"x".repeat(70_000)}&amp;y</name>`);
    const cut = xml.indexOf("&amp;") + 3;
    const scanned = scan([xml.slice(0, cut), xml.slice(cut)]);
    expect(scanned).toEqual(scan([xml]));
    // Compared as a boolean: a failure would otherwise print 70 000 x's.
    expect(scanned.ok && scanned.value[3]?.[1] === `${"x".repeat(70_000)}&y`).toBe(true);
  });
});

describe("anything else is refused as malformed, where it stands, however the output is cut", () => {
  const at = (line: number, column: number, problem: string) => `test: malformed XML: ${line}:${column}: ${problem}`;
  it.each([
    ["a comment", doc("  <!-- heal info -->\n"), at(3, 3, "a comment, which gluster does not write")],
    ["CDATA", doc("<opErrstr><![CDATA[x]]></opErrstr>"), at(3, 11, "a CDATA section, which gluster does not write")],
    ["a DOCTYPE", `${DECLARATION}<!DOCTYPE cliOutput>\n<cliOutput/>`, at(2, 1, "a DOCTYPE, which gluster does not write")],
    ["another markup declaration", doc("<!ENTITY x 'y'>"), at(3, 1, "a markup declaration, which gluster does not write")],
    [
      "a processing instruction",
      doc('<?xml-stylesheet href="a"?>'),
      at(3, 1, 'a processing instruction "<?xml-stylesheet href=\\"a\\"?>", which gluster does not write'),
    ],
    [
      "an XML declaration after the start",
      `\n${DECLARATION}<cliOutput/>`,
      at(2, 1, 'an XML declaration after the start of the output: "<?xml version=\\"1.0\\" encoding=\\"UTF-8\\" standalone=\\"yes\\"?>"'),
    ],
    [
      "an XML declaration of another version",
      '<?xml version="1.1"?><cliOutput/>',
      at(1, 1, 'an XML declaration gluster does not write: "<?xml version=\\"1.1\\"?>" (expected version 1.0, UTF-8)'),
    ],
    [
      "an XML declaration of another encoding",
      '<?xml version="1.0" encoding="ISO-8859-1"?><cliOutput/>',
      at(
        1,
        1,
        'an XML declaration gluster does not write: "<?xml version=\\"1.0\\" encoding=\\"ISO-8859-1\\"?>" (expected version 1.0, UTF-8)',
      ),
    ],
    ["a mismatched closing tag", doc("  <opRet>0</opErrno>\n"), at(3, 11, "</opErrno> where </opRet> was expected")],
    ["a closing tag with nothing open", `${doc("")}</cliOutput>`, at(4, 1, "</cliOutput> with no element open")],
    ["a malformed closing tag", doc("<opRet>0</opRet x>"), at(3, 9, 'a malformed closing tag "</opRet x>"')],
    ["an element left open at the end", `${DECLARATION}<cliOutput>\n  <opRet>0</opRet>\n`, at(4, 1, "the output ends inside <cliOutput>")],
    ["the end inside a tag", `${DECLARATION}<cliOutput><opRet`, at(2, 12, 'the output ends inside a tag: "<opRet"')],
    ["nothing but the declaration", DECLARATION, at(2, 1, "the output has no root element")],
    ["text after the root", `${doc("")}Volume heal failed.\n`, at(4, 1, 'text after the root element: "Volume heal failed."')],
    ["a second root", `${doc("")}<cliOutput/>`, at(4, 1, "a second root element <cliOutput>")],
    ["text before the root", "Error\n<cliOutput/>", at(1, 1, 'text before the root element: "Error"')],
    ["a name starting with a digit", doc("<1x/>"), at(3, 1, 'a bad element name in "<1x/>"')],
    ["a namespaced name", doc("<gl:opRet/>"), at(3, 1, 'a bad element name in "<gl:opRet/>"')],
    ["a space before the name", doc("< opRet/>"), at(3, 1, 'a bad element name in "< opRet/>"')],
    ["an unquoted attribute", doc("<brick hostUuid=x/>"), at(3, 1, 'a malformed tag "<brick hostUuid=x/>"')],
    ["attributes without a space between", doc('<brick a="1"b="2"/>'), at(3, 1, 'a malformed tag "<brick a=\\"1\\"b=\\"2\\"/>"')],
    ["an attribute without a value", doc("<brick hostUuid/>"), at(3, 1, 'a malformed tag "<brick hostUuid/>"')],
    ["a `>` in an attribute value", doc('<brick a="x>y"/>'), at(3, 1, 'a malformed tag "<brick a=\\"x>"')],
    ["a duplicate attribute", doc('<brick a="1" a="2"/>'), at(3, 1, "<brick> has two a attributes")],
    [
      "a `<` in an attribute value",
      doc('<brick a="<"/>'),
      at(3, 1, 'a raw "<", tab or newline in attribute a of <brick>, which libxml2 escapes'),
    ],
    [
      "a raw tab in an attribute value",
      doc('<brick a="\t"/>'),
      at(3, 1, 'a raw "<", tab or newline in attribute a of <brick>, which libxml2 escapes'),
    ],
    ["a raw `>` in text", doc("<opRet>0></opRet>"), at(3, 9, 'a raw ">" in text, which libxml2 writes as &gt;')],
    ["a raw carriage return", doc("<opRet>0</opRet>\r\n"), at(3, 17, "a raw carriage return, which libxml2 writes as &#13;")],
    ["a control character", doc("<name>a\u0001</name>"), at(3, 8, "the character U+0001, which XML does not allow")],
    ["a lone surrogate", doc("<name>\uD800x</name>"), at(3, 7, "the character U+D800, which XML does not allow")],
    ["a lone surrogate at the very end", `${doc("")}\uD83D`, at(4, 1, "the character U+D83D, which XML does not allow")],
    ["an undefined entity", doc("<status>Conn&bogus;ected</status>"), at(3, 13, 'an undefined entity "&bogus;"')],
    ["a bare &", doc("<name>a & b</name>"), at(3, 9, 'a malformed reference "& b"')],
    ["a reference without its ;", doc("<name>&amp</name>"), at(3, 7, 'a malformed reference "&amp"')],
    ["a reference to NUL", doc("<name>&#0;</name>"), at(3, 7, '"&#0;" refers to a character XML does not allow')],
    ["a reference to a surrogate", doc("<name>&#xD800;</name>"), at(3, 7, '"&#xD800;" refers to a character XML does not allow')],
    ["a reference beyond Unicode", doc("<name>&#x110000;</name>"), at(3, 7, '"&#x110000;" refers to a character XML does not allow')],
    ["a bad reference in an attribute", doc('<brick a="x&y"/>'), at(3, 12, 'a malformed reference "&y"')],
  ])("%s", (_case, xml, message) => {
    const expected = { ok: false, error: message };
    expect(scan([xml])).toEqual(expected);
    for (let cut = 0; cut <= xml.length; cut++) expect(scan([xml.slice(0, cut), xml.slice(cut)])).toEqual(expected);
    expect(scan(xml)).toEqual(expected);
  });

  it("a tag that does not end within 64 KiB, in whatever chunks it comes", () => {
    const xml = `${DECLARATION}<cliOutput>\n<file gfid="${"x".repeat(70_000)}`;
    const expected = {
      ok: false,
      error: at(3, 1, `"<file gfid=\\"${"x".repeat(28)}"… does not end within 65536 characters: this is not gluster's output`),
    };
    expect(scan([xml])).toEqual(expected);
    expect(scan(splitAt(xml, [100, 30_000, 65_000, 66_000]))).toEqual(expected);
  });
});

describe("heal info --xml through the scanner", () => {
  const HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<cliOutput>\n  <healInfo>\n    <bricks>\n';
  const TAIL = "    </bricks>\n  </healInfo>\n  <opRet>0</opRet>\n  <opErrno>0</opErrno>\n  <opErrstr/>\n</cliOutput>\n";
  const brick = (files: string, hostUuid = "a495121b-9fbd-4b9a-83f9-c78a56507751"): string =>
    `${HEAD}      <brick hostUuid="${hostUuid}">\n        <name>node1:/srv/b</name>\n${files}` +
    `        <status>Connected</status>\n        <numberOfEntries>${files.split("<file").length - 1}</numberOfEntries>\n      </brick>\n${TAIL}`;

  it("entry names come with their entities decoded", async () => {
    const files =
      '        <file gfid="1">/images/a &amp; b.raw</file>\n' +
      '        <file gfid="2">&lt;gfid:1936a04d-de9f-4cb9-a839-45a2c644abbf&gt;</file>\n' +
      '        <file gfid="3">/it\'s "quoted"/&quot;&apos;</file>\n' +
      '        <file gfid="4">/caf&#233;/&#x1F600;/ünï</file>\n' +
      '        <file gfid="5">/cr&#13;lf&#10;</file>\n';
    const parsed = await parseHealInfo(brick(files), { kind: "info", format: "xml" });
    expect(parsed).toMatchObject({ ok: true, value: { bricks: [{ entries: 5 }] } });
    expect(parsed.ok && parsed.value.bricks[0]?.sample).toEqual([
      "/images/a & b.raw",
      "<gfid:1936a04d-de9f-4cb9-a839-45a2c644abbf>",
      '/it\'s "quoted"/"\'',
      "/café/😀/ünï",
      "/cr\rlf\n",
    ]);
  });

  it("an attribute's references are decoded too: hostUuid &#45; is glfsheal's `-`", async () => {
    const parsed = await parseHealInfo(brick("", "&#45;"), { kind: "info", format: "xml" });
    expect(parsed).toMatchObject({ ok: true, value: { bricks: [{ connected: false, entries: null }] } });
  });

  it.each([
    [
      "a comment among the entries",
      brick('        <!-- x -->\n        <file gfid="1">/a</file>\n'),
      "7:9: a comment, which gluster does not write",
    ],
    ["an entry in CDATA", brick('        <file gfid="1"><![CDATA[/a]]></file>\n'), "7:24: a CDATA section, which gluster does not write"],
    ["a closing tag that does not match", brick('        <file gfid="1">/a</name>\n'), "7:26: </name> where </file> was expected"],
    ["junk after the document", `${brick("")}Volume heal failed.\n`, '16:1: text after the root element: "Volume heal failed."'],
  ])("%s is refused", async (_case, xml, where) => {
    expect(await parseHealInfo(xml, { kind: "info", format: "xml" })).toEqual({
      ok: false,
      error: `heal info --xml: malformed XML: ${where}`,
    });
  });

  it("an entry longer than any path is refused however it is chunked", async () => {
    const xml = brick(`        <file gfid="1">/${"x".repeat(70_000)}</file>\n`);
    const expected = { ok: false, error: "brick node1:/srv/b: <file> is implausibly long" };
    expect(await parseHealInfo(xml, { kind: "info", format: "xml" })).toEqual(expected);
    expect(await parseHealInfo(splitAt(xml, [300, 40_000, 65_600, 66_000]), { kind: "info", format: "xml" })).toEqual(expected);
  });
});
