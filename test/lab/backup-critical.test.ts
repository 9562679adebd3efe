// upgrade.backup against the lab: before the first node, a vzdump of every critical guest to the
// named storage, one job per node, its task log journaled and each archive found on the storage;
// a backup that fails, or a storage that takes no backups, refuses the run with every node in
// service; a dry run only says what it would send; a resumed run does not back up again what this
// run backed up already.

import { afterEach, describe, expect, it } from "vitest";
import type { Config } from "../../src/config/index.js";
import type { ScenarioName } from "../../src/lab/model/scenarios.js";
import type { RunEvent } from "../../src/run/events.js";
import { runEngine } from "../helpers/engine.js";
import { startTestLab, type TestLab } from "../helpers/lab.js";

let current: TestLab | null = null;
afterEach(async () => {
  await current?.stop();
  current = null;
});

async function lab(storage = "local", scenarios: ScenarioName[] = []): Promise<{ t: TestLab; config: Config }> {
  const t = (current = await startTestLab({ timeScale: 200, scenario: scenarios }));
  const { config: loaded } = t.loaded;
  const backup = { storage, mode: "snapshot" as const, compress: "zstd" as const, timeout: 3_600_000 };
  return { t, config: { ...loaded, upgrade: { ...loaded.upgrade, backup } } };
}

/** `backup ok`, `node-start pve3`…: the backup step's end and the nodes, in order. */
function outline(events: RunEvent[]): string[] {
  return events.flatMap((e) => {
    if (e.type === "step-end" && e.step === "backup-critical") return [`backup ${e.status}`];
    if (e.type === "node-start") return [`node-start ${e.node}`];
    return [];
  });
}

const vzdumpTasks = (t: TestLab) => [...t.lab.cluster.tasks.values()].filter((task) => task.type === "vzdump");

describe("upgrade.backup", () => {
  it("backs up every critical guest to the storage before the first node, and journals each job's task log", async () => {
    const { t, config } = await lab();
    const { result, events } = await runEngine(t, { config });
    expect(result).toMatchObject({ outcome: "success", exitCode: 0 });
    expect(outline(events).slice(0, 2)).toEqual(["backup ok", expect.stringMatching(/^node-start /)]);
    const archives = t.lab.cluster.backups.map((b) => ({ vmid: b.vmid, storage: b.storage, notes: b.notes }));
    expect(archives.sort((a, b) => a.vmid - b.vmid)).toEqual([
      { vmid: 100, storage: "local", notes: "rollgate: fw-a before a rolling upgrade" },
      { vmid: 101, storage: "local", notes: "rollgate: fw-b before a rolling upgrade" },
    ]);
    const ended = events.find((e) => e.type === "step-end" && e.step === "backup-critical");
    expect(ended).toMatchObject({
      message: expect.stringMatching(
        /^backed up to local: 100 \(fw-a\) → local:backup\/vzdump-qemu-100-\d{4}_\d\d_\d\d-\d\d_\d\d_\d\d\.vma\.zst, 101 \(fw-b\) → local:backup\/vzdump-qemu-101-/,
      ),
    });
    // The routers run on two nodes: one job each, every one journaled before and after.
    const actions = events.filter((e) => e.type === "action" && e.action === "backup");
    expect(actions.map((a) => (a.type === "action" ? `${a.phase} ${String(a.detail["node"])}` : ""))).toHaveLength(4);
    const log = events.flatMap((e) => (e.type === "step-output" && e.step === "backup-critical" ? [e.text] : [])).join("");
    expect(log).toContain("INFO: Finished Backup of VM 100 (");
    expect(log).toContain("INFO: Finished Backup of VM 101 (");
    expect(log).toContain("TASK OK");
    expect(t.lab.status().record.unsafeTakeDowns).toEqual([]);
  });

  it("a backup that fails refuses the run with exit 3 before any node, naming the guest and PVE's error", async () => {
    const { t, config } = await lab("local", ["backup-fails"]);
    const { result, events } = await runEngine(t, { config });
    expect(result).toMatchObject({ outcome: "refused", exitCode: 3, maintenanceLeftOn: [] });
    expect(result.message).toMatch(
      /^the backup of 101 \(fw-b\) on pve\d failed: task ended "job errors" \(ERROR: Backup of VM 101 failed - job failed with err -5 - Input\/output error\); its log is in the journal; no node was touched\./,
    );
    expect(outline(events)).toEqual(["backup refused"]);
    expect(t.lab.status().record.mutations.filter((m) => !m.action.startsWith("vzdump"))).toEqual([]);
  });

  it("a storage that takes no backups is refused before any backup is asked for", async () => {
    const { t, config } = await lab("gv0");
    const { result } = await runEngine(t, { config });
    expect(result).toMatchObject({ outcome: "refused", exitCode: 3 });
    expect(result.message).toMatch(
      /^storage gv0 does not take backups \(content: images\); add backup to its content; no node was touched/,
    );
    expect(vzdumpTasks(t)).toEqual([]);
  });

  it("a dry run sends no backup request and says which it would send", async () => {
    const { t, config } = await lab();
    const { result, events } = await runEngine(t, { config, dryRun: true });
    expect(result).toMatchObject({ outcome: "success", exitCode: 0 });
    expect(vzdumpTasks(t)).toEqual([]);
    const would = events.flatMap((e) => (e.type === "step-progress" && e.step === "backup-critical" ? [e.message] : []));
    expect(would).toEqual([
      expect.stringMatching(
        /^would: POST \/nodes\/pve\d\/vzdump vmid=10[01] storage=local mode=snapshot compress=zstd notes-template=rollgate: \{\{guestname\}\} before a rolling upgrade, then wait for the task/,
      ),
      expect.stringMatching(/^would: POST \/nodes\/pve\d\/vzdump vmid=10[01] /),
    ]);
  });

  it("a resumed run finds this run's archives on the storage and does not back up again", async () => {
    const { t, config } = await lab();
    const stop = new AbortController();
    const first = await runEngine(t, { config, stop: stop.signal }, (e) => {
      if (e.type === "step-end" && e.step === "backup-critical") stop.abort();
    });
    expect(first.result.exitCode).toBe(6);
    const jobs = vzdumpTasks(t).length;
    const second = await runEngine(t, { config, resume: { runId: "test-run", events: first.events } });
    expect(second.result).toMatchObject({ outcome: "success", exitCode: 0 });
    expect(vzdumpTasks(t)).toHaveLength(jobs);
    expect(second.events.find((e) => e.type === "step-end" && e.step === "backup-critical")).toMatchObject({
      status: "skipped",
      message: expect.stringMatching(/^already backed up in this run: local:backup\/vzdump-qemu-10[01]-/),
    });
  });
});
