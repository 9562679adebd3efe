// The GlusterFS half of the major upgrade on a real pool: three GlusterFS 10.3 hosts (bookworm's
// packages, helpers/gluster-lab.ts) are upgraded to 11.1 (trixie's packages, helpers/trixie-root.ts)
// one at a time, as `rollgate upgrade --to 9` does it:
// - a host goes down only once `rollgate check --gate gluster-healed` passes, and while it is down
//   the gate refuses;
// - it is upgraded as apt does it (the packages restart glusterd and sshd on 11.1), then rebooted;
//   files written meanwhile heal onto it from servers of the other version: rollgate's
//   gluster-rejoin and gluster-heal steps run against the real hosts;
// - the first server back on 11.1 is Peer Rejected for good: Debian's 11.1 (built without gNFS)
//   drops `nfs.disable=on` from its record of the volume when it starts, the 10.3 servers keep it
//   (docs/domain/major-upgrade.md, "Peer Rejected"). The preflight gate gluster-records says so
//   before the first node; upgraded regardless, gluster-rejoin restarts it once, then refuses,
//   naming that line; the test does what the refusal tells the admin, and the run resumes;
// - the gluster-op-version step keeps cluster.op-version while any server runs 10.3, and raises it
//   to cluster.max-op-version after the last (gluster/glusterdocs docs/Upgrade-Guide/op-version.md).
// Each step runs alone, on the transports the engine gives it (these hosts run no pve-manager, so
// the rest of the playbook cannot run here; test/lab/major-upgrade.test.ts runs it against the lab).

import { beforeAll, describe, expect, it } from "vitest";
import { loadConfig, type Config } from "../../src/config/index.js";
import { emptyFacts, type Step } from "../../src/steps/contract.js";
import { glusterHeal } from "../../src/steps/gluster-heal.js";
import { glusterOpVersion } from "../../src/steps/gluster-op-version.js";
import { glusterRejoin } from "../../src/steps/gluster-rejoin.js";
import { sshPoolFor } from "../../src/transport/from-config.js";
import type { PveApi } from "../../src/transport/pve.js";
import type { SshPool } from "../../src/transport/ssh.js";
import { runCli, type CliRun } from "../helpers/cli.js";
import { stepContext, type Journaled } from "../helpers/step-context.js";
import { StepFailure } from "../../src/steps/failures.js";
import { useGlusterLab, type GlusterHost } from "./helpers/gluster-lab.js";
import { run, waitFor } from "./helpers/processes.js";
import { trixieGlusterRoot } from "./helpers/trixie-root.js";

const FILES = 200;
const ROOT_BUILD_MS = 900_000;

/** These hosts run GlusterFS and OpenSSH only: a step that asked the Proxmox API would be a step this test cannot run. */
const noProxmoxApi: PveApi = {
  get: (path) => Promise.reject(new Error(`these hosts run no pve-manager: GET ${path}`)),
  post: (path) => Promise.reject(new Error(`these hosts run no pve-manager: POST ${path}`)),
  close: () => {},
};

let trixie: { root: string; glusterVersion: string };
beforeAll(async () => {
  trixie = await trixieGlusterRoot((line) => console.log(`trixie root: ${line}`));
}, ROOT_BUILD_MS);
const theLab = useGlusterLab();
const host = (name: string): GlusterHost => theLab().host(name);

let config: Config;
let shell: SshPool;
beforeAll(async () => {
  const loaded = await loadConfig(theLab().configFile);
  // Short windows keep the test short; the waits are the same code.
  config = { ...loaded.config, timeouts: { ...loaded.config.timeouts, poll: 1_000, settle: 10_000, heal: 600_000 } };
  shell = sshPoolFor(config);
  return () => shell.close();
});

async function check(gate = "gluster-healed"): Promise<CliRun> {
  return runCli(["check", "--gate", gate, "-c", theLab().configFile], { env: {} });
}

/** satisfied, then act and verify when there is something to do, as the engine runs a step; what it said and journaled. */
async function runStep<Plan>(step: Step<Plan>, node: string | null, succeeded = false): Promise<{ said: string; journal: Journaled[] }> {
  const facts = emptyFacts();
  if (succeeded) facts.ending = { outcome: "success", order: ["node1", "node2", "node3"] };
  const { ctx, journal } = stepContext({ config, node, shell, pve: noProxmoxApi, facts, upgradesTo: 9 });
  const assessment = await step.satisfied(ctx);
  if (assessment.done) return { said: assessment.message, journal };
  await step.act(ctx, assessment.plan);
  return { said: await step.verify(ctx, assessment.plan), journal };
}

/** cluster.op-version as glusterd on `from` holds it, read independently of rollgate. */
async function opVersion(from: GlusterHost): Promise<number> {
  const out = await theLab().gluster(from, "volume", "get", "all", "cluster.op-version");
  return Number(/cluster\.op-version\s+(\d+)/.exec(out)?.[1]);
}

describe("a real GlusterFS pool upgraded 10.3 → 11.1 one host at a time, through rollgate's gates and steps", () => {
  it("starts on GlusterFS 10.3, where the op-version step keeps the pool's op-version", async () => {
    expect(trixie.glusterVersion).toMatch(/^11\./);
    for (const name of ["node1", "node2", "node3"]) expect(await theLab().glusterVersion(host(name))).toBe("glusterfs 10.3");
    const before = await opVersion(host("node1"));
    const { said, journal } = await runStep(glusterOpVersion, null, true);
    expect(said).toBe(
      `kept at ${before}: node1 runs glusterfs 10.3, node2 runs glusterfs 10.3, node3 runs glusterfs 10.3; raise it once every server runs 11`,
    );
    expect(journal).toEqual([]);
    // The preflight says it before the first node: 10.3 wrote nfs.disable=on at volume create.
    const records = await check("gluster-records");
    expect(records.exitCode).toBe(3);
    expect(records.stdout).toMatch(/^gluster-records\s+REFUSE\s+node1: \/var\/lib\/glusterd\/vols\/labvol\/info holds `nfs\.disable=on`/);
    // Writes while node1 reboots go through node2's mount.
    await theLab().mount(host("node2"));
  });

  /**
   * The host goes down only once gluster-healed passes; apt's restarts put it on 11.1, then it
   * reboots while files are written through `writer`, and the gate refuses while it is down.
   */
  async function upgradeAndReboot(name: string, writer: string): Promise<void> {
    const target = host(name);
    const before = await check();
    expect(before.stdout, "the gate before the host goes down").toMatch(/^gluster-healed\s+pass\s/);
    expect(before.exitCode).toBe(0);

    await theLab().upgradeInPlace(target, trixie.root);
    expect(await theLab().glusterVersion(target)).toBe(`glusterfs ${trixie.glusterVersion}`);
    // glusterd 11.1 stores the volume once it has started the brick (glusterd_restart_bricks).
    await waitFor(`${name}'s glusterd to start its brick`, async () =>
      (await theLab().glusterProcesses(target)).some((p) => p.kind === "brick"),
    );

    const { hadMount } = await theLab().shutDown(target);
    await theLab().writeFiles(`while-${name}-rebooted`, FILES, host(writer));
    const whileDown = await check();
    expect(whileDown.exitCode, `the gate while ${name} is down:\n${whileDown.stdout}`).toBe(3);
    expect(whileDown.stdout).toMatch(/^gluster-healed\s+REFUSE\s/);
    await theLab().boot(target, { mount: hadMount });
  }

  async function healsOnto(name: string): Promise<void> {
    const started = Date.now();
    const heal = await runStep(glusterHeal, name);
    console.log(`${name} on ${trixie.glusterVersion}: ${heal.said} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(heal.said).toBe("healed and steady for 10 s (3 bricks checked)");
    // Healed from the servers that stayed up, whichever version they run.
    expect((await theLab().brickFiles(host(name), `while-${name}-rebooted`)).length).toBe(FILES);
  }

  it("node1, upgraded without that change: Peer Rejected over nfs.disable (rollgate restarts its glusterd once, then refuses, saying what to do), until the records agree", async () => {
    const opVersionBefore = await opVersion(host("node2"));
    await upgradeAndReboot("node1", "node2");
    // glusterd 11.1 stores the volume some time after it started the brick (seen in CI: not yet,
    // right after the boot), so the record is watched, not read once.
    await waitFor(
      "node1's glusterd 11.1 to store its record of labvol without nfs.disable",
      async () => !(await theLab().volumeRecord(host("node1"))).includes("nfs.disable=on"),
      {
        timeoutMs: 60_000,
        explain: async () => `node1's record:\n${await theLab().volumeRecord(host("node1"))}`,
      },
    );

    // Usually rejected: once glusterd 11.1 has stored the volume without the line, the next handshake
    // rejects it. A handshake that comes before that store finds the old checksum and lets it in for
    // now (seen in CI): the records still differ, and the next restart of any peer rejects it.
    const first = await runStep(glusterRejoin, "node1").then(
      () => null,
      (error: unknown) => error,
    );
    if (first === null) console.log("node1 was let in before its glusterd stored the volume; its record differs all the same");
    else {
      expect(first).toBeInstanceOf(StepFailure);
      const failure = first as StepFailure;
      console.log(`node1 on ${trixie.glusterVersion}: gluster-rejoin refused: ${failure.message}\n  what to do: ${failure.humanAction}`);
      expect(failure.message).toMatch(
        /^node1 is still rejected after its glusterd was restarted once: .*node2 sees node1 as "Peer Rejected"/,
      );
      expect(failure.message).toContain("node1's /var/lib/glusterd/vols/labvol/info lacks `nfs.disable=on`, which node2's has");
      expect(failure.humanAction).toContain("remove that line from the file named above, `systemctl restart glusterd` (");
    }
    expect(await check("gluster-records")).toMatchObject({ exitCode: 3 });

    // What the refusal tells the admin, on each 10.3 server in turn.
    for (const name of ["node2", "node3"]) {
      const record = (await theLab().volumeRecord(host(name))).replace("nfs.disable=on\n", "");
      await run(theLab().inside(host(name), ["sh", "-c", `cat > /var/lib/glusterd/vols/labvol/info`]), { input: record });
      await run(theLab().inside(host(name), ["systemctl", "restart", "glusterd"]));
      await waitFor(`${name}'s brick to start again`, async () =>
        (await theLab().glusterProcesses(host(name))).some((p) => p.kind === "brick"),
      );
    }
    await theLab().waitAllOnline();
    const fixed = await check("gluster-records");
    expect(fixed.stdout).toMatch(/^gluster-records\s+pass\s/);

    const resumed = await runStep(glusterRejoin, "node1");
    expect(resumed.said).toBe("every peer holds node1 in the pool, steadily for 10 s");
    await healsOnto("node1");
    expect(await opVersion(host("node2"))).toBe(opVersionBefore);
  });

  for (const [name, writer] of [
    ["node2", "node1"],
    ["node3", "node1"],
  ] as const) {
    it(`${name}: goes down only when gluster-healed passes, returns on 11.1 and heals what was written meanwhile`, async () => {
      const opVersionBefore = await opVersion(host(writer));
      await upgradeAndReboot(name, writer);
      const rejoin = await runStep(glusterRejoin, name);
      expect(rejoin.said).toBe(`every peer holds ${name} in the pool, steadily for 10 s`);
      expect(rejoin.journal).toEqual([]);
      await healsOnto(name);
      expect(await opVersion(host(writer))).toBe(opVersionBefore);
    });
  }

  it("raises cluster.op-version to cluster.max-op-version once every server runs 11.1, and the pool stays healthy", async () => {
    const before = await opVersion(host("node1"));
    const max = Number(
      /cluster\.max-op-version\s+(\d+)/.exec(await theLab().gluster(host("node1"), "volume", "get", "all", "cluster.max-op-version"))?.[1],
    );
    // GD_OP_VERSION_10_0 and GD_OP_VERSION_11_0 (glusterfs libglusterfs/src/glusterfs/globals.h).
    expect([before, max]).toEqual([100000, 110000]);

    const { said, journal } = await runStep(glusterOpVersion, null, true);
    expect(said).toBe(`cluster.op-version raised from ${before} to ${max}`);
    expect(journal.map((j) => `${j.phase} ${j.action}`)).toEqual(["before raise gluster op-version", "after raise gluster op-version"]);
    for (const name of ["node1", "node2", "node3"]) expect(await opVersion(host(name))).toBe(max);

    const again = await runStep(glusterOpVersion, null, true);
    expect(again.said).toBe(`cluster.op-version is ${max}, the servers' maximum`);
    const after = await check();
    expect(after.exitCode).toBe(0);
    expect(after.stdout).toMatch(/^gluster-healed\s+pass\s/);
  });
});
