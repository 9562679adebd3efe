// wait-online against the lab: a node this run asked to reboot counts as back only with a new boot
// id. A node whose SSH drops for a moment but which never reboots (molly-guard said no, a shutdown
// that hung), or a resumed run that reaches wait-online while the node still reports the boot id
// from before, must not pass: the node answers, in the cluster, on its old kernel.

import { afterEach, describe, expect, it } from "vitest";
import { emptyFacts } from "../../../src/steps/contract.js";
import { StepFailure } from "../../../src/steps/failures.js";
import { waitOnline } from "../../../src/steps/wait-online.js";
import { pveClientFor, sshPoolFor } from "../../../src/transport/from-config.js";
import { startTestLab, type TestLab } from "../../helpers/lab.js";
import { stepContext } from "../../helpers/step-context.js";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A node step's context on the lab, with the reboot this run asked of `node` in its facts. */
async function askedToReboot(t: TestLab, node: string, progress: string[]) {
  const shell = sshPoolFor(t.loaded.config);
  const pve = await pveClientFor(t.loaded.config, t.secret);
  cleanups.push(async () => {
    pve.close();
    await shell.close();
  });
  const state = t.lab.cluster.node(node);
  const facts = emptyFacts();
  facts.reboots.set(node, {
    bootIdBefore: state.bootId,
    kernelBefore: state.runningKernel,
    kernelAfter: t.lab.cluster.topology.pendingKernel,
    sentAt: Date.now(),
  });
  return stepContext({ config: t.loaded.config, node, shell, pve, facts, progress: (m) => progress.push(m) }).ctx;
}

describe("wait-online after a reboot this run asked for", () => {
  it("a node that answers with the boot id from before has not rebooted: it is not back, and the wait ends saying so", async () => {
    const t = await startTestLab({ timeScale: 200, timeouts: { nodeOnline: "1500ms" } });
    cleanups.push(() => t.stop());
    const progress: string[] = [];
    const ctx = await askedToReboot(t, "pve2", progress);
    expect((await waitOnline.satisfied(ctx)).done).toBe(false);
    const failure = await waitOnline.verify(ctx, null).then(
      () => null,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(StepFailure);
    expect((failure as StepFailure).message).toMatch(/^pve2 did not come back within 1\.5 s/);
    expect(progress).toContain("pve2 answers but has not rebooted yet (same boot id)");
    expect(t.lab.status().record.mutations).toEqual([]);
  }, 30_000);

  it("SSH lost for a moment without a reboot (a hung shutdown): the node answers again, same boot id, still not back", async () => {
    const t = await startTestLab({ timeScale: 200, timeouts: { nodeOnline: "6s" } });
    cleanups.push(() => t.stop());
    const progress: string[] = [];
    const ctx = await askedToReboot(t, "pve3", progress);
    // 3 s real: longer than SSH's connect timeout (2 s), so one observation sees the node unreachable.
    t.lab.cluster.cutManagementLink("pve3", 600_000);
    const failure = await waitOnline.verify(ctx, null).then(
      () => null,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(StepFailure);
    expect(progress[0]).toBe("waiting for pve3 to answer over SSH");
    expect(progress.at(-1)).toBe("pve3 answers but has not rebooted yet (same boot id)");
  }, 30_000);

  it("the same node after a real reboot, with a new boot id, is back on its new kernel", async () => {
    const t = await startTestLab({ timeScale: 200 });
    cleanups.push(() => t.stop());
    const progress: string[] = [];
    const ctx = await askedToReboot(t, "pve1", progress);
    // What the reboot step would have done: a newer kernel installed, then the reboot.
    const node = t.lab.cluster.node("pve1");
    node.installedKernels.push(t.lab.cluster.topology.pendingKernel);
    t.lab.cluster.reboot("pve1", "test");
    expect(await waitOnline.verify(ctx, null)).toMatch(/^pve1 is back \(new boot id [0-9a-f]{8}, kernel /);
    expect(node.bootId).not.toBe(ctx.facts.reboots.get("pve1")!.bootIdBefore);
  }, 30_000);
});
