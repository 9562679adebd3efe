// The `<cliOutput>` envelope every `--xml` answer of the CLI shares (cli-xml-output.c).

import { element, textElement, type XmlElement } from "./xml.js";

export function cliOutput(children: Iterable<XmlElement>): XmlElement {
  return element("cliOutput", children);
}

/** cli_xml_output_common: an empty or absent error string becomes `<opErrstr/>`. */
export function opResult(opRet: number, opErrno: number, opErrstr = ""): XmlElement[] {
  return [textElement("opRet", opRet), textElement("opErrno", opErrno), textElement("opErrstr", opErrstr)];
}
