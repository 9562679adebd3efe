// `status --follow` and `status --list` from a second terminal, against the lab: following a run
// shows its progress as it happens and exits with the run's exit code; a run that dies unrecorded
// is said to have died; the list shows every run, newest first.

import { mkdir, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it, type TestContext } from "vitest";
import { currentRunFile } from "../../src/run/journal.js";
import { lockFile } from "../../src/run/lock.js";
import { runCli } from "../helpers/cli.js";
import { eventually, startTestLab, type TestLab } from "../helpers/lab.js";

async function lab(context: TestContext): Promise<TestLab> {
  const t = await startTestLab({ timeScale: 200 });
  context.onTestFinished(() => t.stop());
  return t;
}

const journalDir = (t: TestLab) => path.join(t.dir, "journal");
const upgrade = (t: TestLab, ...args: string[]) => runCli(["upgrade", "-c", t.lab.files.config, "--yes", ...args]);
const status = (t: TestLab, ...args: string[]) => runCli(["status", "-c", t.lab.files.config, "--no-color", ...args]);

describe("rollgate status --follow", () => {
  it("shows a live run's nodes as they finish, then exits with the run's exit code", async (context) => {
    const t = await lab(context);
    const running = upgrade(t, "--nodes", "pve2,pve3");
    await eventually("the run to record its start", async () => (await currentRunFile(journalDir(t))) !== null, 30_000);
    const followed = await status(t, "--follow");
    const run = await running;
    expect(run.exitCode).toBe(0);
    expect(followed.stderr).toBe("");
    expect(followed.exitCode).toBe(0);
    expect(followed.stdout).toMatch(/in progress: PID \d+ on /);
    expect(followed.stdout).toContain("following run ");
    // Both nodes were upgraded while it followed; the last line is the run's end.
    const lines = followed.stdout.trimEnd().split("\n");
    expect(lines.filter((l) => /^\S+Z pve[23]: /.test(l)).length).toBeGreaterThan(0);
    expect(run.stdout.trimEnd().split("\n").at(-1)).toBe(lines.at(-1));
  });

  it("says that a run whose process is gone without recording its end died, and exits as a human must look (4)", async (context) => {
    const t = await lab(context);
    const dir = journalDir(t);
    expect((await upgrade(t, "--nodes", "pve3")).exitCode).toBe(0);
    // The journal of a run killed on pve3 after maintenance went on, and the lock its dead process left.
    const file = (await currentRunFile(dir))!;
    const events = (await readFile(file, "utf8")).trimEnd().split("\n");
    const cut = events.findIndex((line) => line.includes('"type":"action"') && line.includes("maintenance"));
    expect(cut).toBeGreaterThan(0);
    await writeFile(file, `${events.slice(0, cut + 1).join("\n")}\n`);
    const runId = path.basename(file, ".jsonl");
    await writeFile(
      lockFile(dir),
      JSON.stringify({ pid: 2 ** 22 + 1, host: os.hostname(), runId, startedAt: new Date().toISOString(), command: "upgrade" }),
    );
    const followed = await status(t, "--follow");
    expect(followed.exitCode).toBe(4);
    expect(followed.stdout).toContain(`run ${runId} is no longer running and recorded no end (killed?)`);
  });

  it("refuses --follow with --json, and --list with --follow, as usage errors", async () => {
    const dir = path.join(os.tmpdir(), `rollgate-status-${process.pid}`);
    await mkdir(dir, { recursive: true });
    for (const args of [
      ["--follow", "--json"],
      ["--list", "--follow"],
    ]) {
      const run = await runCli(["status", "--journal-dir", dir, ...args]);
      expect(run.exitCode, args.join(" ")).toBe(2);
      expect(run.stderr).toMatch(/^rollgate: --/);
    }
  });
});

describe("rollgate status --list", () => {
  it("lists every run, newest first, with its outcome and the nodes it upgraded", async (context) => {
    const t = await lab(context);
    expect((await upgrade(t, "--nodes", "pve3")).exitCode).toBe(0);
    expect((await upgrade(t, "--nodes", "pve1,pve2")).exitCode).toBe(0);
    const listed = await status(t, "--list");
    expect(listed.exitCode).toBe(0);
    const [header, newest, oldest, ...rest] = listed.stdout.trimEnd().split("\n");
    expect(rest).toEqual([]);
    expect(header).toMatch(/^RUN\s+STARTED\s+TOOK\s+OUTCOME\s+NODES/);
    expect(newest).toMatch(/success \(exit 0\)\s+2\/2\s+proxmox-gluster$/);
    expect(oldest).toMatch(/success \(exit 0\)\s+1\/1\s+proxmox-gluster$/);
    expect(newest!.split(" ")[0]! > oldest!.split(" ")[0]!).toBe(true);
    const json = JSON.parse((await status(t, "--list", "--json")).stdout) as Array<{ runId: string; summary: { nodesDone: string[] } }>;
    expect(json.map((r) => r.summary.nodesDone)).toEqual([["pve1", "pve2"], ["pve3"]]);
  });
});
