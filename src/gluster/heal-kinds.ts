// The three `heal VOL info` forms, and the rules that turn what one brick printed into a HealBrick.
// Formats: glusterfs v10.3 heal/src/glfs-heal.c, unchanged in 11.1 (docs/domain/gluster.md).
import { fail, quote } from "./output-error.js";
import type { EntryState, HealBrickTally } from "./heal-tally.js";
import type { HealBrick } from "./types.js";

export type HealInfoKind = "info" | "split-brain" | "summary";

/** One count as gluster printed it: the value (null for `-`) and the verbatim line or element, for messages. */
export interface PrintedCount {
  value: number | null;
  printed: string;
}

/** One brick as the output described it, text or XML alike. */
interface BrickReport {
  tally: HealBrickTally;
  status: string;
  /** In the kind's count order; undefined where gluster printed none (a brick it could only partly process). */
  counts: ReadonlyArray<PrintedCount | undefined>;
  /** False when the XML has `hostUuid="-"`: glfsheal could not even ask the brick for its node UUID. */
  identified: boolean;
}

interface EntryForm {
  /**
   * `with-state`: the path then `" "`, `" - Possibly undergoing heal"` or `" - Is in split-brain"`;
   * `bare`: the path alone.
   */
  text: "with-state" | "bare";
  /** The state of an entry that carries none of its own: a bare text line, or an XML `<file>`. */
  impliedState: EntryState;
}

/** A count gluster prints for each brick, as the text form labels it and as the XML element holding it. */
interface CountName {
  label: string;
  element: string;
}

export interface HealKind {
  /** The command, as messages name it. */
  command: string;
  /** How entries are listed before `Status:`; null when the form lists none. */
  entries: EntryForm | null;
  /** In the order gluster prints them. */
  counts: readonly CountName[];
  /** The count that must equal the number of entries listed, when entries are listed. */
  listedCountIndex: number | null;
  /** Entries and split-brain for a connected brick whose counts are all numbers, in the kind's order. */
  values(counts: readonly number[], tally: HealBrickTally, where: string): Pick<HealBrick, "entries" | "splitBrain">;
}

function nth(counts: readonly number[], index: number): number {
  const value = counts[index];
  if (value === undefined) throw new Error(`heal info: count ${index} missing after validation`);
  return value;
}

export const HEAL_KINDS: Readonly<Record<HealInfoKind, HealKind>> = {
  info: {
    command: "heal info",
    entries: { text: "with-state", impliedState: "unknown" },
    counts: [{ label: "Number of entries:", element: "numberOfEntries" }],
    listedCountIndex: 0,
    values: (counts, tally) => ({ entries: nth(counts, 0), splitBrain: tally.splitBrainListed }),
  },
  "split-brain": {
    command: "heal info split-brain",
    entries: { text: "bare", impliedState: "split-brain" },
    // The XML reuses <numberOfEntries>, not <numberOfEntriesInSplitBrain> (docs/domain/gluster.md, "Heal info").
    counts: [{ label: "Number of entries in split-brain:", element: "numberOfEntries" }],
    listedCountIndex: 0,
    // This form lists split-brain entries only: how many others are pending it does not say.
    values: (counts) => ({ entries: null, splitBrain: nth(counts, 0) }),
  },
  summary: {
    command: "heal info summary",
    entries: null,
    counts: [
      { label: "Total Number of entries:", element: "totalNumberOfEntries" },
      { label: "Number of entries in heal pending:", element: "numberOfEntriesInHealPending" },
      { label: "Number of entries in split-brain:", element: "numberOfEntriesInSplitBrain" },
      { label: "Number of entries possibly healing:", element: "numberOfEntriesPossiblyHealing" },
    ],
    listedCountIndex: null,
    values: (counts, _tally, where) => {
      const total = nth(counts, 0);
      const pending = nth(counts, 1);
      const splitBrain = nth(counts, 2);
      const healing = nth(counts, 3);
      // glfsh_print_summary_status files every counted entry under exactly one of the three.
      if (total !== pending + splitBrain + healing) {
        fail(
          `${where}: gluster counted ${total} entries in total but ${pending} pending + ${splitBrain} in split-brain` +
            ` + ${healing} possibly healing`,
        );
      }
      return { entries: total, splitBrain };
    },
  },
};

/** `Status: Failed to process entries completely. (<strerror>)`: the counts that follow are only what was read. */
const PARTIAL_STATUS_PREFIX = "Failed to process entries completely.";

/** Which count lines follow a `Status:` line in the text form. */
export function textCountLabelsAfter(kind: HealKind, status: string): readonly string[] {
  // A partly processed brick gets a single count line (glfsh_print_hr_heal_op_status / _summary).
  const labels = kind.counts.map((count) => count.label);
  return status.startsWith(PARTIAL_STATUS_PREFIX) ? labels.slice(0, 1) : labels;
}

function describeMissingCount(kind: HealKind, report: BrickReport): string {
  for (const [index, count] of report.counts.entries()) {
    if (count === undefined) return `no <${kind.counts[index]?.element}>`;
    if (count.value === null) return quote(count.printed);
  }
  return "no count";
}

/** Applies the rules every form shares: counts agree with what was listed, and `-` or a missing count is unknown. */
export function toHealBrick(kind: HealKind, report: BrickReport): HealBrick {
  const { tally, status } = report;
  const where = `brick ${tally.ref.name}`;
  const listedCount = kind.listedCountIndex === null ? undefined : report.counts[kind.listedCountIndex];
  if (listedCount !== undefined && (listedCount.value ?? 0) !== tally.listed) {
    fail(`${where}: gluster printed ${quote(listedCount.printed)} but listed ${tally.listed} entries`);
  }
  const connected = status === "Connected" && report.identified;
  const brick = { ...tally.ref, status, connected, sample: tally.sample };
  if (!connected) return { ...brick, entries: null, splitBrain: null };

  const values = report.counts.flatMap((count) => (typeof count?.value === "number" ? [count.value] : []));
  if (values.length !== kind.counts.length) {
    fail(`${where}: gluster says the brick is Connected but printed ${describeMissingCount(kind, report)}`);
  }
  return { ...brick, ...kind.values(values, tally, where) };
}
