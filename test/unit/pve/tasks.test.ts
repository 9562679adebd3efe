// A task's exit status as PVE means it: OK and WARNINGS: N succeed, everything else failed.

import { describe, expect, it } from "vitest";
import { taskOutcome } from "../../../src/pve/tasks.js";

describe("task exit status", () => {
  it.each([
    ["OK", { ok: true, warnings: 0 }],
    ["WARNINGS: 1", { ok: true, warnings: 1 }],
    ["WARNINGS: 12", { ok: true, warnings: 12 }],
  ] as const)("%s is success", (status, outcome) => {
    expect(taskOutcome(status)).toEqual(outcome);
  });

  it.each(["migration problems", "unexpected status", "WARNINGS: ", "WARNINGS: 2 more", "ok", "job errors"])(
    "%j is a failure, quoted",
    (status) => {
      expect(taskOutcome(status)).toEqual({ ok: false, error: status });
    },
  );

  it("a task without an exit status has not succeeded", () => {
    expect(taskOutcome(undefined)).toEqual({ ok: false, error: "no exit status" });
  });
});
