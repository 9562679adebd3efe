// The loopback captures (stdout and stderr mixed, then `[exit=N]`), replayed against views of the
// same states. Most compare byte for byte; see PADDING for the one family that cannot.

import { describe, expect, it } from "vitest";
import { runGluster } from "../../../src/lab/gluster/cli.js";
import { fixtureExists, loopbackFixture, readFixture, stdoutOf } from "./fixtures.js";
import { LOOPBACK } from "./loopback.js";
import { entriesSeenIn, nodeView, type ClusterState } from "./views.js";

/**
 * How a capture is compared:
 * - exact: byte for byte;
 * - padding: the text `volume status` rows of loopback bricks carry one more space after the brick
 *   name than cli_print_brick_status (43 - len + 1) produces, unlike every numbered capture of the
 *   same function (which match it exactly); these compare exactly once that one space is removed;
 * - excerpt: the file holds only some lines of the output, each block must appear in it.
 */
type Comparison = "exact" | "padding" | "excerpt";

interface Case {
  file: string;
  command: string;
  state: ClusterState;
  compare?: Comparison;
  /** Where the capture's text went (the loopback files mix both streams). */
  stream?: "stdout" | "stderr";
  /** Remote self-heal daemons in the order that glusterd listed them in this capture. */
  shdOrder?: number[];
  /** The heal info XML of the same moment, for gfids / pending entries. */
  beside?: string;
}

const L = LOOPBACK;

const CASES: Case[] = [
  { file: "vol_info.txt", command: "volume info vmstore", state: L.healthy },
  { file: "arb_info.txt", command: "volume info vmshard", state: L.vmshard },

  { file: "status.txt", command: "volume status vmstore", state: L.healthy, compare: "padding" },
  { file: "status_xml.txt", command: "volume status vmstore --xml", state: L.healthy },
  { file: "status_shd.txt", command: "volume status vmstore shd", state: L.healthy, shdOrder: [2, 1] },
  { file: "arb_status.txt", command: "volume status vmshard", state: L.vmshard, compare: "padding" },
  { file: "brickdown_status.txt", command: "volume status vmstore", state: L.brickDown, compare: "padding" },
  { file: "brickdown_status_xml.txt", command: "volume status vmstore --xml", state: L.brickDown, compare: "excerpt" },
  { file: "brickdown_restored_status.txt", command: "volume status vmstore", state: L.brickRestored, compare: "padding", shdOrder: [2, 1] },
  { file: "gd3down_status.txt", command: "volume status vmstore", state: L.node3GlusterdDown, compare: "padding" },
  { file: "gd3only_down_status.txt", command: "volume status vmstore", state: L.node3GlusterdDown, compare: "padding" },
  { file: "n3down_status.txt", command: "volume status vmstore", state: L.node3Down, compare: "padding" },
  { file: "n3down_status_xml.txt", command: "volume status vmstore --xml", state: L.node3Down },
  { file: "restored_status.txt", command: "volume status vmshard", state: L.vmshardRestored, compare: "padding", shdOrder: [2, 1] },
  { file: "status_not_started.txt", command: "volume status vmstore", state: L.createdNotStarted, stream: "stderr" },
  { file: "status_not_started_xml.txt", command: "volume status vmstore --xml", state: L.createdNotStarted },
  { file: "stopped_status_xml.txt", command: "volume status sbvol --xml", state: L.sbvolStopped },
  { file: "nonexist_status.txt", command: "volume status nosuchvol", state: L.healthy, stream: "stderr" },

  { file: "heal_info_healthy.txt", command: "volume heal vmstore info", state: L.healthy },
  { file: "heal_info_healthy_xml.txt", command: "volume heal vmstore info --xml", state: L.healthy },
  { file: "heal_sb_healthy.txt", command: "volume heal vmstore info split-brain", state: L.healthy },
  { file: "heal_sb_healthy_xml.txt", command: "volume heal vmstore info split-brain --xml", state: L.healthy },
  { file: "heal_summary_healthy.txt", command: "volume heal vmstore info summary", state: L.healthy },
  { file: "heal_summary_healthy_xml.txt", command: "volume heal vmstore info summary --xml", state: L.healthy },
  { file: "gd3down_heal_info.txt", command: "volume heal vmstore info", state: L.node3GlusterdDown },
  { file: "gd3only_down_heal_info.txt", command: "volume heal vmstore info", state: L.node3GlusterdDown },
  { file: "n3down_heal_info.txt", command: "volume heal vmstore info", state: L.node3Down, beside: "n3down_heal_info_xml.txt" },
  { file: "n3down_heal_info_xml.txt", command: "volume heal vmstore info --xml", state: L.node3Down },
  { file: "n3down_summary.txt", command: "volume heal vmstore info summary", state: L.node3Down },
  { file: "n3down_summary_xml.txt", command: "volume heal vmstore info summary --xml", state: L.node3Down },
  { file: "n3down_sb.txt", command: "volume heal vmstore info split-brain", state: L.node3Down, beside: "n3down_heal_info_xml.txt" },
  { file: "restored_heal_info_vmshard.txt", command: "volume heal vmshard info", state: L.vmshardRestored },
  { file: "restored_heal_info_vmstore.txt", command: "volume heal vmstore info", state: L.brickRestored },
  {
    file: "shard_n2down_heal_info.txt",
    command: "volume heal vmshard info",
    state: L.vmshardNode2Down,
    beside: "shard_n2down_heal_info_xml.txt",
  },
  { file: "shard_n2down_heal_info_xml.txt", command: "volume heal vmshard info --xml", state: L.vmshardNode2Down },
  { file: "heal_info_created_not_started.txt", command: "volume heal vmstore info", state: L.createdNotStarted },
  { file: "heal_info_created_not_started_xml.txt", command: "volume heal vmstore info --xml", state: L.createdNotStarted },
  { file: "stopped_heal_info.txt", command: "volume heal sbvol info", state: L.sbvolStopped },
  { file: "stopped_heal_info_xml.txt", command: "volume heal sbvol info --xml", state: L.sbvolStopped },
  { file: "stopped_heal_summary.txt", command: "volume heal sbvol info summary", state: L.sbvolStopped },
  { file: "nonexist_heal_info.txt", command: "volume heal nosuchvol info", state: L.healthy },
  { file: "nonexist_heal_info_xml.txt", command: "volume heal nosuchvol info --xml", state: L.healthy },

  { file: "heal_count.txt", command: "volume heal vmstore statistics heal-count", state: L.healthy },
  { file: "n3down_heal_count.txt", command: "volume heal vmstore statistics heal-count", state: L.node3Down },
  { file: "heal_trigger.txt", command: "volume heal vmstore", state: L.healthy },
  { file: "n3down_heal_trigger.txt", command: "volume heal vmstore", state: L.node3Down, stream: "stderr" },
  { file: "stopped_heal_trigger.txt", command: "volume heal sbvol", state: L.sbvolStopped, stream: "stderr" },
  { file: "shd_off_trigger.txt", command: "volume heal sbvol", state: L.sbvolStarted, stream: "stderr" },

  { file: "peer_status.txt", command: "peer status", state: L.healthy },
  { file: "peer_status_xml.txt", command: "peer status --xml", state: L.healthy },
  { file: "peer_status_n2.txt", command: "peer status", state: L.seenFromNode2 },
  { file: "peer_status_nopeers.txt", command: "peer status", state: L.alone },
  { file: "peer_status_nopeers_xml.txt", command: "peer status --xml", state: L.alone },
  { file: "pool_list.txt", command: "pool list", state: L.healthy },
  { file: "pool_list_xml.txt", command: "pool list --xml", state: L.healthy },
  { file: "pool_list_nopeers.txt", command: "pool list", state: L.alone },
  { file: "n3down_peer_status.txt", command: "peer status", state: L.node3Down },
  { file: "n3down_peer_status_xml.txt", command: "peer status --xml", state: L.node3Down },
  { file: "n3down_pool_list.txt", command: "pool list", state: L.node3Down },

  // A heal polled every few seconds after node 3 came back (healing_1: its brick not yet reconnected).
  ...Array.from({ length: 40 }, (_, i): Case => ({
    file: `healing_${i + 1}.txt`,
    command: "volume heal vmstore info",
    state: i === 0 ? { ...L.healthy, unreachable: [2] } : L.healthy,
  })),
];

/** The loopback capture with the surplus space after each brick name taken out. */
function withoutSurplusBrickSpace(text: string): string {
  return text.replace(/^(Brick \S+) (?= )/gm, "$1");
}

describe("loopback captures", () => {
  it.each(CASES.map((c) => [c.file, c] as const))("%s", (_file, c) => {
    const { output, exitCode } = loopbackFixture(c.file);
    const args = c.command.split(" ");
    const beside = c.beside && fixtureExists(`loopback/${c.beside}`) ? loopbackFixture(c.beside).output : "";
    const state = c.shdOrder ? { ...c.state, shdOrder: c.shdOrder } : c.state;
    const result = runGluster(args, nodeView(state, entriesSeenIn(args, output, beside)));
    const stdout = stdoutOf(result);
    const actual = stdout + result.stderr;

    switch (c.compare ?? "exact") {
      case "exact":
        expect(actual).toBe(output);
        break;
      case "padding":
        expect(actual).toBe(withoutSurplusBrickSpace(output));
        break;
      case "excerpt":
        // Two runs of lines cut out of the document; the cut follows a `</node>`.
        for (const block of output.split(/(?<=<\/node>\n)/)) expect(actual).toContain(block);
        break;
    }
    expect(c.stream === "stderr" ? stdout : result.stderr).toBe("");
    expect(result.exitCode).toBe(exitCode);
  });

  it("reads the fixtures from inside the repository", () => {
    expect(readFixture("README.md")).toContain("GlusterFS output captured from real clusters");
  });
});
