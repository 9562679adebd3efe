// gluster's XML is written with libxml2's xmlTextWriter into a document that is then dumped with
// xmlSaveFormatFileEnc(..., format=1) (cli-xml-output.c cli_end_xml_output, glfs-heal.c glfsh_xml_end).
// That dump decides the layout reproduced here: two-space indentation, one element per line,
// `<name/>` for an element without content, and no layout at all inside an element that has a text
// child next to elements (libxml2 only indents children when none of them is text).

export type XmlElement = TextElement | ParentElement | MixedElement;

type Attributes = ReadonlyArray<readonly [string, string]>;

interface TextElement {
  readonly name: string;
  readonly attributes?: Attributes;
  readonly text: string;
}

interface ParentElement {
  readonly name: string;
  readonly attributes?: Attributes;
  /** May be lazy: a brick's `<file>` elements are generated while the document is written. */
  readonly children: Iterable<XmlElement>;
}

interface MixedElement {
  readonly name: string;
  readonly attributes?: Attributes;
  readonly parts: ReadonlyArray<XmlElement | string>;
}

export function element(name: string, children: Iterable<XmlElement>, attributes?: Attributes): XmlElement {
  return { name, children, ...(attributes ? { attributes } : {}) };
}

export function textElement(name: string, text: string | number, attributes?: Attributes): XmlElement {
  return { name, text: String(text), ...(attributes ? { attributes } : {}) };
}

/** Text and elements side by side (`<brick uuid="…">host:/path<name>…</name>…</brick>` in volume info). */
export function mixedElement(name: string, parts: ReadonlyArray<XmlElement | string>, attributes?: Attributes): XmlElement {
  return { name, parts, ...(attributes ? { attributes } : {}) };
}

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>';

/** The document, one line per chunk, produced lazily. */
export function* xmlDocument(root: XmlElement): Generator<string> {
  yield `${XML_DECLARATION}\n`;
  yield* indented(root, 0);
}

function* indented(node: XmlElement, depth: number): Generator<string> {
  const indent = "  ".repeat(depth);
  if (!("children" in node)) {
    yield `${indent}${inline(node)}\n`;
    return;
  }
  const children = node.children[Symbol.iterator]();
  let next = children.next();
  if (next.done) {
    yield `${indent}<${openTag(node)}/>\n`;
    return;
  }
  yield `${indent}<${openTag(node)}>\n`;
  while (!next.done) {
    yield* indented(next.value, depth + 1);
    next = children.next();
  }
  yield `${indent}</${node.name}>\n`;
}

function inline(node: XmlElement): string {
  const content =
    "text" in node
      ? escapeText(node.text)
      : "parts" in node
        ? node.parts.map((part) => (typeof part === "string" ? escapeText(part) : inline(part))).join("")
        : [...node.children].map(inline).join("");
  return content === "" ? `<${openTag(node)}/>` : `<${openTag(node)}>${content}</${node.name}>`;
}

function openTag(node: XmlElement): string {
  const attributes = (node.attributes ?? []).map(([key, value]) => ` ${key}="${escapeAttribute(value)}"`).join("");
  return `${node.name}${attributes}`;
}

// libxml2's xmlEscapeContent / xmlBufAttrSerializeTxtContent: what the dump escapes in text and attributes.
function escapeText(text: string): string {
  return text.replace(/[&<>\r]/g, (c) => TEXT_ESCAPES[c] ?? c);
}

function escapeAttribute(value: string): string {
  return value.replace(/[&<>"\n\r\t]/g, (c) => ATTRIBUTE_ESCAPES[c] ?? c);
}

const TEXT_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;" };
const ATTRIBUTE_ESCAPES: Record<string, string> = { ...TEXT_ESCAPES, '"': "&quot;", "\n": "&#10;", "\t": "&#9;" };
