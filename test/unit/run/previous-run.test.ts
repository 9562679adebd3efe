// What the last run means for the next upgrade: a run that did not finish must be resumed or
// deliberately started over; a journal that cannot be read is named with what is wrong and what to
// do, never a stack trace; --fresh reads nothing, so no state of the old files can stop it.

import { appendFileSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { RunEvent } from "../../../src/run/events.js";
import { CorruptJournalError, currentFile, Journal, runFile } from "../../../src/run/journal.js";
import { JournalDirError } from "../../../src/run/journal-dir.js";
import { judgeLastRun, nextRun, readRun, unreadableRunError, type RecordedRun, type UnreadableRun } from "../../../src/run/previous-run.js";
import { ExitCode, NodeOutOfServiceError, UsageError } from "../../../src/util/errors.js";
import { BROKEN_RUN_ID, brokenJournals } from "../../helpers/broken-journals.js";
import { clearRefusals, refuse } from "../../helpers/fs-refusals.js";
import { failedRun, refusedRun, successfulRun } from "../../helpers/run-events.js";

vi.mock("node:fs/promises", async (original) => (await import("../../helpers/fs-refusals.js")).withRefusals(await original()));
afterEach(clearRefusals);

const RUN_ID = "20261122T225000Z-3fa2";
const tmp = () => mkdtemp(path.join(tmpdir(), "rollgate-previous-"));

async function journalWith(events: RunEvent[]): Promise<string> {
  const dir = await tmp();
  const journal = await Journal.create(dir, RUN_ID);
  for (const event of events) journal.append(event);
  journal.close();
  return dir;
}

const readable = (events: RunEvent[]): RecordedRun => ({
  kind: "readable",
  runId: RUN_ID,
  file: `/j/runs/${RUN_ID}.jsonl`,
  journal: { events, truncated: false },
});
const unreadable: UnreadableRun = {
  kind: "unreadable",
  runId: RUN_ID,
  problem: `/j/runs/${RUN_ID}.jsonl:2: not a journal record: "garbage"; it is not JSON`,
  nothingRecorded: false,
};
/** A run stopped on SIGTERM while working on pve1. */
const interrupted = failedRun().map((e) => (e.type === "run-end" ? { ...e, outcome: "interrupted" as const, exitCode: 6 } : e));

function thrown(judge: () => unknown): Error {
  try {
    judge();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(ExitCode.usage);
    return error as Error;
  }
  throw new Error("expected the judgement to refuse");
}

describe("readRun", () => {
  it("finds no run where none was recorded, and the latest run's records where one was", async () => {
    expect(await readRun(path.join(await tmp(), "never-used"))).toEqual({ kind: "none" });
    const dir = await journalWith(successfulRun());
    const file = runFile(dir, RUN_ID);
    expect(await readRun(dir)).toEqual({ kind: "readable", runId: RUN_ID, file, journal: { events: successfulRun(), truncated: false } });
  });

  it("keeps a run whose last line was torn by a crash readable, and says it was", async () => {
    const dir = await journalWith(failedRun().slice(0, 10));
    appendFileSync(runFile(dir, RUN_ID), '{"type":"step-st');
    expect(await readRun(dir)).toMatchObject({ kind: "readable", journal: { events: failedRun().slice(0, 10), truncated: true } });
  });

  it.each(brokenJournals)("$name: unreadable, naming the file and what is wrong", async (broken) => {
    const dir = await tmp();
    await broken.make(dir);
    const run = await readRun(dir);
    expect(run.kind).toBe("unreadable");
    for (const mention of broken.mentions(dir)) expect((run as UnreadableRun).problem).toContain(mention);
  });

  it("a run file or current this user may not read: unreadable, naming it", async () => {
    const dir = await journalWith(successfulRun());
    refuse("readFile", runFile(dir, RUN_ID));
    expect(await readRun(dir)).toEqual({
      kind: "unreadable",
      runId: RUN_ID,
      problem: `cannot read ${runFile(dir, RUN_ID)}: permission denied (EACCES)`,
      nothingRecorded: false,
    });
    refuse("readFile", currentFile(dir));
    expect(await readRun(dir)).toEqual({
      kind: "unreadable",
      runId: null,
      problem: `cannot read ${currentFile(dir)}: permission denied (EACCES)`,
      nothingRecorded: false,
    });
  });

  it("tells a run file with nothing recorded yet (its run may be starting) from other damage", async () => {
    const dir = await tmp();
    await brokenJournals[0]!.make(dir);
    expect(await readRun(dir)).toMatchObject({ kind: "unreadable", runId: BROKEN_RUN_ID, nothingRecorded: true });
    await brokenJournals[4]!.make(dir);
    expect(await readRun(dir)).toMatchObject({ kind: "unreadable", nothingRecorded: false });
  });

  it("a run named (status --run) has none when it has no file, and is read like the latest otherwise", async () => {
    const dir = await journalWith(successfulRun());
    expect(await readRun(dir, "20261122T225000Z-0000")).toEqual({ kind: "none" });
    expect(await readRun(dir, RUN_ID)).toMatchObject({ kind: "readable", runId: RUN_ID });
    await writeFile(runFile(dir, RUN_ID), "");
    expect(await readRun(dir, RUN_ID)).toMatchObject({ kind: "unreadable", runId: RUN_ID, nothingRecorded: true });
  });

  it("throws JournalDirError (exit 2) for a journal directory that cannot be read, naming it and why", async () => {
    const root = await tmp();
    const file = path.join(root, "journal");
    await writeFile(file, "");
    const cases: Array<[string, string]> = [
      [file, "is a file, not a directory; set journal.dir"],
      ["/dev/null", "is a device, not a directory; set journal.dir"],
      [path.join(file, "rollgate"), "cannot be used: a parent in the path is not a directory (ENOTDIR)"],
      [root, "cannot be read: permission denied (EACCES); the journal is private to the user who runs upgrades: run rollgate as that user"],
    ];
    refuse("access", root);
    for (const [dir, problem] of cases) {
      const error = await readRun(dir).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(JournalDirError);
      expect((error as JournalDirError).exitCode).toBe(ExitCode.usage);
      expect((error as Error).message).toContain(`the journal directory ${dir} ${problem}`);
    }
  });
});

describe("judgeLastRun", () => {
  it("starts a new run when there is no run, or the last one finished", () => {
    // A refusal is finished too: it stopped with every node in service, there is nothing to continue.
    for (const last of [{ kind: "none" } as const, readable(successfulRun()), readable(refusedRun())]) {
      expect(judgeLastRun(last, "upgrade")).toEqual({ resume: null, notice: null });
      expect(judgeLastRun(last, "resume")).toEqual({ resume: null, notice: "nothing to resume; starting a new run" });
    }
  });

  it.each([
    ["was killed (no end recorded)", failedRun().slice(0, 12), "pve1 (last step: evacuate)"],
    ["was killed before any node", failedRun().slice(0, 3), "before any node"],
  ])("continues a run that %s only when asked (--resume), from the file that was read", (_, events, where) => {
    expect(judgeLastRun(readable(events), "resume")).toEqual({ resume: { runId: RUN_ID, events }, notice: null });
    expect(thrown(() => judgeLastRun(readable(events), "upgrade")).message).toBe(
      `an earlier run (${RUN_ID}) did not finish; it stopped at ${where}. \`rollgate status\` shows it. Continue it with --resume, or, once the cluster is checked, start over with --fresh.`,
    );
  });

  it.each([
    ["failed", failedRun()],
    ["was interrupted", interrupted],
  ])("a run that %s with pve1 in maintenance: a plain upgrade says pve1 is out of service (exit 4)", (_, events) => {
    expect(judgeLastRun(readable(events), "resume")).toEqual({ resume: { runId: RUN_ID, events }, notice: null });
    let refusal: unknown = null;
    try {
      judgeLastRun(readable(events), "upgrade");
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(NodeOutOfServiceError);
    expect((refusal as NodeOutOfServiceError).exitCode).toBe(ExitCode.nodeOutOfService);
    expect((refusal as Error).message).toBe(
      `an earlier run (${RUN_ID}) did not finish and left pve1 out of service; it stopped at pve1 (last step: gluster-heal). \`rollgate status\` shows it. Continue it with --resume (it re-checks the cluster from live state), or bring pve1 back by hand and start over with --fresh.`,
    );
  });

  it("refuses a journal that cannot be read, naming it, saying it cannot tell what that run did, and pointing to --fresh", () => {
    const plain = thrown(() => judgeLastRun(unreadable, "upgrade"));
    expect(plain).toBeInstanceOf(CorruptJournalError);
    expect(plain.message).toBe(
      `the last run's journal cannot be read: ${unreadable.problem}. Whether that run changed the cluster cannot be told from it: check \`rollgate status\` and the cluster, then start a new run with \`rollgate upgrade --fresh\`, which does not read the old journal`,
    );
    expect(plain.message).not.toMatch(/nothing was (touched|changed)/);
    expect(thrown(() => judgeLastRun(unreadable, "resume")).message).toBe(
      `cannot resume: the last run's journal cannot be read: ${unreadable.problem}. Check \`rollgate status\` and the cluster, then start a new run with \`rollgate upgrade --fresh\`, which does not read the old journal`,
    );
  });

  it("for status, the same explanation with advice that does not send it back to status", () => {
    const message = unreadableRunError(unreadable, "status").message;
    expect(message).toBe(
      `cannot show the run: its journal cannot be read: ${unreadable.problem}. Whether it changed the cluster cannot be told from it: check the cluster (\`rollgate check\`), then start a new run with \`rollgate upgrade --fresh\`, which does not read the old journal`,
    );
  });
});

describe("nextRun", () => {
  it("--fresh reads nothing at all: not even a journal directory that is /dev/null", async () => {
    expect(await nextRun("/dev/null", "fresh")).toEqual({ resume: null, notice: null });
    const dir = await tmp();
    await brokenJournals[2]!.make(dir);
    refuse("readFile", dir);
    expect(await nextRun(dir, "fresh")).toEqual({ resume: null, notice: null });
  });

  it("reads the last run and judges it otherwise", async () => {
    const dir = await journalWith(failedRun());
    expect(await nextRun(dir, "resume")).toEqual({ resume: { runId: RUN_ID, events: failedRun() }, notice: null });
    await expect(nextRun(dir, "upgrade")).rejects.toThrow(/^an earlier run \(20261122T225000Z-3fa2\) did not finish/);
    const broken = await tmp();
    await brokenJournals[0]!.make(broken);
    await expect(nextRun(broken, "upgrade")).rejects.toThrow(
      new RegExp(`^the last run's journal cannot be read: ${runFile(broken, BROKEN_RUN_ID)} is empty`),
    );
  });
});
