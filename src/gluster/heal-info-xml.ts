// `gluster volume heal VOL info [split-brain|summary] --xml`, read as a stream (xml-scanner.ts) so that a brick
// with a million <file> elements costs a counter, not a tree.
import { describeNonXmlOutput, describeXmlOpError } from "./cli-errors.js";
import { ChunkDecoder, MAX_LINE_LENGTH, type OutputChunk } from "./chunks.js";
import { parseBrickName, parseCount } from "./fields.js";
import { type HealKind, type PrintedCount, toHealBrick } from "./heal-kinds.js";
import { type EntryState, HealBrickTally } from "./heal-tally.js";
import { fail, quote } from "./output-error.js";
import type { HealBrick, HealInfo } from "./types.js";
import { isXmlWhitespace, trimXmlWhitespace, type XmlAttributes, XmlScanner } from "./xml-scanner.js";

interface OpenBrick {
  hostUuid: string;
  tally: HealBrickTally | null;
  status: string | null;
  counts: Map<string, PrintedCount>;
}

/** Gluster's own document root is reached from this pseudo-parent. */
const DOCUMENT = "";

/**
 * A brick glfsheal could only partly process gets `Failed to process entries completely. (<strerror>)` with the count
 * label glued on (`…)Number of entries: 3`). For an unreachable brick, `info summary --xml` (7.x–11.x) prints the
 * same with `totalNumberOfEntries0` and no count elements: glfsh_print_xml_heal_op_summary compares a pointer with 0.
 */
const PARTIAL_STATUS = /^(Failed to process entries completely\. \([^)]*\)).*$/s;

function withoutGluedCount(status: string): string {
  return PARTIAL_STATUS.exec(status)?.[1] ?? status;
}

export class XmlHealInfoReader {
  private readonly command: string;
  private readonly decoder = new ChunkDecoder();
  private readonly xml: XmlScanner;
  /** The elements gluster writes, by parent; elements absent as keys hold only text. */
  private readonly childrenOf: Readonly<Record<string, readonly string[]>>;
  private readonly fileState: EntryState;
  private readonly path: string[] = [];
  private leafText = "";
  private brick: OpenBrick | null = null;
  private readonly bricks: HealBrick[] = [];
  private readonly envelope = new Map<string, string>();
  private complete = false;
  /** Null until the first non-blank character shows whether gluster answered in XML at all. */
  private isXml: boolean | null = null;
  private plainText = "";

  constructor(private readonly kind: HealKind) {
    this.command = `${kind.command} --xml`;
    this.fileState = kind.entries?.impliedState ?? "unknown";
    this.childrenOf = {
      [DOCUMENT]: ["cliOutput"],
      cliOutput: ["healInfo", "opRet", "opErrno", "opErrstr"],
      healInfo: ["bricks"],
      bricks: ["brick"],
      brick: ["name", ...(kind.entries ? ["file"] : []), "status", ...kind.counts.map((count) => count.element)],
    };
    this.xml = new XmlScanner(
      { open: (name, attributes) => this.open(name, attributes), text: (text) => this.text(text), close: (name) => this.close(name) },
      this.command,
    );
  }

  write(chunk: OutputChunk): void {
    this.feed(this.decoder.write(chunk));
  }

  end(): HealInfo {
    this.feed(this.decoder.end());
    if (this.isXml === null) fail(`${this.command} printed nothing`);
    if (!this.isXml) fail(describeNonXmlOutput(this.command, this.plainText));
    if (!this.complete) fail(this.describeTruncation());
    this.xml.end();
    const opRet = this.envelope.get("opRet") ?? fail(`${this.command}: the XML has no <opRet>`);
    if (opRet !== "0") {
      fail(describeXmlOpError(opRet, this.envelope.get("opErrno") ?? null, this.envelope.get("opErrstr") ?? null));
    }
    if (this.bricks.length === 0) fail(`${this.command} listed no bricks`);
    return { bricks: this.bricks };
  }

  private feed(text: string): void {
    if (this.isXml === null) {
      const start = text.search(/\S/);
      if (start === -1) return;
      this.isXml = text[start] === "<";
      text = text.slice(start);
    }
    if (this.isXml) {
      this.xml.write(text);
      return;
    }
    // A down glusterd answers --xml in plain text; one line is all it takes to say so.
    this.plainText = (this.plainText + text).slice(0, MAX_LINE_LENGTH);
    if (this.plainText.includes("\n")) fail(describeNonXmlOutput(this.command, this.plainText));
  }

  private describeTruncation(): string {
    const brick = this.brick;
    if (brick?.tally) {
      const where = brick.counts.size === 0 ? "before the count of" : "inside";
      return `${this.command} ended ${where} brick ${brick.tally.ref.name}: output truncated`;
    }
    const last = this.bricks.at(-1);
    return `${this.command} ended before </cliOutput>${last ? ` (after brick ${last.name})` : ""}: output truncated`;
  }

  private where(): string {
    const name = this.brick?.tally?.ref.name;
    return name === undefined ? this.command : `brick ${name}`;
  }

  private open(name: string, attributes: XmlAttributes): void {
    const parent = this.path.at(-1) ?? DOCUMENT;
    if (!this.childrenOf[parent]?.includes(name)) {
      fail(`${this.where()}: unexpected element <${name}>${parent === DOCUMENT ? "" : ` in <${parent}>`}`);
    }
    if (name === "brick") {
      const hostUuid = attributes.get("hostUuid") ?? fail(`${this.command}: a <brick> without hostUuid`);
      this.brick = { hostUuid, tally: null, status: null, counts: new Map() };
    }
    this.path.push(name);
    this.leafText = "";
  }

  /** Only text inside the root comes here (the scanner refuses any other), so some element is open. */
  private text(text: string): void {
    const current = this.path.at(-1) ?? DOCUMENT;
    if (this.childrenOf[current] === undefined) {
      this.leafText += text;
      if (this.leafText.length > MAX_LINE_LENGTH) fail(`${this.where()}: <${current}> is implausibly long`);
    } else if (!isXmlWhitespace(text)) {
      fail(`${this.where()}: unexpected text ${quote(trimXmlWhitespace(text))} in <${current}>`);
    }
  }

  private close(name: string): void {
    this.path.pop();
    if (this.childrenOf[name] === undefined) this.readLeaf(name, this.leafText);
    else if (name === "brick") this.closeBrick();
    else if (name === "cliOutput") this.complete = true;
  }

  private readLeaf(name: string, text: string): void {
    const brick = this.brick;
    if (brick === null) {
      this.envelope.set(name, text);
      return;
    }
    if (name === "name") {
      if (brick.tally !== null) fail(`${this.where()}: a second <name>`);
      brick.tally = new HealBrickTally(parseBrickName(text, this.command));
      return;
    }
    const tally = brick.tally ?? fail(`${this.command}: <${name}> before the brick's <name>`);
    if (name === "file") {
      if (brick.status !== null) fail(`${this.where()}: <file> after <status>`);
      tally.add(text, this.fileState);
      return;
    }
    const where = this.where();
    if (name === "status") {
      if (brick.status !== null) fail(`${where}: a second <status>`);
      brick.status = withoutGluedCount(text);
    } else {
      if (brick.status === null) fail(`${where}: <${name}> before <status>`);
      if (brick.counts.has(name)) fail(`${where}: a second <${name}>`);
      const printed = `<${name}>${text}</${name}>`;
      brick.counts.set(name, { value: parseCount(text, printed, where), printed });
    }
  }

  private closeBrick(): void {
    const brick = this.brick;
    this.brick = null;
    if (brick === null) return;
    const tally = brick.tally ?? fail(`${this.command}: a <brick> without <name>`);
    const status = brick.status ?? fail(`brick ${tally.ref.name}: no <status>`);
    const counts = this.kind.counts.map(({ element }) => brick.counts.get(element));
    // hostUuid="-": glfsheal could not reach the brick to ask its node UUID (glfsh_print_xml_brick_from_xl).
    this.bricks.push(toHealBrick(this.kind, { tally, status, counts, identified: brick.hostUuid !== "-" }));
  }
}
