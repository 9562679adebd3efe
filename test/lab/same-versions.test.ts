// upgrade.sameVersions against the lab: Proxmox publishes a pve-manager bump while the run is on
// its first node (repo-moves-mid-run). A plain dist-upgrade gives the later nodes the newer
// version; with sameVersions every node gets the versions the first node installed, the newer one
// held back and said so; a resumed run takes those versions from the journal.

import { afterEach, describe, expect, it } from "vitest";
import type { Config } from "../../src/config/index.js";
import { releaseProfile } from "../../src/lab/model/releases.js";
import { runEngine } from "../helpers/engine.js";
import { startTestLab, type TestLab } from "../helpers/lab.js";

let current: TestLab | null = null;
afterEach(async () => {
  await current?.stop();
  current = null;
});

async function lab(sameVersions: boolean): Promise<{ t: TestLab; config: Config }> {
  const t = (current = await startTestLab({ timeScale: 200, scenario: "repo-moves-mid-run" }));
  const { config: loaded } = t.loaded;
  return { t, config: { ...loaded, upgrade: { ...loaded.upgrade, sameVersions } } };
}

const managers = (t: TestLab) => Object.fromEntries([...t.lab.cluster.nodes.keys()].map((n) => [n, t.lab.cluster.node(n).pveVersion]));
const { pveManager, nextPveManager } = releaseProfile("9.1");

describe("upgrade.sameVersions", () => {
  it("without it, the nodes after the first get the version published mid-run: a mixed set", async () => {
    const { t, config } = await lab(false);
    const { result } = await runEngine(t, { config });
    expect(result).toMatchObject({ outcome: "success", exitCode: 0 });
    const [first, ...later] = result.message.replace("upgraded ", "").split(", ");
    expect(managers(t)).toEqual({ [first!]: pveManager.to, ...Object.fromEntries(later.map((n) => [n, nextPveManager])) });
  });

  it("with it, every node gets the first node's versions, the newer one held back and said so", async () => {
    const { t, config } = await lab(true);
    const { result, events } = await runEngine(t, { config });
    expect(result).toMatchObject({ outcome: "success", exitCode: 0 });
    const order = result.message.replace("upgraded ", "").split(", ");
    expect(managers(t)).toEqual(Object.fromEntries(order.map((n) => [n, pveManager.to])));
    const installs = events.flatMap((e) =>
      e.type === "action" && e.phase === "after" && e.action.startsWith("apt-get ") && e.action !== "apt-get update"
        ? [`${e.node} ${e.action}`]
        : [],
    );
    expect(installs).toEqual([`${order[0]} apt-get dist-upgrade`, `${order[1]} apt-get install`, `${order[2]} apt-get install`]);
    const pinned = events.find((e) => e.type === "action" && e.action === "apt-get install" && e.phase === "before");
    expect(pinned).toMatchObject({
      detail: { versions: expect.objectContaining({ "pve-manager": pveManager.to, "qemu-server": expect.any(String) }) },
    });
    const ended = events
      .filter((e) => e.type === "step-end" && e.step === "apt-upgrade")
      .map((e) => (e.type === "step-end" ? e.message : ""));
    expect(ended[1]).toMatch(
      new RegExp(`^installed the first node's versions of \\d+ packages; held back: pve-manager ${nextPveManager.replace(/\./g, "\\.")}$`),
    );
    // apt itself still offers the bump: the next run (without sameVersions, or a new one) installs it everywhere.
    expect(t.lab.cluster.pendingOn(order[2]!).map((p) => `${p.name} ${p.from} → ${p.to}`)).toEqual([
      `pve-manager ${pveManager.to} → ${nextPveManager}`,
    ]);
  });

  it("a resumed run installs the first node's versions, read from the journal", async () => {
    const { t, config } = await lab(true);
    const stop = new AbortController();
    const first = await runEngine(t, { config, stop: stop.signal }, (e) => {
      if (e.type === "node-end" && e.status === "done") stop.abort();
    });
    expect(first.result.exitCode).toBe(6);
    const second = await runEngine(t, { config, resume: { runId: "test-run", events: first.events } });
    expect(second.result).toMatchObject({ outcome: "success", exitCode: 0 });
    expect(new Set(Object.values(managers(t)))).toEqual(new Set([pveManager.to]));
  });
});
