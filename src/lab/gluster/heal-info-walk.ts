// The per-brick walk of glfsheal (heal/src/glfs-heal.c glfsh_gather_heal_info), shared by the text
// and XML printers: every brick of the volume in volfile order, the entries the mode lists, then the
// tally gluster prints after them. One pass over the index, so a huge one is never held in memory.

import type { HealInfoMode } from "./heal-command.js";
import type { BrickView, HealEntry, HealEntryList, VolumeView } from "./view.js";
import { brickName } from "./volumes.js";

/** strerror(ENOTCONN): the status of a brick glfsheal cannot reach. */
export const NOT_CONNECTED = "Transport endpoint is not connected";

export interface HealTally {
  /** Entries printed: all of them for `info`, those in split-brain for `info split-brain`. */
  listed: number;
  total: number;
  pending: number;
  splitBrain: number;
  possiblyHealing: number;
}

export interface BrickWalk {
  /** `host:path`, as the brick's client xlator names it. */
  name: string;
  /** The brick's node uuid, or `-` when the brick could not be asked (glfsh_print_xml_brick_from_xl). */
  hostUuid: string;
  connected: boolean;
  /** Yields the entries to print, and returns the tally once the brick's index has been read. */
  entries: Generator<HealEntry, HealTally>;
}

export function* walkBricks(volume: VolumeView, mode: HealInfoMode): Generator<BrickWalk> {
  for (const brick of volume.bricks) yield walkBrick(brick, mode);
}

function walkBrick(brick: BrickView, mode: HealInfoMode): BrickWalk {
  return {
    name: brickName(brick),
    hostUuid: brick.reachable ? brick.peerUuid : "-",
    connected: brick.reachable,
    entries: listedEntries(brick.reachable ? brick.entries : NO_ENTRIES, mode),
  };
}

/** `info` lists every entry, `info split-brain` only those in split-brain, `info summary` none. */
function* listedEntries(entries: HealEntryList, mode: HealInfoMode): Generator<HealEntry, HealTally> {
  const tally: HealTally = { listed: 0, total: 0, pending: 0, splitBrain: 0, possiblyHealing: 0 };
  for (let i = 0; i < entries.count; i++) {
    const entry = entries.at(i);
    tally.total++;
    if (entry.state === "pending") tally.pending++;
    else if (entry.state === "healing") tally.possiblyHealing++;
    else tally.splitBrain++;
    if (mode === "info" || (mode === "split-brain" && entry.state === "split-brain")) {
      tally.listed++;
      yield entry;
    }
  }
  return tally;
}

const NO_ENTRIES: HealEntryList = {
  count: 0,
  at: () => {
    throw new RangeError("no heal entries");
  },
};

/** Runs the walk's entries through `each`, then hands back the tally. */
export function* eachEntry<T>(walk: BrickWalk, each: (entry: HealEntry) => T): Generator<T, HealTally> {
  for (;;) {
    const next = walk.entries.next();
    if (next.done) return next.value;
    yield each(next.value);
  }
}
