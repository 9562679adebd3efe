// The state file of `check --nagios`: kept between checks, written atomically and private; one
// that cannot be parsed is replaced and the trend restarts; a directory that cannot be written
// means no trend, said in the text, and never a throw.

import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { defaultHealTrendFile, followHealTrend, parseHealTrendState } from "../../../src/metrics/heal-trend-file.js";

const MINUTE = 60_000;
const T0 = Date.parse("2026-12-03T10:00:00.000Z");
const pending = (entries: number) => ({ "gv0 pve1:/data/brick/gv0": entries, "gv0 pve2:/data/brick/gv0": 0 });

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "rollgate-heal-trend-"));
});
afterEach(async () => {
  await chmod(dir, 0o700);
  await rm(dir, { recursive: true, force: true });
});

describe("heal trend state file", () => {
  it("lives in journal.dir by default", () => {
    expect(defaultHealTrendFile("/var/lib/rollgate")).toBe("/var/lib/rollgate/nagios-heal.json");
  });

  it("is kept from one check to the next, private and with no draft left beside it", async () => {
    const file = path.join(dir, "nagios-heal.json");
    expect(await followHealTrend(file, pending(5), T0, 10 * MINUTE)).toEqual({
      stalled: false,
      text: "heal on gv0: trend unknown until the next check",
    });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(["nagios-heal.json"]);
    expect(parseHealTrendState(await readFile(file, "utf8"))).toEqual({
      version: 1,
      observedAt: "2026-12-03T10:00:00.000Z",
      volumes: { gv0: { entries: 5, since: "2026-12-03T10:00:00.000Z" } },
    });
    expect(await followHealTrend(file, pending(5), T0 + 12 * MINUTE, 10 * MINUTE)).toEqual({
      stalled: true,
      text: "heal stalled on gv0: 5 entries, not shrinking for 12 m (healStall 10 m)",
    });
  });

  it("one that is not a state is replaced and the trend restarts, with the reason", async () => {
    const file = path.join(dir, "nagios-heal.json");
    for (const [text, reason] of [
      ["{ half", "it is not JSON"],
      ["[]", "it is not a JSON object"],
      [
        '{"version":1,"observedAt":"2026-12-03T09:00:00.000Z","volumes":{"gv0":{"entries":-1,"since":"x"}}}',
        "it is not a heal-trend state (volumes.gv0.entries: ",
      ],
    ] as const) {
      await writeFile(file, text);
      const note = await followHealTrend(file, pending(5), T0, 10 * MINUTE);
      expect(note.stalled).toBe(false);
      expect(note.text).toContain("heal on gv0: trend unknown until the next check; heal trend restarted: ");
      expect(note.text).toContain(`${file} replaced: ${reason}`);
      expect(parseHealTrendState(await readFile(file, "utf8"))).toMatchObject({ volumes: { gv0: { entries: 5 } } });
    }
  });

  it("a directory that does not exist or cannot be written: no trend, said so, and no file", async () => {
    const missing = path.join(dir, "journal", "nagios-heal.json");
    expect(await followHealTrend(missing, pending(5), T0, 10 * MINUTE)).toEqual({
      stalled: false,
      text: `heal trend unknown: no state can be kept in ${path.join(dir, "journal")} (ENOENT; see --nagios-state)`,
    });
    if (process.getuid?.() === 0) return; // root writes anywhere
    const locked = path.join(dir, "locked");
    await mkdir(locked);
    await chmod(locked, 0o500);
    const note = await followHealTrend(path.join(locked, "nagios-heal.json"), pending(5), T0, 10 * MINUTE);
    expect(note).toEqual({ stalled: false, text: `heal trend unknown: no state can be kept in ${locked} (EACCES; see --nagios-state)` });
    await chmod(locked, 0o700);
  });

  it("nothing pending writes a state with no volumes, and says nothing", async () => {
    const file = path.join(dir, "nagios-heal.json");
    await followHealTrend(file, pending(5), T0, 10 * MINUTE);
    expect(await followHealTrend(file, pending(0), T0 + MINUTE, 10 * MINUTE)).toEqual({ stalled: false, text: "" });
    expect(parseHealTrendState(await readFile(file, "utf8"))).toMatchObject({ volumes: {} });
  });
});
