// `rollgate check` against the lab: passes on a healthy cluster and refuses, with the reason a
// sysadmin needs and exit 3, in every scenario a gate exists to catch. Never changes anything.

import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { ScenarioName } from "../../src/lab/model/scenarios.js";
import { parseHealTrendState } from "../../src/metrics/heal-trend-file.js";
import { runCli } from "../helpers/cli.js";
import { eventually, startTestLab, type TestLab } from "../helpers/lab.js";

let current: TestLab | null = null;
afterEach(async () => {
  await current?.stop();
  current = null;
});

async function lab(scenario: ScenarioName): Promise<TestLab> {
  current = await startTestLab({ scenario, timeScale: 50 });
  return current;
}

/** A node reboots (a power cut): the scenario's fault strikes it; waits until it is back in the cluster. */
async function powerCycleAndReturn(t: TestLab, node: string): Promise<void> {
  t.lab.cluster.powerCycle(node);
  await eventually(`${node} to go down`, () => t.lab.cluster.node(node).power === "down");
  // Back in corosync, Gluster and HA: the LRM reports a few rounds after the node answers.
  await eventually(
    `${node} to rejoin`,
    () => t.lab.cluster.isOnline(node) && t.lab.cluster.node(node).glusterdUp && t.lab.cluster.node(node).haStatus === "online",
  );
}

const check = (t: TestLab, ...args: string[]) => runCli(["check", "-c", t.lab.files.config, ...args]);

describe("rollgate check", () => {
  it("passes on a healthy cluster, exits 0 and changes nothing", async () => {
    const t = await lab("healthy");
    const run = await check(t);
    expect(run.stderr).toBe("");
    expect(run.exitCode).toBe(0);
    // A pass says what was seen, not only that it passed.
    expect(run.stdout).toMatch(/^quorum\s+pass\s+quorate, 3\/3 votes$/m);
    expect(run.stdout).toMatch(/^gluster-healed\s+pass\s+gv0: 0 entries on 3 bricks, no split-brain$/m);
    expect(run.stdout).not.toContain("checks passed");
    for (const gate of [
      "permissions",
      "package-sources",
      "quorum",
      "nodes-online",
      "gluster-healed",
      "critical-healthy",
      "services",
      "private-network",
    ]) {
      expect(run.stdout).toMatch(new RegExp(`^${gate}\\s+pass`, "m"));
    }
    expect(t.lab.status().record.mutations).toEqual([]);
  });

  it("--json prints one document with every verdict", async () => {
    const t = await lab("healthy");
    const run = await check(t, "--json");
    const doc = JSON.parse(run.stdout) as { pass: boolean; verdicts: Array<{ gate: string; pass: boolean }> };
    expect(doc.pass).toBe(true);
    expect(doc.verdicts.map((v) => v.gate)).toEqual([
      "permissions",
      "package-sources",
      "quorum",
      "nodes-online",
      "gluster-healed",
      "critical-healthy",
      "services",
      "private-network",
    ]);
  });

  it("--gate gluster-healed needs only SSH: it works without the API token", async () => {
    const t = await lab("healthy");
    const { rm } = await import("node:fs/promises");
    await rm(t.lab.files.token);
    const run = await check(t, "--gate", "gluster-healed");
    expect(run.exitCode).toBe(0);
    expect(t.lab.cluster.apiRequestCount).toBe(0);
    const whole = await check(t);
    expect(whole.exitCode).toBe(2);
    expect(whole.stderr).toMatch(/proxmox\.tokenSecretFile: cannot read .*pve-token/);
  });

  it("heal-slow: refuses while entries are pending after a node came back, naming brick, count and an entry", async () => {
    const t = await lab("heal-slow");
    await powerCycleAndReturn(t, "pve2");
    const run = await check(t, "--gate", "gluster-healed");
    expect(run.exitCode).toBe(3);
    expect(run.stdout).toMatch(
      /pve1:\/data\/brick\/gv0: \d+ entries pending \(e\.g\. (\/images\/\d+\/vm-\d+-disk-0\.raw|\/\.shard\/\S+)\)/,
    );
  });

  it("brick-stays-down: refuses with the brick offline", async () => {
    const t = await lab("brick-stays-down");
    await powerCycleAndReturn(t, "pve3");
    const run = await check(t, "--gate", "gluster-healed");
    expect(run.exitCode).toBe(3);
    expect(run.stdout).toContain("pve3:/data/brick/gv0: brick process is offline");
    expect(run.stdout).toMatch(
      /pve3:\/data\/brick\/gv0: not reachable from pve\d \(Transport endpoint is not connected\); entries unknown/,
    );
  });

  it("split-brain: refuses and gives the commands a human resolves it with", async () => {
    const t = await lab("split-brain");
    const run = await check(t, "--gate", "gluster-healed");
    expect(run.exitCode).toBe(3);
    expect(run.stdout).toMatch(
      /pve1:\/data\/brick\/gv0: 2 entries in split-brain \(e\.g\. \/images\/101\/vm-101-disk-0\.raw\): waiting will not resolve it: choose which copy wins, per file, with `gluster volume heal gv0 split-brain latest-mtime \/images\/101\/vm-101-disk-0\.raw`/,
    );
  });

  it("routers-on-one-node: refuses because one reboot would take both routers", async () => {
    const t = await lab("routers-on-one-node");
    const run = await check(t, "--gate", "critical-healthy");
    expect(run.exitCode).toBe(3);
    expect(run.stdout).toContain("group routers: 100 and 101 all run on pve1 (spread: true)");
    // The exact command, HA's own since HA manages the routers: a plain qm migrate would be undone.
    expect(run.stdout).toContain("move all but one: `ha-manager migrate vm:101 pve2`");
  });

  it("no-private-network-after-reboot: refuses although the node answers on its public address", async () => {
    const t = await lab("no-private-network-after-reboot");
    await powerCycleAndReturn(t, "pve1");
    const run = await check(t);
    expect(run.exitCode).toBe(3);
    expect(run.stdout).toMatch(/^nodes-online\s+pass/m);
    expect(run.stdout).toContain("pve1 → pve2 (10.10.0.2): cannot send: ping: connect: Network is unreachable");
    expect(run.stdout).toMatch(/pve2 → pve1 \(10\.10\.0\.1\): no answer/);
  });

  it("service-not-restarted: refuses with the unit that stayed down", async () => {
    const t = await lab("service-not-restarted");
    await powerCycleAndReturn(t, "pve1");
    const run = await check(t, "--gate", "services");
    expect(run.exitCode).toBe(3);
    expect(run.stdout).toContain("service celery (celery.service on pve1): inactive");
  });

  it("quorum-lost: refuses on quorum and on votes", async () => {
    const t = await lab("quorum-lost");
    const run = await check(t, "--gate", "quorum");
    expect(run.exitCode).toBe(3);
    expect(run.stdout).toContain("cluster lab is not quorate");
    expect(run.stdout).toMatch(/pvecm status on pve1: 1 of 3 expected votes, not quorate/);
  });

  it("api-flaky: an API error makes the gates that needed the answer refuse, quoting it", async () => {
    const t = await lab("api-flaky");
    const run = await check(t);
    expect(run.exitCode).toBe(3);
    expect(run.stdout).toContain("HTTP 500 Can't connect to 127.0.0.1:85 (Connection refused)");
  });

  it("a node that is down: every gate that needs it refuses, and --target checks the routers off that node", async () => {
    const t = await lab("healthy");
    const elsewhere = await check(t, "--gate", "critical-healthy-elsewhere", "--target", "pve1");
    expect(elsewhere.exitCode).toBe(3);
    expect(elsewhere.stdout).toContain("100 (fw-a) is on pve1, the node about to go down: migrate it first");
  });

  it("rejects an unknown gate or target as a usage error", async () => {
    const t = await lab("healthy");
    expect((await check(t, "--gate", "nope")).exitCode).toBe(2);
    const target = await check(t, "--target", "pve9");
    expect(target.exitCode).toBe(2);
    expect(target.stderr).toContain("--target pve9: no such node");
  });
});

describe("rollgate check --nagios", () => {
  const status = (run: { stdout: string }) => run.stdout.split("\n").filter((l) => l !== "");

  it("healthy: one OK line with perfdata, exit 0", async () => {
    const t = await lab("healthy");
    const run = await check(t, "--nagios");
    expect(run.exitCode).toBe(0);
    expect(status(run)).toEqual([
      expect.stringMatching(/^ROLLGATE OK - \d+ gates pass \| gates=\d+;;;0 gates_refusing=0;;;0 'heal gv0 pve1:/),
    ]);
  });

  it("heal-slow, a node just back: WARNING (1) while its entries heal; split-brain: CRITICAL (2)", async () => {
    const t = await lab("heal-slow");
    await powerCycleAndReturn(t, "pve2");
    const healing = await check(t, "--nagios", "--gate", "gluster-healed");
    expect(status(healing)).toEqual([expect.stringMatching(/^ROLLGATE WARNING - gluster-healed WARNING: gv0: \d+ entries pending/)]);
    expect(healing.exitCode).toBe(1);
    await t.stop();
    const split = await lab("split-brain");
    const broken = await check(split, "--nagios");
    expect(broken.exitCode).toBe(2);
    expect(status(broken)).toEqual([expect.stringMatching(/^ROLLGATE CRITICAL - .*gluster-healed CRITICAL: /)]);
  });

  it("heal-stalls: WARNING with the trend unknown at the first check, CRITICAL once no entry healed for healStall", async () => {
    current = await startTestLab({ scenario: "heal-stalls", timeScale: 50, timeouts: { healStall: "1s" } });
    const t = current;
    await powerCycleAndReturn(t, "pve2");
    // The heal drains down to the entries it cannot finish, and stays there.
    const indexes = () => [...t.lab.cluster.volume.heal.values()];
    await eventually("the heal to stall", () => {
      t.lab.cluster.advance();
      return indexes().some((i) => i.pending > 0) && indexes().every((i) => Math.floor(i.pending) <= i.stalledFloor);
    });
    const file = path.join(t.dir, "monitor", "nagios-heal.json");
    await mkdir(path.dirname(file));
    const nagios = () => check(t, "--nagios", "--gate", "gluster-healed", "--nagios-state", file);
    const first = await nagios();
    expect(status(first)).toEqual([
      expect.stringMatching(
        /^ROLLGATE WARNING - gluster-healed WARNING: gv0: \d+ entries pending.* - heal on gv0: trend unknown until the next check \| /,
      ),
    ]);
    expect(first.exitCode).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const second = await nagios();
    expect(status(second)).toEqual([
      expect.stringMatching(
        /^ROLLGATE CRITICAL - gluster-healed CRITICAL: gv0: .* - heal stalled on gv0: \d+ entries, not shrinking for [\d.]+ s \(healStall 1 s\) \| /,
      ),
    ]);
    expect(second.exitCode).toBe(2);
    // By default the state is journal.dir's (the lab's has not been made yet): where none can be kept, the trend is unknown, still WARNING.
    const journal = path.join(path.dirname(t.lab.files.config), "journal");
    const unkept = await check(t, "--nagios", "--gate", "gluster-healed");
    expect(unkept.exitCode).toBe(1);
    expect(status(unkept)).toEqual([
      expect.stringContaining(` - heal trend unknown: no state can be kept in ${journal} (ENOENT; see --nagios-state) | `),
    ]);
    await mkdir(journal);
    expect(status(await check(t, "--nagios", "--gate", "gluster-healed"))).toEqual([
      expect.stringContaining(" - heal on gv0: trend unknown until the next check | "),
    ]);
    expect(parseHealTrendState(await readFile(path.join(journal, "nagios-heal.json"), "utf8"))).toMatchObject({
      volumes: { gv0: { entries: expect.any(Number) } },
    });
    expect(t.lab.status().record.mutations).toEqual([]);
  });

  it("what keeps it from looking is UNKNOWN (3), on the one line a monitor reads", async () => {
    const t = await lab("healthy");
    const run = await runCli(["check", "-c", `${t.lab.files.config}.missing`, "--nagios"]);
    expect(run.exitCode).toBe(3);
    expect(status(run)).toEqual([expect.stringMatching(/^ROLLGATE UNKNOWN - /)]);
    const both = await check(t, "--nagios", "--json");
    expect(both.exitCode).toBe(2);
    expect(both.stderr).toContain("--json and --nagios are two output formats: choose one");
    const stateOnly = await check(t, "--nagios-state", path.join(t.dir, "state.json"));
    expect(stateOnly.exitCode).toBe(2);
    expect(stateOnly.stderr).toContain("--nagios-state is the state file of --nagios: add --nagios");
  });
});
