// The exit codes exactly as README says: README's table is the code's own, `--help` prints it,
// every row has an end-to-end test (here, or named below), and the cases that used to contradict
// README exit as it says: a missing SSH key or a refused token is a configuration error (2); a
// migration that fails while every node serves is 3; a run that finds a node left out of service
// by an earlier one is 4; an error nobody caught is 1.

import { spawn } from "node:child_process";
import { readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { LabOptions } from "../../src/lab/lab.js";
import { exitCodeMeanings } from "../../src/util/errors.js";
import { ensureBuilt } from "../helpers/child-cli.js";
import { runCli } from "../helpers/cli.js";
import { startTestLab, type TestLab } from "../helpers/lab.js";

const root = fileURLToPath(new URL("../..", import.meta.url));

let current: TestLab | null = null;
afterEach(async () => {
  await current?.stop();
  current = null;
});

async function lab(options: Omit<LabOptions, "dir"> = {}): Promise<TestLab> {
  current = await startTestLab({ timeScale: 200, ...options });
  return current;
}

/** The rows of README's "### Exit codes" table: code → meaning. */
async function readmeExitCodes(): Promise<Record<string, string>> {
  const readme = await readFile(path.join(root, "README.md"), "utf8");
  const section = readme.split("### Exit codes")[1]!.split("\n## ")[0]!;
  return Object.fromEntries([...section.matchAll(/^\| (\d) \| (.+) \|$/gm)].map((m) => [m[1]!, m[2]!]));
}

/** A copy of the lab's cluster.yaml with one line changed. */
async function configWith(t: TestLab, from: RegExp, to: string): Promise<string> {
  const text = await readFile(t.lab.files.config, "utf8");
  expect(text).toMatch(from);
  const file = path.join(t.dir, "changed.yaml");
  await writeFile(file, text.replace(from, to));
  return file;
}

describe("README's exit codes are the code's", () => {
  it("README's table says exactly what the code's table says, and --help prints it", async () => {
    expect(await readmeExitCodes()).toEqual(Object.fromEntries(Object.entries(exitCodeMeanings)));
    const help = await runCli(["--help"]);
    for (const [code, meaning] of Object.entries(exitCodeMeanings)) expect(help.stdout).toContain(`  ${code}  ${meaning}`);
  });

  it("every code has an end-to-end test that expects it", async () => {
    const dir = path.join(root, "test", "lab");
    const sources = await Promise.all(
      (await readdir(dir)).filter((f) => f.endsWith(".test.ts")).map((f) => readFile(path.join(dir, f), "utf8")),
    );
    const text = sources.join("\n");
    for (const code of Object.keys(exitCodeMeanings)) {
      expect(new RegExp(`exitCode(?:\\)\\.toBe\\(|: )${code}\\b`).test(text), `no test in test/lab expects exit ${code}`).toBe(true);
    }
  });
});

describe("exit 2: a configuration error, found before anything is contacted", () => {
  it("a missing SSH identity file", async () => {
    const t = await lab();
    const config = await configWith(t, /identityFile: .*/, "identityFile: ./no-such-key");
    const run = await runCli(["check", "-c", config]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/ssh\.identityFile: cannot read identity file .*no-such-key: ENOENT/);
    expect(run.stdout).toBe("");
  });

  it("a misspelt playbook, in check and plan as in upgrade", async () => {
    const t = await lab();
    const config = await configWith(t, /playbook: proxmox-gluster/, "playbook: proxmox-glustr");
    for (const command of ["check", "plan", "upgrade"]) {
      const run = await runCli([command, "-c", config, "--yes"].slice(0, command === "upgrade" ? 4 : 3));
      expect(run.exitCode, command).toBe(2);
      expect(run.stderr).toContain("upgrade.playbook: cannot read playbook");
      expect(run.stderr).toContain("(built-in playbooks: proxmox-gluster, proxmox-only, proxmox-major-9)");
    }
  });

  it("a token the API refuses", async () => {
    const t = await lab();
    const secretFile = path.join(t.dir, "wrong-token");
    await writeFile(secretFile, "00000000-0000-0000-0000-000000000000\n", { mode: 0o600 });
    const config = await configWith(t, /tokenSecretFile: .*/, `tokenSecretFile: ${secretFile}`);
    for (const command of ["check", "plan"]) {
      const run = await runCli([command, "-c", config]);
      expect(run.exitCode).toBe(2);
      expect(run.stderr).toContain("proxmox.tokenId: the API refused token rollgate@pve!upgrade (HTTP 401 invalid token value!)");
    }
    expect(t.lab.status().record.mutations).toEqual([]);
  });
});

describe("exit 3 and 4: in service or not", () => {
  it("a migration that fails while the node still serves is 3, and names what stays where", async () => {
    const t = await lab({ scenario: "migration-fails" });
    const run = await runCli(["upgrade", "-c", t.lab.files.config, "--yes"]);
    expect(run.exitCode).toBe(3);
    expect(run.stdout).toContain("pve3 is still in service");
  });

  it("a plain upgrade after a run that left a node out of service is 4, not 2, and says which node", async () => {
    const t = await lab({ scenario: "heal-stalls" });
    const first = await runCli(["upgrade", "-c", t.lab.files.config, "--yes"]);
    expect(first.exitCode).toBe(4);
    const again = await runCli(["upgrade", "-c", t.lab.files.config, "--yes"]);
    expect(again.exitCode).toBe(4);
    expect(again.stderr).toMatch(/an earlier run \(\S+\) did not finish and left pve3 out of service; it stopped at pve3/);
    expect(again.stderr).toContain("--resume");
  });
});

describe("exit 1: a bug", () => {
  beforeAll(ensureBuilt, 120_000);

  it("an error nobody caught ends a command with 1 and says it is a bug", async () => {
    const t = await lab();
    // A throw from a timer, as a bug in an event handler would: Node raises it as uncaughtException.
    // It waits for bin/rollgate's handler, so it strikes while the command runs.
    const bug =
      "data:text/javascript,const t = setInterval(() => { if (process.listenerCount('uncaughtException') > 0) { clearInterval(t); throw new Error('injected bug'); } }, 5)";
    const child = spawn(process.execPath, ["--import", bug, path.join(root, "bin", "rollgate"), "check", "-c", t.lab.files.config], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const exitCode = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(exitCode).toBe(1);
    expect(stderr).toContain("rollgate: internal error (uncaughtException): Error: injected bug");
    expect(stderr).toContain("This is a bug; please report it");
  });
});
