// `gluster volume heal labvol info` polled on node1 while node3's brick healed (heal-poll.raw.txt:
// one `===== t=…s exit=N` header per poll). The capture script's command substitution dropped the
// blank line that ends each output, so one newline is put back before comparing.

import { describe, expect, it } from "vitest";
import { runGluster } from "../../../src/lab/gluster/cli.js";
import { readFixture, stdoutOf } from "./fixtures.js";
import { labvolState } from "./labvol.js";
import { entriesFromText, nodeView } from "./views.js";

const POLLS = [
  { raw: "3-node3-back/heal-poll.raw.txt", folder: "3-node3-back" },
  { raw: "6-heal-timing-round1/heal-poll.raw.txt", folder: "4-healed" },
  { raw: "peers-by-ip/3-node3-back/heal-poll.raw.txt", folder: "peers-by-ip/3-node3-back" },
  { raw: "peers-by-ip/6-heal-timing-round1/heal-poll.raw.txt", folder: "peers-by-ip/4-healed" },
  { raw: "peers-by-ip/6-heal-timing-round2/heal-poll.raw.txt", folder: "peers-by-ip/4-healed" },
];

function polls(raw: string): Array<{ title: string; output: string; exitCode: number }> {
  return raw
    .split(/^(?====== )/m)
    .filter((section) => section !== "")
    .map((section) => {
      const [header, ...body] = section.split("\n");
      return { title: header!, output: `${body.join("\n").trimEnd()}\n\n`, exitCode: Number(/exit=(\d+)/.exec(header!)![1]) };
    });
}

describe.each(POLLS)("heal polls in $raw", ({ raw, folder }) => {
  it.each(polls(readFixture(raw)).map((p) => [p.title, p] as const))("%s", (_title, poll) => {
    // Every poll was taken with all three bricks connected (heal-poll.tsv: bricks_connected 3).
    const state = { ...labvolState(folder, "node1", "heal-poll"), unreachable: [] };
    const result = runGluster(["volume", "heal", "labvol", "info"], nodeView(state, entriesFromText(poll.output)));
    expect(stdoutOf(result)).toBe(poll.output);
    expect(result.exitCode).toBe(poll.exitCode);
  });
});
