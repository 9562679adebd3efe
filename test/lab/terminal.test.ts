// A run survives its terminal: `rollgate upgrade | head -30` closes stdout under the run, a
// dropped SSH session sends SIGHUP and takes the terminal (or the pipes) with it. The real CLI
// runs in a child process against the lab; the run must end as it would have: every node
// upgraded and back in service, the outcome journaled, the webhook told, the lock released, exit 0.

import { appendFile, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { currentRunFile } from "../../src/run/journal.js";
import { ensureBuilt, ptyAvailable, spawnCli, spawnCliOnPty, type ChildCli } from "../helpers/child-cli.js";
import { eventually, startTestLab, type TestLab } from "../helpers/lab.js";
import { startWebhookReceiver, type WebhookReceiver } from "../helpers/webhook.js";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

// The first run after a source change pays for the build.
beforeAll(ensureBuilt, 120_000);

async function webhook(): Promise<WebhookReceiver> {
  const receiver = await startWebhookReceiver();
  cleanups.push(() => receiver.close());
  return receiver;
}

interface Run {
  t: TestLab;
  hook: WebhookReceiver;
  cli: ChildCli;
}

/** A lab whose cluster.yaml notifies a local webhook, and an unattended upgrade of it in a child process. */
async function upgradeInChild(on: "pipes" | "pty" = "pipes"): Promise<Run> {
  const t = await startTestLab({ timeScale: 200 });
  cleanups.push(() => t.stop());
  const hook = await webhook();
  await appendFile(t.lab.files.config, `notify:\n  - { on: [success, failure, refusal], webhook: "http://127.0.0.1:${hook.port}/hook" }\n`);
  const args = ["upgrade", "--yes", "-c", t.lab.files.config];
  const cli = on === "pty" ? spawnCliOnPty(args, path.join(t.dir, "exit-code")) : spawnCli(args);
  cleanups.push(() => {
    if (cli.process.exitCode === null && cli.process.signalCode === null) cli.process.kill("SIGKILL");
  });
  return { t, hook, cli };
}

async function expectFinishedAsUsual({ t, hook, cli }: Run): Promise<void> {
  expect(await cli.exitCode, cli.stderr()).toBe(0);
  const status = t.lab.status();
  for (const node of status.nodes)
    expect(node).toMatchObject({ runningKernel: t.lab.cluster.topology.pendingKernel, pendingPackages: 0, maintenance: false });
  expect(status.record.maxOutOfService).toBe(1);
  const journalDir = path.join(t.dir, "journal");
  const file = await currentRunFile(journalDir);
  const records = (await readFile(file!, "utf8"))
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as unknown);
  expect(records.at(-1)).toMatchObject({ type: "run-end", outcome: "success", exitCode: 0 });
  expect(hook.received).toEqual([expect.objectContaining({ event: "success", outcome: "success", exitCode: 0 })]);
  expect(await stat(path.join(journalDir, "lock")).catch(() => null)).toBeNull();
  // Whatever reached stderr before it closed: no crash report.
  expect(cli.stderr()).not.toMatch(/Error|Unhandled|internal error/);
}

describe("a run survives its terminal", () => {
  it("goes on to the end when stdout is closed under it, as `| head -30` does", async () => {
    const run = await upgradeInChild();
    await run.cli.lines(30);
    run.cli.process.stdout.destroy();
    await expectFinishedAsUsual(run);
    expect(run.cli.stderr()).toContain("stdout closed (EPIPE)");
  });

  it("goes on to the end when stdout and stderr are both closed under it", async () => {
    const run = await upgradeInChild();
    await run.cli.lines(30);
    run.cli.process.stdout.destroy();
    run.cli.process.stderr.destroy();
    await expectFinishedAsUsual(run);
  });

  it("goes on to the end after SIGHUP with its pipes gone (a dropped SSH session)", async () => {
    const run = await upgradeInChild();
    await run.cli.lines(10);
    run.cli.process.kill("SIGHUP");
    run.cli.process.stdout.destroy();
    run.cli.process.stderr.destroy();
    await expectFinishedAsUsual(run);
  });

  it.skipIf(!ptyAvailable)(
    "goes on to the end when its pty vanishes under the live tree, and exits 0",
    async () => {
      const run = await upgradeInChild("pty");
      // The live tree on a pty costs the child more than plain lines: on a loaded machine the first reboot comes late.
      await eventually("pve3 to reboot", () => run.t.lab.status().record.mutations.some((m) => m.action === "reboot pve3"), 30_000);
      // As when sshd dies: the pty's master closes, the kernel hangs up the terminal and sends SIGHUP.
      run.cli.process.kill("SIGKILL");
      await expectFinishedAsUsual(run);
    },
    90_000,
  );
});
