// Crash safety: a real `upgrade` process SIGKILLed at a seeded moment of its run (after its k-th
// change to the cluster), then `upgrade --resume` as the admin runs it (following its advice,
// e.g. `dpkg --configure -a` after a kill during apt), ends with every node upgraded, every guest
// running, and never more than one node out of service nor an unsafe take-down. Each resume does
// what the last message said: --break-stale-lock for the dead run's locks, dpkg --configure -a.
// Then the kills at the hard moments (twice, mid-migration, mid-reboot), a lost link and a
// suspended rollgate. `npm test` runs one seed and the suspension; ROLLGATE_CRASH_SEEDS=50 (CI's
// test:heavy) runs fifty seeds and every hard moment.

import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, spawnCli } from "../helpers/child-cli.js";
import { runCli } from "../helpers/cli.js";
import { seeded } from "../helpers/seeded.js";
import { onNode } from "../helpers/admin.js";
import { eventually, startTestLab, type TestLab } from "../helpers/lab.js";

const SEEDS = Number(process.env["ROLLGATE_CRASH_SEEDS"] ?? 1);
/** The hard moments cost half a minute more: they run with the seeds CI's heavy step sets. */
const heavy = SEEDS > 1;
/** A healthy 3-node upgrade makes 23 changes (BENCHMARKS.md): the kill lands anywhere among them. */
const CHANGES = 23;

let current: TestLab | null = null;
afterEach(async () => {
  await current?.stop();
  current = null;
});

beforeAll(ensureBuilt, 120_000);

const tally: string[] = [];

/**
 * `upgrade --resume` until it is done, each time doing what the last message said: the killed
 * run's lock is stale and only --break-stale-lock takes it (its cluster lock with it); a killed
 * apt needs `dpkg --configure -a` on the node it names. Returns the resumes made and the last run.
 */
async function resumeAsTold(t: TestLab) {
  let resumes = 0;
  const exits: number[] = [];
  let breakStale = false;
  let last = { exitCode: -1, stdout: "", stderr: "" };
  while (resumes < 6) {
    resumes += 1;
    last = await runCli(["upgrade", "-c", t.lab.files.config, "--yes", "--resume", ...(breakStale ? ["--break-stale-lock"] : [])]);
    exits.push(last.exitCode);
    if (last.exitCode === 0) break;
    const said = `${last.stdout}\n${last.stderr}`;
    if (last.exitCode === 5 && said.includes("STALE")) {
      breakStale = true;
      continue;
    }
    // The killed process is proven gone by its local lock: --break-stale-lock takes the cluster lock too, no lease to wait out.
    expect(last.exitCode, said).not.toBe(5);
    const dpkg = /(pve\d)[^\n]*dpkg was interrupted|dpkg was interrupted[^\n]*on (pve\d)/.exec(said);
    const node = dpkg?.[1] ?? dpkg?.[2];
    if (!node) break;
    expect((await onNode(t, node, ["dpkg", "--configure", "-a"])).exitCode).toBe(0);
  }
  return { resumes: `${resumes} resume(s) (exits ${exits.join(", ")})`, last };
}

/** Every node upgraded and in service, every guest running, and the lab never saw an unsafe moment. */
function expectFinished(t: TestLab, last: { exitCode: number; stdout: string; stderr: string }) {
  expect(last.exitCode, `${last.stdout}\n${last.stderr}`).toBe(0);
  const status = t.lab.status();
  for (const node of status.nodes)
    expect(node).toMatchObject({ runningKernel: t.lab.cluster.topology.pendingKernel, maintenance: false, online: true });
  expect(status.guests.every((g) => g.status === "running")).toBe(true);
  expect(status.record.maxOutOfService).toBeLessThanOrEqual(1);
  expect(status.record.unsafeTakeDowns).toEqual([]);
  expect(status.record.criticalBreaches).toEqual([]);
}

/** SIGKILLs `run` once `when` holds in the lab; returns what the lab last saw rollgate change. */
async function killWhen(t: TestLab, run: ReturnType<typeof spawnCli>, what: string, when: () => boolean): Promise<string> {
  await eventually(what, () => when() || run.process.exitCode !== null, 30_000);
  run.process.kill("SIGKILL");
  await run.exitCode;
  return t.lab.status().record.mutations.at(-1)?.action ?? "nothing";
}

describe("SIGKILL at a seeded moment, then --resume", () => {
  it.each(Array.from({ length: SEEDS }, (_, i) => i + 1))(
    "seed %i: the resumed run finishes the upgrade, with at most one node out of service",
    async (seed) => {
      const t = (current = await startTestLab({ timeScale: 200 }));
      // Spread over the run: consecutive seeds would start the generator at neighbouring states.
      const killAfter = 1 + Math.floor(seeded(seed * 2_654_435_761)() * (CHANGES - 1));
      const run = spawnCli(["upgrade", "--yes", "-c", t.lab.files.config]);
      const killedAt = await killWhen(t, run, `change ${killAfter}`, () => t.lab.status().record.mutations.length >= killAfter);
      const { resumes, last } = await resumeAsTold(t);
      tally.push(`seed ${seed}: killed after change ${killAfter} (${killedAt}); ${resumes}; exit ${last.exitCode}`);
      expectFinished(t, last);
    },
    90_000,
  );
});

describe.runIf(heavy)("killed at the hard moments, then --resume", () => {
  it("killed twice: once in the run, once again in its resume", async () => {
    const t = (current = await startTestLab({ timeScale: 200 }));
    const first = spawnCli(["upgrade", "--yes", "-c", t.lab.files.config]);
    const killedAt = await killWhen(t, first, "the first node's dist-upgrade", () =>
      t.lab.status().record.mutations.some((m) => m.action.startsWith("apt-get dist-upgrade")),
    );
    await eventually("the lab to see the session gone", () => [...t.lab.cluster.nodes.values()].every((n) => !n.dpkgBusy));
    const interrupted = [...t.lab.cluster.nodes.values()].find((n) => n.dpkgInterrupted)?.spec.name;
    if (interrupted) expect((await onNode(t, interrupted, ["dpkg", "--configure", "-a"])).exitCode).toBe(0);
    const before = t.lab.status().record.mutations.length;
    const second = spawnCli(["upgrade", "--yes", "--resume", "--break-stale-lock", "-c", t.lab.files.config]);
    const killedAgainAt = await killWhen(
      t,
      second,
      "the resume's third change",
      () => t.lab.status().record.mutations.length >= before + 3,
    );
    const { resumes, last } = await resumeAsTold(t);
    tally.push(`twice: killed at "${killedAt}", then in the resume at "${killedAgainAt}"; then ${resumes}; exit ${last.exitCode}`);
    expectFinished(t, last);
  }, 90_000);

  it("killed while a guest migrates: the resume finds it moved (or moves it again) and goes on", async () => {
    const t = (current = await startTestLab({ timeScale: 200 }));
    const run = spawnCli(["upgrade", "--yes", "-c", t.lab.files.config]);
    const killedAt = await killWhen(t, run, "a migration in flight", () =>
      [...t.lab.cluster.guests.values()].some((g) => g.lock === "migrate"),
    );
    const { resumes, last } = await resumeAsTold(t);
    tally.push(`migration: killed at "${killedAt}"; ${resumes}; exit ${last.exitCode}`);
    expectFinished(t, last);
  }, 90_000);

  it("killed while it waits for a node to come back from its reboot", async () => {
    const t = (current = await startTestLab({ timeScale: 200 }));
    const run = spawnCli(["upgrade", "--yes", "-c", t.lab.files.config]);
    const killedAt = await killWhen(t, run, "a node rebooting", () => [...t.lab.cluster.nodes.values()].some((n) => n.power === "down"));
    const { resumes, last } = await resumeAsTold(t);
    tally.push(`reboot wait: killed at "${killedAt}"; ${resumes}; exit ${last.exitCode}`);
    expectFinished(t, last);
  }, 90_000);
});

describe("a run that is not killed but loses sight of the cluster", () => {
  it.runIf(heavy)(
    "the connection to a rebooting node is lost just as it comes back, then returns: the run waits and finishes",
    async () => {
      const t = (current = await startTestLab({ timeScale: 100 }));
      const c = t.lab.cluster;
      // 40 s of model time: the node answers corosync and its peers, but not rollgate's machine.
      c.once("node-up", (name) => c.cutManagementLink(name, 40_000));
      const run = await runCli(["upgrade", "--yes", "-c", t.lab.files.config]);
      expect(t.lab.status().record.faults.map((f) => f.what)).toEqual([expect.stringMatching(/^management link of pve\d down for 40 s$/)]);
      tally.push(`link lost mid-reboot: exit ${run.exitCode}`);
      expectFinished(t, run);
    },
    90_000,
  );

  it("rollgate suspended (SIGSTOP) longer than settle while a gate holds: the steady window starts again", async () => {
    const t = (current = await startTestLab({ timeScale: 100 }));
    const { settle } = t.loaded.config.timeouts;
    const run = spawnCli(["upgrade", "--yes", "-c", t.lab.files.config]);
    await eventually(
      "a gate holding before it counts",
      () => run.stdout().includes("before it counts") || run.process.exitCode !== null,
      30_000,
    );
    run.process.kill("SIGSTOP");
    await new Promise((resolve) => setTimeout(resolve, 3 * settle));
    run.process.kill("SIGCONT");
    const exit = await run.exitCode;
    expect(run.stdout()).toMatch(
      /nothing was watched for [\d.]+ m?s \(this machine or rollgate was suspended, or the clock jumped\): what holds steadily is judged again from now/,
    );
    tally.push(`suspended ${((3 * settle) / 1000).toFixed(1)} s (settle ${settle / 1000} s): exit ${exit}`);
    expectFinished(t, { exitCode: exit, stdout: run.stdout(), stderr: run.stderr() });
  }, 90_000);
});

afterAll(() => {
  console.log(`crash: ${tally.length} runs, ${tally.filter((l) => l.endsWith("exit 0")).length} finished\n${tally.join("\n")}`);
});
