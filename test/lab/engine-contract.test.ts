// The contract, enforced by the engine from live state against the lab: before each take-down
// the rest of the cluster is proved healthy (whatever the playbook says), and a resumed run
// decides from the cluster as it is, using the journal only for what live state cannot tell.

import { afterEach, describe, expect, it } from "vitest";
import type { LabOptions } from "../../src/lab/lab.js";
import { parsePlaybook } from "../../src/playbook/playbook.js";
import type { RunEvent } from "../../src/run/events.js";
import { sshPoolFor } from "../../src/transport/from-config.js";
import type { RemoteShell } from "../../src/transport/remote-command.js";
import { RemoteError } from "../../src/transport/ssh.js";
import { runEngine } from "../helpers/engine.js";
import { eventually, pveVersions, startTestLab, type TestLab } from "../helpers/lab.js";

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

  describe("the engine proves the rest of the cluster healthy before each take-down", () => {
    it("waits while a peer that lost power during the evacuation comes back and heals", async () => {
      const t = await lab({});
      let cut = false;
      const { result, events } = await runEngine(t, {}, (e) => {
        if (!cut && e.type === "step-end" && e.node === "pve3" && e.step === "evacuate") {
          cut = true;
          t.lab.cluster.powerCycle("pve1");
        }
      });
      expect(cut).toBe(true);
      expect(result).toMatchObject({ outcome: "success", exitCode: 0 });
      const record = t.lab.status().record;
      expect(record.unsafeTakeDowns).toEqual([]);
      expect(record.takeDowns).toHaveLength(9);
      // It said why it waited: pve1's absence and then its heal.
      const waited = events.flatMap((e) =>
        e.type === "step-progress" && e.node === "pve3" && e.step === "maintenance-on" ? [e.message] : [],
      );
      // Which gates still refuse depends on how far pve1's reboot got (a loaded machine is slower than the lab's clock).
      expect(waited).toContainEqual(
        expect.stringMatching(/^not taking pve3 further down until the cluster is healthy again: .*(quorum|nodes-online|gluster-healed)/),
      );
    });

    it("a stop asked for while the take-down gates are evaluated comes before the reboot", async () => {
      const t = await lab({});
      const stop = new AbortController();
      const { result } = await runEngine(t, { stop: stop.signal }, (e) => {
        if (e.type === "step-progress" && e.step === "reboot-if-needed" && e.message.startsWith("the rest of the cluster is healthy"))
          stop.abort();
      });
      expect(result).toMatchObject({ outcome: "interrupted", exitCode: 6 });
      expect(t.lab.status().record.mutations.map((m) => m.action)).not.toContain("reboot pve3");
    });

    // A whole upgrade plus a peer's power cycle and heal: the longest test here, given room under load.
    it("re-checks the cluster when a resumed run takes its node further down, days later", async () => {
      const t = await lab({});
      const stop = new AbortController();
      const first = await runEngine(t, { stop: stop.signal }, (e) => {
        if (e.type === "step-end" && e.node === "pve3" && e.step === "maintenance-on") stop.abort();
      });
      expect(first.result.exitCode).toBe(6);
      // Meanwhile a peer loses power; the resume starts while it is still away.
      t.lab.cluster.powerCycle("pve2");
      await eventually("pve2 to be down", () => !t.lab.cluster.isUp("pve2"));
      const second = await runEngine(t, { resume: { runId: "test-run", events: first.events } });
      expect(second.result).toMatchObject({ outcome: "success", exitCode: 0 });
      expect(t.lab.status().record.unsafeTakeDowns).toEqual([]);
    }, 60_000);

    it("accepts a playbook without any gate, and still never takes a node down unsafely", async () => {
      const t = await lab({});
      const playbook = parsePlaybook(
        "node:\n  - step: evacuate\n  - step: apt-upgrade\n  - step: reboot-if-needed\n  - step: wait-online\n",
        "bare.yaml",
        "bare",
      );
      const { result } = await runEngine(t, { playbook });
      expect(result).toMatchObject({ outcome: "success", exitCode: 0 });
      const record = t.lab.status().record;
      expect(record.unsafeTakeDowns).toEqual([]);
      expect(record.criticalBreaches).toEqual([]);
      expect(record.maxOutOfService).toBe(1);
    });

    it("refuses, untouched, when such a playbook meets routers on one node", async () => {
      const t = await lab({ scenario: "routers-on-one-node" });
      const playbook = parsePlaybook(
        "node:\n  - step: evacuate\n  - step: apt-upgrade\n  - step: reboot-if-needed\n  - step: wait-online\n",
        "bare.yaml",
        "bare",
      );
      const { result } = await runEngine(t, { playbook });
      expect(result).toMatchObject({ outcome: "refused", exitCode: 3 });
      expect(result.message).toContain("100 and 101 all run on pve1");
      expect(t.lab.status().record.mutations).toEqual([]);
    });
  });

  describe("resume decides from live state, not from the journal", () => {
    it("evacuates again and switches maintenance on again after an admin undid both", async () => {
      const t = await lab({});
      const stop = new AbortController();
      const first = await runEngine(t, { stop: stop.signal }, (e) => {
        if (e.type === "step-end" && e.node === "pve3" && e.step === "maintenance-on") stop.abort();
      });
      expect(first.result.exitCode).toBe(6);
      // What check's advice suggests, and an admin moving a guest home.
      t.lab.cluster.setMaintenance("pve3", false, "admin");
      // HA takes the disable up on its next round; only then will it place a guest on pve3.
      await eventually("pve3 online for HA", () => t.lab.cluster.node("pve3").haStatus === "online");
      const db = t.lab.cluster.guest(103);
      t.lab.cluster.migrate(db.node, 103, { target: "pve3", online: true, restart: false, user: "root@pam" }, "admin");
      await eventually(
        "103 back on pve3 and pve3 online for HA",
        () =>
          t.lab.cluster.guest(103).node === "pve3" &&
          t.lab.cluster.node("pve3").haStatus === "online" &&
          t.lab.cluster.guest(103).lock === null,
      );
      const second = await runEngine(t, { resume: { runId: "test-run", events: first.events } });
      expect(second.result).toMatchObject({ outcome: "success", exitCode: 0 });
      const record = t.lab.status().record;
      expect(record.unsafeTakeDowns).toEqual([]);
      const pve3Reboot = record.takeDowns.find((d) => d.node === "pve3" && d.how === "reboot")!;
      expect(pve3Reboot.unsafe).toEqual([]);
      const since = (action: string) => record.mutations.filter((m) => m.source !== "admin" && m.action === action).length;
      expect(since("ha-manager node-maintenance enable pve3")).toBe(2);
      expect(record.mutations.filter((m) => /^migrate 103 from pve3 to/.test(m.action))).toHaveLength(2);
    });

    const rebootsOf = (t: TestLab, node: string) => t.lab.status().record.mutations.filter((m) => m.action === `reboot ${node}`);

    it("asks again for a reboot that was journaled but failed to be sent", async () => {
      const t = await lab({});
      const pool = sshPoolFor(t.loaded.config);
      // The request never reaches the node: the channel cannot even be opened.
      const refusingReboot: RemoteShell = {
        run: (node, command, options) =>
          command.argv.join(" ") === "systemctl reboot"
            ? Promise.reject(new RemoteError(node, "cannot start `systemctl reboot`: Channel open failure"))
            : pool.run(node, command, options),
        stream: (node, command, options) => pool.stream(node, command, options),
        close: () => pool.close(),
      };
      const first = await runEngine(t, { shell: refusingReboot });
      expect(first.result).toMatchObject({ outcome: "failed", exitCode: 4 });
      expect(rebootsOf(t, "pve3")).toEqual([]);
      const second = await runEngine(t, { resume: { runId: "test-run", events: first.events } });
      expect(second.result).toMatchObject({ outcome: "success", exitCode: 0 });
      expect(rebootsOf(t, "pve3")).toHaveLength(1);
    });

    it("asks again for a reboot whose request the run died right after journaling", async () => {
      const t = await lab({});
      const stop = new AbortController();
      const first = await runEngine(t, { stop: stop.signal }, (e) => {
        if (e.type === "step-end" && e.step === "apt-upgrade") stop.abort();
      });
      expect(first.result.exitCode).toBe(6);
      expect(rebootsOf(t, "pve3")).toEqual([]);
      // The journal as a kill right after the reboot's intent leaves it: the intent, nothing after it.
      const bootIdBefore = t.lab.cluster.node("pve3").bootId;
      const killed = [
        ...first.events.filter(
          (e) => e.type !== "run-end" && !(e.type === "step-end" && e.step === "reboot-if-needed") && !(e.type === "node-end"),
        ),
        {
          type: "action",
          node: "pve3",
          step: "reboot-if-needed",
          entry: "node[6]",
          action: "reboot",
          phase: "before",
          detail: { node: "pve3", bootIdBefore, kernelAfter: t.lab.cluster.topology.pendingKernel, reason: "new kernel" },
          time: new Date().toISOString(),
        },
      ] as RunEvent[];
      const second = await runEngine(t, { resume: { runId: "test-run", events: killed } });
      expect(second.result).toMatchObject({ outcome: "success", exitCode: 0 });
      expect(rebootsOf(t, "pve3")).toHaveLength(1);
      expect(second.events).toContainEqual(expect.objectContaining({ type: "action", node: "pve3", action: "reboot", phase: "before" }));
    });

    it("waits for a reboot it had sent instead of asking twice, and proves it by the boot id", async () => {
      const t = await lab({});
      const stop = new AbortController();
      const first = await runEngine(t, { stop: stop.signal }, (e) => {
        if (e.type === "action" && e.action === "reboot" && e.phase === "after") stop.abort();
      });
      expect(first.result.exitCode).toBe(6);
      const second = await runEngine(t, { resume: { runId: "test-run", events: first.events } });
      expect(second.result).toMatchObject({ outcome: "success", exitCode: 0 });
      expect(rebootsOf(t, "pve3")).toHaveLength(1);
      const reboot = second.events.find((e) => e.type === "step-end" && e.node === "pve3" && e.step === "reboot-if-needed");
      expect(reboot).toMatchObject({ status: expect.stringMatching(/^(ok|skipped)$/) });
    });

    it("runs the second of two run: entries after an interruption between them, and not the first again", async () => {
      const t = await lab({});
      const playbook = parsePlaybook("node:\n  - gates: preflight\n  - run: echo first\n  - run: echo second\n", "two.yaml", "two");
      const stop = new AbortController();
      const first = await runEngine(t, { playbook, only: ["pve3"], stop: stop.signal }, (e) => {
        if (e.type === "step-end" && e.entry === "node[1]") stop.abort();
      });
      expect(first.result.exitCode).toBe(6);
      const second = await runEngine(t, { playbook, only: ["pve3"], resume: { runId: "test-run", events: first.events } });
      expect(second.result.exitCode).toBe(0);
      const ran = (events: RunEvent[]) => events.flatMap((e) => (e.type === "step-output" ? [e.text.trim()] : []));
      expect(ran(first.events)).toEqual(["first"]);
      expect(ran(second.events)).toEqual(["second"]);
      expect(second.events).toContainEqual(expect.objectContaining({ type: "step-end", entry: "node[1]", status: "skipped" }));
    });

    it("skips a run: entry whose unless: check succeeds on the node, and runs it when it fails", async () => {
      const t = await lab({});
      const playbook = parsePlaybook(
        "node:\n  - run: echo needed\n    unless: 'true'\n  - run: echo also\n    unless: 'false'\n",
        "unless.yaml",
        "unless",
      );
      const { result, events } = await runEngine(t, { playbook, only: ["pve3"] });
      expect(result.exitCode).toBe(0);
      expect(events.flatMap((e) => (e.type === "step-output" ? [e.text.trim()] : []))).toEqual(["also"]);
    });
  });
});
