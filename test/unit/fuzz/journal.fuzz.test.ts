// A run's journal cut off, garbled or shuffled: readJournal returns what it can vouch for or throws
// a one-line CorruptJournalError naming the file and line, never anything else.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunEvent } from "../../../src/run/events.js";
import { recordProblem } from "../../../src/run/journal-record.js";
import { CorruptJournalError, readJournal, type JournalContents } from "../../../src/run/journal.js";
import { applyAll, assertErrorType, assertReadable, check, garbage, mutations } from "./fuzz.js";

const RUN_ID = "20261122T230000Z-abcd";
const at = (i: number) => new Date(Date.UTC(2026, 10, 22, 23, 0, i)).toISOString();
const RECORDS: RunEvent[] = [
  {
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
  },
  { type: "node-start", node: "pve1" },
  { type: "step-start", node: "pve1", step: "reboot-if-needed" },
  {
    type: "action",
    node: "pve1",
    step: "reboot-if-needed",
    action: "reboot",
    phase: "before",
    detail: { node: "pve1", bootIdBefore: "7c1e" },
  },
  { type: "step-progress", node: "pve1", step: "gluster-heal", message: "waiting for gluster-healed: 205 entries pending" },
  { type: "step-end", node: "pve1", step: "gluster-heal", status: "ok" },
  { type: "node-end", node: "pve1", status: "done" },
  { type: "run-end", outcome: "success", exitCode: 0, message: "upgraded pve1", humanAction: null, maintenanceLeftOn: [] },
].map((body, i) => ({ ...body, time: at(i) }) as unknown as RunEvent);
const JOURNAL = RECORDS.map((r) => `${JSON.stringify(r)}\n`).join("");

let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "rollgate-fuzz-journal-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** readJournal of `text`: its contents, or the message of the CorruptJournalError it threw. */
async function read(text: string): Promise<JournalContents | string> {
  const file = path.join(dir, "run.jsonl");
  await writeFile(file, text);
  try {
    const contents = await readJournal(file);
    if (contents === null) throw new Error("readJournal found no file it had just been given");
    return contents;
  } catch (error) {
    assertErrorType(error, CorruptJournalError);
    assertReadable(error.message);
    return error.message;
  }
}

/** Whether `cut` falls right after a record, before its newline. */
function isWholeLineEnd(cut: number): boolean {
  let end = 0;
  return RECORDS.some((r) => (end += JSON.stringify(r).length + 1) - 1 === cut);
}

/** What a readable result must be: records only, the run-start first. */
function assertRecords(contents: JournalContents): void {
  for (const event of contents.events) expect(recordProblem(event)).toBeNull();
  if (contents.events.length > 0) expect(contents.events[0]?.type).toBe("run-start");
}

describe("the journal reader, fed bad journals", () => {
  it("a journal cut off at any byte reads as its whole records, a record cut short reported", async () => {
    await check("journal: cut anywhere", 50, fc.nat({ max: JOURNAL.length }), async (cut) => {
      const result = await read(JOURNAL.slice(0, cut));
      if (typeof result === "string") throw new Error(`a cut journal was refused: ${result}`);
      // A record whose newline was cut off is whole still, and read (journal.ts).
      let end = 0;
      const whole = RECORDS.filter((r) => (end += JSON.stringify(r).length + 1) - 1 <= cut);
      expect(result.events).toEqual(whole);
      expect(result.truncated).toBe(cut > 0 && JOURNAL[cut - 1] !== "\n" && !isWholeLineEnd(cut));
    });
  });

  it("line, number and byte mutations: records or a CorruptJournalError", async () => {
    await check("journal: mutations", 80, mutations(4), async (ms) => {
      const result = await read(applyAll(JOURNAL, ms));
      if (typeof result !== "string") assertRecords(result);
    });
  });

  it("a field of a record replaced by any JSON value", async () => {
    const keyed = fc.tuple(fc.nat({ max: RECORDS.length - 1 }), fc.nat(), fc.oneof(fc.jsonValue(), garbage));
    await check("journal: field values", 80, keyed, async ([line, keyIndex, value]) => {
      const records: Array<Record<string, unknown>> = RECORDS.map((r) => ({ ...r }));
      const record = records[line]!;
      const keys = Object.keys(record);
      record[keys[keyIndex % keys.length]!] = value;
      const result = await read(records.map((r) => `${JSON.stringify(r)}\n`).join(""));
      if (typeof result !== "string") assertRecords(result);
    });
  });

  it("a record type holding a newline is quoted on one line (found by the field-values property, seed 7)", async () => {
    const bad = { ...RECORDS[1], type: "...\n" };
    const result = await read(`${JSON.stringify(RECORDS[0])}\n${JSON.stringify(bad)}\n`);
    expect(result).toMatch(/run\.jsonl:2: not a journal record: .*; "\.\.\.\\n" is not a kind of record$/);
  });

  it("records shuffled, dropped and repeated", async () => {
    const order = fc.array(fc.nat({ max: RECORDS.length - 1 }), { maxLength: 12 });
    await check("journal: reordered", 60, order, async (picks) => {
      const result = await read(picks.map((i) => `${JSON.stringify(RECORDS[i])}\n`).join(""));
      if (typeof result === "string") expect(result).toMatch(/run-start/);
      else assertRecords(result);
    });
  });
});
