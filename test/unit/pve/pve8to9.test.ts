// pve8to9's output as rollgate reads it: the lines by level and section, the SUMMARY cross-checked
// against them, colours stripped, a cut or inconsistent report refused; and the verdict that
// refuses every FAIL, quoting it, and passes WARN lines on as warnings.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parsePve8to9, pve8to9Verdict, type Pve8to9Parsed, type Pve8to9Report } from "../../../src/pve/pve8to9.js";

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/pve8to9/${name}`, import.meta.url), "utf8");

function report(name: string): Pve8to9Report {
  const parsed = parsePve8to9(fixture(name));
  if ("error" in parsed) throw new Error(`${name}: ${parsed.error}`);
  return parsed;
}

const errorOf = (parsed: Pve8to9Parsed) => ("error" in parsed ? parsed.error : null);

describe("parsePve8to9 on real-format reports", () => {
  it("reads a PVE 8.4 report with FAILs: every line with its section, the summary and its notices", () => {
    const r = report("pve84-full.txt");
    expect(r.summary).toEqual({ total: 48, passed: 36, skipped: 6, notices: 1, warnings: 2, failures: 3 });
    expect(r.sections).toEqual([
      "CHECKING VERSION INFORMATION FOR PVE PACKAGES",
      "CHECKING CLUSTER HEALTH/SETTINGS",
      "CHECKING HYPER-CONVERGED CEPH STATUS",
      "CHECKING CONFIGURED STORAGES",
      "VIRTUAL GUEST CHECKS",
      "MISCELLANEOUS CHECKS",
    ]);
    expect(r.fullChecks).toBe(true);
    const fails = r.lines.filter((l) => l.level === "fail");
    expect(fails.map((l) => [l.section, l.text.split("\n")[0]])).toEqual([
      ["CHECKING CONFIGURED STORAGES", "found 'glusterfs' storage 'gv0'"],
      [
        "CHECKING CONFIGURED STORAGES",
        "Starting with Proxmox VE 9, native GlusterFS support will end. GlusterFS storage will therefore cease to work.",
      ],
      ["MISCELLANEOUS CHECKS", "1 custom role(s) use the to-be-dropped 'VM.Monitor' privilege and need to be adapted after the upgrade"],
    ]);
    // A message with newlines keeps them, blank lines inside included, and ends where the next line is logged.
    expect(fails[1]!.text.split("\n")).toHaveLength(6);
    expect(fails[1]!.text.endsWith("use them as directory storage.")).toBe(true);
    const updates = r.lines.find((l) => l.level === "warn")!;
    expect(updates).toMatchObject({ section: "CHECKING VERSION INFORMATION FOR PVE PACKAGES", line: 4 });
    expect(updates.text).toBe(
      "updates for the following packages are available:\n  proxmox-kernel-6.8, proxmox-kernel-6.8.12-11-pve-signed, pve-manager, pve-qemu-kvm, qemu-server",
    );
    // The bare progress lines ("Checking proxmox-ve package version..") belong to no message.
    expect(r.lines.find((l) => l.text.startsWith("proxmox-ve package has version"))!.text).toBe("proxmox-ve package has version >= 8.4-0");
    expect(r.lines.filter((l) => l.level === "info").length).toBeGreaterThan(20);
  });

  it("reads the coloured output exactly as the plain one", () => {
    expect(fixture("pve84-full.color.txt")).toContain("\x1b[1;31mFAIL: ");
    expect(parsePve8to9(fixture("pve84-full.color.txt"))).toEqual(parsePve8to9(fixture("pve84-full.txt")));
    expect(parsePve8to9(fixture("pve91-full.color.txt"))).toEqual(parsePve8to9(fixture("pve91-full.txt")));
  });

  it("reads WARN-only and clean reports", () => {
    expect(report("pve84-warn-only.txt").summary).toEqual({ total: 46, passed: 38, skipped: 6, notices: 0, warnings: 2, failures: 0 });
    expect(report("pve91-full.txt").summary).toMatchObject({ warnings: 1, failures: 0 });
    expect(report("pve91-clean.txt").summary).toMatchObject({ warnings: 0, failures: 0 });
  });

  it("tells a run without --full", () => {
    expect(report("pve91-not-full.txt").fullChecks).toBe(false);
    expect(report("pve91-full.txt").fullChecks).toBe(true);
  });
});

describe("parsePve8to9 refuses what does not prove itself", () => {
  it("a run that stopped before its SUMMARY", () => {
    expect(errorOf(parsePve8to9(fixture("pve84-truncated.txt")))).toBe(
      'pve8to9: no "= SUMMARY =" block: the checklist stopped before its end (20 lines logged, the last in "CHECKING CONFIGURED STORAGES")',
    );
  });

  it("a summary that disagrees with the lines: a FAIL line lost, or a count changed", () => {
    const doc = fixture("pve84-full.txt");
    expect(errorOf(parsePve8to9(doc.replace("FAIL: found 'glusterfs' storage 'gv0'\n", "")))).toBe(
      "pve8to9: the SUMMARY says FAILURES: 3 but the output holds 2 such lines: lines are missing or added",
    );
    expect(errorOf(parsePve8to9(doc.replace("FAILURES: 3", "FAILURES: 0")))).toMatch(/FAILURES: 0 but the output holds 3/);
    expect(errorOf(parsePve8to9(doc.replace("TOTAL:    48", "TOTAL:    47")))).toMatch(/TOTAL: 47 but the output holds 48/);
  });

  it("a malformed or cut summary", () => {
    const doc = fixture("pve91-clean.txt");
    expect(errorOf(parsePve8to9(doc.replace("FAILURES: 0\n", "")))).toBe(
      "pve8to9: the SUMMARY block ends before its FAILURES: line: output cut short",
    );
    expect(errorOf(parsePve8to9(doc.replace("WARNINGS: 0", "WARNINGS: none")))).toMatch(
      /expected the SUMMARY's "WARNINGS: N" line, got "WARNINGS: none"/,
    );
    expect(errorOf(parsePve8to9(doc.slice(0, -1)))).toMatch(/ends in the middle of a line/);
    expect(errorOf(parsePve8to9(`${doc}FAIL: late\n`))).toMatch(/after the SUMMARY block/);
    // ATTENTION must follow warnings or failures, and only them.
    expect(errorOf(parsePve8to9(`${doc}\nATTENTION: Please check the output for detailed information!\n`))).toMatch(
      /should end with nothing/,
    );
    const warned = fixture("pve91-full.txt");
    expect(errorOf(parsePve8to9(warned.replace("\nATTENTION: Please check the output for detailed information!\n", "")))).toMatch(
      /should end with "ATTENTION/,
    );
  });

  it("something that is not pve8to9's output at all", () => {
    expect(errorOf(parsePve8to9(""))).toBe("pve8to9: no output at all");
    expect(errorOf(parsePve8to9("-bash: pve8to9: command not found\n"))).toMatch(/is not pve8to9 output/);
    expect(errorOf(parsePve8to9("PASS: all good\n"))).toMatch(/before any "= … =" section header/);
  });
});

describe("pve8to9Verdict", () => {
  it("refuses every FAIL, quoting it with its section, then says what to do", () => {
    const v = pve8to9Verdict("pve2", parsePve8to9(fixture("pve84-mixed-suites.txt")));
    expect(v.pass).toBe(false);
    expect(v.reasons).toHaveLength(5);
    expect(v.reasons[3]).toBe(
      `pve2: pve8to9 FAIL in "MISCELLANEOUS CHECKS": Found mixed old and new package repository suites, fix before upgrading! Mismatches: found suite bookworm at in /etc/apt/sources.list:1 found suite trixie at in /etc/apt/sources.list:9 Configure the same base-suite for all Proxmox and Debian provided repos and ask original vendor for any third-party repos. E.g., for the upgrade to Proxmox VE 9 use the 'trixie' suite.`,
    );
    expect(v.reasons[4]).toBe(
      "pve2: pve8to9 counted 4 failure(s): fix each, then run `pve8to9 --full` again until it reports no other FAIL",
    );
    expect(v.reasons.every((r) => !r.includes("\n"))).toBe(true);
  });

  it("passes a report with WARN lines only, listing them as warnings", () => {
    const v = pve8to9Verdict("pve1", parsePve8to9(fixture("pve84-warn-only.txt")));
    expect(v).toEqual({
      pass: true,
      reasons: [],
      warnings: [
        'pve1: pve8to9 WARN in "CHECKING VERSION INFORMATION FOR PVE PACKAGES": updates for the following packages are available: proxmox-kernel-6.8, proxmox-kernel-6.8.12-11-pve-signed, pve-manager, pve-qemu-kvm, qemu-server',
        'pve1: pve8to9 WARN in "VIRTUAL GUEST CHECKS": 2 running guest(s) detected - consider migrating or stopping them.',
      ],
    });
    expect(pve8to9Verdict("pve1", parsePve8to9(fixture("pve91-clean.txt")))).toEqual({ pass: true, reasons: [], warnings: [] });
  });

  it("unknown means no: a cut report refuses, saying why", () => {
    const v = pve8to9Verdict("pve3", parsePve8to9(fixture("pve84-truncated.txt")));
    expect(v.pass).toBe(false);
    expect(v.reasons).toEqual([
      'pve3: pve8to9: no "= SUMMARY =" block: the checklist stopped before its end (20 lines logged, the last in "CHECKING CONFIGURED STORAGES"); nothing it says can be trusted: run `pve8to9 --full` on pve3 and read its whole output',
    ]);
  });

  it("refuses a run without --full: its expensive checks did not run", () => {
    const v = pve8to9Verdict("pve2", parsePve8to9(fixture("pve91-not-full.txt")));
    expect(v.pass).toBe(false);
    expect(v.reasons).toEqual([
      "pve2: pve8to9 ran without --full, so its expensive checks (CT cgroup v2 compatibility) did not run: run `pve8to9 --full`",
    ]);
  });
});
