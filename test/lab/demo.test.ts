// `rollgate demo --scenario NAME`: a newcomer sees rollgate refuse, and the lab's own record that
// nothing was touched; a scenario that cannot run is a usage error before any lab starts.

import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";

describe("rollgate demo --scenario", () => {
  it("split-brain: the run refuses before any node (exit 3), naming the fix, and the lab saw no change", async () => {
    const demo = await runCli(["demo", "--scenario", "split-brain", "--time-scale", "200", "--no-color"]);
    expect(demo.exitCode).toBe(3);
    expect(demo.stderr).toContain("scenario split-brain");
    expect(demo.stdout).toMatch(/preflight gluster-healed: REFUSED/);
    expect(demo.stdout).toContain("gluster volume heal gv0 split-brain latest-mtime");
    expect(demo.stdout).toContain("scenario split-brain");
    expect(demo.stdout).toContain("mutations received: 0");
  });

  it("refuses an unknown scenario, and one the chosen release lacks, before starting a lab (exit 2)", async () => {
    const unknown = await runCli(["demo", "--scenario", "split-brian"]);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain('unknown scenario "split-brian"');
    const wrongRelease = await runCli(["demo", "--scenario", "ready-for-9", "--pve-version", "9.1"]);
    expect(wrongRelease.exitCode).toBe(2);
    expect(wrongRelease.stderr).toBe("rollgate: scenario ready-for-9 exists on PVE 8.4 only, not on 9.1\n");
  });
});
