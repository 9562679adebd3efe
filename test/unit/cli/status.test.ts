// `rollgate status` as a sysadmin reads it the morning after: what needs a human first, then
// node by node and step by step with times; `--json` for scripts.

import { spawn } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import os, { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { RunEvent, RunEventBody } from "../../../src/run/events.js";
import { Journal } from "../../../src/run/journal.js";
import { acquireLock } from "../../../src/run/lock.js";
import { runCli } from "../../helpers/cli.js";
import { EventScript, failedRun, HEAL_ACTION } from "../../helpers/run-events.js";
import { EXAMPLE } from "../config/example.js";

const RUN_ID = "20261122T225000Z-3fa2";
const tmp = () => mkdtemp(path.join(tmpdir(), "rollgate-status-"));

/** A journal directory holding one run made of `events`, under the run id RUN_ID. */
async function journalWith(events: RunEvent[], dir?: string): Promise<string> {
  const journalDir = dir ?? (await tmp());
  const journal = await Journal.create(journalDir, RUN_ID);
  for (const event of events) journal.append(event.type === "run-start" ? { ...event, runId: RUN_ID } : event);
  journal.close();
  return journalDir;
}

/** pve1 put in maintenance, then the process was killed while asking it to reboot. */
function killedMidReboot(pid: number): RunEvent[] {
  const script = new EventScript()
    .emit(
      {
        type: "run-start",
        runId: RUN_ID,
        cluster: "storehouse",
        configFile: "/etc/rollgate/cluster.yaml",
        playbook: "proxmox-gluster",
        order: ["pve1", "pve2"],
        dryRun: false,
        resumes: null,
        pid,
        host: os.hostname(),
      },
      0,
    )
    .emit({ type: "node-start", node: "pve1", index: 1, total: 2 })
    .emit({ type: "step-start", node: "pve1", step: "maintenance-on", title: "Put the node in HA maintenance mode" });
  const maintenance: RunEventBody = {
    type: "action",
    node: "pve1",
    step: "maintenance-on",
    action: "maintenance-on",
    phase: "before",
    detail: { node: "pve1" },
  };
  return script
    .emit(maintenance)
    .emit({ ...maintenance, phase: "after", ok: true })
    .emit({ type: "step-end", node: "pve1", step: "maintenance-on", status: "ok", message: "HA manager reports pve1 maintenance" })
    .emit({ type: "step-start", node: "pve1", step: "reboot-if-needed", title: "Reboot if a new kernel is installed" })
    .emit({
      type: "action",
      node: "pve1",
      step: "reboot-if-needed",
      action: "reboot",
      phase: "before",
      detail: { node: "pve1", bootIdBefore: "7c1e5a90", kernelAfter: "6.8.12-5-pve" },
    }).events;
}

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""]);
  await new Promise((resolve) => child.on("exit", resolve));
  if (child.pid === undefined) throw new Error("node did not start");
  return child.pid;
}

describe("rollgate status", () => {
  it("shows a failed run: the node left in maintenance and where it stopped first, then every step with times", async () => {
    const dir = await journalWith(failedRun());
    const run = await runCli(["status", "--journal-dir", dir]);
    expect(run).toMatchObject({ exitCode: 0, stderr: "" });
    const failure = "gluster-healed still refuses after 2 h: gv0 pve2:/data/brick/gv0: 205 entries pending";
    expect(run.stdout.split("\n")).toEqual([
      `Run ${RUN_ID} on cluster storehouse (playbook proxmox-gluster, from ops1)`,
      "started 2026-11-22 22:50:00 UTC, ended 2026-11-22 22:51:23 UTC after 83s",
      `outcome: failed (exit 4): ${failure}`,
      "",
      "! pve1 is still in HA maintenance mode: this run put it there and the journal does not show it taken out. Once pve1 is healthy, `rollgate upgrade --resume` takes it out; by hand: `ha-manager crm-command node-maintenance disable pve1`",
      "! stopped while working on pve1 (step gluster-heal); it had been changed",
      `ACTION REQUIRED: ${HEAL_ACTION}`,
      "",
      "preflight",
      "  22:50:02     2s  ok       quorum           quorum passes",
      "  22:50:05     2s  ok       gluster-healed   gluster-healed passes",
      "",
      `pve1  failed  22:50:08 → 22:51:19 (71s): ${failure}`,
      "  22:50:09     1s  ok       preflight-gates  quorum passes, gluster-healed passes",
      "  22:50:11     1s  skipped  evacuate         no running guests on the node",
      "  22:50:13     3s  ok       maintenance-on   pve1 is in maintenance",
      `  22:50:17    61s  FAILED   gluster-heal     ${failure}`,
      "                                             last progress: waiting for gluster-healed: gv0 pve2:/data/brick/gv0: 205 entries pending",
      "",
      "pve2  pending",
      "",
      "finally",
      "  22:51:21     1s  ok       summary          failed on pve1 at gluster-heal; left to upgrade: pve1, pve2; no node was upgraded",
      "",
    ]);
  });

  it("--json prints the run summary", async () => {
    const dir = await journalWith(failedRun());
    const run = await runCli(["status", "--journal-dir", dir, "--json"]);
    expect(run.exitCode).toBe(0);
    const json = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(json).toMatchObject({
      runId: RUN_ID,
      cluster: "storehouse",
      outcome: "failed",
      exitCode: 4,
      humanAction: HEAL_ACTION,
      maintenanceOn: ["pve1"],
      nodesDone: [],
      inFlight: { node: "pve1", status: "failed", lastStep: "gluster-heal", touched: true, unfinishedAction: null, reboot: null },
      journalFile: path.join(dir, "runs", `${RUN_ID}.jsonl`),
      truncated: false,
      lock: { kind: "free" },
    });
    expect((json["nodes"] as Array<{ node: string; status: string }>).map((n) => `${n.node}:${n.status}`)).toEqual([
      "pve1:failed",
      "pve2:pending",
    ]);
  });

  it("a killed run: the stale lock, the reboot whose result was never recorded, and the boot id to compare", async () => {
    const pid = await deadPid();
    const dir = await journalWith(killedMidReboot(pid));
    await acquireLock(dir, { runId: RUN_ID, pid, host: os.hostname(), command: "upgrade" });
    const { stdout } = await runCli(["status", "--journal-dir", dir]);
    expect(stdout).toContain(
      `did not finish: PID ${pid} on ${os.hostname()} is gone without recording an outcome (killed?); the lock it left is stale`,
    );
    expect(stdout).toContain("! pve1 is still in HA maintenance mode");
    expect(stdout).toContain("! stopped while working on pve1 (step reboot-if-needed); it had been changed");
    expect(stdout).toContain(
      "! reboot on pve1 was started at 22:50:07 and its result never recorded: it may or may not have happened; it rebooted if its /proc/sys/kernel/random/boot_id is no longer 7c1e5a90",
    );
    expect(stdout).toContain(
      `! the lock of run ${RUN_ID} is stale (PID ${pid} on ${os.hostname()} is gone): once the cluster is checked, clear it with \`rollgate upgrade --break-stale-lock\``,
    );
    expect(stdout).toMatch(/^ {2}22:50:06 {9}NO END {3}reboot-if-needed {2}Reboot if a new kernel is installed$/m);
  });

  it("a run in progress: says so with the lock holder's PID, and nothing is called stopped", async () => {
    const dir = await journalWith(killedMidReboot(process.pid));
    const lock = await acquireLock(dir, { runId: RUN_ID, pid: process.pid, host: os.hostname(), command: "upgrade" });
    try {
      const { stdout } = await runCli(["status", "--journal-dir", dir]);
      expect(stdout).toContain(`in progress: PID ${process.pid} on ${os.hostname()} holds the lock`);
      expect(stdout).toContain("working on pve1 (step reboot-if-needed)");
      expect(stdout).toContain("pve1 is in HA maintenance mode while the run works on it");
      expect(stdout).not.toMatch(/^!/m);
      expect(stdout).toMatch(/^ {2}22:50:06 {9}running {2}reboot-if-needed/m);
    } finally {
      await lock.release();
    }
  });

  it("a run whose lock is held from another host: cannot tell whether it runs, says so", async () => {
    const dir = await journalWith(killedMidReboot(4242));
    await writeFile(
      path.join(dir, "lock"),
      JSON.stringify({ pid: 4242, host: "ops2.example", runId: RUN_ID, startedAt: "2026-11-22T22:50:00.000Z", command: "upgrade" }),
      { mode: 0o600 },
    );
    const { stdout } = await runCli(["status", "--journal-dir", dir]);
    expect(stdout).toContain("not finished: PID 4242 on ops2.example holds the lock; whether it still runs cannot be told from this host");
    expect(stdout).toContain("! last recorded working on pve1 (step reboot-if-needed)");
    expect(stdout).toMatch(/^ {2}22:50:06 {9}running {2}reboot-if-needed/m);
  });

  it("finds the journal through cluster.yaml without needing the API token, and picks a run with --run", async () => {
    const root = await tmp();
    const config = path.join(root, "cluster.yaml");
    // EXAMPLE names a token secret file that does not exist: status must not need it.
    await writeFile(config, `${EXAMPLE}journal:\n  dir: journal\n`, { mode: 0o600 });
    await journalWith(failedRun(), path.join(root, "journal"));
    const run = await runCli(["status", "-c", config, "--run", RUN_ID]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(`Run ${RUN_ID} on cluster storehouse`);
  });

  it("with no run recorded yet: exit 0 and says where it looked", async () => {
    const dir = path.join(await tmp(), "never-used");
    expect(await runCli(["status", "--journal-dir", dir])).toMatchObject({ exitCode: 0, stdout: `no run recorded in ${dir}\n` });
    expect(await runCli(["status", "--journal-dir", dir, "--json"])).toMatchObject({ exitCode: 0, stdout: "null\n" });
  });

  it("says when the last record was cut off by a crash", async () => {
    const dir = await journalWith(failedRun().slice(0, 10));
    await writeFile(path.join(dir, "runs", `${RUN_ID}.jsonl`), '{"type":"step-st', { flag: "a" });
    const { stdout } = await runCli(["status", "--journal-dir", dir]);
    expect(stdout).toContain("(the journal's last record was cut off: the process died while writing it;");
    expect(stdout).toContain("did not finish: the run ended without recording an outcome (killed?)");
  });

  it("usage errors (exit 2): a bad or unknown --run, a damaged journal", async () => {
    const dir = await journalWith(failedRun());
    expect(await runCli(["status", "--journal-dir", dir, "--run", "../../etc/passwd"])).toMatchObject({
      exitCode: 2,
      stderr: expect.stringContaining("--run ../../etc/passwd: not a run id"),
    });
    expect(await runCli(["status", "--journal-dir", dir, "--run", "20261122T225000Z-0000"])).toMatchObject({
      exitCode: 2,
      stderr: expect.stringContaining(`no run 20261122T225000Z-0000 recorded in ${dir}`),
    });
    await writeFile(path.join(dir, "runs", `${RUN_ID}.jsonl`), "garbage\n", { flag: "a" });
    await writeFile(path.join(dir, "runs", `${RUN_ID}.jsonl`), '{"type":"phase","phase":"finally","time":"2026-11-22T23:00:00Z"}\n', {
      flag: "a",
    });
    const damaged = await runCli(["status", "--journal-dir", dir]);
    expect(damaged.exitCode).toBe(2);
    expect(damaged.stderr).toMatch(/\.jsonl:\d+: not a journal record: "garbage"/);
  });

  it("a run file with nothing recorded: exit 2 naming it, unless its run holds the lock and is just starting", async () => {
    const dir = await tmp();
    (await Journal.create(dir, RUN_ID)).close();
    const file = path.join(dir, "runs", `${RUN_ID}.jsonl`);
    const stopped = await runCli(["status", "--journal-dir", dir]);
    expect(stopped).toMatchObject({ exitCode: 2, stdout: "" });
    expect(stopped.stderr).toMatch(new RegExp(`^rollgate: cannot show the run: its journal cannot be read: ${file} is empty .*--fresh`));
    const lock = await acquireLock(dir, { runId: RUN_ID, pid: process.pid, host: os.hostname(), command: "upgrade" });
    try {
      const starting = await runCli(["status", "--journal-dir", dir]);
      const since = `${lock.info.startedAt.slice(0, 10)} ${lock.info.startedAt.slice(11, 19)} UTC`;
      expect(starting).toEqual({
        exitCode: 0,
        stdout: [
          `a run started at ${since} on host ${os.hostname()} (PID ${process.pid}) is running now, upgrading no node at the moment`,
          "",
          `run ${RUN_ID} is starting: PID ${process.pid} on ${os.hostname()} holds the lock and it has recorded nothing yet`,
          "",
        ].join("\n"),
        stderr: "",
      });
    } finally {
      await lock.release();
    }
  });

  it("gives no advice about a node another run is upgrading now: says that run first, and points at it instead", async () => {
    const dir = await journalWith(failedRun());
    const live = "20261123T010000Z-0001";
    const journal = await Journal.create(dir, live);
    for (const event of killedMidReboot(process.pid)) journal.append(event.type === "run-start" ? { ...event, runId: live } : event);
    journal.close();
    const lock = await acquireLock(dir, { runId: live, pid: process.pid, host: os.hostname(), command: "upgrade" });
    try {
      const { stdout } = await runCli(["status", "--journal-dir", dir, "--run", RUN_ID]);
      const lines = stdout.split("\n");
      expect(lines[0]).toMatch(
        new RegExp(
          `^a run started at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC on host ${os.hostname()} \\(PID ${process.pid}\\) is upgrading pve1 now \\(step reboot-if-needed\\)$`,
        ),
      );
      expect(lines[2]).toBe(`Run ${RUN_ID} on cluster storehouse (playbook proxmox-gluster, from ops1)`);
      // The old run left pve1 in maintenance and stopped on it: that advice would fight the live run.
      expect(stdout).not.toContain("node-maintenance disable pve1");
      expect(stdout).not.toContain("! stopped while working on pve1");
      expect(
        lines.filter((line) => line === "pve1 is being upgraded by the live run above; wait for it or see `rollgate status`"),
      ).toHaveLength(1);
      expect(stdout).toContain(`ACTION REQUIRED: ${HEAL_ACTION}`);
      expect(stdout).toContain(`another run, ${live}, holds the lock now`);
      const json = JSON.parse((await runCli(["status", "--journal-dir", dir, "--run", RUN_ID, "--json"])).stdout) as {
        maintenanceOn: string[];
        otherRuns: unknown;
      };
      expect(json.maintenanceOn).toEqual(["pve1"]);
      expect(json.otherRuns).toEqual({
        runs: [expect.objectContaining({ liveness: "live", runId: live, working: { node: "pve1", step: "reboot-if-needed" } })],
        unknown: [],
      });
    } finally {
      await lock.release();
    }
  });

  it("mentions another run's lock", async () => {
    const dir = await journalWith(failedRun());
    const lock = await acquireLock(dir, { runId: "20261123T010000Z-0001", pid: process.pid, host: os.hostname(), command: "upgrade" });
    try {
      const { stdout } = await runCli(["status", "--journal-dir", dir]);
      expect(stdout).toContain(`another run, 20261123T010000Z-0001, holds the lock now: PID ${process.pid}`);
      expect(stdout).toContain(`outcome: failed (exit 4)`);
    } finally {
      await lock.release();
    }
  });
});

describe("status --list", () => {
  it("lists a journal file it cannot read with what is wrong, beside the runs it can, and says when there is none", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "rollgate-list-"));
    expect((await runCli(["status", "--journal-dir", dir, "--list"])).stdout).toBe("no run recorded\n");
    const journal = await Journal.create(dir, "20261101T010000Z-aaaa");
    for (const body of failedRun()) journal.append({ ...body, time: "2026-11-01T01:00:05.000Z" });
    journal.close();
    await writeFile(path.join(dir, "runs", "20261102T010000Z-bbbb.jsonl"), "not json\n");
    const listed = await runCli(["status", "--journal-dir", dir, "--list", "--no-color"]);
    expect(listed.exitCode).toBe(0);
    const [, newest, oldest] = listed.stdout.trimEnd().split("\n");
    expect(newest).toMatch(/^20261102T010000Z-bbbb\s+unreadable\s+.*20261102T010000Z-bbbb\.jsonl:1: not a journal record/);
    expect(oldest).toMatch(/^20261101T010000Z-aaaa\s+2026-11-01 01:00:05 UTC\s+\S+\s+failed \(exit 4\)/);
  });
});
