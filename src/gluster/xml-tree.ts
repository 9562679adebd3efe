// Small gluster XML documents (volume status, peer status, volume info) read whole into a tree.
// Heal info, which can be huge, is streamed instead (heal-info-xml.ts).
import { SaxesParser } from "saxes";
import { describeNonXmlOutput, describeXmlOpError } from "./cli-errors.js";
import { fail, quote } from "./output-error.js";

export interface XmlElement {
  name: string;
  children: XmlElement[];
  /** The element's own text, without its children's (volume info bricks mix both). */
  text: string;
}

/** Parses a whole document whose root must be `rootName`, checked as soon as it opens: a fragment fails clearly. */
function parseXmlTree(xml: string, rootName: string, command: string): XmlElement {
  const parser = new SaxesParser();
  const open: XmlElement[] = [];
  const roots: XmlElement[] = [];
  parser.on("error", (error) => fail(`${command}: malformed XML: ${error.message}`));
  parser.on("opentag", (tag) => {
    const element: XmlElement = { name: tag.name, children: [], text: "" };
    const parent = open.at(-1);
    if (parent === undefined && tag.name !== rootName) {
      fail(`${command}: expected <${rootName}>, the XML starts with <${tag.name}>: not a whole gluster XML document`);
    }
    (parent ? parent.children : roots).push(element);
    open.push(element);
  });
  parser.on("text", (text) => {
    const current = open.at(-1);
    if (current) current.text += text;
  });
  parser.on("closetag", () => open.pop());
  parser.write(xml).close();
  return roots[0] ?? fail(`${command}: the XML has no root element`);
}

export function childrenNamed(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((child) => child.name === name);
}

function optionalChild(element: XmlElement, name: string, where: string): XmlElement | null {
  const found = childrenNamed(element, name);
  if (found.length > 1) fail(`${where}: <${element.name}> has ${found.length} <${name}> elements, expected one`);
  return found[0] ?? null;
}

export function requiredChild(element: XmlElement, name: string, where: string): XmlElement {
  return optionalChild(element, name, where) ?? fail(`${where}: <${element.name}> has no <${name}>`);
}

export function requiredText(element: XmlElement, name: string, where: string): string {
  return requiredChild(element, name, where).text;
}

export function optionalText(element: XmlElement, name: string, where: string): string | null {
  return optionalChild(element, name, where)?.text ?? null;
}

/** Gluster's element set is fixed per version; anything else means we are not reading what we think we are. */
export function rejectUnknownChildren(element: XmlElement, known: readonly string[], where: string): void {
  const unknown = element.children.find((child) => !known.includes(child.name));
  if (unknown) fail(`${where}: unexpected element <${unknown.name}> in <${element.name}>`);
}

/**
 * Parses a `<cliOutput>` document and checks its envelope. Errors come back as `<opRet>-1</opRet>` even with
 * exit status 0 (`volume status --xml`), and a down glusterd answers in plain text even to --xml.
 */
export function readCliOutput(xml: string, command: string): XmlElement {
  if (!xml.trimStart().startsWith("<")) fail(describeNonXmlOutput(command, xml));
  const root = parseXmlTree(xml, "cliOutput", command);
  const opRet = requiredText(root, "opRet", command);
  if (opRet !== "0") {
    fail(describeXmlOpError(opRet, optionalText(root, "opErrno", command), optionalText(root, "opErrstr", command)));
  }
  return root;
}

/** Element text that must be a plain decimal number. */
export function requiredInteger(element: XmlElement, name: string, where: string): number {
  const text = requiredText(element, name, where);
  if (!/^\d+$/.test(text)) fail(`${where}: <${name}>${quote(text)}</${name}> is not a number`);
  return Number(text);
}
