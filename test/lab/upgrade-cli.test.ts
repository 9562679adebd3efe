// `rollgate upgrade` and `rollgate status` as a user (or cron) runs them against the lab:
// unattended rules, the journal, the lock, signals and resume, the window, dry run, notifications.

import { appendFile, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { LabOptions } from "../../src/lab/lab.js";
import { currentRunFile } from "../../src/run/journal.js";
import { runCli } from "../helpers/cli.js";
import { eventually, startTestLab, type TestLab } from "../helpers/lab.js";
import { startWebhookReceiver } from "../helpers/webhook.js";

let current: TestLab | null = null;
afterEach(async () => {
  await current?.stop();
  current = null;
});

async function lab(options: Omit<LabOptions, "dir"> = {}): Promise<TestLab> {
  current = await startTestLab({ timeScale: 200, ...options });
  return current;
}

const journalDir = (t: TestLab) => path.join(t.dir, "journal");
const upgrade = (t: TestLab, ...args: string[]) => runCli(["upgrade", "-c", t.lab.files.config, ...args]);
const status = (t: TestLab, ...args: string[]) => runCli(["status", "-c", t.lab.files.config, ...args]);

describe("rollgate upgrade (at a terminal)", () => {
  it("shows the plan and changes nothing unless the answer is yes", async () => {
    const t = await lab();
    const declined = await runCli(["upgrade", "-c", t.lab.files.config], { stdinIsTTY: true, answers: ["no"] });
    expect(declined.exitCode).toBe(0);
    expect(declined.stderr).toContain("Order: pve3 → pve1 → pve2");
    expect(declined.stderr).toContain('Upgrade 3 nodes in this order? Type "yes" to start:');
    expect(declined.stderr).toContain("not confirmed; nothing was changed");
    expect(t.lab.status().record.mutations).toEqual([]);
    const accepted = await runCli(["upgrade", "-c", t.lab.files.config, "--nodes", "pve3"], { stdinIsTTY: true, answers: ["yes"] });
    expect(accepted.exitCode).toBe(0);
    expect(t.lab.cluster.node("pve3").runningKernel).toBe(t.lab.cluster.topology.pendingKernel);
    expect(t.lab.cluster.node("pve1").runningKernel).toBe(t.lab.cluster.topology.runningKernel);
  });
});

describe("rollgate upgrade (unattended)", () => {
  it("refuses to run without a terminal unless --yes is given", async () => {
    const t = await lab();
    const run = await upgrade(t);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain("stdin is not a terminal: an unattended upgrade needs --yes");
    expect(t.lab.status().record.mutations).toEqual([]);
  });

  it("a refused run's summary and status say it was refused and nothing upgraded, never that no node needed one", async () => {
    const t = await lab({ scenario: "routers-on-one-node" });
    const run = await upgrade(t, "--yes");
    expect(run.exitCode).toBe(3);
    const shown = await status(t);
    for (const output of [run.stdout, shown.stdout]) {
      expect(output).not.toContain("no node needed an upgrade");
      expect(output).toMatch(/refused before any node \(at [\w-]+\); left to upgrade: pve\d, pve\d, pve\d; no node was upgraded/);
    }
  });

  it("upgrades with plain timestamped lines, journals the run privately, and status renders it", async () => {
    const t = await lab();
    const run = await upgrade(t, "--yes");
    expect(run.exitCode).toBe(0);
    const lines = run.stdout.trim().split("\n");
    expect(lines.every((l) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ /.test(l))).toBe(true);
    expect(run.stdout).not.toMatch(/\u001b\[/);
    expect(run.stdout).toMatch(/pve3 gluster-heal: ok/);
    const file = await currentRunFile(journalDir(t));
    expect(file).not.toBeNull();
    expect((await stat(file!)).mode & 0o777).toBe(0o600);
    const shown = await status(t);
    expect(shown.exitCode).toBe(0);
    expect(shown.stdout).toMatch(/outcome: success \(exit 0\): upgraded pve3, pve1, pve2/);
    expect(shown.stdout).toMatch(/^pve1 {2}done /m);
    const json = JSON.parse((await status(t, "--json")).stdout) as { outcome: string; nodes: Array<{ status: string }> };
    expect(json.outcome).toBe("success");
    expect(json.nodes.map((n) => n.status)).toEqual(["done", "done", "done"]);
    // A second run finds nothing to do.
    const again = await upgrade(t, "--yes");
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toContain("nothing to do: every node is up to date");
  });

  it("a second concurrent run gets exit 5 and changes nothing", async () => {
    const t = await lab();
    const first = upgrade(t, "--yes");
    await eventually(
      "the first run to take the lock",
      async () => (await stat(path.join(journalDir(t), "lock")).catch(() => null)) !== null,
    );
    const second = await upgrade(t, "--yes");
    expect(second.exitCode).toBe(5);
    expect(second.stderr).toContain("another run holds the lock: PID");
    expect(second.stdout).toBe("");
    expect((await first).exitCode).toBe(0);
    expect(t.lab.status().record.maxOutOfService).toBe(1);
  });

  it("a second run from another journal directory gets exit 5 from the cluster-wide lock, naming the holder", async () => {
    const t = await lab();
    const first = upgrade(t, "--yes", "--journal-dir", path.join(t.dir, "admin-a"));
    await eventually(
      "the first run to hold the cluster lock",
      () => t.lab.cluster.pmxcfs.stat("/etc/pve/priv/rollgate-lock.json") !== null,
    );
    const second = await upgrade(t, "--yes", "--journal-dir", path.join(t.dir, "admin-b"));
    expect(second.exitCode).toBe(5);
    expect(second.stderr).toMatch(new RegExp(`another run holds the cluster lock: .*PID ${process.pid}`));
    expect(second.stderr).toContain(path.join(t.dir, "admin-a"));
    expect(second.stdout).toBe("");
    expect((await first).exitCode).toBe(0);
    const record = t.lab.status().record;
    expect(record.maxOutOfService).toBe(1);
    expect(record.unsafeTakeDowns).toEqual([]);
    // Released at the end: a later run from anywhere may start.
    expect(t.lab.cluster.pmxcfs.stat("/etc/pve/priv/rollgate-lock.json")).toBeNull();
    expect((await upgrade(t, "--yes", "--journal-dir", path.join(t.dir, "admin-b"))).exitCode).toBe(0);
  });

  it("a stale cluster lock is reported (exit 5) and only --break-stale-lock takes it", async () => {
    const t = await lab();
    const config = t.loaded.config;
    // The record of a run on another host that took the lock and vanished without releasing it.
    const record = "/etc/pve/priv/rollgate-lock.json";
    const holder = {
      runId: "20261201T010203Z-dead",
      pid: 4242,
      host: "ops-laptop",
      user: "admin",
      command: "upgrade",
      startedAt: "2026-12-01T01:02:03Z",
      journalDir: "/var/lib/rollgate",
      configFile: "/etc/rollgate/cluster.yaml",
    };
    t.lab.cluster.pmxcfs.create("pve2", record);
    t.lab.cluster.pmxcfs.append("pve2", record, `${JSON.stringify(holder)}\n`);
    const live = await upgrade(t, "--yes");
    expect(live.exitCode).toBe(5);
    expect(live.stderr).toContain("another run holds the cluster lock: PID 4242 on ops-laptop");
    await new Promise((resolve) => setTimeout(resolve, config.timeouts.lockLease + 2_000));
    const stale = await upgrade(t, "--yes");
    expect(stale.exitCode).toBe(5);
    expect(stale.stderr).toContain("the cluster lock is STALE");
    expect(stale.stderr).toContain("only `rollgate upgrade --break-stale-lock` removes it");
    expect(t.lab.status().record.mutations).toEqual([]);
    const broken = await upgrade(t, "--yes", "--break-stale-lock");
    expect(broken.exitCode).toBe(0);
    expect(broken.stderr).toContain("breaking the stale cluster lock of run 20261201T010203Z-dead (PID 4242 on ops-laptop");
  });

  it("stops at a safe point on SIGTERM (exit 6), insists on --resume, then finishes", async () => {
    const t = await lab();
    let signal: (name: NodeJS.Signals) => void = () => {};
    const interrupted = runCli(["upgrade", "-c", t.lab.files.config, "--yes"], { onStart: (send) => (signal = send) });
    await eventually("pve3 to reboot", () => t.lab.status().record.mutations.some((m) => m.action === "reboot pve3"));
    signal("SIGTERM");
    const first = await interrupted;
    expect(first.exitCode).toBe(6);
    expect(first.stderr).toContain("stopping at the next safe point");
    const shown = await status(t);
    expect(shown.stdout).toContain("! pve3 is still in HA maintenance mode");
    expect(shown.stdout).toMatch(/! stopped while working on pve3 \(step \S+\); it had been changed/);

    // pve3 is still out of service: a plain upgrade says so (4), it does not call it a usage error.
    const plain = await upgrade(t, "--yes");
    expect(plain.exitCode).toBe(4);
    expect(plain.stderr).toMatch(/did not finish and left pve3 out of service; it stopped at pve3 .* Continue it with --resume/);

    const resumed = await upgrade(t, "--yes", "--resume");
    expect(resumed.exitCode).toBe(0);
    expect(t.lab.status().record.mutations.filter((m) => m.action === "reboot pve3")).toHaveLength(1);
    expect(t.lab.status().record.maxOutOfService).toBe(1);
    expect((await status(t)).stdout).toMatch(/resumed 1×/);
  });

  it("starts no node outside --window (exit 7)", async () => {
    const t = await lab();
    const hour = new Date().getHours();
    const from = String((hour + 2) % 24).padStart(2, "0");
    const to = String((hour + 3) % 24).padStart(2, "0");
    const run = await upgrade(t, "--yes", "--window", `${from}:00-${to}:00`);
    expect(run.exitCode).toBe(7);
    expect(run.stdout).toContain(`outside the maintenance window ${from}:00-${to}:00: no node started`);
    expect(t.lab.status().record.mutations).toEqual([]);
    expect((await upgrade(t, "--yes", "--window", "25:00-26:00")).exitCode).toBe(2);
  });

  it("stops with a node out of service (exit 4): status says where and what to do", async () => {
    const t = await lab({ scenario: "node-never-returns", timeouts: { nodeOnline: "1500ms" } });
    const run = await upgrade(t, "--yes");
    expect(run.exitCode).toBe(4);
    expect(run.stdout).toContain("ACTION REQUIRED: Look at pve3's console");
    const shown = await status(t);
    expect(shown.stdout).toContain("! pve3 is still in HA maintenance mode");
    expect(shown.stdout).toContain("ACTION REQUIRED: Look at pve3's console");
  });

  it("--dry-run prints every action and changes nothing; needs no --yes and writes no journal", async () => {
    const t = await lab();
    const run = await upgrade(t, "--dry-run");
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain("would: migrate 100 (fw-a) [routers] pve1 → pve3");
    expect(run.stdout).toContain("would: ha-manager crm-command node-maintenance enable pve2");
    expect(t.lab.status().record.mutations).toEqual([]);
    expect(await currentRunFile(journalDir(t))).toBeNull();
  });

  it("--dry-run exits as the real run would: 3 in split-brain, with the refusal, changing nothing", async () => {
    const t = await lab({ scenario: "split-brain" });
    const run = await upgrade(t, "--dry-run");
    expect(run.exitCode).toBe(3);
    expect(run.stdout).toContain("entries in split-brain");
    expect(t.lab.status().record.mutations).toEqual([]);
  });

  it("--json prints one JSON event per line", async () => {
    const t = await lab();
    const run = await upgrade(t, "--yes", "--json", "--nodes", "pve3");
    expect(run.exitCode).toBe(0);
    const events = run.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { type: string; outcome?: string });
    expect(events[0]?.type).toBe("run-start");
    expect(events.at(-1)).toMatchObject({ type: "run-end", outcome: "success" });
  });

  it("notifies the webhook with the outcome", async () => {
    const hook = await startWebhookReceiver();
    try {
      const t = await lab({ scenario: "routers-on-one-node" });
      await appendFile(t.lab.files.config, `notify:\n  - { on: [refusal, failure], webhook: "http://127.0.0.1:${hook.port}/hook" }\n`);
      const run = await upgrade(t, "--yes");
      expect(run.exitCode).toBe(3);
      expect(hook.received).toEqual([expect.objectContaining({ cluster: "lab", outcome: "refused", exitCode: 3, event: "refusal" })]);
    } finally {
      await hook.close();
    }
  });

  it("notifies `start` when a run begins, with its node order, before the outcome; a dry run sends nothing", async () => {
    const hook = await startWebhookReceiver();
    try {
      const t = await lab();
      await appendFile(
        t.lab.files.config,
        `notify:\n  - { on: [start, success], webhook: "http://127.0.0.1:${hook.port}/lab-rollgate", format: ntfy }\n`,
      );
      const dry = await upgrade(t, "--dry-run", "--nodes", "pve3");
      expect(dry.exitCode).toBe(0);
      expect(hook.requests).toEqual([]);
      const run = await upgrade(t, "--yes", "--nodes", "pve3");
      expect(run.exitCode).toBe(0);
      expect(run.stderr).not.toContain("warning");
      const [start, success] = hook.requests;
      expect(hook.requests).toHaveLength(2);
      expect(start!.headers["title"]).toBe("rollgate lab: upgrade started");
      expect(start!.headers["priority"]).toBe("2");
      expect(start!.body).toMatch(/^rollgate lab: upgrade started: nodes pve3, one at a time\. Run \S+ on /);
      expect(success!.headers["title"]).toBe("rollgate lab: success (exit 0)");
    } finally {
      await hook.close();
    }
  });

  it("notifies `slow` once for a heal and once for a node taking more than factor times their estimate; the run goes on", async () => {
    const hook = await startWebhookReceiver();
    try {
      const t = await lab({ scenario: "heal-slow" });
      const config = await readFile(t.lab.files.config, "utf8");
      // The lab's cluster runs 200 times faster than a real one: its estimates say so.
      await writeFile(
        t.lab.files.config,
        config.replace("  guests: migrate\n", "  guests: migrate\n  slow: { factor: 2, heal: 200ms, node: 500ms }\n"),
      );
      await appendFile(
        t.lab.files.config,
        `notify:\n  - { on: [slow, success], webhook: "http://127.0.0.1:${hook.port}/lab-rollgate", format: ntfy }\n`,
      );
      const run = await upgrade(t, "--yes", "--nodes", "pve3");
      expect(run.exitCode).toBe(0);
      expect(run.stderr).not.toContain("warning");
      expect(hook.requests.map((r) => r.headers["title"])).toEqual([
        expect.stringMatching(/^rollgate lab: (pve3|heal after pve3) slower than expected$/),
        expect.stringMatching(/^rollgate lab: (pve3|heal after pve3) slower than expected$/),
        "rollgate lab: success (exit 0)",
      ]);
      const heal = hook.requests.find((r) => r.headers["title"] === "rollgate lab: heal after pve3 slower than expected")!;
      expect(heal.headers["priority"]).toBe("4");
      expect(heal.body).toMatch(
        /^rollgate lab: waiting longer than expected: the heal after pve3 came back has taken [\d.]+ m?s, more than 2× its estimate of 200 ms \(upgrade\.slow\)\. The run keeps waiting, at most [^,]+ \(timeouts\.heal\), and takes no other node down meanwhile\. Look at `gluster volume heal gv0 info summary` on a node/,
      );
      const node = hook.requests.find((r) => r.headers["title"] === "rollgate lab: pve3 slower than expected")!;
      expect(node.body).toMatch(
        /the upgrade of pve3 has taken [\d.]+ m?s, more than 2× its estimate of 500 ms \(upgrade\.slow\); it is at [a-z-]+\./,
      );
      // Said in the run's own output and journal too.
      expect(run.stdout).toMatch(/waiting longer than expected: the heal after pve3 came back/);
    } finally {
      await hook.close();
    }
  });

  it("pings the heartbeat at start and with /fail at a refusal, and sends ntfy the refusal as text", async () => {
    const hook = await startWebhookReceiver();
    try {
      const t = await lab({ scenario: "routers-on-one-node" });
      await appendFile(
        t.lab.files.config,
        `notify:\n  - { on: [refusal], webhook: "http://127.0.0.1:${hook.port}/lab-rollgate", format: ntfy }\n` +
          `heartbeat: { url: "http://127.0.0.1:${hook.port}/ping/4e1c" }\n`,
      );
      const run = await upgrade(t, "--yes");
      expect(run.exitCode).toBe(3);
      expect(run.stderr).not.toContain("warning");
      expect(hook.requests.map((r) => r.url)).toEqual(["/ping/4e1c/start", "/lab-rollgate", "/ping/4e1c/fail"]);
      const [start, ntfy, fail] = hook.requests;
      expect(start!.body).toMatch(/^rollgate lab: run \S+ started on /);
      expect(ntfy!.headers["title"]).toBe("rollgate lab: REFUSED (exit 3)");
      expect(ntfy!.headers["priority"]).toBe("4");
      expect(ntfy!.body).toMatch(/^rollgate lab: REFUSED \(exit 3\): .*routers/);
      expect(fail!.body).toBe(ntfy!.body);
    } finally {
      await hook.close();
    }
  });
});
