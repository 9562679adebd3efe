// The journal keeps its files private, has every record on disk when append returns (the ones
// a crash must not lose, fsync'ed), survives a crash mid-write, and continues cleanly after one.

import { appendFileSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { RunEvent, RunEventBody } from "../../../src/run/events.js";
import {
  CorruptJournalError,
  currentRunFile,
  currentRunId,
  isRunId,
  Journal,
  newRunId,
  readJournal,
  runFile,
} from "../../../src/run/journal.js";
import { ExitCode, UsageError } from "../../../src/util/errors.js";
import { clearRefusals, refuse } from "../../helpers/fs-refusals.js";

const fsyncs = vi.hoisted(() => ({ count: 0 }));
vi.mock("node:fs", async (importOriginal) => {
  const fs = await importOriginal<typeof import("node:fs")>();
  return {
    ...fs,
    fsyncSync: (fd: number) => {
      fsyncs.count += 1;
      fs.fsyncSync(fd);
    },
  };
});
vi.mock("node:fs/promises", async (original) => (await import("../../helpers/fs-refusals.js")).withRefusals(await original()));
afterEach(clearRefusals);

const RUN_ID = "20261122T230000Z-abcd";
const tmp = () => mkdtemp(path.join(tmpdir(), "rollgate-journal-"));
const at = (i: number) => new Date(Date.UTC(2026, 10, 22, 23, 0, i)).toISOString();
const timed = (bodies: RunEventBody[]): RunEvent[] => bodies.map((body, i) => ({ ...body, time: at(i) }));

const start: RunEventBody = {
  type: "run-start",
  runId: RUN_ID,
  cluster: "lab",
  configFile: "/etc/rollgate/cluster.yaml",
  playbook: "proxmox-gluster",
  order: ["pve1", "pve2"],
  dryRun: false,
  resumes: null,
  pid: 42,
  host: "ops1",
};
const reboot: RunEventBody = {
  type: "action",
  node: "pve1",
  step: "reboot-if-needed",
  action: "reboot",
  phase: "before",
  detail: { node: "pve1", bootIdBefore: "7c1e" },
};
const progress: RunEventBody = {
  type: "step-progress",
  node: "pve1",
  step: "gluster-heal",
  message: "waiting for gluster-healed: 205 entries pending",
};
const end: RunEventBody = {
  type: "run-end",
  outcome: "success",
  exitCode: 0,
  message: "upgraded pve1",
  humanAction: null,
  maintenanceLeftOn: [],
};

/** What readJournal threw, checked to be a CorruptJournalError (exit 2). */
async function corruption(file: string): Promise<string> {
  const error = await readJournal(file).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(CorruptJournalError);
  expect((error as CorruptJournalError).exitCode).toBe(ExitCode.usage);
  return (error as Error).message;
}

async function journalOf(bodies: RunEventBody[]): Promise<{ dir: string; file: string; events: RunEvent[] }> {
  const dir = await tmp();
  const journal = await Journal.create(dir, RUN_ID);
  const events = timed(bodies);
  for (const event of events) journal.append(event);
  journal.close();
  return { dir, file: journal.file, events };
}

describe("run ids", () => {
  it("are UTC timestamps with a random suffix, sort by time, and cannot name a path", () => {
    const ids = [new Date("2026-11-22T23:00:00Z"), new Date("2026-11-22T23:00:01.999Z"), new Date("2027-01-01T00:00:00Z")].map((d) =>
      newRunId(d),
    );
    expect(ids[0]).toMatch(/^20261122T230000Z-[0-9a-f]{4}$/);
    expect(ids.every(isRunId)).toBe(true);
    expect([...ids].reverse().sort()).toEqual(ids);
    expect(isRunId("../../etc/passwd")).toBe(false);
    expect(() => runFile("/j", "../x")).toThrow(/not a run id/);
  });
});

describe("Journal", () => {
  let umask: number;
  // The widest umask: the modes must come from rollgate, not from the caller's umask.
  beforeEach(() => {
    umask = process.umask(0);
  });
  afterEach(() => {
    process.umask(umask);
  });

  it("creates a 0700 directory and 0600 files, and names the latest run in `current`", async () => {
    const dir = path.join(await tmp(), "var", "lib", "rollgate");
    const journal = await Journal.create(dir, RUN_ID);
    journal.append(timed([start])[0]!);
    journal.close();
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(path.join(dir, "runs"))).mode & 0o777).toBe(0o700);
    expect((await stat(journal.file)).mode & 0o777).toBe(0o600);
    expect(journal.file).toBe(path.join(dir, "runs", `${RUN_ID}.jsonl`));
    expect((await stat(path.join(dir, "current"))).mode & 0o777).toBe(0o600);
    expect(await readFile(path.join(dir, "current"), "utf8")).toBe(`${RUN_ID}\n`);
    expect(await currentRunFile(dir)).toBe(journal.file);
  });

  it("says which path it cannot create a run's journal in, or cannot name it from", async () => {
    const dir = await tmp();
    await writeFile(path.join(dir, "runs"), "");
    const runsAFile = await Journal.create(dir, RUN_ID).catch((e: unknown) => e);
    expect(runsAFile).toBeInstanceOf(UsageError);
    expect((runsAFile as Error).message).toMatch(
      new RegExp(`^cannot create the journal ${runFile(dir, RUN_ID)}: EEXIST: .*'${path.join(dir, "runs")}'$`),
    );
    const other = await tmp();
    await mkdir(path.join(other, "current"));
    await expect(Journal.create(other, RUN_ID)).rejects.toThrow(
      new UsageError(`cannot replace ${path.join(other, "current")}: it is a directory (EISDIR); move it out of the way`),
    );
    expect(await readdir(other)).toEqual(["current", "runs"]);
  });

  it("never reuses a run's file", async () => {
    const { dir } = await journalOf([start]);
    await expect(Journal.create(dir, RUN_ID)).rejects.toThrow(/EEXIST/);
  });

  it("reads back exactly what it appended, one JSON line per event", async () => {
    const output: RunEventBody = {
      type: "step-output",
      node: "pve1",
      step: "apt-upgrade",
      stream: "stdout",
      text: 'Setting up pve-manager (8.3.2) …\n\ttabs and "quotes"\n',
    };
    const { file, events } = await journalOf([start, reboot, output, progress, end]);
    expect(readFileSync(file, "utf8").split("\n")).toHaveLength(events.length + 1);
    expect(await readJournal(file)).toEqual({ events, truncated: false });
  });

  it("has each record in the file when append returns, and fsyncs the start, every intent and the end", async () => {
    const dir = await tmp();
    const journal = await Journal.create(dir, RUN_ID);
    const synced: string[] = [];
    for (const event of timed([start, progress, reboot, { ...reboot, phase: "after", ok: true }, end])) {
      const before = fsyncs.count;
      journal.append(event);
      if (fsyncs.count > before) synced.push(event.type === "action" ? `action ${event.phase}` : event.type);
      // Read through another descriptor, before close: nothing is waiting in a buffer of ours.
      expect(readFileSync(journal.file, "utf8").trim().split("\n").at(-1)).toBe(JSON.stringify(event));
    }
    journal.close();
    expect(synced).toEqual(["run-start", "action before", "run-end"]);
    expect(() => journal.append(timed([progress])[0]!)).toThrow(/closed/);
  });
});

describe("readJournal", () => {
  it("leaves out a last line cut off by a crash and says so", async () => {
    const { file, events } = await journalOf([start, progress]);
    appendFileSync(file, '{"type":"action","node":"pve1","step":"reb');
    expect(await readJournal(file)).toEqual({ events, truncated: true });
  });

  it("keeps a last record that is complete but lost its newline", async () => {
    const { file, events } = await journalOf([start]);
    const [last] = timed([progress]);
    appendFileSync(file, JSON.stringify(last));
    expect(await readJournal(file)).toEqual({ events: [...events, last], truncated: false });
  });

  it("refuses damage in the middle, naming the file and line", async () => {
    const { file } = await journalOf([start, progress, end]);
    const lines = readFileSync(file, "utf8").split("\n");
    lines[1] = lines[1]!.slice(0, 20);
    await writeFile(file, lines.join("\n"));
    const error = await readJournal(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CorruptJournalError);
    expect((error as CorruptJournalError).exitCode).toBe(ExitCode.usage);
    expect((error as Error).message).toMatch(new RegExp(`^${file}:2: not a journal record: ".*"; it is not JSON$`));
  });

  it.each([
    ["no order", { order: undefined }, 'a run-start record needs "order" (a list of node names)'],
    ["no runId", { runId: undefined }, 'a run-start record needs "runId" (a string)'],
    ["an order that is not all names", { order: ["pve1", 2] }, 'a run-start record needs "order" (a list of node names)'],
    ["dryRun as text", { dryRun: "no" }, 'a run-start record needs "dryRun" (true or false)'],
    ["pid as text", { pid: "42" }, 'a run-start record needs "pid" (a whole number)'],
    ["no host", { host: undefined }, 'a run-start record needs "host" (a string)'],
    ["resumes as a number", { resumes: 7 }, 'a run-start record needs "resumes" (a string or null)'],
  ])("refuses a run-start with %s, naming the file, line and field", async (_, change, problem) => {
    const { file } = await journalOf([{ ...start, ...change } as RunEventBody, progress]);
    expect(await corruption(file)).toMatch(new RegExp(`^${file}:1: not a journal record: "\\{.*"; ${problem.replace(/[()]/g, "\\$&")}$`));
  });

  it.each([
    ["no time", { ...progress }, 'a step-progress record needs "time" (a string)'],
    ["a node that is a number", { ...progress, node: 3, time: at(1) }, 'a step-progress record needs "node" (a string or null)'],
    ["no step", { ...progress, step: undefined, time: at(1) }, 'a step-progress record needs "step" (a string)'],
    [
      "a node-start for no node",
      { type: "node-start", node: null, index: 1, total: 2, time: at(1) },
      'a node-start record needs "node" (a string)',
    ],
    [
      "a step-end of no known status",
      { type: "step-end", node: "pve1", step: "apt-upgrade", status: "meh", message: "", time: at(1) },
      'a step-end record needs "status" (one of ok, skipped, failed, refused, interrupted)',
    ],
    [
      "a node-end without status",
      { type: "node-end", node: "pve1", message: "", time: at(1) },
      'a node-end record needs "status" (one of done, skipped, failed, refused, interrupted)',
    ],
    ["an action without detail", { ...reboot, detail: undefined, time: at(1) }, 'an action record needs "detail" (an object)'],
    [
      "an action neither before nor after",
      { ...reboot, phase: "during", time: at(1) },
      'an action record needs "phase" (one of before, after)',
    ],
    ["no type", { time: at(1) }, 'it has no "type"'],
    ["a list", [], "it is not a JSON object"],
  ])("refuses a later record with %s", async (_, record, problem) => {
    const { file } = await journalOf([start]);
    appendFileSync(file, `${JSON.stringify(record)}\n`);
    expect(await corruption(file)).toMatch(new RegExp(`^${file}:2: not a journal record: .*; ${problem.replace(/[()]/g, "\\$&")}$`));
  });

  it("keeps fields it does not know (a newer engine's)", async () => {
    const { file, events } = await journalOf([{ ...start, engine: "2.0" } as RunEventBody, { ...progress, entry: "node/4" }]);
    expect(await readJournal(file)).toEqual({ events, truncated: false });
    expect(events[1]).toHaveProperty("entry", "node/4");
  });

  it("judges a complete last line without its newline like any other line, rather than as cut off", async () => {
    const { file } = await journalOf([start]);
    appendFileSync(file, JSON.stringify({ type: "step-progress", time: at(1), node: "pve1" }));
    expect(await corruption(file)).toMatch(/:2: not a journal record: .*; a step-progress record needs "step" \(a string\)$/);
  });

  it("says which run file it cannot read and why; a missing one is null", async () => {
    const { dir, file } = await journalOf([start]);
    refuse("readFile", file);
    expect(await corruption(file)).toBe(`cannot read ${file}: permission denied (EACCES)`);
    const directory = runFile(dir, "20261122T230001Z-0000");
    await mkdir(directory);
    expect(await corruption(directory)).toBe(`cannot read ${directory}: it is a directory (EISDIR)`);
    expect(await readJournal(runFile(dir, "20261122T230002Z-0000"))).toBeNull();
  });

  it("refuses JSON that is not a record, and a journal that does not start with run-start", async () => {
    const { file } = await journalOf([start]);
    appendFileSync(file, '{"type":"launch-missiles","time":"2026-11-22T23:00:09.000Z"}\n{}\n');
    await expect(readJournal(file)).rejects.toThrow(/:2: not a journal record/);
    await writeFile(file, `${JSON.stringify(timed([progress])[0])}\n`);
    await expect(readJournal(file)).rejects.toThrow(/:1: a run's journal starts with its run-start record, not step-progress/);
  });

  it("reads an empty run file (the first record never made it) as no events", async () => {
    const dir = await tmp();
    (await Journal.create(dir, RUN_ID)).close();
    expect(await readJournal(runFile(dir, RUN_ID))).toEqual({ events: [], truncated: false });
  });
});

describe("Journal.open (upgrade --resume)", () => {
  it("appends to the same file and makes it the latest run again", async () => {
    const { dir, file, events } = await journalOf([start, progress]);
    const other = await Journal.create(dir, "20261123T010000Z-0001");
    other.close();
    expect(await currentRunId(dir)).toBe("20261123T010000Z-0001");
    const journal = await Journal.open(dir, RUN_ID);
    const [resumed] = timed([{ ...start, resumes: RUN_ID, pid: 43 }]);
    journal.append(resumed!);
    journal.close();
    expect(await currentRunId(dir)).toBe(RUN_ID);
    expect((await readJournal(file))?.events).toEqual([...events, resumed]);
  });

  it("cuts off a record torn by a crash, so the next one starts on a line of its own", async () => {
    const { dir, file, events } = await journalOf([start, progress]);
    appendFileSync(file, '{"type":"action","node":"pve1","step":"reb');
    const journal = await Journal.open(dir, RUN_ID);
    const [next] = timed([end]);
    journal.append(next!);
    journal.close();
    expect(await readJournal(file)).toEqual({ events: [...events, next], truncated: false });
  });

  it("ends a complete record that lost its newline instead of cutting it off", async () => {
    const { dir, file, events } = await journalOf([start]);
    const [cut, next] = timed([reboot, end]);
    appendFileSync(file, JSON.stringify(cut));
    const journal = await Journal.open(dir, RUN_ID);
    journal.append(next!);
    journal.close();
    expect(await readJournal(file)).toEqual({ events: [...events, cut, next], truncated: false });
  });

  it("refuses a run that has no journal", async () => {
    await expect(Journal.open(await tmp(), RUN_ID)).rejects.toThrow(
      /cannot continue run 20261122T230000Z-abcd: its journal .* does not exist/,
    );
  });
});

describe("current", () => {
  it("is absent before the first run, and a garbled one is reported", async () => {
    const dir = await tmp();
    expect(await currentRunFile(dir)).toBeNull();
    expect(await currentRunFile(path.join(dir, "never-created"))).toBeNull();
    await writeFile(path.join(dir, "current"), "../../etc/shadow\n");
    await expect(currentRunFile(dir)).rejects.toThrow(/current does not name a run/);
  });

  it("that cannot be read is a CorruptJournalError naming it and why", async () => {
    const dir = await tmp();
    const current = path.join(dir, "current");
    await mkdir(current);
    await expect(currentRunId(dir)).rejects.toThrow(new CorruptJournalError(`cannot read ${current}: it is a directory (EISDIR)`));
    refuse("readFile", current);
    await expect(currentRunId(dir)).rejects.toThrow(`cannot read ${current}: permission denied (EACCES)`);
  });
});
