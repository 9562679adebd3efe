// The libxml2-style writer behind every --xml answer.

import { describe, expect, it } from "vitest";
import { element, mixedElement, textElement, xmlDocument } from "../../../src/lab/gluster/xml.js";

const render = (root: Parameters<typeof xmlDocument>[0]) => [...xmlDocument(root)].join("");

describe("xmlDocument", () => {
  it("indents children by two spaces and closes empty elements on themselves", () => {
    expect(render(element("a", [textElement("b", "x"), textElement("c", ""), element("d", [])]))).toBe(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<a>\n  <b>x</b>\n  <c/>\n  <d/>\n</a>\n',
    );
  });

  it("escapes text as libxml2 does when it saves: &, <, > and carriage returns, not quotes", () => {
    expect(render(textElement("file", `<gfid:1> & "q"\r`))).toContain(`<file>&lt;gfid:1&gt; &amp; "q"&#13;</file>`);
  });

  it("escapes attribute values, quotes and whitespace controls included", () => {
    expect(render(textElement("file", "p", [["gfid", `a"b<c>&\n\t`]]))).toContain(`<file gfid="a&quot;b&lt;c&gt;&amp;&#10;&#9;">p</file>`);
  });

  it("lays out nothing inside an element that mixes text and elements", () => {
    expect(
      render(element("bricks", [mixedElement("brick", ["h:/p", textElement("name", "h:/p"), element("e", [])], [["uuid", "u"]])])),
    ).toContain('<bricks>\n  <brick uuid="u">h:/p<name>h:/p</name><e/></brick>\n</bricks>\n');
  });

  it("writes lazily: one line per chunk, children drawn as the document is read", () => {
    let drawn = 0;
    function* children() {
      for (let i = 0; i < 3; i++) {
        drawn++;
        yield textElement("n", i);
      }
    }
    const chunks = xmlDocument(element("root", children()));
    chunks.next();
    expect(drawn).toBe(0);
    // The first child is looked at to choose between `<root>` and `<root/>`.
    expect(chunks.next().value).toBe("<root>\n");
    expect(chunks.next().value).toBe("  <n>0</n>\n");
    expect(drawn).toBe(1);
    expect(chunks.next().value).toBe("  <n>1</n>\n");
    expect(drawn).toBe(2);
  });
});
