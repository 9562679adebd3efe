// Shared machinery of the property tests: how many runs, which seed, the text mutations, and the
// checks every bad-input message must pass. ROLLGATE_FUZZ_RUNS multiplies the runs (e.g. 50 for a
// long soak); ROLLGATE_FUZZ_SEED replays a failure fast-check printed.
import fc from "fast-check";

const DEFAULT_SEED = 20261202;
const envNumber = (name: string): number | null => {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return null;
  const value = Number(raw);
  if (!Number.isInteger(value)) throw new Error(`${name} must be an integer, got ${JSON.stringify(raw)}`);
  return value;
};

export const SEED = envNumber("ROLLGATE_FUZZ_SEED") ?? DEFAULT_SEED;
const SCALE = envNumber("ROLLGATE_FUZZ_RUNS") ?? 1;

/** Runs `property` `runs` times (times ROLLGATE_FUZZ_RUNS) with the fixed seed and prints its tally. */
export async function check<T>(name: string, runs: number, arbitrary: fc.Arbitrary<T>, predicate: (value: T) => unknown): Promise<void> {
  const numRuns = Math.max(1, runs * SCALE);
  let ran = 0;
  const property = fc.asyncProperty(arbitrary, async (value) => {
    ran += 1;
    await predicate(value);
  });
  try {
    await fc.assert(property, { numRuns, seed: SEED });
    console.log(`fuzz ${name}: ${numRuns} runs, 0 failures (seed ${SEED})`);
  } catch (error) {
    // `ran` counts the shrinking runs too: the counterexample fast-check prints is the smallest it found.
    console.log(`fuzz ${name}: ${ran} runs, 1 failure (seed ${SEED})`);
    throw error;
  }
}

// ── text mutations ──────────────────────────────────────────────────────────────────────────────

export type Mutation =
  | { kind: "truncate"; at: number }
  | { kind: "delete-line"; line: number }
  | { kind: "duplicate-line"; line: number }
  | { kind: "swap-lines"; a: number; b: number }
  | { kind: "number"; which: number; to: string }
  | { kind: "insert"; at: number; text: string }
  | { kind: "insert-line"; line: number; text: string };

/** Garbage bytes and hostile snippets: control characters, unicode, shell metacharacters, YAML tricks. */
export const garbage: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: "binary", maxLength: 12 }),
  fc.constantFrom(
    "\u0000",
    "\uFEFF",
    "\uFFFD",
    "\u202E",
    "é",
    "名前",
    "🦀",
    "$(reboot)",
    "`rm -rf /`",
    "; shutdown -h now",
    "| cat /etc/shadow",
    "&& true",
    "\n",
    "\r\n",
    "\t",
    ":",
    "- ",
    "{",
    "}",
    "[",
    "]",
    '"',
    "'",
    "#",
    "&a",
    "*a",
    "!!binary",
    "!!js/function",
    "<<: *a",
    "%YAML 1.1\n---\n",
    "---\n",
    "...\n",
    "-",
    "NaN",
    "1e400",
    "-0",
    "0x1F",
  ),
);

const numberText: fc.Arbitrary<string> = fc.oneof(
  fc.integer().map(String),
  fc.nat({ max: 3 }).map(String),
  fc.constantFrom("-", "-1", "0", "00", "1.5", "1e9", "9999999999999999999999", "NaN", "Infinity", "", " ", "abc", "0x10", "−1"),
);

const index = fc.nat({ max: 1_000_000 });

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  index.map((at): Mutation => ({ kind: "truncate", at })),
  index.map((line): Mutation => ({ kind: "delete-line", line })),
  index.map((line): Mutation => ({ kind: "duplicate-line", line })),
  fc.tuple(index, index).map(([a, b]): Mutation => ({ kind: "swap-lines", a, b })),
  fc.tuple(index, numberText).map(([which, to]): Mutation => ({ kind: "number", which, to })),
  fc.tuple(index, garbage).map(([at, text]): Mutation => ({ kind: "insert", at, text })),
  fc.tuple(index, garbage).map(([line, text]): Mutation => ({ kind: "insert-line", line, text })),
);

export const mutations = (maxLength = 4): fc.Arbitrary<Mutation[]> => fc.array(mutation, { minLength: 1, maxLength });

export function mutate(text: string, m: Mutation): string {
  const lines = text.split("\n");
  const pick = (i: number) => i % Math.max(1, lines.length);
  switch (m.kind) {
    case "truncate":
      return text.slice(0, m.at % (text.length + 1));
    case "delete-line":
      lines.splice(pick(m.line), 1);
      return lines.join("\n");
    case "duplicate-line":
      lines.splice(pick(m.line), 0, lines[pick(m.line)] ?? "");
      return lines.join("\n");
    case "swap-lines": {
      const [a, b] = [pick(m.a), pick(m.b)];
      [lines[a], lines[b]] = [lines[b] ?? "", lines[a] ?? ""];
      return lines.join("\n");
    }
    case "number": {
      const numbers = [...text.matchAll(/\d+/g)];
      const hit = numbers[m.which % Math.max(1, numbers.length)];
      if (hit?.index === undefined) return text;
      return text.slice(0, hit.index) + m.to + text.slice(hit.index + hit[0].length);
    }
    case "insert": {
      const at = m.at % (text.length + 1);
      return text.slice(0, at) + m.text + text.slice(at);
    }
    case "insert-line":
      lines.splice(m.line % (lines.length + 1), 0, m.text);
      return lines.join("\n");
  }
}

export const applyAll = (text: string, ms: readonly Mutation[]): string => ms.reduce(mutate, text);

// ── what a bad-input message must look like ─────────────────────────────────────────────────────

/** A message a user can read: not empty, at most `maxLines` lines, no stack frame, bounded length. */
export function assertReadable(message: string, maxLines = 1): void {
  const lines = message.split("\n");
  if (message.trim() === "") throw new Error("empty error message");
  if (lines.length > maxLines) throw new Error(`error message has ${lines.length} lines (at most ${maxLines}):\n${message}`);
  if (lines.some((line) => /^\s+at \S/.test(line))) throw new Error(`error message holds a stack frame:\n${message}`);
  if (message.length > 4000 * maxLines) throw new Error(`error message is ${message.length} characters long`);
}

/** Fails with the thrown value's own description when it is not one of `expected`. */
export function assertErrorType(error: unknown, ...expected: Array<abstract new (...args: never[]) => Error>): asserts error is Error {
  if (!expected.some((type) => error instanceof type)) {
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    throw new Error(`unexpected ${error instanceof Error ? error.constructor.name : typeof error}: ${detail}`);
  }
}

/** Milliseconds `run` took. */
export async function timed(run: () => unknown): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}
