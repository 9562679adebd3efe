import { describe, expect, test } from "vitest";
import { formatDuration, MAX_DURATION_MS, parseDuration } from "../../../src/config/index.js";
import { formatWrittenDuration } from "../../../src/config/duration.js";
import { UsageError } from "../../../src/util/errors.js";

describe("parseDuration", () => {
  test.each([
    ["500ms", 500],
    ["10s", 10_000],
    ["15m", 900_000],
    ["2h", 7_200_000],
    ["1h30m", 5_400_000],
    ["1m30s250ms", 90_250],
    ["1.5s", 1_500],
    ["30", 30_000],
    [90, 90_000],
    [0.5, 500],
  ] as const)("%j is %d ms", (written, ms) => {
    expect(parseDuration(written)).toBe(ms);
  });

  test.each(["abc", "10 s", "30m1h", "1d", "", "-5", "1h1h", "ms"])("%j is refused", (written) => {
    expect(() => parseDuration(written)).toThrow(
      new UsageError(`expected a duration such as 500ms, 10s, 15m, 2h or 1h30m, or a number of seconds, got ${JSON.stringify(written)}`),
    );
  });

  test("zero and negative numbers are refused", () => {
    expect(() => parseDuration("0s")).toThrow('expected a duration greater than 0, got "0s"');
    expect(() => parseDuration(-1)).toThrow("expected a duration such as 500ms");
  });

  test("a duration longer than a Node timer can wait is refused", () => {
    expect(parseDuration(MAX_DURATION_MS / 1000)).toBe(MAX_DURATION_MS);
    expect(() => parseDuration("597h")).toThrow('expected a duration of at most 596h31m23s647ms, got "597h"');
  });
});

test("formatWrittenDuration writes what parseDuration reads", () => {
  for (const ms of [500, 10_000, 5_400_000, 90_250]) {
    expect(parseDuration(formatWrittenDuration(ms))).toBe(ms);
  }
  expect(formatWrittenDuration(5_400_000)).toBe("1h30m");
});

test("formatDuration writes a duration as a person reads it", () => {
  expect([0, 350, 1_000, 1_500, 22_500, 59_960, 65_000, 600_000, 3_599_700, 5_400_000, 7_200_000].map(formatDuration)).toEqual([
    "0 ms",
    "350 ms",
    "1 s",
    "1.5 s",
    "22.5 s",
    "1 m",
    "1 m 5 s",
    "10 m",
    "1 h",
    "1 h 30 m",
    "2 h",
  ]);
});
