// The upgrade engine against the lab: a healthy rolling upgrade keeps the safety contract, and
// every failure scenario stops with the right outcome, says what a human must do, and touches no
// further node.

import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { LabOptions } from "../../src/lab/lab.js";
import type { RunEvent } from "../../src/run/events.js";
import { runEngine } from "../helpers/engine.js";
import { pveVersions, startTestLab, type TestLab } from "../helpers/lab.js";
import { parsePlaybook } from "../../src/playbook/playbook.js";

let current: TestLab | null = null;
afterEach(async () => {
  await current?.stop();
  current = null;
});

describe.each(pveVersions)("PVE %s", (pveVersion) => {
  async function lab(options: Omit<LabOptions, "dir">): Promise<TestLab> {
    current = await startTestLab({ timeScale: 200, pveVersion, ...options });
    return current;
  }

  /** Nodes that received any change from rollgate, in the order they first did. */
  function touchedNodes(t: TestLab): string[] {
    const nodes: string[] = [];
    for (const m of t.lab.status().record.mutations) {
      const node = /(?:on|enable|disable|reboot|from) (pve\d)/.exec(m.action)?.[1] ?? m.source.split(" ")[1]!;
      if (!nodes.includes(node)) nodes.push(node);
    }
    return nodes;
  }

  /** Model time since a step first started, for limits that are the cluster's, not the test's. */
  function modelTimeOf(t: TestLab, step: string) {
    let startedAt: number | null = null;
    return {
      watch: (e: RunEvent) => {
        if (e.type === "step-start" && e.step === step) startedAt ??= t.lab.cluster.clock.now();
      },
      elapsed: () => t.lab.cluster.clock.now() - (startedAt ?? Number.NaN),
    };
  }

  const nodeEnds = (events: RunEvent[]) => events.flatMap((e) => (e.type === "node-end" ? [`${e.node}:${e.status}`] : []));

  describe("a healthy rolling upgrade", () => {
    it("upgrades every node one at a time; the routers are never both down", async () => {
      const t = await lab({});
      const { result, events } = await runEngine(t);
      expect(result).toMatchObject({ outcome: "success", exitCode: 0, maintenanceLeftOn: [] });
      expect(nodeEnds(events)).toEqual(["pve3:done", "pve1:done", "pve2:done"]);
      // Each node's own check says what it saw, steadily.
      const verified = events.flatMap((e) => (e.type === "step-end" && e.step === "node-verified" ? [e.message] : []));
      expect(verified).toHaveLength(3);
      for (const message of verified) {
        expect(message).toContain("quorum: quorate, 3/3 votes");
        expect(message).toContain("gluster-healed: gv0: 0 entries on 3 bricks, no split-brain");
      }
      const status = t.lab.status();
      for (const node of status.nodes) {
        expect(node).toMatchObject({
          runningKernel: t.lab.cluster.topology.pendingKernel,
          pendingPackages: 0,
          maintenance: false,
          online: true,
          healEntries: 0,
        });
      }
      expect(status.guests.every((g) => g.status === "running")).toBe(true);
      expect(status.record.maxOutOfService).toBe(1);
      expect(status.record.criticalBreaches).toEqual([]);
      // Maintenance, dpkg and the reboot of each node, each while the rest of the cluster was healthy.
      expect(status.record.takeDowns.map((d) => `${d.node} ${d.how}`)).toEqual(
        ["pve3", "pve1", "pve2"].flatMap((n) => [`${n} maintenance`, `${n} dist-upgrade`, `${n} reboot`]),
      );
      expect(status.record.unsafeTakeDowns).toEqual([]);
      // A heal was asked for once per node, once its brick and self-heal daemon were back.
      expect(status.record.mutations.filter((m) => m.action === "gluster volume heal gv0")).toHaveLength(3);
      // Each change was journaled before it was made.
      const actions = events.filter((e) => e.type === "action");
      expect(actions.filter((a) => a.type === "action" && a.phase === "before").length).toBe(
        actions.filter((a) => a.type === "action" && a.phase === "after").length,
      );
    });

    it("refuses at preflight, changing nothing, when the routers share a node", async () => {
      const t = await lab({ scenario: "routers-on-one-node" });
      const { result } = await runEngine(t);
      expect(result).toMatchObject({ outcome: "refused", exitCode: 3 });
      expect(result.message).toContain("group routers: 100 and 101 all run on pve1");
      expect(t.lab.status().record.mutations).toEqual([]);
    });

    it.each([
      ["quorum-lost", "not quorate"],
      ["split-brain", "entries in split-brain"],
    ] as const)("refuses at preflight in %s, changing nothing", async (scenario, reason) => {
      const t = await lab({ scenario });
      const { result } = await runEngine(t);
      expect(result).toMatchObject({ outcome: "refused", exitCode: 3 });
      expect(result.message).toContain(reason);
      expect(t.lab.status().record.mutations).toEqual([]);
    });
  });

  describe("failures with a node out of service stop there (exit 4) and touch no further node", () => {
    it("heal-stalls: the heal stops making progress; the wait ends after healStall, not after the 2 h heal limit", async () => {
      const t = await lab({ scenario: "heal-stalls" });
      const healWait = modelTimeOf(t, "gluster-heal");
      const { result, events } = await runEngine(t, {}, healWait.watch);
      expect(result).toMatchObject({ outcome: "failed", exitCode: 4 });
      expect(result.message).toMatch(
        /^gluster-healed: no heal progress for .* \(timeouts\.healStall\): entries pending: gv0 pve\d:\/data\/brick\/gv0 \d+/,
      );
      expect(result.humanAction).toContain("Waiting will not fix this");
      expect(result.humanAction).toContain("`gluster volume heal gv0 info`");
      expect(result.humanAction).toContain("do not take another node down");
      // Model time: ten minutes of no progress and a poll, far from the two hours of timeouts.heal.
      expect(healWait.elapsed()).toBeLessThan(12 * 60_000);
      expect(nodeEnds(events)).toEqual(["pve3:failed"]);
      expect(touchedNodes(t)).toEqual(["pve3"]);
      expect(t.lab.status().record.criticalBreaches).toEqual([]);
    });

    it("node-never-returns: wait-online gives up, says to look at the console and how to boot the kernel it ran before", async () => {
      const t = await lab({ scenario: "node-never-returns", timeouts: { nodeOnline: "1500ms" } });
      const kernelBefore = t.lab.cluster.node("pve3").runningKernel;
      const { result } = await runEngine(t);
      expect(result).toMatchObject({ outcome: "failed", exitCode: 4, maintenanceLeftOn: ["pve3"] });
      expect(result.message).toBe("pve3 did not come back within 1.5 s");
      expect(result.humanAction).toContain("Look at pve3's console");
      const kernelAfter = t.lab.cluster.node("pve3").installedKernels.at(-1);
      expect(kernelAfter).not.toBe(kernelBefore);
      expect(result.humanAction).toContain(
        `If pve3 does not boot ${kernelAfter}: in its boot menu choose ${kernelBefore} (GRUB: "Advanced options"; systemd-boot: the entry for ${kernelBefore}); ` +
          `if it booted but cannot be reached, log in at its console and run ` +
          `\`proxmox-boot-tool kernel pin ${kernelBefore} --next-boot && proxmox-boot-tool refresh && reboot\`, which boots ${kernelBefore} once.`,
      );
      expect(touchedNodes(t)).toEqual(["pve3"]);
    });

    it("no-private-network-after-reboot: stops on the private network, naming the broken paths", async () => {
      const t = await lab({ scenario: "no-private-network-after-reboot", timeouts: { nodeOnline: "1500ms" } });
      const { result } = await runEngine(t);
      expect(result).toMatchObject({ outcome: "failed", exitCode: 4 });
      expect(result.message).toMatch(/^private-network still refuses after 1.5 s: pve1 → pve3 \(10\.10\.0\.3\): no answer/);
      expect(touchedNodes(t)).toEqual(["pve3"]);
    });

    it("service-not-restarted: stops when celery stays down after its node rebooted", async () => {
      const t = await lab({ scenario: "service-not-restarted", timeouts: { nodeOnline: "1500ms" } });
      const { result, events } = await runEngine(t);
      expect(result).toMatchObject({ outcome: "failed", exitCode: 4 });
      expect(result.message).toContain("service celery (celery.service on pve1): inactive");
      // pve3 is upgraded first; pve1 (celery's node) second; pve2 is never touched.
      expect(nodeEnds(events)).toEqual(["pve3:done", "pve1:failed"]);
      expect(touchedNodes(t)).not.toContain("pve2");
    });

    it("migration-fails: the HA migration fails although its request task ended OK; every node still serves, so exit 3", async () => {
      const t = await lab({ scenario: "migration-fails" });
      const { result } = await runEngine(t);
      expect(result).toMatchObject({ outcome: "failed", exitCode: 3, maintenanceLeftOn: [] });
      expect(result.humanAction).toContain("pve3 is still in service: the guests moved off it so far stay where they are.");
      expect(result.message).toMatch(
        /^HA migration of 103 \(db\) from pve3 to pve\d failed: task UPID:pve3:\S+:qmigrate:103:root@pam: ended "migration problems"/,
      );
      expect(result.humanAction).toContain("103 (db) should still be running on pve3");
      expect(t.lab.cluster.guest(103)).toMatchObject({ node: "pve3", status: "running" });
      expect(touchedNodes(t)).toEqual(["pve3"]);
    });

    it("ssh-drop-during-apt: stops with dpkg possibly half-configured", async () => {
      const t = await lab({ scenario: "ssh-drop-during-apt" });
      const { result } = await runEngine(t);
      expect(result).toMatchObject({ outcome: "failed", exitCode: 4, maintenanceLeftOn: ["pve3"] });
      expect(result.message).toMatch(/^apt-get dist-upgrade on pve3: pve3: connection lost while running .*; dpkg may be half-configured$/);
      expect(result.humanAction).toContain("dpkg --configure -a");
      expect(touchedNodes(t)).toEqual(["pve3"]);
    });

    it("brick-stays-down: the wait stops once the offline brick has held for settle, naming it and its log", async () => {
      const t = await lab({ scenario: "brick-stays-down" });
      const healWait = modelTimeOf(t, "gluster-heal");
      const { result, events } = await runEngine(t, {}, healWait.watch);
      expect(result).toMatchObject({ outcome: "failed", exitCode: 4 });
      expect(result.message).toMatch(
        /^gluster-healed: pve3:\/data\/brick\/gv0: brick process is offline although glusterd on pve3 answers: find why in \/var\/log\/glusterfs\/bricks\/data-brick-gv0\.log on pve3/,
      );
      expect(result.message).toMatch(/\(seen for [^)]+\)$/);
      expect(healWait.elapsed()).toBeLessThan(t.loaded.config.timeouts.healStall * t.lab.cluster.clock.scale);
      // While it waited, the live view named the brick, not only the entries it holds up.
      const shown = events.flatMap((e) => (e.type === "step-progress" && e.step === "gluster-heal" ? [e.message] : []));
      expect(shown).toContainEqual(expect.stringMatching(/^waiting for gluster-healed: pve3:\/data\/brick\/gv0: brick process is offline/));
      expect(touchedNodes(t)).toEqual(["pve3"]);
    });
  });

  describe("interrupt and resume", () => {
    it("stops at a safe point on request, then --resume re-verifies the node and finishes", async () => {
      const t = await lab({});
      const stop = new AbortController();
      const first = await runEngine(t, { stop: stop.signal }, (e) => {
        if (e.type === "step-start" && e.step === "wait-online") stop.abort();
      });
      expect(first.result).toMatchObject({ outcome: "interrupted", exitCode: 6 });
      expect(first.result.maintenanceLeftOn).toEqual(["pve3"]);
      const second = await runEngine(t, { resume: { runId: "test-run", events: first.events } });
      expect(second.result).toMatchObject({ outcome: "success", exitCode: 0, maintenanceLeftOn: [] });
      expect(nodeEnds(second.events)).toEqual(["pve3:done", "pve1:done", "pve2:done"]);
      // The resumed node was not rebooted twice.
      const reboots = t.lab.status().record.mutations.filter((m) => m.action === "reboot pve3");
      expect(reboots).toHaveLength(1);
      expect(t.lab.status().record.maxOutOfService).toBe(1);
    });
  });

  describe("dry run", () => {
    it("walks every node and prints what it would do, with zero mutations", async () => {
      const t = await lab({});
      const { result, events } = await runEngine(t, { dryRun: true });
      expect(result).toMatchObject({ outcome: "success", exitCode: 0 });
      const would = events.flatMap((e) =>
        e.type === "step-progress" && e.message.startsWith("would: ") ? [`${e.node} ${e.message}`] : [],
      );
      // Each line comes from the request the real run would send.
      expect(would).toContain(
        "pve1 would: migrate 100 (fw-a) [routers] pve1 → pve3: POST /nodes/pve1/qemu/100/migrate target=pve3 online=1",
      );
      const { pendingKernel, runningKernel } = t.lab.cluster.topology;
      expect(would).toContainEqual(
        expect.stringContaining(
          `pve2 would: systemctl reboot on pve2: kernel ${pendingKernel} is installed but ${runningKernel} is running`,
        ),
      );
      // Its own migrations are simulated: pve1's router went to pve3, so pve2's goes to pve1, and no gate refuses.
      expect(would).toContain(
        "pve2 would: migrate 101 (fw-b) [routers] pve2 → pve1: POST /nodes/pve2/qemu/101/migrate target=pve1 online=1",
      );
      expect(events.filter((e) => e.type === "gate" && !e.verdict.pass)).toEqual([]);
      expect(nodeEnds(events)).toEqual(["pve3:done", "pve1:done", "pve2:done"]);
      expect(t.lab.status().record.mutations).toEqual([]);
    });

    it.each([
      ["split-brain", "entries in split-brain"],
      ["routers-on-one-node", "100 and 101 all run on pve1"],
      pveVersion === "8.4"
        ? (["storage-without-server2", "pve1 cannot go down as planned"] as const)
        : (["mount-without-backup-volfile", "pve1 cannot go down as planned"] as const),
    ] as const)("exits 3 in %s, as the real run would, changing nothing", async (scenario, reason) => {
      const t = await lab({ scenario });
      const { result } = await runEngine(t, { dryRun: true });
      expect(result).toMatchObject({ outcome: "refused", exitCode: 3 });
      expect(result.message).toContain(reason);
      expect(t.lab.status().record.mutations).toEqual([]);
    });
  });

  describe.runIf(pveVersion === "8.4")("PVE 8's Gluster storage without server2", () => {
    it("refuses (exit 3) before the first node, as plan does, instead of leaving the cluster half upgraded", async () => {
      const t = await lab({ scenario: "storage-without-server2" });
      const { result, events } = await runEngine(t);
      expect(result).toMatchObject({ outcome: "refused", exitCode: 3 });
      expect(result.message).toContain("pve1 cannot go down as planned: storage gv0 (volume gv0) fetches its volfile only from pve1");
      expect(result.message).toContain("upgrade the others with `--nodes pve2,pve3`");
      expect(nodeEnds(events)).toEqual([]);
      expect(t.lab.status().record.mutations).toEqual([]);
    });

    it("upgrades the others when --nodes leaves the only volfile server out", async () => {
      const t = await lab({ scenario: "storage-without-server2" });
      const { result, events } = await runEngine(t, { only: ["pve2", "pve3"] });
      expect(result).toMatchObject({ outcome: "success", exitCode: 0 });
      expect(nodeEnds(events)).toEqual(["pve3:done", "pve2:done"]);
      expect(touchedNodes(t)).not.toContain("pve1");
    });
  });

  describe("run: steps of a playbook", () => {
    it("`gates: preflight` on a node means the playbook's own preflight list", async () => {
      const t = await lab({});
      const playbook = parsePlaybook("preflight:\n  - gate: quorum\nnode:\n  - gates: preflight\n", "mine.yaml", "mine");
      const { result, events } = await runEngine(t, { playbook, only: ["pve3"] });
      expect(result).toMatchObject({ outcome: "success", exitCode: 0 });
      const judged = events.flatMap((e) =>
        e.type === "gate" && e.node === "pve3" && e.step === "preflight-gates" ? [e.verdict.gate] : [],
      );
      expect(judged).toEqual(["quorum"]);
    });

    it("runs a command on each node over SSH and one locally with ROLLGATE_NODE set", async () => {
      const t = await lab({});
      const { parsePlaybook } = await import("../../src/playbook/playbook.js");
      const { readFile } = await import("node:fs/promises");
      const seen = path.join(t.dir, "seen");
      const playbook = parsePlaybook(
        `node:\n  - gates: preflight\n  - run: hostname\n  - run: 'echo "$ROLLGATE_NODE" >> ${seen}'\n    on: local\n  - run: no-such-tool --now\n`,
        "mine.yaml",
        "mine",
      );
      const { result, events } = await runEngine(t, { playbook, only: ["pve3", "pve1"] });
      const outputs = events.flatMap((e) =>
        e.type === "step-output" && e.step === "run" && e.stream === "stdout" ? [`${e.node}:${e.text.trim()}`] : [],
      );
      expect(outputs).toEqual(["pve3:pve3"]);
      expect(await readFile(seen, "utf8")).toBe("pve3\n");
      // The third command fails on the first node: the run stops there, as with any failed change.
      expect(result).toMatchObject({ outcome: "failed", exitCode: 4 });
      expect(result.message).toBe("`no-such-tool --now` on pve3 exited 127: bash: no-such-tool: command not found");
    });
  });
});
