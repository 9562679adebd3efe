// `check`, `plan`, `status` and `upgrade --dry-run` while a real `upgrade` runs in another process
// against the same lab: each says first which node that run is upgrading, none advises touching
// that node (it refuses all the same, with the same exit code), and none changes anything: no
// mutation, and no pmxcfs write that is not the live run's own refresh. A record that stopped
// being refreshed is reported as a run that may have died; one from an older rollgate as a run
// whose node is not known.

import os from "node:os";
import path from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { busyLine } from "../../src/cli/render/live-run.js";
import { ensureBuilt, spawnCli, stopChild, type ChildCli } from "../helpers/child-cli.js";
import { runCli } from "../helpers/cli.js";
import { eventually, startTestLab, type TestLab } from "../helpers/lab.js";

const RECORD = "/etc/pve/priv/rollgate-lock.json";
const GUARD = "/etc/pve/priv/lock/rollgate";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

// The first run after a source change pays for the build.
beforeAll(ensureBuilt, 120_000);

async function lab(options: Parameters<typeof startTestLab>[0]): Promise<TestLab> {
  const t = await startTestLab(options);
  cleanups.push(() => t.stop());
  return t;
}

function child(args: string[]): ChildCli {
  const cli = spawnCli(args);
  cleanups.push(() => stopChild(cli));
  return cli;
}

const record = (t: TestLab) => JSON.parse(t.lab.cluster.pmxcfs.read(RECORD)) as Record<string, unknown>;
const stamp = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** The lines that name pve3 as a word. */
const naming = (text: string, node: string) => text.split("\n").filter((line) => new RegExp(`(?<![\\w.-])${node}(?![\\w-])`).test(line));

describe("while an upgrade runs in another process", () => {
  it("check, plan, status and --dry-run name the node it is upgrading, give no advice about it, and change nothing", async () => {
    // pve3 never comes back from its reboot: the run waits for it, in maintenance and down, for two minutes.
    const t = await lab({ scenario: "node-never-returns", timeScale: 50, timeouts: { nodeOnline: "120s" } });
    const config = t.lab.files.config;
    // Its own journal directory: the others learn of it from the cluster lock's record only, as from another host.
    const elsewhere = path.join(t.dir, "admin-a");
    const live = child(["upgrade", "--yes", "-c", config, "--journal-dir", elsewhere]);
    await eventually(
      "the run to wait for pve3, in maintenance and down",
      () => {
        const pve3 = t.lab.status().nodes.find((n) => n.name === "pve3")!;
        return (
          pve3.maintenance && pve3.power === "down" && t.lab.cluster.pmxcfs.stat(RECORD) !== null && record(t)["step"] === "wait-online"
        );
      },
      60_000,
    );
    const holder = record(t);
    expect(holder).toMatchObject({ pid: live.process.pid, node: "pve3", step: "wait-online", journalDir: elsewhere });
    const before = t.lab.status().record;

    const line = `a run started at ${stamp(holder["startedAt"] as string)} on host ${os.hostname()} (PID ${live.process.pid}) is upgrading pve3 now (step wait-online)`;
    const viaCluster = `${line}; \`rollgate status --journal-dir ${elsewhere}\` on ${os.hostname()} shows its steps`;
    const busy = busyLine("pve3");

    const check = await runCli(["check", "-c", config]);
    expect(check.exitCode, check.stderr).toBe(3);
    const checkLines = check.stdout.split("\n");
    expect(checkLines.slice(0, 2)).toEqual([viaCluster, ""]);
    expect(checkLines).toContain(`nodes-online      REFUSE  ${busy}`);
    // Every line that names pve3 is the run's, or points at it.
    expect(naming(check.stdout, "pve3").filter((l) => l !== viaCluster && !l.endsWith(busy))).toEqual([]);
    expect(check.stdout).not.toContain("node-maintenance disable pve3");

    const json = JSON.parse((await runCli(["check", "-c", config, "--json"])).stdout) as {
      pass: boolean;
      otherRuns: { runs: unknown[] };
      verdicts: Array<{ gate: string; reasons: string[] }>;
    };
    expect(json.pass).toBe(false);
    expect(json.otherRuns.runs).toEqual([
      expect.objectContaining({
        liveness: "live",
        pid: live.process.pid,
        working: { node: "pve3", step: "wait-online" },
        journalDir: elsewhere,
      }),
    ]);
    // The data stays what the gates said.
    expect(json.verdicts.find((v) => v.gate === "nodes-online")!.reasons).toContain(
      "pve3: in HA maintenance mode (left by an earlier run?): check the node, then `ha-manager crm-command node-maintenance disable pve3`",
    );

    const plan = await runCli(["plan", "-c", config]);
    expect(plan.exitCode, plan.stderr).toBe(0);
    expect(plan.stdout.split("\n").slice(0, 3)).toEqual([viaCluster, "", expect.stringMatching(/^Plan for cluster lab/)]);
    expect(plan.stdout).toContain(`nodes-online      REFUSE  ${busy}`);
    expect(plan.stdout).not.toMatch(/node-maintenance disable pve3|start glusterd on pve3|bring it back|pve3: cannot connect/);

    const status = await runCli(["status", "-c", config]);
    expect(status.exitCode, status.stderr).toBe(0);
    expect(status.stdout).toBe(`${viaCluster}\n\nno run recorded in ${path.join(t.dir, "journal")}\n`);
    // In the run's own journal directory: its lock (a live process of this host) and its journal agree with the record.
    const own = await runCli(["status", "-c", config, "--journal-dir", elsewhere]);
    expect(own.exitCode, own.stderr).toBe(0);
    const ownLines = own.stdout.split("\n");
    expect(ownLines[0]).toBe(line);
    expect(ownLines).toContain(`in progress: PID ${live.process.pid} on ${os.hostname()} holds the lock`);
    expect(ownLines).toContain("working on pve3 (step wait-online)");
    expect(own.stdout).not.toMatch(/^!/m);

    const dry = await runCli(["upgrade", "--dry-run", "-c", config]);
    expect(dry.exitCode, dry.stderr).toBe(3);
    const dryLines = dry.stdout.split("\n");
    expect(dryLines[0]).toBe(viaCluster);
    expect(dryLines.some((l) => l.endsWith(`    ${busy}`))).toBe(true);
    expect(dryLines.at(-2)).toMatch(new RegExp(`run ended: REFUSED \\(exit 3\\): .*${escaped(busy)}$`));
    // What a refusal says (a gate's reasons, under it; the step's, the node's and the run's end) names pve3 only to point at the run.
    const refusals = dryLines.filter((l) => /^\S+ {5}\S/.test(l) || /REFUSED|FAILED|ACTION REQUIRED/.test(l));
    expect(refusals.length).toBeGreaterThan(0);
    expect(naming(refusals.join("\n"), "pve3").filter((l) => !l.includes(busy))).toEqual([]);
    expect(dry.stdout).not.toContain("node-maintenance disable pve3");

    // Nothing changed: no mutation, and on pmxcfs only the live run's refreshes (its guard, its draft, its record).
    const after = t.lab.status().record;
    expect(after.mutations).toEqual(before.mutations);
    expect(after.takeDowns).toEqual(before.takeDowns);
    const since = after.pmxcfs.slice(before.pmxcfs.length);
    const draft = `${RECORD}.tmp.${holder["runId"] as string}`;
    const foreign = since.filter(
      (o) =>
        !(
          (["mkdir", "rmdir", "utime"].includes(o.op) && o.path === GUARD) ||
          (["truncate", "write"].includes(o.op) && o.path === draft) ||
          (o.op === "rename" && o.path === draft && o.to === RECORD)
        ),
    );
    expect(foreign).toEqual([]);
    const taken = since.filter((o) => o.op === "mkdir" && o.outcome === "ok").length;
    const refreshed = since.filter((o) => o.op === "rename" && o.outcome === "ok").length;
    // Each guard taken was the live run's, for one refresh (the snapshot may fall between its two).
    expect(Math.abs(taken - refreshed)).toBeLessThanOrEqual(1);
    expect(refreshed).toBeGreaterThan(0);
    expect(record(t)).toMatchObject({ runId: holder["runId"], pid: live.process.pid, node: "pve3" });
    expect(live.process.exitCode).toBeNull();
  }, 180_000);
});

describe("a cluster lock record nobody refreshes any more, or from an older rollgate", () => {
  it("stale: a run that may have died, with the node it was upgrading; its advice stays, and so do the exit codes", async () => {
    // A long lease: the record written below by hand is live until it is made old on purpose.
    const t = await lab({ timeScale: 50, timeouts: { lockLease: "60s" } });
    const config = t.lab.files.config;
    const fs = t.lab.cluster.pmxcfs;
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
    const write = (fields: Record<string, unknown>) => {
      fs.create("pve2", RECORD);
      fs.truncate("pve2", RECORD);
      fs.append("pve2", RECORD, `${JSON.stringify(fields)}\n`);
    };
    const who = "a run started at 2026-12-01 01:02:03 UTC on host ops-laptop (PID 4242)";

    write({ ...holder, node: "pve2", step: "apt-upgrade" });
    const refreshedAt = fs.wallClockSeconds() - 600;
    fs.utime("pve2", RECORD, refreshedAt);
    const stale = await runCli(["check", "-c", config]);
    // The cluster itself is healthy: the check passes, whatever the record says.
    expect(stale.exitCode, stale.stdout).toBe(0);
    expect(stale.stdout.split("\n")[0]).toBe(
      `${who} stopped refreshing its lock at ${stamp(new Date(refreshedAt * 1000).toISOString())} while upgrading pve2 (step apt-upgrade); it may have died, maybe with a node out of service: ` +
        "check `rollgate status --journal-dir /var/lib/rollgate` on ops-laptop and the cluster, then `rollgate upgrade --resume --break-stale-lock` there continues it",
    );
    const status = await runCli(["status", "-c", config]);
    expect(status.stdout.split("\n")[0]).toMatch(
      new RegExp(`^${escaped(who)} stopped refreshing its lock at .* while upgrading pve2 \\(step apt-upgrade\\); it may have died`),
    );

    // Written by an older rollgate: no node in it, and a live record.
    write(holder);
    const old = await runCli(["check", "-c", config, "--gate", "quorum"]);
    expect(old.exitCode, old.stdout).toBe(0);
    expect(old.stdout.split("\n")[0]).toBe(
      `${who} is running now; which node it is upgrading is not known (its lock does not say); \`rollgate status --journal-dir /var/lib/rollgate\` on ops-laptop shows its steps`,
    );

    expect(t.lab.status().record.mutations).toEqual([]);
    expect(t.lab.status().record.pmxcfs).toEqual([]);
  }, 60_000);
});
