// Text output of `gluster volume heal VOL info [summary|split-brain]` (glfs-heal.c glfsh_human_readable:
// glfsh_print_hr_heal_status, glfsh_print_hr_spb_status, glfsh_print_hr_heal_op_status / _summary).

import type { HealInfoMode } from "./heal-command.js";
import { eachEntry, NOT_CONNECTED, walkBricks, type HealTally } from "./heal-info-walk.js";
import type { HealEntry, VolumeView } from "./view.js";

const STATE_SUFFIX: Record<HealEntry["state"], string> = {
  pending: " ",
  healing: " - Possibly undergoing heal",
  "split-brain": " - Is in split-brain",
};

export function* healInfoText(volume: VolumeView, mode: HealInfoMode): Generator<string> {
  for (const walk of walkBricks(volume, mode)) {
    yield `Brick ${walk.name}\n`;
    // `info split-brain` prints the bare path; `info` appends the entry's state.
    const tally = yield* eachEntry(walk, (entry) => `${entry.path}${mode === "split-brain" ? "" : STATE_SUFFIX[entry.state]}\n`);
    yield walk.connected ? "Status: Connected\n" : `Status: ${NOT_CONNECTED}\n`;
    yield* countLines(mode, walk.connected ? tally : undefined);
    yield "\n";
  }
}

/** The count lines; `-` for every count of a brick that could not be read. */
function countLines(mode: HealInfoMode, tally: HealTally | undefined): string[] {
  const show = (pick: (t: HealTally) => number) => (tally ? String(pick(tally)) : "-");
  switch (mode) {
    case "info":
      return [`Number of entries: ${show((t) => t.listed)}\n`];
    case "split-brain":
      return [`Number of entries in split-brain: ${show((t) => t.listed)}\n`];
    case "summary":
      return [
        `Total Number of entries: ${show((t) => t.total)}\n`,
        `Number of entries in heal pending: ${show((t) => t.pending)}\n`,
        `Number of entries in split-brain: ${show((t) => t.splitBrain)}\n`,
        `Number of entries possibly healing: ${show((t) => t.possiblyHealing)}\n`,
      ];
  }
}
