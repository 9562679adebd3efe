// A broken journal never wedges a run: against the lab, `upgrade`, `upgrade --resume` and `status`
// name the file and what is wrong with it (exit 2, one line, no stack trace), `upgrade --fresh`
// starts over whatever state the old files are in, and a journal directory that cannot be one is
// named with why before anything is touched.

import { readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it, type TestContext } from "vitest";
import { currentRunFile } from "../../src/run/journal.js";
import { brokenJournals } from "../helpers/broken-journals.js";
import { runCli, type CliRun } from "../helpers/cli.js";
import { startTestLab, type TestLab } from "../helpers/lab.js";

/** A lab of the test's own, stopped when it ends (some of these tests run side by side). */
async function lab(context: TestContext): Promise<TestLab> {
  const t = await startTestLab({ timeScale: 200 });
  context.onTestFinished(() => t.stop());
  return t;
}

const journalDir = (t: TestLab) => path.join(t.dir, "journal");
const upgrade = (t: TestLab, ...args: string[]) => runCli(["upgrade", "-c", t.lab.files.config, ...args]);
const status = (t: TestLab, ...args: string[]) => runCli(["status", "-c", t.lab.files.config, ...args]);
const FRESH = "start a new run with `rollgate upgrade --fresh`, which does not read the old journal";

/** Exit 2 with one line on stderr that starts with `lead` and mentions every one of `mentions`. */
function expectRefusal(run: CliRun, lead: string, mentions: string[]): void {
  expect(run.exitCode).toBe(2);
  expect(run.stdout).toBe("");
  const lines = run.stderr.trimEnd().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^rollgate: ${lead.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
  for (const mention of mentions) expect(lines[0]).toContain(mention);
}

/** Upgrades pve3 only, starting over with --fresh; the run must succeed and be what status shows next. */
async function expectFreshRun(t: TestLab): Promise<void> {
  const fresh = await upgrade(t, "--yes", "--fresh", "--nodes", "pve3");
  expect(fresh.stderr).toBe("");
  expect(fresh.exitCode).toBe(0);
  expect(t.lab.cluster.node("pve3").runningKernel).toBe(t.lab.cluster.topology.pendingKernel);
  const shown = await status(t);
  expect(shown.exitCode).toBe(0);
  expect(shown.stdout).toMatch(/outcome: success \(exit 0\): upgraded pve3/);
}

describe("a last run whose journal cannot be read", () => {
  // Concurrent: each case's --fresh run mostly waits on the lab's (scaled) clock.
  it.concurrent.for(brokenJournals)(
    "$name: upgrade and --resume refuse naming it, status explains it (exit 2), --fresh starts over",
    async (broken, context) => {
      const t = await lab(context);
      const dir = journalDir(t);
      await broken.make(dir);
      const mentions = broken.mentions(dir);

      const plain = await upgrade(t, "--yes");
      expectRefusal(plain, "the last run's journal cannot be read: ", [
        ...mentions,
        "check `rollgate status` and the cluster, then",
        FRESH,
      ]);
      expect(plain.stderr).not.toMatch(/nothing was (touched|changed)/);
      expectRefusal(await upgrade(t, "--yes", "--resume"), "cannot resume: the last run's journal cannot be read: ", [...mentions, FRESH]);
      expectRefusal(await status(t), "cannot show the run: its journal cannot be read: ", [
        ...mentions,
        "check the cluster (`rollgate check`)",
        FRESH,
      ]);
      expectRefusal(await status(t, "--json"), "cannot show the run: ", mentions);
      expect(t.lab.status().record.mutations).toEqual([]);

      await expectFreshRun(t);
    },
  );

  it("a configuration error found while connecting leaves no run behind: the next plain upgrade just runs", async (context) => {
    const t = await lab(context);
    const token = t.lab.files.token;
    await rename(token, `${token}.away`);
    const broken = await upgrade(t, "--yes");
    expect(broken.exitCode).toBe(2);
    expect(broken.stderr).toContain(`cannot read ${token}: no such file or directory (ENOENT)`);
    await rename(`${token}.away`, token);
    // The secret is read before the journal is made, so no empty run file waits for a --fresh.
    expect(await currentRunFile(journalDir(t))).toBeNull();
    expect(t.lab.status().record.mutations).toEqual([]);
    const next = await upgrade(t, "--yes", "--nodes", "pve3");
    expect(next.exitCode).toBe(0);
  });
});

describe("a journal directory that cannot be one", () => {
  const notADirectory = "set journal.dir in cluster.yaml (or --journal-dir) to a directory";
  const commands = [
    ["upgrade", "--yes"],
    ["upgrade", "--yes", "--resume"],
    ["upgrade", "--yes", "--fresh"],
    ["upgrade", "--yes", "--break-stale-lock"],
    ["status"],
  ];

  it.for([
    ["/dev/null", async () => "/dev/null", "is a device, not a directory"],
    [
      "a regular file",
      async (t: TestLab) => writeFile(path.join(t.dir, "plain"), "").then(() => path.join(t.dir, "plain")),
      "is a file, not a directory",
    ],
    // Root (as the tests run) may use any directory; what nobody gets past is a path through a file.
    // A directory this user may not use is tested with the OS's refusal faked: test/unit/run/lock.test.ts.
    [
      "a path under a regular file",
      async (t: TestLab) => t.lab.files.config + "/journal",
      "cannot be used: a parent in the path is not a directory (ENOTDIR)",
    ],
  ] as const)("--journal-dir %s: every command names it and why (exit 2), and nothing is touched", async ([, pathOf, why], context) => {
    const t = await lab(context);
    const dir = await pathOf(t);
    for (const command of commands) {
      const run = await runCli([...command, "-c", t.lab.files.config, "--journal-dir", dir]);
      expect(run).toEqual({ exitCode: 2, stdout: "", stderr: `rollgate: the journal directory ${dir} ${why}; ${notADirectory}\n` });
    }
    expect(t.lab.status().record.mutations).toEqual([]);
  });

  it("journal.dir of cluster.yaml naming a file: the same", async (context) => {
    const t = await lab(context);
    await writeFile(journalDir(t), "");
    for (const command of commands) {
      expect(await runCli([...command, "-c", t.lab.files.config])).toEqual({
        exitCode: 2,
        stdout: "",
        stderr: `rollgate: the journal directory ${journalDir(t)} is a file, not a directory; ${notADirectory}\n`,
      });
    }
    expect(t.lab.status().record.mutations).toEqual([]);
  });
});
