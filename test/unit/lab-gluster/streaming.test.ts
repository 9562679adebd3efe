// A brick with a million heal entries must stream: stdout is produced while it is read, in bounded
// chunks, and never held whole.

import { describe, expect, it } from "vitest";
import { runGluster } from "../../../src/lab/gluster/cli.js";
import type { HealEntryList } from "../../../src/lab/gluster/view.js";
import { LOOPBACK } from "./loopback.js";
import { nodeView } from "./views.js";

const MILLION = 1_000_000;

/** Entries made up on request, counting how many were asked for. */
function generatedEntries(count: number): HealEntryList & { reads: number } {
  const list = {
    count,
    reads: 0,
    at(index: number) {
      list.reads++;
      return { path: `/images/${index}`, gfid: `00000000-0000-0000-0000-${String(index).padStart(12, "0")}`, state: "pending" as const };
    },
  };
  return list;
}

function viewWithHugeBrick(entries: HealEntryList) {
  const view = nodeView(LOOPBACK.healthy);
  view.volumes[0]!.bricks[0]!.entries = entries;
  return view;
}

describe("a brick with a million entries", () => {
  it.each([
    // Brick line, entries, status, count, blank line; then two empty bricks of four lines.
    ["text", [] as string[], MILLION + 4 + 8],
    // Declaration, <cliOutput>, <healInfo>, <bricks>; brick 1 (open, name, files, status, count, close);
    // two empty bricks of five lines; </bricks>, </healInfo>, opRet, opErrno, opErrstr, </cliOutput>.
    ["xml", ["--xml"], 4 + MILLION + 5 + 10 + 6],
  ])("streams its %s heal info", (_form, flags, expectedLines) => {
    const entries = generatedEntries(MILLION);
    const result = runGluster(["volume", "heal", "vmstore", "info", ...flags], viewWithHugeBrick(entries));
    expect(entries.reads).toBe(0);

    const chunks = result.stdout[Symbol.iterator]();
    const first = chunks.next();
    expect(first.done).toBe(false);
    // The first chunk went out long before the index was read through.
    expect(entries.reads).toBeLessThan(10_000);

    let lines = 0;
    let longestChunk = 0;
    for (let chunk = first; !chunk.done; chunk = chunks.next()) {
      longestChunk = Math.max(longestChunk, chunk.value.length);
      for (let i = chunk.value.indexOf("\n"); i !== -1; i = chunk.value.indexOf("\n", i + 1)) lines++;
    }
    expect(lines).toBe(expectedLines);
    expect(entries.reads).toBe(MILLION);
    expect(longestChunk).toBeLessThan(64 * 1024);
  });

  it("counts them for the summary without listing them", () => {
    const entries = generatedEntries(MILLION);
    const result = runGluster(["volume", "heal", "vmstore", "info", "summary"], viewWithHugeBrick(entries));
    const text = [...result.stdout].join("");
    expect(text.split("\n").slice(0, 6)).toEqual([
      "Brick 127.1.1.1:/data/gl/1/bricks/vmstore",
      "Status: Connected",
      `Total Number of entries: ${MILLION}`,
      `Number of entries in heal pending: ${MILLION}`,
      "Number of entries in split-brain: 0",
      "Number of entries possibly healing: 0",
    ]);
  });

  it("can be read again: each iteration produces the output afresh", () => {
    const view = nodeView(LOOPBACK.healthy);
    const result = runGluster(["volume", "heal", "vmstore", "info"], view);
    expect([...result.stdout].join("")).toBe([...result.stdout].join(""));
  });
});
