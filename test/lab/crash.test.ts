// Crash safety: a real `upgrade` process SIGKILLed at a seeded moment of its run (after its k-th
// change to the cluster), then `upgrade --resume` as the admin runs it (following its advice,
// e.g. `dpkg --configure -a` after a kill during apt), ends with every node upgraded, every guest
// running, and never more than one node out of service nor an unsafe take-down. A few seeds run
// in `npm test`; ROLLGATE_CRASH_SEEDS=50 runs fifty. Each resume does what the last message said:
// --break-stale-lock for the dead run's lock, a wait for a lock still live, dpkg --configure -a.

import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { changeCommand } from "../../src/transport/remote-command.js";
import { sshPoolFor } from "../../src/transport/from-config.js";
import { ensureBuilt, spawnCli } from "../helpers/child-cli.js";
import { runCli } from "../helpers/cli.js";
import { eventually, startTestLab, type TestLab } from "../helpers/lab.js";

const SEEDS = Number(process.env["ROLLGATE_CRASH_SEEDS"] ?? 2);
/** A healthy 3-node upgrade makes 23 changes (BENCHMARKS.md): the kill lands anywhere among them. */
const CHANGES = 23;

let current: TestLab | null = null;
afterEach(async () => {
  await current?.stop();
  current = null;
});

beforeAll(ensureBuilt, 120_000);

/** mulberry32: a small seeded generator, so a failing seed can be run again. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

async function onNode(t: TestLab, node: string, argv: string[]): Promise<number | null> {
  const shell = sshPoolFor(t.loaded.config);
  try {
    return (await shell.run(node, changeCommand(argv))).exitCode;
  } finally {
    await shell.close();
  }
}

const tally: string[] = [];

describe("SIGKILL at a seeded moment, then --resume", () => {
  it.each(Array.from({ length: SEEDS }, (_, i) => i + 1))(
    "seed %i: the resumed run finishes the upgrade, with at most one node out of service",
    async (seed) => {
      const t = (current = await startTestLab({ timeScale: 200 }));
      // Spread over the run: consecutive seeds would start the generator at neighbouring states.
      const killAfter = 1 + Math.floor(seeded(seed * 2_654_435_761)() * (CHANGES - 1));
      const run = spawnCli(["upgrade", "--yes", "-c", t.lab.files.config]);
      await eventually(
        `change ${killAfter}`,
        () => t.lab.status().record.mutations.length >= killAfter || run.process.exitCode !== null,
        30_000,
      );
      run.process.kill("SIGKILL");
      await run.exitCode;
      const killedAt = t.lab.status().record.mutations.at(-1)?.action ?? "nothing";

      let resumes = 0;
      let breakStale = false;
      let last = { exitCode: -1, stdout: "", stderr: "" };
      while (resumes < 6) {
        resumes += 1;
        last = await runCli(["upgrade", "-c", t.lab.files.config, "--yes", "--resume", ...(breakStale ? ["--break-stale-lock"] : [])]);
        if (last.exitCode === 0) break;
        const said = `${last.stdout}\n${last.stderr}`;
        // Each time, what the message tells the admin to do: the killed run's lock is stale and
        // only --break-stale-lock takes it; a lock still live is waited out; a killed apt needs
        // `dpkg --configure -a` on the node it names.
        if (last.exitCode === 5 && said.includes("STALE")) {
          breakStale = true;
          continue;
        }
        if (last.exitCode === 5) {
          await new Promise((resolve) => setTimeout(resolve, t.loaded.config.timeouts.lockLease));
          continue;
        }
        const dpkg = /(pve\d)[^\n]*dpkg was interrupted|dpkg was interrupted[^\n]*on (pve\d)/.exec(said);
        const node = dpkg?.[1] ?? dpkg?.[2];
        if (!node) break;
        expect(await onNode(t, node, ["dpkg", "--configure", "-a"])).toBe(0);
      }
      tally.push(`seed ${seed}: killed after change ${killAfter} (${killedAt}); ${resumes} resume(s); exit ${last.exitCode}`);
      expect(last.exitCode, `${last.stdout}\n${last.stderr}`).toBe(0);
      const status = t.lab.status();
      for (const node of status.nodes)
        expect(node).toMatchObject({ runningKernel: t.lab.cluster.topology.pendingKernel, maintenance: false, online: true });
      expect(status.guests.every((g) => g.status === "running")).toBe(true);
      expect(status.record.maxOutOfService).toBeLessThanOrEqual(1);
      expect(status.record.unsafeTakeDowns).toEqual([]);
      expect(status.record.criticalBreaches).toEqual([]);
    },
    90_000,
  );

  it("prints the tally", () => {
    console.log(
      `crash: ${tally.length} seeded kills, ${tally.filter((l) => l.endsWith("exit 0")).length} finished by --resume\n${tally.join("\n")}`,
    );
  });
});
