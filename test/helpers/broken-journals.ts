// Every way found of leaving a journal directory whose last run cannot be read, each with what the
// explanation must mention. Shared by the module tests (src/run/previous-run.ts) and the CLI tests.

import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { currentFile, runFile } from "../../src/run/journal.js";

export const BROKEN_RUN_ID = "20261122T230000Z-dead";

const start = {
  type: "run-start",
  runId: BROKEN_RUN_ID,
  cluster: "lab",
  configFile: "/etc/rollgate/cluster.yaml",
  playbook: "proxmox-gluster",
  order: ["pve3", "pve1", "pve2"],
  dryRun: false,
  resumes: null,
  pid: 42,
  host: "ops1",
  time: "2026-11-22T23:00:00.000Z",
};
const progress = { type: "step-progress", node: "pve3", step: "gluster-heal", message: "waiting", time: "2026-11-22T23:00:01.000Z" };
const line = (record: object) => `${JSON.stringify(record)}\n`;

export interface BrokenJournal {
  name: string;
  /** Leaves the journal directory `dir` (made if missing) in this state. */
  make(dir: string): Promise<void>;
  /** What an explanation of it must contain: the file, and what is wrong with it. */
  mentions(dir: string): string[];
}

/** `current` names the run; its file holds `contents`, or nothing at all when it is null. */
async function lastRun(dir: string, contents: string | null): Promise<void> {
  await mkdir(path.join(dir, "runs"), { recursive: true, mode: 0o700 });
  await writeFile(currentFile(dir), `${BROKEN_RUN_ID}\n`, { mode: 0o600 });
  if (contents !== null) await writeFile(runFile(dir, BROKEN_RUN_ID), contents, { mode: 0o600 });
}

const file = (dir: string) => runFile(dir, BROKEN_RUN_ID);
const without = (key: keyof typeof start) => Object.fromEntries(Object.entries(start).filter(([k]) => k !== key));

export const brokenJournals: BrokenJournal[] = [
  {
    name: "an empty run file",
    make: (dir) => lastRun(dir, ""),
    mentions: (dir) => [`${file(dir)} is empty`, "before recording its start"],
  },
  {
    name: "a run file whose only record was cut off",
    make: (dir) => lastRun(dir, '{"type":"run-st'),
    mentions: (dir) => [`${file(dir)} holds no complete record: its first was cut off`],
  },
  {
    name: "a run-start without order",
    make: (dir) => lastRun(dir, line(without("order")) + line(progress)),
    mentions: (dir) => [`${file(dir)}:1: not a journal record: `, '; a run-start record needs "order" (a list of node names)'],
  },
  {
    name: "a run-start without runId",
    make: (dir) => lastRun(dir, line(without("runId"))),
    mentions: (dir) => [`${file(dir)}:1: not a journal record: `, '; a run-start record needs "runId" (a string)'],
  },
  {
    name: "a first record that is not run-start",
    make: (dir) => lastRun(dir, line(progress)),
    mentions: (dir) => [`${file(dir)}:1: a run's journal starts with its run-start record, not step-progress`],
  },
  {
    name: "garbage in the middle",
    make: (dir) => lastRun(dir, `${line(start)}garbage\n${line(progress)}`),
    mentions: (dir) => [`${file(dir)}:2: not a journal record: "garbage"; it is not JSON`],
  },
  {
    name: "current naming a run whose file is missing",
    make: (dir) => lastRun(dir, null),
    mentions: (dir) => [`${currentFile(dir)} names run ${BROKEN_RUN_ID}, but its journal ${file(dir)} is missing`],
  },
  {
    name: "a run file that is a directory",
    make: async (dir) => {
      await lastRun(dir, null);
      await mkdir(file(dir));
    },
    mentions: (dir) => [`cannot read ${file(dir)}: it is a directory (EISDIR)`],
  },
  {
    name: "a current that names no run",
    make: async (dir) => {
      await lastRun(dir, line(start));
      await writeFile(currentFile(dir), "yesterday's\n");
    },
    mentions: (dir) => [`${currentFile(dir)} does not name a run ("yesterday's")`],
  },
];
