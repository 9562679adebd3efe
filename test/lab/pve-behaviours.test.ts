// Where a real PVE cluster answers differently from an idealised one, rollgate still does the
// right thing: each behaviour of docs/domain (no HA resources, task warnings, missing privileges,
// a VM locked by a backup, HA failback, an enterprise repository without subscription, HA state
// null, storage restricted to some nodes, a mount without backup volfile servers), on the PVE
// versions where it exists, through the engine against the lab.

import { afterEach, describe, expect, it } from "vitest";
import type { LabOptions } from "../../src/lab/lab.js";
import type { RunEvent } from "../../src/run/events.js";
import { runEngine } from "../helpers/engine.js";
import { pveVersions, startTestLab, type TestLab } from "../helpers/lab.js";

let current: TestLab | null = null;
afterEach(async () => {
  await current?.stop();
  current = null;
});

async function lab(options: Omit<LabOptions, "dir">): Promise<TestLab> {
  current = await startTestLab({ timeScale: 200, ...options });
  return current;
}

const progressOf = (events: RunEvent[], step: string) =>
  events.flatMap((e) => (e.type === "step-progress" && e.step === step ? [e.message] : []));
const endsOf = (events: RunEvent[], step: string) =>
  events.flatMap((e) => (e.type === "step-end" && e.step === step ? [`${e.node}:${e.status}:${e.message}`] : []));

describe.each(pveVersions)("PVE %s", (pveVersion) => {
  it("no HA resources: the upgrade works, and maintenance mode is not used (and said so)", async () => {
    const t = await lab({ pveVersion, scenario: "no-ha-resources" });
    const { result, events } = await runEngine(t);
    expect(result).toMatchObject({ outcome: "success", exitCode: 0 });
    expect(t.lab.status().record.mutations.filter((m) => m.action.includes("node-maintenance"))).toEqual([]);
    expect(endsOf(events, "maintenance-on")).toContainEqual(
      expect.stringMatching(/^pve\d:skipped:HA manages no resource: maintenance mode is not used/),
    );
    expect(t.lab.status().record.unsafeTakeDowns).toEqual([]);
  });

  it("an HA manager that never takes up the maintenance request is noticed after timeouts.haPickup, not after nodeOnline", async () => {
    const t = await lab({ pveVersion });
    let requestedAt = 0;
    const { result } = await runEngine(t, {}, (e) => {
      if (e.type === "step-start" && e.step === "maintenance-on" && requestedAt === 0) {
        // Every pve-ha-crm stopped: no CRM becomes master, so nothing queued is ever processed.
        t.lab.cluster.crm.master = null;
        t.lab.cluster.crm.lockedUntil = Number.POSITIVE_INFINITY;
        requestedAt = t.lab.cluster.clock.now();
      }
    });
    const failedAfterMs = t.lab.cluster.clock.now() - requestedAt;
    expect(result).toMatchObject({ outcome: "failed", exitCode: 4 });
    expect(result.message).toMatch(
      /the HA manager did not take up `ha-manager crm-command node-maintenance enable pve\d` within 1 s \(it reports pve\d online\): its CRM runs every 10 s, so it will not/,
    );
    // Model time: haPickup's minute and the polls around it (slower under load), far from nodeOnline's 15 minutes.
    expect(failedAfterMs).toBeLessThan(5 * 60_000);
  });

  it("task warnings: a migration that ends WARNINGS: N succeeded, and its warnings are shown", async () => {
    const t = await lab({ pveVersion, scenario: "task-warnings" });
    const config = t.loaded.config;
    const web = { ...config, upgrade: { ...config.upgrade, guestOverrides: { 102: "shutdown" as const } } };
    const { result, events } = await runEngine(t, { config: web, only: ["pve1"] });
    expect(result).toMatchObject({ outcome: "success", exitCode: 0 });
    expect(progressOf(events, "start-guests")).toContainEqual(
      expect.stringMatching(/^warning: task \S+ on pve1 ended with 1 warning: WARN: no efidisk configured/),
    );
    // A migration whose VM start warned is still a migration that ended OK: no warning for it.
    expect(progressOf(events, "evacuate").filter((m) => m.startsWith("warning:"))).toEqual([]);
  });

  it("missing privileges: refused before anything is touched, naming each and the pveum commands", async () => {
    const t = await lab({ pveVersion, scenario: "token-missing-privileges" });
    const { result } = await runEngine(t);
    expect(result).toMatchObject({ outcome: "refused", exitCode: 3 });
    const agent = pveVersion === "8.4" ? "VM.Monitor" : "VM.GuestAgent.Audit";
    expect(result.message).toContain("permissions: token rollgate@pve!upgrade lacks");
    expect(result.message).toContain("Datastore.Audit on /storage");
    expect(result.message).toContain(agent);
    expect(result.message).toContain("pveum acl modify / --tokens 'rollgate@pve!upgrade' --roles RollgateUpgrade");
    expect(t.lab.status().record.mutations).toEqual([]);
  });

  it("a VM locked by a backup: the evacuation waits for the lock, saying why, then goes on", async () => {
    const t = await lab({ pveVersion, scenario: "vm-locked-backup" });
    const { result, events } = await runEngine(t);
    expect(result).toMatchObject({ outcome: "success", exitCode: 0 });
    expect(progressOf(events, "evacuate")).toContainEqual(
      expect.stringMatching(/waiting for \d+ \(\w+\) on pve\d to be unlocked: locked \(backup\), a backup is running/),
    );
    expect(t.lab.status().record.unsafeTakeDowns).toEqual([]);
  });

  it("HA would fail a router back: refused before anything is touched, with the setting to change", async () => {
    const t = await lab({ pveVersion, scenario: "ha-failback" });
    const { result } = await runEngine(t);
    expect(result).toMatchObject({ outcome: "refused", exitCode: 3 });
    expect(result.message).toContain("pve1 cannot go down as planned");
    expect(result.message).toMatch(
      pveVersion === "8.4"
        ? /HA would move it to pve\d \(group \S+, failback on\).*`ha-manager groupset \S+ --nofailback 1`/s
        : /HA would move it to pve\d .*`ha-manager set vm:10[01] --failback 0`/s,
    );
    expect(t.lab.status().record.mutations).toEqual([]);
  });

  it("an enterprise repository without subscription: found in preflight, with the line to fix", async () => {
    const t = await lab({ pveVersion, scenario: "enterprise-repo-401" });
    const { result } = await runEngine(t);
    expect(result).toMatchObject({ outcome: "refused", exitCode: 3 });
    expect(result.message).toContain("package-sources: apt-get update fails on pve1, pve2, pve3");
    expect(result.message).toContain(pveVersion === "8.4" ? "pve-no-subscription" : "trixie pve-no-subscription");
    expect(t.lab.status().record.mutations).toEqual([]);
  });

  it("HA state null: read as a guest HA does not manage now, not as an unreadable answer", async () => {
    const t = await lab({ pveVersion, scenario: "ha-state-null" });
    const { result } = await runEngine(t);
    expect(result).toMatchObject({ outcome: "success", exitCode: 0 });
  });

  it("a storage restricted to some nodes: the placement sends its guest only where PVE allows it", async () => {
    const t = await lab({ pveVersion, scenario: "storage-restricted-nodes" });
    const { result, events } = await runEngine(t);
    expect(result).toMatchObject({ outcome: "success", exitCode: 0 });
    const refused = events.filter((e) => e.type === "action" && e.action === "migrate" && e.phase === "after" && e.ok === false);
    expect(refused).toEqual([]);
  });
});

describe("PVE 8.4 only", () => {
  it("HA that never takes up a command without resources (8.0-8.2): the run never asks it, and finishes", async () => {
    const t = await lab({ pveVersion: "8.4", scenario: "ha-ignores-maintenance" });
    const { result, events } = await runEngine(t);
    expect(result).toMatchObject({ outcome: "success", exitCode: 0 });
    expect(t.lab.status().record.mutations.filter((m) => m.action.includes("node-maintenance"))).toEqual([]);
    expect(endsOf(events, "maintenance-off")).toContainEqual(expect.stringMatching(/^pve\d:skipped:HA manages no resource/));
  });
});

describe("PVE 9.1 only", () => {
  it("a mount without backup volfile servers: the only volfile server is not taken down", async () => {
    const t = await lab({ pveVersion: "9.1", scenario: "mount-without-backup-volfile" });
    const { result } = await runEngine(t);
    expect(result).toMatchObject({ outcome: "refused", exitCode: 3 });
    expect(result.message).toContain("mounts gv0 from pve1 only");
    expect(result.message).toContain("backup-volfile-servers=pve2:pve3");
    expect(t.lab.status().record.mutations).toEqual([]);
    const others = await runEngine(t, { only: ["pve2", "pve3"] });
    expect(others.result).toMatchObject({ outcome: "success", exitCode: 0 });
  });
});
