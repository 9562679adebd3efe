// Edits only gluster's own documents know (counts, brick blocks, XML elements), for the property tests.
import fc from "fast-check";
import { applyAll, garbage, mutations, type Mutation } from "./fuzz.js";

/** A document split before each brick: what precedes the first (XML's preamble; nothing in text), and the blocks. */
export function brickBlocks(text: string): { head: string; blocks: string[] } {
  const xml = /<brick[ >]/.test(text);
  const parts = xml ? text.split(/(?=<brick[ >])/) : text.split(/(?=^Brick )/m);
  const startsWithBrick = xml ? /^<brick[ >]/.test(parts[0] ?? "") : (parts[0] ?? "").startsWith("Brick ");
  return startsWithBrick ? { head: "", blocks: parts } : { head: parts[0] ?? "", blocks: parts.slice(1) };
}

export type GlusterEdit =
  | { kind: "count"; which: number; to: string }
  | { kind: "drop-block"; which: number }
  | { kind: "swap-blocks"; a: number; b: number }
  | { kind: "drop-element"; which: number };

const countText = fc.oneof(fc.constantFrom("-", "", " ", "abc", "-1", "1", "205", "0x0", "0.0", "NaN", "1e3", "٠"), garbage);

export const glusterEdit: fc.Arbitrary<GlusterEdit> = fc.oneof(
  fc.tuple(fc.nat(), countText).map(([which, to]): GlusterEdit => ({ kind: "count", which, to })),
  fc.nat().map((which): GlusterEdit => ({ kind: "drop-block", which })),
  fc.tuple(fc.nat(), fc.nat()).map(([a, b]): GlusterEdit => ({ kind: "swap-blocks", a, b })),
  fc.nat().map((which): GlusterEdit => ({ kind: "drop-element", which })),
);

const COUNT =
  /(Number of entries(?: in split-brain)?: ?|Total Number of entries: ?|<numberOfEntries>|<numberOfEntriesInSplitBrain>|Number of entries in heal pending: ?)([^\n<]*)/g;

export function glusterMutate(text: string, edit: GlusterEdit): string {
  switch (edit.kind) {
    case "count": {
      const hits = [...text.matchAll(COUNT)];
      const hit = hits[edit.which % Math.max(1, hits.length)];
      if (hit?.index === undefined) return text;
      const start = hit.index + (hit[1]?.length ?? 0);
      return text.slice(0, start) + edit.to + text.slice(start + (hit[2]?.length ?? 0));
    }
    case "drop-block":
    case "swap-blocks": {
      const { head, blocks } = brickBlocks(text);
      if (blocks.length === 0) return text;
      const pick = (i: number) => i % blocks.length;
      if (edit.kind === "drop-block") blocks.splice(pick(edit.which), 1);
      else {
        const [a, b] = [pick(edit.a), pick(edit.b)];
        [blocks[a], blocks[b]] = [blocks[b] ?? "", blocks[a] ?? ""];
      }
      return head + blocks.join("");
    }
    case "drop-element": {
      const elements = [...text.matchAll(/<(\w+)>[^<]*<\/\1>/g)];
      const hit = elements[edit.which % Math.max(1, elements.length)];
      if (hit?.index === undefined) return text;
      return text.slice(0, hit.index) + text.slice(hit.index + hit[0].length);
    }
  }
}

export const anyEdit: fc.Arbitrary<Array<{ text: Mutation } | { gluster: GlusterEdit }>> = fc.array(
  fc.oneof(
    mutations(1).map(([m]) => ({ text: m! })),
    glusterEdit.map((g) => ({ gluster: g })),
  ),
  { minLength: 1, maxLength: 4 },
);

export const applyEdits = (text: string, edits: ReadonlyArray<{ text: Mutation } | { gluster: GlusterEdit }>): string =>
  edits.reduce((t, e) => ("text" in e ? applyAll(t, [e.text]) : glusterMutate(t, e.gluster)), text);
