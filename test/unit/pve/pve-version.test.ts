// pve-manager versions as `pveversion` and /nodes/N/version give them.

import { describe, expect, it } from "vitest";
import { majorMinorOf, reachedMajor } from "../../../src/pve/pve-version.js";

describe("majorMinorOf and reachedMajor", () => {
  it("reads releases and their suffixes", () => {
    expect(majorMinorOf("8.4.14")).toEqual([8, 4]);
    expect(majorMinorOf("9.1.4")).toEqual([9, 1]);
    expect(majorMinorOf("9.0.0~12")).toEqual([9, 0]);
    expect(reachedMajor("9.1.4", 9)).toBe(true);
    expect(reachedMajor("8.4.14", 9)).toBe(false);
    // A dry run's simulated major upgrade knows the major only.
    expect(reachedMajor("9.x", 9)).toBe(true);
  });

  it("unknown means no: what is no version has reached no major", () => {
    for (const version of [null, "", "9", "v9.1", "nine"]) {
      expect(majorMinorOf(version)).toBeNull();
      expect(reachedMajor(version, 8)).toBe(false);
    }
  });
});
