// rollgate against a lab whose pool has two volumes (arbiter-volume): gv0, replica 3 on every node,
// and vmstore, replica 2 + arbiter 1 on pve1-3. The lab's cluster.yaml names both; `check` reads
// and names both, refuses while only the arbiter volume has entries pending (the arbiter brick's
// among them), and a whole upgrade finishes without an unsafe take-down.

import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { startTestLab, type TestLab } from "../helpers/lab.js";

let current: TestLab | null = null;
afterEach(async () => {
  await current?.stop();
  current = null;
});

const check = (t: TestLab) => runCli(["check", "-c", t.lab.files.config]);

describe("a pool with a replica-3 volume and a replica 2 + arbiter one", () => {
  it("the lab's cluster.yaml names both volumes; check passes naming each, and refuses while the arbiter volume alone has entries", async () => {
    const t = (current = await startTestLab({ scenario: ["arbiter-volume", "heal-slow"], timeScale: 50 }));
    expect(t.loaded.config.gluster.volumes).toEqual(["gv0", "vmstore"]);

    const healthy = await check(t);
    expect(healthy.exitCode, healthy.stdout).toBe(0);
    expect(healthy.stdout).toMatch(
      /^gluster-healed\s+pass\s+gv0: 0 entries on 3 bricks, no split-brain; vmstore: 0 entries on 3 bricks, no split-brain$/m,
    );

    // 300 files written to vmstore while pve1's brick of it was away: pve2 and the arbiter (pve3) hold them.
    t.lab.cluster.writeWhileBrickAway("vmstore", "pve1", 300);
    const refused = await check(t);
    expect(refused.exitCode, refused.stdout).toBe(3);
    expect(refused.stdout).toMatch(
      /^gluster-healed\s+REFUSE\s+pve2:\/data\/brick\/vmstore: \d{3} entries pending \(e\.g\. \S+\); wait for the self-heal daemon or run `gluster volume heal vmstore`/m,
    );
    // The arbiter's line, or its name where two lines read the same.
    expect(refused.stdout).toMatch(/^\s+pve3:\/data\/brick\/vmstore: \d{3} entries pending|\(the same for pve3\)$/m);
    // Every reason, the arbiter brick's among them, each volume's picture and each brick's count.
    const json = await runCli(["check", "--json", "--gate", "gluster-healed", "-c", t.lab.files.config]);
    const doc = JSON.parse(json.stdout) as {
      verdicts: Array<{ gate: string; pass: boolean; summary: string; reasons: string[]; metrics: Record<string, number | null> }>;
    };
    const verdict = doc.verdicts.find((v) => v.gate === "gluster-healed")!;
    expect(verdict.pass).toBe(false);
    expect(verdict.summary).toMatch(
      /^vmstore: \d+ entries pending on 2 of 3 bricks, no split-brain; gv0: 0 entries on 3 bricks, no split-brain$/,
    );
    // rollgate says a line once when another brick's reads the same but for the node.
    expect(verdict.reasons.every((r) => /^pve[23]:\/data\/brick\/vmstore: \d{3} entries pending/.test(r))).toBe(true);
    expect(verdict.reasons.join("\n")).toMatch(/^pve3:\/data\/brick\/vmstore|\(the same for pve3\)$/m);
    expect(verdict.metrics).toEqual({
      "gv0 pve1:/data/brick/gv0": 0,
      "gv0 pve2:/data/brick/gv0": 0,
      "gv0 pve3:/data/brick/gv0": 0,
      "vmstore pve1:/data/brick/vmstore": 0,
      "vmstore pve2:/data/brick/vmstore": expect.any(Number),
      "vmstore pve3:/data/brick/vmstore": expect.any(Number),
    });
    expect(verdict.metrics["vmstore pve3:/data/brick/vmstore"]).toBeGreaterThan(200);
    expect(t.lab.status().record.mutations).toEqual([]);
  }, 60_000);

  it("an upgrade of the whole cluster finishes, waiting for both volumes to heal before each next node", async () => {
    const t = (current = await startTestLab({ scenario: "arbiter-volume", timeScale: 200 }));
    const run = await runCli(["upgrade", "--yes", "-c", t.lab.files.config]);
    expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0);
    const status = t.lab.status();
    for (const node of status.nodes)
      expect(node).toMatchObject({ runningKernel: t.lab.cluster.topology.pendingKernel, maintenance: false, online: true, healEntries: 0 });
    expect(status.guests.every((g) => g.status === "running")).toBe(true);
    expect(status.record.maxOutOfService).toBeLessThanOrEqual(1);
    expect(status.record.unsafeTakeDowns).toEqual([]);
    expect(status.record.criticalBreaches).toEqual([]);
    // Every node was rebooted, and after each reboot rollgate asked both volumes to heal.
    expect(
      status.record.takeDowns
        .filter((d) => d.how === "reboot")
        .map((d) => d.node)
        .sort(),
    ).toEqual(["pve1", "pve2", "pve3"]);
    for (const volume of ["gv0", "vmstore"])
      expect(status.record.mutations.filter((m) => m.action === `gluster volume heal ${volume}`)).toHaveLength(3);
  }, 120_000);
});
