import type * as z from "zod";
import { MAX_NAMES_SHOWN } from "./limits.js";

const MAX_SHOWN = 60;

/** A value as the user wrote it, short enough for one line: `"abc"`, `12`, `a list`. */
export function describeValue(value: unknown): string {
  if (value === null) return "an empty value";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") {
    const shown = JSON.stringify(value);
    return shown.length > MAX_SHOWN ? `${shown.slice(0, MAX_SHOWN - 2)}…"` : shown;
  }
  return String(value);
}

/** `pve1, pve2, pve3, pve4, pve5 and 379 more`: a list of names an error can show whatever its length. */
export function someNames(names: readonly string[], shown: number = MAX_NAMES_SHOWN): string {
  if (names.length <= shown) return names.join(", ");
  return `${names.slice(0, shown).join(", ")} and ${names.length - shown} more`;
}

/** Zod reports a required key that is absent as an issue whose input is undefined. */
function isMissing(input: unknown): boolean {
  return input === undefined;
}

export interface ExpectOptions {
  /** false for values that may be a secret pasted in the wrong place: the message then never repeats the value. */
  echo?: boolean;
}

export function expectedGot(what: string, input: unknown, options: ExpectOptions = {}): string {
  if (isMissing(input)) return `missing required key; expected ${what}`;
  if (options.echo === false) return `expected ${what}`;
  return `expected ${what}, got ${describeValue(input)}`;
}

/** Schema params whose every issue (wrong type, failed pattern, out of range) reads `expected WHAT, got VALUE`. */
export function expecting(what: string, options: ExpectOptions = {}): { error: (issue: { input?: unknown }) => string } {
  return { error: (issue) => expectedGot(what, issue.input, options) };
}

const TYPE_NAMES: Record<string, string> = {
  string: "a string",
  number: "a number",
  int: "an integer",
  boolean: "true or false",
  object: "a mapping",
  record: "a mapping",
  array: "a list",
};

function plural(count: number | bigint, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

/** The fallback wording for issues raised by schemas that do not word their own (see `expecting`). */
export function describeIssue(issue: z.core.$ZodRawIssue): string {
  switch (issue.code) {
    case "invalid_type":
      return expectedGot(TYPE_NAMES[issue.expected] ?? issue.expected, issue.input);
    case "invalid_value":
      return expectedGot(`one of ${issue.values.map((value) => JSON.stringify(value)).join(", ")}`, issue.input);
    case "too_small":
      return issue.origin === "array"
        ? `expected at least ${plural(issue.minimum, "item")}, got ${plural(Array.isArray(issue.input) ? issue.input.length : 0, "item")}`
        : expectedGot(`${issue.inclusive === false ? "more than" : "at least"} ${issue.minimum}`, issue.input);
    case "too_big":
      return issue.origin === "array"
        ? `expected at most ${plural(issue.maximum, "item")}, got ${plural(Array.isArray(issue.input) ? issue.input.length : 0, "item")}`
        : expectedGot(`${issue.inclusive === false ? "less than" : "at most"} ${issue.maximum}`, issue.input);
    case "invalid_format":
      return expectedGot(issue.format === "regex" && issue.pattern ? `a string matching ${issue.pattern}` : issue.format, issue.input);
    case "unrecognized_keys":
      return "unknown key";
    case "invalid_key":
      return "invalid key";
    default:
      return expectedGot("a valid value", issue.input);
  }
}
