// The changelog parser on real captures (pve-manager's debian/changelog, as the lab serves it).

import { describe, expect, it } from "vitest";
import changelogs from "../../../src/lab/model/changelogs.json" with { type: "json" };
import { entriesSince, parseChangelog } from "../../../src/plan/changelog.js";

const real = changelogs["pve-manager"]["9.1"];

describe("parseChangelog", () => {
  it("splits a real changelog into its entries, newest first, each with its header and trailer", () => {
    const parsed = parseChangelog(real);
    if (!parsed.ok) throw new Error(parsed.error);
    expect(parsed.entries.map((e) => e.version)).toEqual(["9.1.5", "9.1.4", "9.1.3", "9.1.2"]);
    expect(parsed.entries[1]!.text).toMatch(
      /^pve-manager \(9\.1\.4\) trixie; urgency=medium\n[\s\S]* -- Proxmox Support Team <support@proxmox\.com> {2}Mon, 22 Dec 2025 12:02:58 \+0100$/,
    );
  });

  it("refuses text that holds no entry, such as an error message", () => {
    expect(parseChangelog("E: Failed to fetch changelog:/x.changelog")).toMatchObject({ ok: false });
  });
});

describe("entriesSince", () => {
  const parsed = parseChangelog(real);
  const entries = parsed.ok ? parsed.entries : [];
  it("keeps the entries above the installed version's", () => {
    expect(entriesSince(entries, "9.1.3").entries.map((e) => e.version)).toEqual(["9.1.5", "9.1.4"]);
    expect(entriesSince(entries, "9.1.5")).toEqual({ entries: [], complete: true });
  });
  it("a new package shows its newest entry; an installed version not in the text shows all, marked incomplete", () => {
    expect(entriesSince(entries, null).entries.map((e) => e.version)).toEqual(["9.1.5"]);
    expect(entriesSince(entries, "9.0.11")).toEqual({ entries, complete: false });
  });
});
