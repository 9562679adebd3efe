// The API token secret never reaches the terminal, a log or a monitoring system that captures
// rollgate's output: not in plain or JSON output, not in verbose mode, not when the API refuses it.
// Read from an environment variable, it does not reach the programs a playbook runs either, and
// where it shows up anyway (an admin's `cat` of the token file) the journal, the output and the
// notifications get `[redacted]` instead.

import { readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { ScenarioName } from "../../src/lab/model/scenarios.js";
import type { RunEvent } from "../../src/run/events.js";
import { currentRunFile } from "../../src/run/journal.js";
import { runCli, type CliRun } from "../helpers/cli.js";
import { startTestLab, type TestLab } from "../helpers/lab.js";
import { startWebhookReceiver, type WebhookReceiver } from "../helpers/webhook.js";

let t: TestLab;
let secret = "";

beforeAll(async () => {
  t = await startTestLab({ timeScale: 50 });
  secret = (await readFile(t.lab.files.token, "utf8")).trim();
});
afterAll(async () => {
  await t?.stop();
});

/** Any 12 consecutive characters of the secret found in the text: a whole, cut or wrapped leak. */
function leakedIn(text: string, what: string): string[] {
  const pieces: string[] = [];
  for (let i = 0; i + 12 <= what.length; i++) {
    const piece = what.slice(i, i + 12);
    if (text.includes(piece)) pieces.push(piece);
  }
  return pieces;
}

function leaked(run: CliRun, what: string): string[] {
  return leakedIn(`${run.stdout}\n${run.stderr}`, what);
}

const commands: Array<{ args: string[]; exitCode: number }> = [
  { args: ["check"], exitCode: 0 },
  { args: ["check", "--json"], exitCode: 0 },
  { args: ["check", "-v"], exitCode: 0 },
  { args: ["plan"], exitCode: 0 },
  { args: ["plan", "--json"], exitCode: 0 },
];

describe("the API token secret", () => {
  it("is long enough that finding none of it in the output means something", () => {
    expect(secret.length).toBeGreaterThanOrEqual(32);
  });

  for (const { args, exitCode } of commands) {
    it(`is not printed by rollgate ${args.join(" ")}`, async () => {
      const requestsBefore = t.lab.cluster.apiRequestCount;
      const run = await runCli([...args, "-c", t.lab.files.config]);
      expect(run.exitCode, run.stderr).toBe(exitCode);
      // The command really authenticated with the secret.
      expect(t.lab.cluster.apiRequestCount).toBeGreaterThan(requestsBefore);
      expect(run.stdout.length).toBeGreaterThan(0);
      expect(leaked(run, secret)).toEqual([]);
    });
  }

  it("is not printed when the API rejects it, in plain or JSON output", async () => {
    // A secret the API does not accept (a rotated token): the refusal must not echo what was sent.
    const rejected = "3f0c8e2a-91d4-4b6e-a7c5-5d2e8f1b9c40";
    await writeFile(t.lab.files.token, `${rejected}\n`);
    try {
      for (const args of [["check"], ["check", "--json"], ["plan", "--json"]]) {
        const run = await runCli([...args, "-c", t.lab.files.config]);
        // check refuses; plan still prints a plan, with what it could not read.
        if (args[0] === "check") expect(run.exitCode, `${args.join(" ")}: ${run.stdout}${run.stderr}`).not.toBe(0);
        expect(`${run.stdout}${run.stderr}`).toContain("401 invalid token value!");
        expect(leaked(run, rejected)).toEqual([]);
        expect(leaked(run, secret)).toEqual([]);
      }
    } finally {
      await writeFile(t.lab.files.token, `${secret}\n`);
    }
  });
});

const SECRET_VAR = "PVE_TOKEN";
const playbookTemplate = new URL("../../playbooks/proxmox-gluster.yaml", import.meta.url);

/** `run:` entries as playbook YAML (JSON strings are YAML's double-quoted scalars). */
function runEntries(entries: Array<{ run: string; on?: "local"; title: string }>): string {
  return entries
    .map((e) =>
      [`  - run: ${JSON.stringify(e.run)}`, ...(e.on ? [`    on: ${e.on}`] : []), `    title: ${JSON.stringify(e.title)}`].join("\n"),
    )
    .join("\n");
}

/** The built-in playbook with `preflight` entries first in its preflight and `node` entries right after the node's preflight gates. */
async function playbookFile(t: TestLab, name: string, extra: { preflight?: string; node?: string }): Promise<string> {
  let text = await readFile(playbookTemplate, "utf8");
  if (extra.preflight) text = text.replace("preflight:\n", `preflight:\n${extra.preflight}\n`);
  if (extra.node) text = text.replace("  - gates: preflight\n", `  - gates: preflight\n${extra.node}\n`);
  const file = path.join(t.dir, name);
  await writeFile(file, text);
  return file;
}

/** The lab's cluster.yaml with the secret read from SECRET_VAR, `playbook`, and a webhook for every outcome. */
async function envConfig(t: TestLab, name: string, playbook: string, hook: WebhookReceiver): Promise<string> {
  const yaml = `${(await readFile(t.lab.files.config, "utf8"))
    .replace(/^ {2}tokenSecretFile: .*$/m, `  tokenSecretEnv: ${SECRET_VAR}`)
    .replace(
      /^ {2}playbook: .*$/m,
      `  playbook: ${playbook}`,
    )}notify:\n  - { on: [success, refusal, failure, interrupted], webhook: "http://127.0.0.1:${hook.port}/hook" }\n`;
  expect(yaml).not.toContain("tokenSecretFile");
  expect(yaml).toContain(`playbook: ${playbook}`);
  const file = path.join(t.dir, name);
  await writeFile(file, yaml);
  return file;
}

/** Everything a person or a log collector could read: each command's output, each journal file, each notification. */
interface Evidence {
  what: string;
  text: string;
}

async function journalEvidence(dir: string): Promise<Evidence[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
  return Promise.all(files.map(async (file) => ({ what: path.relative(dir, file), text: await readFile(file, "utf8") })));
}

/** What each playbook entry printed on `node`, by entry id, from a journal file. */
async function outputOf(file: string, node: string): Promise<Map<string, string>> {
  const output = new Map<string, string>();
  for (const line of (await readFile(file, "utf8")).trim().split("\n")) {
    const event = JSON.parse(line) as RunEvent;
    if (event.type === "step-output" && event.node === node && event.entry)
      output.set(event.entry, `${output.get(event.entry) ?? ""}${event.text}`);
  }
  return output;
}

describe("the API token secret, read from tokenSecretEnv", () => {
  let hook: WebhookReceiver;
  let current: TestLab | null = null;
  const previous = process.env[SECRET_VAR];

  beforeAll(async () => {
    hook = await startWebhookReceiver();
  });
  afterEach(async () => {
    if (previous === undefined) delete process.env[SECRET_VAR];
    else process.env[SECRET_VAR] = previous;
    await current?.stop();
    current = null;
  });
  afterAll(async () => {
    await hook?.close();
  });

  /**
   * A lab whose secret rollgate reads from SECRET_VAR, set in this process's environment as a
   * shell would set it for rollgate (what a `run: … on: local` would inherit), and a playbook that
   * runs `env` on the node and locally and `cat`s the token file, before the node is touched.
   */
  async function envLab(scenario?: ScenarioName) {
    const t = await startTestLab({ timeScale: 200, ...(scenario ? { scenario } : {}) });
    current = t;
    process.env[SECRET_VAR] = t.secret;
    const node = runEntries([
      { run: "env", title: "env on the node" },
      { run: "env", on: "local", title: "env locally" },
      { run: `cat '${t.lab.files.token}'`, on: "local", title: "cat the token file" },
    ]);
    const config = await envConfig(t, "cluster-env.yaml", await playbookFile(t, "run-steps.yaml", { node }), hook);
    const evidence: Evidence[] = [];
    const notifiedBefore = hook.received.length;
    const cli = async (args: string[], file = config): Promise<CliRun> => {
      const run = await runCli([...args, "-c", file], { env: { ...process.env } });
      evidence.push({ what: `rollgate ${args.join(" ")}`, text: `${run.stdout}\n${run.stderr}` });
      return run;
    };
    const journal = () => journalEvidence(path.join(t.dir, "journal"));
    const notifications = () => hook.received.slice(notifiedBefore).map((body) => JSON.stringify(body));
    /** Where any part of the secret, or its variable, was found: nowhere, or the test fails naming the place. */
    const leaks = async () =>
      [...evidence, ...(await journal()), ...notifications().map((text, i) => ({ what: `notification ${i + 1}`, text }))].flatMap(
        ({ what, text }) => [
          ...leakedIn(text, t.secret).map((piece) => `${what}: ${piece}`),
          // A leak the redaction caught still says that a `run:` saw the variable.
          ...(text.match(new RegExp(`\\b${SECRET_VAR}=[^"\\\\\\n]*`, "g")) ?? []).map((found) => `${what}: ${found}`),
        ],
      );
    return { t, config, cli, notifications, leaks };
  }

  it("is read from the variable: without it, rollgate stops with a configuration error", async () => {
    const { t, config } = await envLab();
    expect(t.secret.length).toBeGreaterThanOrEqual(32);
    const env = { ...process.env };
    delete env[SECRET_VAR];
    const run = await runCli(["check", "-c", config], { env });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(`environment variable ${SECRET_VAR} is not set`);
  });

  it("never leaves through check, plan, a dry run, an upgrade with run: steps, a failing run: or status", async () => {
    const { t, cli, notifications, leaks } = await envLab();
    expect((await cli(["check"])).exitCode).toBe(0);
    expect((await cli(["plan"])).exitCode).toBe(0);
    const dry = await cli(["upgrade", "--dry-run"]);
    expect(dry.exitCode, dry.stdout).toBe(0);
    expect(dry.stdout).toContain(`run locally: cat '${t.lab.files.token}'`);

    // A run: that prints the secret and fails: its stderr is quoted in the failure, the run's end and the notification.
    const leaky = runEntries([{ run: `cat '${t.lab.files.token}' >&2; exit 1`, on: "local", title: "cat the token file and fail" }]);
    const leakyConfig = await envConfig(t, "cluster-leaky.yaml", await playbookFile(t, "leaky.yaml", { preflight: leaky }), hook);
    const failing = await cli(["upgrade", "--yes"], leakyConfig);
    expect(failing.exitCode, failing.stdout).toBe(3);
    expect(failing.stdout).toMatch(/exited 1: \[redacted\]/);
    expect(notifications().at(-1)).toMatch(/exited 1: \[redacted\]/);
    expect(t.lab.status().record.mutations).toEqual([]);

    const upgrade = await cli(["upgrade", "--yes", "-v"]);
    expect(upgrade.exitCode, upgrade.stdout).toBe(0);
    expect(t.lab.cluster.node("pve1").runningKernel).toBe(t.lab.cluster.topology.pendingKernel);
    // The commands ran and printed, as the journal of the run shows per entry: the node's login
    // environment; the local one with ROLLGATE_NODE and everything else kept; the secret, redacted.
    const runFile = await currentRunFile(path.join(t.dir, "journal"));
    expect(runFile).not.toBeNull();
    const output = await outputOf(runFile!, "pve3");
    expect(output.get("node[1]")).toMatch(/^HOME=\/root$/m);
    expect(output.get("node[2]")).toMatch(/^ROLLGATE_NODE=pve3$/m);
    expect(output.get("node[2]")).toContain(`\nPATH=${process.env["PATH"]}\n`);
    expect(output.get("node[3]")).toBe("[redacted]\n");
    expect(upgrade.stdout).toMatch(/pve3 run: stdout: ROLLGATE_NODE=pve3$/m);
    expect(upgrade.stdout).toMatch(/pve3 run: stdout: \[redacted\]$/m);

    expect((await cli(["status"])).exitCode).toBe(0);
    expect((await cli(["status", "--json"])).exitCode).toBe(0);
    expect(notifications().map((body) => (JSON.parse(body) as { event: string }).event)).toEqual(["refusal", "success"]);
    expect(await leaks()).toEqual([]);
  }, 60_000);

  it("never leaves through a refused upgrade (routers-on-one-node)", async () => {
    const { cli, notifications, leaks } = await envLab("routers-on-one-node");
    const run = await cli(["upgrade", "--yes", "-v"]);
    expect(run.exitCode, run.stdout).toBe(3);
    expect(notifications()).toHaveLength(1);
    expect(notifications()[0]).toContain('"event":"refusal"');
    expect(await leaks()).toEqual([]);
  });

  it("never leaves through an upgrade that fails mid-node (migration-fails)", async () => {
    const { cli, notifications, leaks } = await envLab("migration-fails");
    const run = await cli(["upgrade", "--yes", "-v"]);
    expect(run.exitCode, run.stdout).toBe(4);
    // The run: entries ran on the first node before its evacuation failed.
    expect(run.stdout).toMatch(/pve3 run: stdout: \[redacted\]$/m);
    expect(run.stdout).toContain("HA migration of 103 (db)");
    expect((await cli(["status"])).exitCode).toBe(0);
    expect(notifications()).toHaveLength(1);
    expect(notifications()[0]).toContain('"event":"failure"');
    expect(await leaks()).toEqual([]);
  });
});
