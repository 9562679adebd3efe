// The state file of `check --nagios`: what the last check saw of each volume's heal entries, so
// this one can tell a heal that goes down from one that stalled (heal-trend.ts). It is the
// monitor's memory, never the run's: a file that cannot be read or is not one is replaced and
// the trend starts again; a directory the monitoring user cannot write means no trend, said in
// the status line, never a failed check (docs/domain/monitoring.md, "Heal trend").

import { constants } from "node:fs";
import { access, readFile } from "node:fs/promises";
import path from "node:path";
import * as z from "zod";
import { writeFileAtomically } from "../util/atomic-file.js";
import { parseJsonObject } from "../util/json-object.js";
import { healTrend, type HealTrendState } from "./heal-trend.js";

/** Beside the run journal: the directory rollgate already keeps for itself. */
export const defaultHealTrendFile = (journalDir: string): string => path.join(journalDir, "nagios-heal.json");

const stateSchema = z.object({
  version: z.literal(1),
  observedAt: z.iso.datetime(),
  volumes: z.record(z.string(), z.object({ entries: z.number().int().positive(), since: z.iso.datetime() })),
});

/** The state the text holds, or why it holds none ("it is not JSON", …). */
export function parseHealTrendState(text: string): HealTrendState | string {
  const value = parseJsonObject(text);
  if (typeof value === "string") return value;
  const parsed = stateSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  return `it is not a heal-trend state (${issue.path.join(".") || "top level"}: ${issue.message})`;
}

const why = (error: unknown) => (error as NodeJS.ErrnoException).code ?? (error as Error).message;

/** What the heal's trend means for the check: stalled or not, and the clause for its status line. */
export interface HealTrendNote {
  stalled: boolean;
  text: string;
}

/**
 * Reads the last check's state from `file`, decides the trend of `metrics` (the gluster-healed
 * verdict's) at `now` and keeps the new state for the next check. Never throws: whatever goes
 * wrong with the file is said in the text.
 */
export async function followHealTrend(
  file: string,
  metrics: Readonly<Record<string, number | null>>,
  now: number,
  healStallMs: number,
): Promise<HealTrendNote> {
  const dir = path.dirname(path.resolve(file));
  try {
    // The draft and the rename need the directory: without it no state can be kept, and a trend
    // compared with a state that can never move on would be wrong.
    await access(dir, constants.W_OK);
  } catch (error) {
    return { stalled: false, text: `heal trend unknown: no state can be kept in ${dir} (${why(error)}; see --nagios-state)` };
  }
  let previous: HealTrendState | null = null;
  let restarted: string | null = null;
  try {
    const read = parseHealTrendState(await readFile(file, "utf8"));
    if (typeof read === "string") restarted = `${file} replaced: ${read}`;
    else previous = read;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") restarted = `${file} not read (${why(error)})`;
  }
  const trend = healTrend(previous, metrics, now, healStallMs);
  const notes = [trend.text];
  if (restarted) notes.push(`heal trend restarted: ${restarted}`);
  try {
    await writeFileAtomically(file, `${JSON.stringify(trend.next, null, 2)}\n`, 0o600);
  } catch (error) {
    notes.push(`heal trend not saved in ${file} (${why(error)})`);
  }
  return { stalled: trend.stalled, text: notes.filter((n) => n !== "").join("; ") };
}
