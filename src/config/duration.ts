import { UsageError } from "../util/errors.js";

const AMOUNT = String.raw`(\d+(?:\.\d+)?)`;
/** `500ms`, `10s`, `15m`, `2h`, `1h30m` (units largest first, each at most once), or a bare number of seconds. */
export const DURATION_PATTERN = new RegExp(`^(?:(?=\\d)(?:${AMOUNT}h)?(?:${AMOUNT}m(?!s))?(?:${AMOUNT}s)?(?:${AMOUNT}ms)?|${AMOUNT})$`);
const UNIT_MS = [3_600_000, 60_000, 1_000, 1, 1_000] as const;

// Node's timers take at most 2^31-1 ms; a longer delay fires at once, which would turn a 30-day wait into none.
export const MAX_DURATION_MS = 2 ** 31 - 1;

export const DURATION_EXPECTED = "a duration such as 500ms, 10s, 15m, 2h or 1h30m, or a number of seconds";

/** Milliseconds, or undefined when `value` is not a duration; 0 and out-of-range values are returned as they are. */
export function tryParseDuration(value: string | number): number | undefined {
  if (typeof value === "number") {
    return Number.isFinite(value) && value >= 0 ? Math.round(value * 1000) : undefined;
  }
  const match = DURATION_PATTERN.exec(value.trim());
  if (!match) return undefined;
  let ms = 0;
  UNIT_MS.forEach((unit, index) => {
    const amount = match[index + 1];
    if (amount !== undefined) ms += Number(amount) * unit;
  });
  return Math.round(ms);
}

/** Bounds a duration must keep to, each with the reason a message gives for it. */
export interface DurationRange {
  min?: number;
  minWhy?: string;
  max?: number;
  maxWhy?: string;
}

/** What is wrong with a parsed duration, if anything: it must be positive, within `range`, and fit a Node timer. */
export function durationRangeProblem(ms: number, range: DurationRange = {}): string | undefined {
  const { min, minWhy, max = MAX_DURATION_MS, maxWhy } = range;
  if (ms <= 0) return "expected a duration greater than 0";
  if (min !== undefined && ms < min) return `expected a duration of at least ${formatWrittenDuration(min)}${minWhy ? ` (${minWhy})` : ""}`;
  const most = Math.min(max, MAX_DURATION_MS);
  if (ms > most) return `expected a duration of at most ${formatWrittenDuration(most)}${maxWhy && most === max ? ` (${maxWhy})` : ""}`;
  return undefined;
}

/** Parses a duration (for cluster.yaml and CLI flags alike) into milliseconds; throws a UsageError naming the problem. */
export function parseDuration(value: string | number): number {
  const ms = tryParseDuration(value);
  if (ms === undefined) throw new UsageError(`expected ${DURATION_EXPECTED}, got ${JSON.stringify(value)}`);
  const problem = durationRangeProblem(ms);
  if (problem) throw new UsageError(`${problem}, got ${JSON.stringify(value)}`);
  return ms;
}

/**
 * `5400000` → `1h30m`; `1500` → `1s500ms`: the inverse of parseDuration, for configuration
 * errors, whose limits are best said the way cluster.yaml writes them.
 */
export function formatWrittenDuration(ms: number): string {
  const units: [string, number][] = [
    ["h", 3_600_000],
    ["m", 60_000],
    ["s", 1_000],
    ["ms", 1],
  ];
  let rest = Math.round(ms);
  let text = "";
  for (const [unit, size] of units) {
    const count = Math.floor(rest / size);
    if (count > 0) text += `${count}${unit}`;
    rest -= count * size;
  }
  return text || "0s";
}

/** A duration as a person reads it: `350 ms`, `22.5 s`, `1 m 5 s`, `1 h 30 m` (whole seconds from a minute on). */
export function formatDuration(ms: number): string {
  const rounded = Math.round(ms);
  if (rounded < 1_000) return `${rounded} ms`;
  // Each unit is rounded first, so 59.96 s reads "1 m", not "60 s".
  const tenths = Math.round(rounded / 100);
  if (tenths < 600) return `${tenths % 10 === 0 ? tenths / 10 : (tenths / 10).toFixed(1)} s`;
  const seconds = Math.round(rounded / 1_000);
  if (seconds < 3_600) return joinUnits(Math.floor(seconds / 60), "m", seconds % 60, "s");
  const minutes = Math.round(rounded / 60_000);
  return joinUnits(Math.floor(minutes / 60), "h", minutes % 60, "m");
}

const joinUnits = (big: number, bigUnit: string, small: number, smallUnit: string) =>
  small === 0 ? `${big} ${bigUnit}` : `${big} ${bigUnit} ${small} ${smallUnit}`;
