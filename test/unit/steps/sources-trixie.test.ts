// The sources-trixie step against the lab, over its SSH: an 8.4 node's bookworm files become
// deb822 files naming trixie with the originals kept, after which apt fetches trixie and offers
// PVE 9.1; a node already on trixie is left alone; a dry run sends no change; a plan the step
// refuses touches nothing; a switch cut short is finished by the next run.

import { afterEach, describe, expect, it } from "vitest";
import type { ScenarioName } from "../../../src/lab/model/scenarios.js";
import type { PveRelease } from "../../../src/lab/model/releases.js";
import type { StepContext } from "../../../src/steps/contract.js";
import { StepFailure } from "../../../src/steps/failures.js";
import { sourcesTrixie } from "../../../src/steps/sources-trixie.js";
import { pveClientFor, sshPoolFor } from "../../../src/transport/from-config.js";
import { changeCommand, MutationInReadOnlyMode, type RemoteShell } from "../../../src/transport/remote-command.js";
import { RemoteError } from "../../../src/transport/ssh.js";
import { startTestLab, type TestLab } from "../../helpers/lab.js";
import { stepContext } from "../../helpers/step-context.js";

const D = "/etc/apt/sources.list.d";
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function lab(pveVersion: PveRelease, scenario: ScenarioName = "healthy"): Promise<TestLab> {
  const t = await startTestLab({ pveVersion, scenario });
  cleanups.push(() => t.stop());
  return t;
}

function pool(t: TestLab): RemoteShell {
  const shell = sshPoolFor(t.loaded.config);
  cleanups.push(() => shell.close());
  return shell;
}

/** The context the engine gives a node step, on the lab's transports; `journal` collects its actions. */
async function stepOn(t: TestLab, node: string, shell: RemoteShell, dryRun = false) {
  const pve = await pveClientFor(t.loaded.config, t.secret);
  cleanups.push(async () => pve.close());
  return stepContext({ config: t.loaded.config, node, shell, pve, dryRun, upgradesTo: 9 });
}

/** satisfied, then act and verify as the engine runs a step that has something to do. */
async function run(ctx: StepContext): Promise<string> {
  const assessment = await sourcesTrixie.satisfied(ctx);
  if (assessment.done) return assessment.message;
  await sourcesTrixie.act(ctx, assessment.plan);
  return sourcesTrixie.verify(ctx, assessment.plan);
}

/** What the admin sees on the node. */
async function sh(shell: RemoteShell, node: string, argv: string[], stdin?: string) {
  return shell.run(node, changeCommand(argv), stdin === undefined ? {} : { stdin });
}

const mutations = (t: TestLab) => t.lab.status().record.mutations.length;

describe("sources-trixie on a PVE 8.4 node", () => {
  it("writes deb822 files naming trixie, keeps each original as .bookworm.bak, and apt then fetches trixie and offers PVE 9.1", async () => {
    const t = await lab("8.4");
    const shell = pool(t);
    const { ctx, journal } = await stepOn(t, "pve1", shell);
    const bookworm = (await sh(shell, "pve1", ["cat", "/etc/apt/sources.list"])).stdout;

    expect(await run(ctx)).toBe(
      `every enabled Debian and Proxmox repository of pve1 names trixie: ${D}/debian.sources:3 trixie, ${D}/debian.sources:9 trixie-updates, ${D}/debian.sources:16 trixie-security, ${D}/debian.sources:24 trixie`,
    );

    expect((await sh(shell, "pve1", ["ls", "/etc/apt"])).stdout).toBe("sources.list.bookworm.bak\nsources.list.d\n");
    expect((await sh(shell, "pve1", ["ls", D])).stdout).toBe(
      "ceph.list.bookworm.bak\nceph.sources\ndebian.sources\npve-enterprise.list.bookworm.bak\npve-enterprise.sources\n",
    );
    expect((await sh(shell, "pve1", ["cat", "/etc/apt/sources.list.bookworm.bak"])).stdout).toBe(bookworm);
    const debian = (await sh(shell, "pve1", ["cat", `${D}/debian.sources`])).stdout;
    expect(debian).toContain(
      "Types: deb\nURIs: http://download.proxmox.com/debian/pve\nSuites: trixie\nComponents: pve-no-subscription\nSigned-By: /usr/share/keyrings/proxmox-archive-keyring.gpg\n",
    );
    // The enterprise repository stays disabled (no subscription), now on trixie.
    expect((await sh(shell, "pve1", ["cat", `${D}/pve-enterprise.sources`])).stdout).toContain(
      "URIs: https://enterprise.proxmox.com/debian/pve\nSuites: trixie\nComponents: pve-enterprise\nEnabled: no\n",
    );

    // Every original is kept before anything apt reads changes; the old files go last.
    const verbs = journal.filter((j) => j.phase === "before").map((j) => `${j.action} ${String(j.detail["path"])}`);
    expect(verbs).toEqual([
      "back up apt source /etc/apt/sources.list.bookworm.bak",
      `back up apt source ${D}/ceph.list.bookworm.bak`,
      `back up apt source ${D}/pve-enterprise.list.bookworm.bak`,
      `write apt source ${D}/debian.sources`,
      `write apt source ${D}/ceph.sources`,
      `write apt source ${D}/pve-enterprise.sources`,
      "remove apt source /etc/apt/sources.list",
      `remove apt source ${D}/ceph.list`,
      `remove apt source ${D}/pve-enterprise.list`,
    ]);
    expect(journal.filter((j) => j.phase === "after")).toHaveLength(verbs.length);

    const update = await sh(shell, "pve1", ["apt-get", "update"]);
    expect(update).toMatchObject({ exitCode: 0, stderr: "" });
    expect(update.stdout).toContain("Hit:1 http://deb.debian.org/debian trixie InRelease\n");
    expect(update.stdout).toContain("Get:4 http://download.proxmox.com/debian/pve trixie InRelease [2,768 B]\n");
    expect(t.lab.status().record.refreshes.map((r) => r.action)).toContain("apt-get update on pve1");
    expect((await sh(shell, "pve1", ["apt-get", "-s", "dist-upgrade"])).stdout).toContain(
      "Inst pve-manager [8.4.1] (9.1.4 Proxmox:9.1/pve-no-subscription [all])\n",
    );
    // The other nodes keep bookworm.
    expect((await sh(shell, "pve2", ["ls", D])).stdout).toBe("ceph.list\npve-enterprise.list\n");
  });

  it("run again, it finds the switch done and changes nothing", async () => {
    const t = await lab("8.4");
    const shell = pool(t);
    await run((await stepOn(t, "pve1", shell)).ctx);
    const before = mutations(t);
    const again = await stepOn(t, "pve1", shell);
    expect(await sourcesTrixie.satisfied(again.ctx)).toEqual({ done: true, message: "sources of pve1 already name trixie" });
    expect(again.journal).toEqual([]);
    expect(mutations(t)).toBe(before);
  });

  it("a dry run describes each backup, write and removal with the commands it would send, and sends none", async () => {
    const t = await lab("8.4");
    const shell = pool(t);
    const { ctx, journal } = await stepOn(t, "pve1", shell, true);
    const before = mutations(t);
    const assessment = await sourcesTrixie.satisfied(ctx);
    if (assessment.done) throw new Error(assessment.message);
    const lines = sourcesTrixie.describe(ctx, assessment.plan);
    expect(lines.slice(0, 9)).toEqual([
      "back up /etc/apt/sources.list as /etc/apt/sources.list.bookworm.bak (9 lines) on pve1: dd of=/etc/apt/sources.list.bookworm.bak.rollgate-tmp status=none && mv -f /etc/apt/sources.list.bookworm.bak.rollgate-tmp /etc/apt/sources.list.bookworm.bak",
      `back up ${D}/ceph.list as ${D}/ceph.list.bookworm.bak (1 line) on pve1: dd of=${D}/ceph.list.bookworm.bak.rollgate-tmp status=none && mv -f ${D}/ceph.list.bookworm.bak.rollgate-tmp ${D}/ceph.list.bookworm.bak`,
      `back up ${D}/pve-enterprise.list as ${D}/pve-enterprise.list.bookworm.bak (1 line) on pve1: dd of=${D}/pve-enterprise.list.bookworm.bak.rollgate-tmp status=none && mv -f ${D}/pve-enterprise.list.bookworm.bak.rollgate-tmp ${D}/pve-enterprise.list.bookworm.bak`,
      expect.stringMatching(
        new RegExp(
          `^write ${D}/debian\\.sources \\(\\d+ lines\\) on pve1: dd of=${D}/debian\\.sources\\.rollgate-tmp status=none && mv -f `,
        ),
      ),
      expect.stringMatching(new RegExp(`^write ${D}/ceph\\.sources `)),
      expect.stringMatching(new RegExp(`^write ${D}/pve-enterprise\\.sources `)),
      "remove /etc/apt/sources.list on pve1: rm -f /etc/apt/sources.list",
      `remove ${D}/ceph.list on pve1: rm -f ${D}/ceph.list`,
      `remove ${D}/pve-enterprise.list on pve1: rm -f ${D}/pve-enterprise.list`,
    ]);
    expect(lines).toContain(
      `/etc/apt/sources.list → ${D}/debian.sources (deb822; the original kept as /etc/apt/sources.list.bookworm.bak)`,
    );
    expect(lines).toContain("/etc/apt/sources.list:1: Debian bookworm → trixie");
    sourcesTrixie.simulate(ctx, assessment.plan);
    // Acting through the read-only shell is refused before anything is sent.
    await expect(sourcesTrixie.act(ctx, assessment.plan)).rejects.toBeInstanceOf(MutationInReadOnlyMode);
    expect(journal.map((j) => j.phase)).toEqual(["before"]);
    expect(mutations(t)).toBe(before);
    expect((await sh(shell, "pve1", ["ls", D])).stdout).toBe("ceph.list\npve-enterprise.list\n");
  });

  it("refuses a plan with a backup it would overwrite, quoting the refusal, before touching any file", async () => {
    const t = await lab("8.4");
    const shell = pool(t);
    await sh(
      shell,
      "pve1",
      ["dd", "of=/etc/apt/sources.list.bookworm.bak", "status=none"],
      "deb http://deb.debian.org/debian bullseye main\n",
    );
    const { ctx, journal } = await stepOn(t, "pve1", shell);
    const before = mutations(t);
    const refused = sourcesTrixie.satisfied(ctx);
    await expect(refused).rejects.toBeInstanceOf(StepFailure);
    await expect(refused).rejects.toThrow(
      "cannot switch the APT sources of pve1 to trixie: /etc/apt/sources.list.bookworm.bak exists already and differs from /etc/apt/sources.list: move it away, then run again",
    );
    expect(journal).toEqual([]);
    expect(mutations(t)).toBe(before);
    expect((await sh(shell, "pve1", ["ls", D])).stdout).toBe("ceph.list\npve-enterprise.list\n");
  });

  it("keeps an enabled enterprise repository (it answers, so the node has a subscription), on trixie", async () => {
    const t = await lab("8.4", "enterprise-repo-401");
    const shell = pool(t);
    await run((await stepOn(t, "pve1", shell)).ctx);
    const enterprise = (await sh(shell, "pve1", ["cat", `${D}/pve-enterprise.sources`])).stdout;
    expect(enterprise).toContain("URIs: https://enterprise.proxmox.com/debian/pve\nSuites: trixie\nComponents: pve-enterprise\n");
    expect(enterprise).not.toContain("Enabled: no");
  });

  it("a switch cut short after its writes is finished by the next run, which fails first naming the file and the backups", async () => {
    const t = await lab("8.4");
    const shell = pool(t);
    const dropsRm: RemoteShell = {
      run: (node, command, options) =>
        command.argv[0] === "rm" ? Promise.reject(new RemoteError(node, "connection lost")) : shell.run(node, command, options),
      stream: (node, command, options) => shell.stream(node, command, options),
      close: async () => {},
    };
    const cut = sourcesTrixie.satisfied((await stepOn(t, "pve1", dropsRm)).ctx).then(async (assessment) => {
      if (assessment.done) throw new Error(assessment.message);
      await sourcesTrixie.act((await stepOn(t, "pve1", dropsRm)).ctx, assessment.plan);
    });
    await expect(cut).rejects.toThrow(
      "could not remove /etc/apt/sources.list on pve1: `rm -f /etc/apt/sources.list`: pve1: connection lost",
    );
    await cut.catch((error: unknown) => {
      expect((error as StepFailure).humanAction).toContain("/etc/apt/sources.list.bookworm.bak");
    });
    // Both suites are there now: the old one-line files and the new deb822 ones.
    expect((await sh(shell, "pve1", ["ls", D])).stdout).toBe(
      "ceph.list\nceph.list.bookworm.bak\nceph.sources\ndebian.sources\npve-enterprise.list\npve-enterprise.list.bookworm.bak\npve-enterprise.sources\n",
    );
    expect(await run((await stepOn(t, "pve1", shell)).ctx)).toMatch(/^every enabled Debian and Proxmox repository of pve1 names trixie/);
    expect((await sh(shell, "pve1", ["ls", D])).stdout).toBe(
      "ceph.list.bookworm.bak\nceph.sources\ndebian.sources\npve-enterprise.list.bookworm.bak\npve-enterprise.sources\n",
    );
  });
});

describe("sources-trixie on a PVE 9.1 node", () => {
  it("finds the sources on trixie already", async () => {
    const t = await lab("9.1");
    const { ctx } = await stepOn(t, "pve1", pool(t));
    expect(await sourcesTrixie.satisfied(ctx)).toEqual({ done: true, message: "sources of pve1 already name trixie" });
  });
});
