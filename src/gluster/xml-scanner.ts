// A strict streaming reader for the XML glfsheal prints, fast enough for a heal backlog of millions of <file>
// elements: it finds the next `<` and `>` with indexOf and reads only the tags themselves character by character,
// where saxes (xml-tree.ts, for the small outputs) steps through every character of the output with a callback.
//
// It reads only what gluster writes: glfsheal builds its document with xmlTextWriter and prints it with
// xmlSaveFormatFileEnc("-", doc, "UTF-8", 1) (glusterfs heal/src/glfs-heal.c glfsh_xml_end), so the output is
// libxml2's dump of a plain tree: the XML declaration, elements with attributes, text, and whitespace between
// elements. A comment, CDATA, a DOCTYPE, a processing instruction, a tag that does not match, text outside the root
// or a second root is refused as malformed, with its line and column and what it was.
import { MAX_LINE_LENGTH } from "./chunks.js";
import { fail, quote } from "./output-error.js";

export interface XmlEvents {
  /** A start tag; an empty-element tag (`<opErrstr/>`) is an `open` followed at once by its `close`. */
  open(name: string, attributes: XmlAttributes): void;
  /** Text inside the root element, entities decoded; a run longer than MAX_LINE_LENGTH comes in several pieces. */
  text(text: string): void;
  close(name: string): void;
}

/** A start tag's attributes, values decoded. Valid only during the `open` call: the next tag reuses them. */
export interface XmlAttributes {
  get(name: string): string | undefined;
  /** A copy, in document order, that outlives the call. */
  entries(): Array<[string, string]>;
}

/** One per scanner, refilled for each start tag, so that a million <file gfid="…"> allocate nothing for it. */
class TagAttributes implements XmlAttributes {
  private readonly names: string[] = [];
  private readonly values: string[] = [];
  private count = 0;

  clear(): void {
    this.count = 0;
  }

  add(name: string, value: string): void {
    this.names[this.count] = name;
    this.values[this.count] = value;
    this.count++;
  }

  get(name: string): string | undefined {
    for (let index = 0; index < this.count; index++) if (this.names[index] === name) return this.values[index];
    return undefined;
  }

  entries(): Array<[string, string]> {
    return this.names.slice(0, this.count).map((name, index) => [name, this.values[index] ?? ""]);
  }
}

// XML allows any Unicode name; gluster's are ASCII (cliOutput, numberOfEntries, hostUuid), so a wider one is not gluster's.
const NAME = "[A-Za-z_][A-Za-z0-9_.-]*";
// libxml2 writes a CR as &#13; in text and attributes (xmlsave.c xmlEscapeContent, xmlBufAttrSerializeTxtContent),
// so the only whitespace here is space, tab and newline.
const SPACE = "[ \\t\\n]";
const END_TAG = new RegExp(`^</(${NAME})${SPACE}*>$`);
/** What xmlSaveFormatFileEnc writes first: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`. */
const DECLARATION = new RegExp(
  `^<\\?xml${SPACE}+version${SPACE}*=${SPACE}*(["'])1\\.0\\1` +
    `(?:${SPACE}+encoding${SPACE}*=${SPACE}*(["'])[Uu][Tt][Ff]-8\\2)?` +
    `(?:${SPACE}+standalone${SPACE}*=${SPACE}*(["'])(?:yes|no)\\3)?${SPACE}*\\?>$`,
);
const WHITESPACE = /^[ \t\n]*$/;
const TRIM = /^[ \t\n]+|[ \t\n]+$/g;
const REFERENCE = /&(?:(amp|lt|gt|quot|apos)|#([0-9]+)|#x([0-9A-Fa-f]+));/y;
/** What the start of a reference can look like, so that one cut by a chunk's end waits for the rest. */
const REFERENCE_START = new RegExp(`^&(?:${NAME}|#[0-9]*|#x[0-9A-Fa-f]*)?$`);
const ENTITY = new RegExp(`^&${NAME};`);
const PREDEFINED: Readonly<Record<string, string>> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
/** A quick test for the characters DISALLOWED looks at closely: printable text has none of them. */
const SUSPECT = /[\0-\x08\x0B-\x1F\uD800-\uDFFF\uFFFE\uFFFF]/;
/** Outside XML's Char production, or a raw CR (see SPACE); surrogates must come in pairs. */
const DISALLOWED = /[\0-\x08\x0B-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/** Not in an attribute value as libxml2 writes it: `<` is not XML, tab and newline come as &#9; and &#10;. */
const RAW_IN_ATTRIBUTE = /[<\t\n]/;

/** Long enough to tell `<!--`, `<![CDATA[` and `<!DOCTYPE` apart. */
const MARKUP_DECLARATION_PREFIX = "<![CDATA[".length;
const LT = 0x3c; // <
const GT = 0x3e; // >
const SLASH = 0x2f; // /
const EQUALS = 0x3d; // =
const BANG = 0x21; // !
const QUESTION = 0x3f; // ?

export function isXmlWhitespace(text: string): boolean {
  return WHITESPACE.test(text);
}

/** `text` without XML's whitespace around it; String.trim would also drop what XML does not count as space (U+00A0…). */
export function trimXmlWhitespace(text: string): string {
  return text.replace(TRIM, "");
}

function isNameCode(code: number, first: boolean): boolean {
  if ((code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || code === 0x5f) return true; // a-z A-Z _
  return !first && ((code >= 0x30 && code <= 0x39) || code === 0x2e || code === 0x2d); // 0-9 . -
}

/** Where the NAME starting at `from` ends: `from` itself if none starts there. */
function nameEnd(text: string, from: number): number {
  let at = from;
  while (isNameCode(text.charCodeAt(at), at === from)) at++;
  return at;
}

/** buffer[from, to), as the string `previous` if it is the same. */
function reuse(buffer: string, from: number, to: number, previous: string): string {
  return to - from === previous.length && buffer.startsWith(previous, from) ? previous : buffer.slice(from, to);
}

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x9 || code === 0xa;
}

function spaceEnd(text: string, from: number): number {
  let at = from;
  while (isSpace(text.charCodeAt(at))) at++;
  return at;
}

function isXmlChar(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}

function describeMarkupDeclaration(start: string): string {
  if (start.startsWith("<!--")) return "a comment";
  if (start.startsWith("<![CDATA[")) return "a CDATA section";
  if (start.startsWith("<!DOCTYPE")) return "a DOCTYPE";
  return "a markup declaration";
}

/**
 * Feed it text in pieces of any size; it calls `events` for each element and run of text, holding back only an
 * unfinished tag or run of text (at most MAX_LINE_LENGTH characters), so memory does not grow with the output.
 */
export class XmlScanner {
  /** What is left of the text written so far: an unfinished tag or run of text. */
  private pending = "";
  /** A high surrogate that ended a string chunk; its low half starts the next one. */
  private carry = "";
  private readonly openElements: string[] = [];
  private readonly attributes = new TagAttributes();
  /** The last element and attribute names read: reused while they repeat, rather than sliced anew for every <file>. */
  private lastElement = "";
  private lastAttribute = "";
  private rootSeen = false;
  /** Nothing has been consumed yet: the only place the XML declaration may stand. */
  private atStart = true;
  /** Line (1-based) and column (0-based) where `pending` starts, for messages. */
  private line = 1;
  private column = 0;

  constructor(
    private readonly events: XmlEvents,
    private readonly command: string,
  ) {}

  write(text: string): void {
    text = this.carry + text;
    this.carry = "";
    const last = text.charCodeAt(text.length - 1);
    if (last >= 0xd800 && last <= 0xdbff) {
      this.carry = text.slice(-1);
      text = text.slice(0, -1);
    }
    this.append(text);
    this.scan(false);
  }

  /** Refuses an unfinished document; the caller can say better what a cut-off output missed, so it may check first. */
  end(): void {
    this.append(this.carry);
    this.carry = "";
    this.scan(true);
    const open = this.openElements.at(-1);
    if (open !== undefined) this.malformed(this.pending.length, `the output ends inside <${open}>`);
    if (!this.rootSeen) this.malformed(this.pending.length, "the output has no root element");
  }

  private append(text: string): void {
    const start = this.pending.length;
    this.pending += text;
    if (!SUSPECT.test(text)) return;
    DISALLOWED.lastIndex = start;
    const bad = DISALLOWED.exec(this.pending);
    if (bad !== null) {
      const code = bad[0].charCodeAt(0);
      const hex = code.toString(16).toUpperCase().padStart(4, "0");
      this.malformed(
        bad.index,
        code === 0xd ? "a raw carriage return, which libxml2 writes as &#13;" : `the character U+${hex}, which XML does not allow`,
      );
    }
  }

  private scan(final: boolean): void {
    const buffer = this.pending;
    const length = buffer.length;
    let at = 0;
    while (at < length) {
      if (buffer.charCodeAt(at) !== LT) {
        const lt = buffer.indexOf("<", at);
        let stop = lt === -1 ? length : lt;
        if (lt === -1 && !final) {
          // Text cut by the chunk's end waits for the rest, so that messages quote it whole; only a run longer than
          // any gluster writes is passed on in pieces (the caller says it is implausibly long), keeping back a cut reference.
          if (length - at <= MAX_LINE_LENGTH) stop = at;
          else {
            const amp = buffer.lastIndexOf("&");
            if (amp >= at && REFERENCE_START.test(buffer.slice(amp))) stop = amp;
          }
        }
        if (stop > at) this.text(buffer, at, stop);
        at = stop;
        if (lt === -1) break;
      } else {
        const next = this.markup(buffer, at, final);
        if (next === -1) break;
        at = next;
      }
    }
    this.consume(at);
    if (this.pending.length > MAX_LINE_LENGTH) {
      this.malformed(
        0,
        `${quote(this.pending.slice(0, 40))}… does not end within ${MAX_LINE_LENGTH} characters: this is not gluster's output`,
      );
    }
  }

  /** Reads the markup starting at `at`; returns where it ends, or -1 when the rest has not arrived yet. */
  private markup(buffer: string, at: number, final: boolean): number {
    const second = buffer.charCodeAt(at + 1);
    if (Number.isNaN(second)) return final ? this.malformed(at, "the output ends inside a tag") : -1;
    if (second === BANG) {
      if (buffer.length - at < MARKUP_DECLARATION_PREFIX && !final) return -1;
      return this.malformed(at, `${describeMarkupDeclaration(buffer.slice(at))}, which gluster does not write`);
    }
    if (second === SLASH) {
      const open = this.openElements.at(-1);
      // Nearly always `</name>` of the element open: no need to read the name to know it matches.
      const end = at + 2 + (open?.length ?? 0);
      if (open !== undefined && buffer.charCodeAt(end) === GT && buffer.startsWith(open, at + 2)) {
        this.openElements.pop();
        this.events.close(open);
        return end + 1;
      }
    }
    const gt = buffer.indexOf(">", at);
    if (gt === -1) return final ? this.malformed(at, `the output ends inside a tag: ${quote(buffer.slice(at))}`) : -1;
    if (second === QUESTION) return this.declaration(buffer.slice(at, gt + 1), at);
    this.atStart = false;
    return second === SLASH ? this.endTag(buffer.slice(at, gt + 1), at) : this.startTag(buffer, at, gt);
  }

  private declaration(tag: string, at: number): number {
    if (!/^<\?xml[ \t\n]/.test(tag)) this.malformed(at, `a processing instruction ${quote(tag)}, which gluster does not write`);
    if (!this.atStart) this.malformed(at, `an XML declaration after the start of the output: ${quote(tag)}`);
    if (!DECLARATION.test(tag)) {
      this.malformed(at, `an XML declaration gluster does not write: ${quote(tag)} (expected version 1.0, UTF-8)`);
    }
    this.atStart = false;
    return at + tag.length;
  }

  /** The tag from `at` to the `>` at `gt`, read in place: this runs once per <file>. */
  private startTag(buffer: string, at: number, gt: number): number {
    const nameStop = nameEnd(buffer, at + 1);
    const afterName = buffer.charCodeAt(nameStop);
    if (nameStop === at + 1 || !(afterName === GT || afterName === SLASH || isSpace(afterName))) {
      return this.malformed(at, `a bad element name in ${quote(buffer.slice(at, gt + 1))}`);
    }
    const name = (this.lastElement = reuse(buffer, at + 1, nameStop, this.lastElement));
    if (this.openElements.length === 0 && this.rootSeen) this.malformed(at, `a second root element <${name}>`);
    const attributes = this.attributes;
    attributes.clear();
    let from = nameStop;
    let empty = false;
    for (;;) {
      const next = spaceEnd(buffer, from);
      if (next === gt) break;
      if (next === gt - 1 && buffer.charCodeAt(next) === SLASH) {
        empty = true;
        break;
      }
      // An attribute, after a space: a name, `=` and a quoted value (libxml2 escapes `<`, `>`, `&` and `"` in it).
      const attributeStop = nameEnd(buffer, next);
      const equals = spaceEnd(buffer, attributeStop);
      const open = spaceEnd(buffer, equals + 1);
      const quoteMark = buffer[open];
      const close = quoteMark === '"' || quoteMark === "'" ? buffer.indexOf(quoteMark, open + 1) : -1;
      if (next === from || attributeStop === next || buffer.charCodeAt(equals) !== EQUALS || close === -1 || close > gt) {
        return this.malformed(at, `a malformed tag ${quote(buffer.slice(at, gt + 1))}`);
      }
      const attribute = (this.lastAttribute = reuse(buffer, next, attributeStop, this.lastAttribute));
      const value = buffer.slice(open + 1, close);
      if (attributes.get(attribute) !== undefined) this.malformed(at, `<${name}> has two ${attribute} attributes`);
      if (RAW_IN_ATTRIBUTE.test(value)) {
        this.malformed(at, `a raw "<", tab or newline in attribute ${attribute} of <${name}>, which libxml2 escapes`);
      }
      attributes.add(attribute, value.includes("&") ? this.decode(value, open + 1) : value);
      from = close + 1;
    }
    this.rootSeen = true;
    this.events.open(name, attributes);
    if (empty) this.events.close(name);
    else this.openElements.push(name);
    return gt + 1;
  }

  /** A closing tag that is not `</name>` of the element open: one with spaces before its `>`, or an error. */
  private endTag(tag: string, at: number): number {
    const match = END_TAG.exec(tag);
    if (match === null) return this.malformed(at, `a malformed closing tag ${quote(tag)}`);
    const [, name = ""] = match;
    const open = this.openElements.pop();
    if (open === undefined) this.malformed(at, `</${name}> with no element open`);
    if (open !== name) this.malformed(at, `</${name}> where </${open}> was expected`);
    this.events.close(name);
    return at + tag.length;
  }

  private text(buffer: string, from: number, to: number): void {
    this.atStart = false;
    const text = buffer.slice(from, to);
    if (this.openElements.length === 0) {
      if (!isXmlWhitespace(text)) {
        const start = from + spaceEnd(text, 0);
        this.malformed(start, `text ${this.rootSeen ? "after" : "before"} the root element: ${quote(trimXmlWhitespace(text))}`);
      }
      return;
    }
    const gt = text.indexOf(">");
    if (gt !== -1) this.malformed(from + gt, 'a raw ">" in text, which libxml2 writes as &gt;');
    this.events.text(text.includes("&") ? this.decode(text, from) : text);
  }

  /** Decodes the five predefined entities and character references; any other `&` is refused. */
  private decode(text: string, at: number): string {
    let decoded = "";
    let from = 0;
    for (let amp = text.indexOf("&"); amp !== -1; amp = text.indexOf("&", from)) {
      REFERENCE.lastIndex = amp;
      const match = REFERENCE.exec(text);
      if (match === null) {
        const entity = ENTITY.exec(text.slice(amp));
        return this.malformed(
          at + amp,
          entity ? `an undefined entity ${quote(entity[0])}` : `a malformed reference ${quote(text.slice(amp, amp + 12))}`,
        );
      }
      const [reference, entity, decimal, hex] = match;
      let character = entity === undefined ? undefined : PREDEFINED[entity];
      if (character === undefined) {
        const code = decimal === undefined ? Number.parseInt(hex ?? "", 16) : Number(decimal);
        if (!isXmlChar(code)) this.malformed(at + amp, `${quote(reference)} refers to a character XML does not allow`);
        character = String.fromCodePoint(code);
      }
      decoded += text.slice(from, amp) + character;
      from = amp + reference.length;
    }
    return decoded + text.slice(from);
  }

  /** Drops the first `count` characters of `pending`, keeping count of lines for messages. */
  private consume(count: number): void {
    if (count === 0) return;
    const { line, column } = this.position(count);
    this.line = line;
    this.column = column;
    this.pending = this.pending.slice(count);
  }

  private position(offset: number): { line: number; column: number } {
    let line = this.line;
    let lineStart = -1;
    for (let newline = this.pending.indexOf("\n"); newline !== -1 && newline < offset; newline = this.pending.indexOf("\n", newline + 1)) {
      line++;
      lineStart = newline;
    }
    return { line, column: lineStart === -1 ? this.column + offset : offset - lineStart - 1 };
  }

  /** `offset` is in `pending`, which still holds the text being read. */
  private malformed(offset: number, problem: string): never {
    const { line, column } = this.position(offset);
    return fail(`${this.command}: malformed XML: ${line}:${column + 1}: ${problem}`);
  }
}
