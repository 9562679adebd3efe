// The journal survives a crash mid-write and keeps its files private; the lock lets one run in,
// names its holder, and reports a dead holder as stale instead of taking over.

import { spawn } from "node:child_process";
import { appendFile, mkdtemp, readFile, stat, writeFile } from "node:fs/promises";
import os, { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { RunEvent, RunEventBody } from "../../../src/run/events.js";
import { currentRunFile, Journal, newRunId, readJournal } from "../../../src/run/journal.js";
import { acquireLock, breakStaleLock, lockFile } from "../../../src/run/lock.js";
import { summarizeRun } from "../../../src/run/run-summary.js";
import { LockedError } from "../../../src/util/errors.js";

const dirOf = () => mkdtemp(path.join(tmpdir(), "rollgate-journal-"));
const at = (i: number) => `2026-11-22T23:00:${String(i).padStart(2, "0")}Z`;

function run(events: RunEventBody[]): RunEvent[] {
  return events.map((e, i) => ({ ...e, time: at(i) }));
}

const start: RunEventBody = { type: "run-start", runId: "20261122T230000Z-abcd", cluster: "lab", configFile: "c.yaml", playbook: "proxmox-gluster", order: ["pve1", "pve2"], dryRun: false, resumes: null, pid: 42, host: "ops" };

describe("journal", () => {
  it("writes one JSON line per event into private files, and names the latest run", async () => {
    const dir = path.join(await dirOf(), "j");
    const runId = newRunId(new Date("2026-11-22T23:00:00Z"));
    expect(runId).toMatch(/^20261122T230000Z-[0-9a-f]{4}$/);
    const journal = await Journal.create(dir, runId);
    for (const e of run([{ ...start, runId } as RunEventBody, { type: "phase", phase: "preflight" }])) journal.append(e);
    journal.close();
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(journal.file)).mode & 0o777).toBe(0o600);
    expect(await currentRunFile(dir)).toBe(journal.file);
    const { events, truncated } = await readJournal(journal.file);
    expect(events.map((e) => e.type)).toEqual(["run-start", "phase"]);
    expect(truncated).toBe(false);
    await expect(Journal.create(dir, runId)).rejects.toThrow(/EEXIST/);
  });

  it("ignores a last line cut off by a crash, but not a corrupted line in the middle", async () => {
    const dir = await dirOf();
    const journal = await Journal.create(dir, "20261122T230000Z-0001");
    journal.append({ ...start, time: at(0) });
    journal.close();
    await appendFile(journal.file, '{"type":"phase","pha');
    expect((await readJournal(journal.file)).truncated).toBe(true);
    await writeFile(journal.file, `garbage\n${JSON.stringify({ ...start, time: at(0) })}\n`);
    await expect(readJournal(journal.file)).rejects.toThrow(/:1: not a journal record/);
  });
});

describe("run summary", () => {
  it("finds the node a killed run was working on, the step, and the maintenance it left on", () => {
    const summary = summarizeRun(
      run([
        start,
        { type: "node-start", node: "pve1", index: 1, total: 2 },
        { type: "step-start", node: "pve1", step: "maintenance-on", title: "Put the node in HA maintenance mode" },
        { type: "action", node: "pve1", step: "maintenance-on", action: "maintenance-on", phase: "before", detail: { node: "pve1" } },
        { type: "action", node: "pve1", step: "maintenance-on", action: "maintenance-on", phase: "after", detail: { node: "pve1" }, ok: true },
        { type: "step-end", node: "pve1", step: "maintenance-on", status: "ok", message: "ok" },
        { type: "step-start", node: "pve1", step: "reboot-if-needed", title: "Reboot" },
        { type: "action", node: "pve1", step: "reboot-if-needed", action: "reboot", phase: "before", detail: { node: "pve1", bootIdBefore: "b-1" } },
      ]),
    );
    expect(summary.outcome).toBeNull();
    expect(summary.inFlight).toEqual({ node: "pve1", lastStep: "reboot-if-needed", touched: true });
    expect(summary.maintenanceOn).toEqual(["pve1"]);
    expect(summary.nodes.map((n) => `${n.node}:${n.status}`)).toEqual(["pve1:in-flight", "pve2:pending"]);
  });

  it("a finished run has an outcome and nothing in flight", () => {
    const summary = summarizeRun(
      run([
        start,
        { type: "node-start", node: "pve1", index: 1, total: 2 },
        { type: "node-end", node: "pve1", status: "done", message: "upgraded" },
        { type: "node-start", node: "pve2", index: 2, total: 2 },
        { type: "node-end", node: "pve2", status: "skipped", message: "up to date" },
        { type: "run-end", outcome: "success", exitCode: 0, message: "upgraded pve1", humanAction: null, maintenanceLeftOn: [] },
      ]),
    );
    expect(summary).toMatchObject({ outcome: "success", exitCode: 0, inFlight: null, maintenanceOn: [] });
  });
});

describe("lock", () => {
  const holder = (runId: string, pid = process.pid) => ({ runId, pid, host: os.hostname(), command: "upgrade" });

  it("lets one run in; a second gets exit 5 naming the holder; release frees it", async () => {
    const dir = await dirOf();
    const first = await acquireLock(dir, holder("run-a"));
    expect((await stat(lockFile(dir))).mode & 0o777).toBe(0o600);
    const second = await acquireLock(dir, holder("run-b")).catch((e: unknown) => e);
    expect(second).toBeInstanceOf(LockedError);
    expect((second as LockedError).exitCode).toBe(5);
    expect((second as Error).message).toContain(`another run holds the lock: PID ${process.pid} on ${os.hostname()}`);
    await first.release();
    await (await acquireLock(dir, holder("run-c"))).release();
  });

  it("reports the lock of a dead process as stale, leaves it, and only --break-stale-lock removes it", async () => {
    const dir = await dirOf();
    const child = spawn(process.execPath, ["-e", ""]);
    const deadPid = child.pid!;
    await new Promise((resolve) => child.on("exit", resolve));
    await acquireLock(dir, holder("run-dead", deadPid));
    const error = await acquireLock(dir, holder("run-new")).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(new RegExp(`a STALE lock: .* PID ${deadPid} .* that process is gone`));
    expect(JSON.parse(await readFile(lockFile(dir), "utf8"))).toMatchObject({ pid: deadPid });
    expect(await breakStaleLock(dir)).toMatchObject({ pid: deadPid });
    await (await acquireLock(dir, holder("run-new"))).release();
  });

  it("refuses to break a live lock, and release never removes another run's lock", async () => {
    const dir = await dirOf();
    const held = await acquireLock(dir, holder("run-live"));
    await expect(breakStaleLock(dir)).rejects.toThrow(/refusing to break the lock: another run holds the lock/);
    await writeFile(lockFile(dir), JSON.stringify({ ...holder("someone-else"), startedAt: at(0) }));
    await held.release();
    expect(JSON.parse(await readFile(lockFile(dir), "utf8"))).toMatchObject({ runId: "someone-else" });
  });
});
