// What a sysadmin reads while a run goes: plain lines (cron, systemd), JSON lines, and the listr2
// tree, fed scripted engine event sequences (a success with a heal wait, a failure that leaves a
// node in maintenance, refusals with gate reasons).

import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import type { CliIo } from "../../../src/cli/io.js";
import { createRunRenderer, type RunRendererKind } from "../../../src/cli/render/run-renderer.js";
import { ProgressThrottle } from "../../../src/cli/render/run-throttle.js";
import type { RunEvent } from "../../../src/run/events.js";
import {
  EventScript,
  failedRun,
  HEAL_ACTION,
  NOT_QUORATE,
  outline,
  refusedAtNode,
  refusedRun,
  SPLIT_BRAIN,
  successfulRun,
} from "../../helpers/run-events.js";

const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ /;
const ANSI = /\u001b\[/;

function capture(): { io: CliIo; text: () => string } {
  const stdout = Object.assign(new PassThrough(), { isTTY: false });
  const stderr = Object.assign(new PassThrough(), { isTTY: false });
  let written = "";
  stdout.on("data", (chunk: Buffer) => (written += chunk.toString("utf8")));
  stderr.resume();
  const io: CliIo = { stdout, stderr, stdinIsTTY: false, env: {}, onSignal: () => () => {}, prompt: async () => "" };
  return { io, text: () => written };
}

async function render(kind: RunRendererKind, events: RunEvent[], verbose = false): Promise<string[]> {
  const { io, text } = capture();
  const renderer = createRunRenderer(kind, io, { color: true, verbose, steps: outline });
  for (const event of events) {
    renderer.onEvent(event);
    // As from a real engine, whose events are apart in time: the tree's tasks catch up in between.
    await new Promise((resolve) => setImmediate(resolve));
  }
  await renderer.finish();
  return text().split("\n").slice(0, -1);
}

/** A plain line without its timestamp. */
const bare = (line: string) => line.replace(TIMESTAMP, "");

describe("plain renderer", () => {
  it("prints timestamped lines without colour, one per event worth reading", async () => {
    const lines = await render("plain", successfulRun());
    for (const line of lines) expect(line).toMatch(TIMESTAMP);
    expect(lines.join("\n")).not.toMatch(ANSI);
    expect(lines[0]).toBe(
      "2026-11-22T22:50:00Z storehouse: run 20261122-2250 started on ops1 (pid 4242); playbook proxmox-gluster; nodes pve1 → pve2",
    );
    expect(lines.map(bare)).toEqual(
      expect.arrayContaining([
        "preflight quorum: ok (quorum passes)",
        "pve1: start (node 1 of 2)",
        "pve1 evacuate: start — Move running guests off the node (critical groups first)",
        "pve1 evacuate: migrating 100 (fw-a) pve1 → pve2 (task 0001)",
        "pve1 evacuate: ok (migrate 100 (fw-a) pve1 → pve2)",
        "pve1 gluster-heal: waiting for gluster-healed: gv0 pve1:/data/brick/gv0: 120 entries pending (+1 more) (−24/min)",
        "pve1 gluster-heal: gluster-healed passes; holding steady 10 s of 30 s",
        "pve1 gluster-heal: ok (healed, steady for 30 s)",
        "pve1: done (upgraded and verified)",
        "finally summary: ok (upgraded pve1, pve2)",
      ]),
    );
    expect(lines.at(-1)).toBe("2026-11-22T23:04:15Z run ended: success (exit 0): upgraded pve1, pve2");
    expect(lines.some((l) => l.includes("ACTION REQUIRED"))).toBe(false);
  });

  it("collapses a long heal wait: a line when the wording changes, else one a minute", async () => {
    // 30 polls 10 s apart (5 min) whose numbers change every time, then two polls of settling.
    const lines = (await render("plain", successfulRun(30))).map(bare).filter((l) => l.startsWith("pve1 gluster-heal:"));
    expect(lines).toEqual([
      "pve1 gluster-heal: start — Trigger Gluster self-heal and wait until fully healed, steadily",
      "pve1 gluster-heal: heal of gv0 launched",
      "pve1 gluster-heal: waiting for gluster-healed: gv0 pve1:/data/brick/gv0: 120 entries pending (+1 more) (−24/min)",
      "pve1 gluster-heal: waiting for gluster-healed: gv0 pve1:/data/brick/gv0: 96 entries pending (+1 more) (−24/min)",
      "pve1 gluster-heal: waiting for gluster-healed: gv0 pve1:/data/brick/gv0: 72 entries pending (+1 more) (−24/min)",
      "pve1 gluster-heal: waiting for gluster-healed: gv0 pve1:/data/brick/gv0: 48 entries pending (+1 more) (−24/min)",
      "pve1 gluster-heal: waiting for gluster-healed: gv0 pve1:/data/brick/gv0: 24 entries pending (+1 more) (−24/min)",
      "pve1 gluster-heal: gluster-healed passes; holding steady 10 s of 30 s",
      "pve1 gluster-heal: ok (healed, steady for 30 s)",
    ]);
    // A 2 h wait polled every 10 s is 720 polls: about 120 lines, not 720.
    const long = (await render("plain", successfulRun(720))).filter((l) => l.includes("pve1 gluster-heal: waiting"));
    expect(long.length).toBeGreaterThan(100);
    expect(long.length).toBeLessThanOrEqual(121);
  });

  it("shows command output and journaled changes only when verbose", async () => {
    const quiet = (await render("plain", successfulRun(3))).map(bare);
    expect(quiet.some((l) => l.includes("Setting up"))).toBe(false);
    expect(quiet.some((l) => l.includes("change:"))).toBe(false);
    const verbose = (await render("plain", successfulRun(3), true)).map(bare);
    expect(verbose).toEqual(
      expect.arrayContaining([
        "pve1 apt-upgrade: stdout: Setting up pve-manager (8.3.2) ...",
        "pve1 apt-upgrade: stdout: Setting up proxmox-kernel-6.8.12-5-pve ...",
        "pve1 evacuate: change: migrate vmid=100 name=fw-a from=pve1 to=pve2",
        "pve1 evacuate: changed: migrate vmid=100 name=fw-a from=pve1 to=pve2",
      ]),
    );
  });

  it("ends a failed run with the outcome, ACTION REQUIRED and the node left in maintenance", async () => {
    const lines = await render("plain", failedRun());
    expect(lines.join("\n")).not.toMatch(ANSI);
    const failure = "gluster-healed still refuses after 2 h: gv0 pve2:/data/brick/gv0: 205 entries pending";
    expect(lines.map(bare)).toEqual(
      expect.arrayContaining([
        "pve1 evacuate: skipped (no running guests on the node)",
        `pve1 gluster-heal: FAILED: ${failure}`,
        "pve1: FAILED (at gluster-heal, above)",
      ]),
    );
    // Six identical waits within a minute: one line.
    expect(lines.filter((l) => l.includes("waiting for gluster-healed"))).toHaveLength(1);
    expect(lines.slice(-3)).toEqual([
      `2026-11-22T22:51:23Z run ended: FAILED (exit 4): ${failure}`,
      `2026-11-22T22:51:23Z ACTION REQUIRED: ${HEAL_ACTION}`,
      "2026-11-22T22:51:23Z still in HA maintenance mode: pve1",
    ]);
  });

  it("prints a refusing gate's reasons one per line, indented, and points at them", async () => {
    expect(await render("plain", refusedRun())).toEqual([
      "2026-11-22T22:50:00Z storehouse: run 20261122-2250 started on ops1 (pid 4242); playbook proxmox-gluster; nodes pve1 → pve2",
      "2026-11-22T22:50:01Z preflight: start",
      "2026-11-22T22:50:02Z preflight quorum: start — Gate quorum",
      "2026-11-22T22:50:03Z preflight quorum: gate quorum refuses:",
      `2026-11-22T22:50:03Z     ${NOT_QUORATE}`,
      "2026-11-22T22:50:04Z preflight quorum: REFUSED (reasons above)",
      "2026-11-22T22:50:05Z finally: start",
      "2026-11-22T22:50:06Z finally summary: start — Summary",
      "2026-11-22T22:50:07Z finally summary: ok (refused before any node (at quorum); left to upgrade: pve1, pve2; no node was upgraded)",
      `2026-11-22T22:50:08Z run ended: REFUSED (exit 3): quorum: ${NOT_QUORATE}`,
    ]);
    const atNode = (await render("plain", refusedAtNode())).map(bare);
    const refusal = atNode.indexOf("pve1 preflight-gates: gate gluster-healed refuses:");
    expect(atNode.slice(refusal, refusal + 5)).toEqual([
      "pve1 preflight-gates: gate gluster-healed refuses:",
      `    ${SPLIT_BRAIN}`,
      "    gv0: pve3:/data/brick/gv0 is offline",
      "pve1 preflight-gates: REFUSED (reasons above)",
      "pve1: REFUSED (at preflight-gates, above)",
    ]);
  });
});

describe("ProgressThrottle", () => {
  it("admits a change of wording at once, the same wording once per interval", () => {
    const throttle = new ProgressThrottle(60_000);
    expect(throttle.admit("pve1 heal", "waiting: 120 entries", 0)).toBe(true);
    expect(throttle.admit("pve1 heal", "waiting: 118 entries", 10_000)).toBe(false);
    expect(throttle.admit("pve1 heal", "waiting: 118 entries", 20_000)).toBe(false);
    expect(throttle.admit("pve2 heal", "waiting: 118 entries", 20_000)).toBe(true);
    expect(throttle.admit("pve1 heal", "passes; holding steady 10 s of 30 s", 30_000)).toBe(true);
    expect(throttle.admit("pve1 heal", "waiting: 3 entries", 40_000)).toBe(true);
    expect(throttle.admit("pve1 heal", "waiting: 2 entries", 99_000)).toBe(false);
    expect(throttle.admit("pve1 heal", "waiting: 2 entries", 100_000)).toBe(true);
    throttle.forget("pve1 heal");
    expect(throttle.admit("pve1 heal", "waiting: 2 entries", 100_001)).toBe(true);
  });

  it("never drops a dry run's line of what a step would do, even one differing only in its numbers", () => {
    const throttle = new ProgressThrottle(60_000);
    expect(throttle.admit("run backup", "would: vzdump 101 on pve1 to pbs", 0)).toBe(true);
    expect(throttle.admit("run backup", "would: vzdump 102 on pve2 to pbs", 1)).toBe(true);
    expect(throttle.admit("run backup", "waiting: 3 entries", 2)).toBe(true);
    expect(throttle.admit("run backup", "waiting: 2 entries", 3)).toBe(false);
  });
});

describe("JSON renderer", () => {
  it.each([
    ["a successful run", successfulRun(5)],
    ["a failed run", failedRun()],
    ["a refusal", refusedRun()],
  ])("writes every event of %s as one JSON line, and nothing else", async (_name, events) => {
    const lines = await render("json", events);
    expect(lines.map((line) => JSON.parse(line) as RunEvent)).toEqual(events);
  });
});

describe("tree renderer", () => {
  it.each([
    ["a successful run", successfulRun(5)],
    ["a failed run", failedRun()],
    ["a refusal at preflight", refusedRun()],
    ["a refusal at a node", refusedAtNode()],
  ])("runs %s to completion and shows the playbook's step titles", async (_name, events) => {
    const output = (await render("tree", events)).join("\n");
    expect(output).toContain("Preflight: every gate passes before any node is touched");
    expect(output).toContain("Gate quorum");
    expect(output).toContain("Finally");
    expect(output).toMatch(/run ended: /);
  });

  it("shows each node's steps, the live wait, and the summary after the tree", async () => {
    const output = (await render("tree", successfulRun(5))).join("\n");
    for (const title of outline.node.map((s) => s.title)) expect(output).toContain(title);
    expect(output).toContain("waiting for gluster-healed: gv0 pve1:/data/brick/gv0: 120 entries pending");
    expect(output).toContain("pve1: done (upgraded and verified)");
    expect(output.trimEnd().split("\n").at(-1)).toBe("run ended: success (exit 0): upgraded pve1, pve2");
  });

  it("fails the step with its message, marks later steps and nodes not run, and ends with ACTION REQUIRED", async () => {
    const lines = await render("tree", failedRun());
    const output = lines.join("\n");
    expect(output).toContain("gluster-healed still refuses after 2 h: gv0 pve2:/data/brick/gv0: 205 entries pending");
    expect(output).toMatch(/apt-get update and dist-upgrade .* \[SKIPPED: not run\]/);
    expect(output).toMatch(/pve2 \(2\/2\) \[SKIPPED: not run\]/);
    // The stopped node fails with its step; it is never ticked off as done.
    expect(output).not.toMatch(/✔ pve1/);
    // A step the outline did not list (maintenance-on) is shown under its node rather than lost.
    expect(output).toContain("Put the node in HA maintenance mode: ok (pve1 is in maintenance)");
    expect(lines.slice(-3)).toEqual([
      `run ended: FAILED (exit 4): gluster-healed still refuses after 2 h: gv0 pve2:/data/brick/gv0: 205 entries pending`,
      `ACTION REQUIRED: ${HEAL_ACTION}`,
      "still in HA maintenance mode: pve1",
    ]);
  });

  it("shows a refusal's reasons", async () => {
    const output = (await render("tree", refusedAtNode())).join("\n");
    expect(output).toContain(SPLIT_BRAIN);
    expect(output).toContain("gluster-healed: gv0: pve3:/data/brick/gv0 is offline");
  });

  it("finishes when the engine skipped preflight (resume), ran an unknown node, or stopped without run-end", async () => {
    const script = new EventScript()
      .emit(
        {
          type: "run-start",
          runId: "r2",
          cluster: "storehouse",
          configFile: "c.yaml",
          playbook: "proxmox-gluster",
          order: ["pve2"],
          dryRun: false,
          resumes: "r1",
          pid: 1,
          host: "ops1",
        },
        0,
      )
      .emit({ type: "node-start", node: "pve2", index: 1, total: 1 })
      .step("pve2", "preflight-gates", "Every preflight gate passes now", {
        status: "skipped",
        message: "resuming pve2, which this run had already changed",
      })
      .emit({ type: "node-start", node: "pve9", index: 2, total: 2 })
      .step("pve9", "evacuate", "Move running guests off the node (critical groups first)", { message: "nothing" })
      .emit({ type: "step-start", node: "pve2", step: "evacuate", title: "Move running guests off the node (critical groups first)" });
    const output = (await render("tree", script.events)).join("\n");
    expect(output).toContain("Preflight: every gate passes before any node is touched [SKIPPED: not run]");
    expect(output).toContain("resuming pve2, which this run had already changed");
    expect(output).toContain("did not finish");
    expect(output).not.toContain("run ended");
  });

  it("finishes at once when no event came", async () => {
    expect(await render("tree", [])).toEqual([]);
  });
});
