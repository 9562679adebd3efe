// `--metrics-file` against the lab: what node_exporter's textfile collector would read after a
// check (gates, heal entries, pending upgrades and reboots) and after an upgrade (how it went, and
// that nothing is left), and the refusals of a name or a directory it could not use.

import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ScenarioName } from "../../src/lab/model/scenarios.js";
import { runCli } from "../helpers/cli.js";
import { startTestLab, type TestLab } from "../helpers/lab.js";

let current: TestLab | null = null;
let dir = "";
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "rollgate-textfile-"));
});
afterEach(async () => {
  await current?.stop();
  current = null;
  await rm(dir, { recursive: true, force: true });
});

async function lab(scenario: ScenarioName = "healthy"): Promise<TestLab> {
  current = await startTestLab({ scenario, timeScale: 200 });
  return current;
}

/** The samples of a metric: labels as written, value as a number. */
function samples(text: string, name: string): Array<{ labels: string; value: number }> {
  return text
    .split("\n")
    .filter((line) => line.startsWith(`${name}{`))
    .map((line) => ({ labels: line.slice(name.length, line.lastIndexOf("}") + 1), value: Number(line.slice(line.lastIndexOf(" ") + 1)) }));
}

const one = (text: string, name: string) => {
  const found = samples(text, name);
  expect(found, name).toHaveLength(1);
  return found[0]!.value;
};

describe("check --metrics-file", () => {
  it("a healthy lab before its upgrade: gates pass, 0 heal entries, every node with packages and a reboot pending", async () => {
    const t = await lab();
    const file = path.join(dir, "rollgate.prom");
    const run = await runCli(["check", "-c", t.lab.files.config, "--metrics-file", file]);
    expect(run.exitCode, run.stderr).toBe(0);
    const text = await readFile(file, "utf8");
    expect(one(text, "rollgate_check_pass")).toBe(1);
    expect(samples(text, "rollgate_gate_pass").every((s) => s.value === 1)).toBe(true);
    const heal = samples(text, "rollgate_gluster_heal_entries");
    expect(heal).toHaveLength(3);
    expect(heal.every((s) => s.value === 0 && s.labels.includes('cluster="lab"'))).toBe(true);
    expect(one(text, "rollgate_nodes_pending_upgrade")).toBe(3);
    expect(one(text, "rollgate_nodes_pending_reboot")).toBe(3);
    expect(await readdir(dir)).toEqual(["rollgate.prom"]);
  });

  it("with --nagios: the same file, and the plugin's line on stdout", async () => {
    const t = await lab("split-brain");
    const file = path.join(dir, "rollgate.prom");
    const run = await runCli(["check", "-c", t.lab.files.config, "--nagios", "--metrics-file", file]);
    expect(run.stdout).toMatch(/^ROLLGATE CRITICAL - /);
    expect(run.exitCode).toBe(2);
    const text = await readFile(file, "utf8");
    expect(one(text, "rollgate_check_pass")).toBe(0);
    expect(samples(text, "rollgate_gate_pass").find((s) => s.labels.includes('gate="gluster-healed"'))?.value).toBe(0);
    expect(samples(text, "rollgate_gluster_split_brain_entries").some((s) => s.value > 0)).toBe(true);
  });

  it("refuses a name the collector would not read, and a directory that does not exist, before looking at the cluster", async () => {
    const t = await lab();
    const txt = await runCli(["check", "-c", t.lab.files.config, "--metrics-file", path.join(dir, "rollgate.txt")]);
    expect(txt.exitCode).toBe(2);
    expect(txt.stderr).toContain("reads only files ending in .prom");
    const missing = await runCli(["check", "-c", t.lab.files.config, "--metrics-file", path.join(dir, "no", "rollgate.prom")]);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain("cannot write in");
  });
});

describe("upgrade --metrics-file", () => {
  it("after a whole upgrade: exit 0, each node's duration and gate waits, nothing left to upgrade or reboot", async () => {
    const t = await lab();
    const file = path.join(dir, "rollgate.prom");
    const run = await runCli(["upgrade", "--yes", "-c", t.lab.files.config, "--metrics-file", file]);
    expect(run.exitCode, run.stderr).toBe(0);
    const text = await readFile(file, "utf8");
    expect(one(text, "rollgate_last_run_exit_code")).toBe(0);
    expect(one(text, "rollgate_last_run_success")).toBe(1);
    const nodes = samples(text, "rollgate_node_upgrade_duration_seconds");
    expect(nodes.map((s) => /node="(\w+)"/.exec(s.labels)![1]).sort()).toEqual(["pve1", "pve2", "pve3"]);
    expect(nodes.every((s) => s.labels.includes('status="done"') && s.value > 0)).toBe(true);
    expect(samples(text, "rollgate_gate_wait_seconds").some((s) => s.labels.includes('gate="critical-healthy-elsewhere"'))).toBe(true);
    expect(one(text, "rollgate_nodes_pending_upgrade")).toBe(0);
    expect(one(text, "rollgate_nodes_pending_reboot")).toBe(0);
    expect(samples(text, "rollgate_gluster_heal_entries").every((s) => s.value === 0)).toBe(true);
  }, 90_000);

  it("with --dry-run is a usage error: a dry run is no run to report", async () => {
    const t = await lab();
    const run = await runCli(["upgrade", "--dry-run", "-c", t.lab.files.config, "--metrics-file", path.join(dir, "rollgate.prom")]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain("--dry-run makes none");
    expect(await readdir(dir)).toEqual([]);
    expect(t.lab.status().record.mutations).toEqual([]);
  });
});
