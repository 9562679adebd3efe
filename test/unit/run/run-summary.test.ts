// What a journal says about its run, over hand-written event sequences: where a stopped run
// stood, what it may have left half done, and which nodes it left in maintenance.

import { describe, expect, it } from "vitest";
import type { RunEvent, RunEventBody } from "../../../src/run/events.js";
import { summarizeRun } from "../../../src/run/run-summary.js";
import { failedRun, HEAL_ACTION, refusedAtNode, successfulRun } from "../../helpers/run-events.js";

const RUN_ID = "20261122T230000Z-abcd";
const at = (i: number) => new Date(Date.UTC(2026, 10, 22, 23, 0, 0) + i * 10_000).toISOString();
const timed = (bodies: RunEventBody[], from = 0): RunEvent[] => bodies.map((body, i) => ({ ...body, time: at(from + i) }));

const start: RunEventBody = {
  type: "run-start",
  runId: RUN_ID,
  cluster: "lab",
  configFile: "c.yaml",
  playbook: "proxmox-gluster",
  order: ["pve1", "pve2"],
  dryRun: false,
  resumes: null,
  pid: 42,
  host: "ops1",
};

const step = (node: string | null, name: string, message = `${name} done`): RunEventBody[] => [
  { type: "step-start", node, step: name, title: `Title of ${name}` },
  { type: "step-end", node, step: name, status: "ok", message },
];
const action = (node: string, stepName: string, name: string, detail: Record<string, unknown> = { node }): RunEventBody[] => [
  { type: "action", node, step: stepName, action: name, phase: "before", detail },
  { type: "action", node, step: stepName, action: name, phase: "after", detail, ok: true },
];

/** pve1 from preflight gates to a reboot the process was killed in, with pve1 in maintenance. */
const killedMidReboot: RunEventBody[] = [
  start,
  { type: "phase", phase: "preflight" },
  ...step(null, "quorum"),
  { type: "node-start", node: "pve1", index: 1, total: 2 },
  ...step("pve1", "preflight-gates"),
  { type: "step-start", node: "pve1", step: "maintenance-on", title: "Put the node in HA maintenance mode" },
  ...action("pve1", "maintenance-on", "maintenance-on"),
  { type: "step-end", node: "pve1", step: "maintenance-on", status: "ok", message: "HA manager reports pve1 maintenance" },
  { type: "step-start", node: "pve1", step: "reboot-if-needed", title: "Reboot if a new kernel is installed" },
  { type: "step-progress", node: "pve1", step: "reboot-if-needed", message: "rebooting pve1 into 6.8.12-5-pve" },
  {
    type: "action",
    node: "pve1",
    step: "reboot-if-needed",
    action: "reboot",
    phase: "before",
    detail: { node: "pve1", bootIdBefore: "7c1e5a", kernelAfter: "6.8.12-5-pve" },
  },
];

describe("summarizeRun", () => {
  it("a completed run: an outcome, every node done, steps with their times, nothing in flight", () => {
    const events = successfulRun(3);
    const summary = summarizeRun(events);
    expect(summary).toMatchObject({
      runId: "20261122-2250",
      cluster: "storehouse",
      host: "ops1",
      pid: 4242,
      starts: 1,
      outcome: "success",
      exitCode: 0,
      message: "upgraded pve1, pve2",
      humanAction: null,
      inFlight: null,
      maintenanceOn: [],
      nodesDone: ["pve1", "pve2"],
    });
    expect(summary.startedAt).toBe(events[0]!.time);
    expect(summary.endedAt).toBe(events.at(-1)!.time);
    expect(summary.preflight.map((s) => `${s.step}:${s.status}`)).toEqual(["quorum:ok", "gluster-healed:ok"]);
    expect(summary.finally.map((s) => `${s.step}:${s.status}`)).toEqual(["summary:ok"]);
    const pve1 = summary.nodes[0]!;
    expect(pve1).toMatchObject({ node: "pve1", status: "done", message: "upgraded and verified" });
    expect(pve1.steps.map((s) => s.step)).toEqual(["preflight-gates", "evacuate", "apt-upgrade", "gluster-heal"]);
    const heal = pve1.steps[3]!;
    expect(heal).toMatchObject({
      status: "ok",
      message: "healed, steady for 30 s",
      lastProgress: "gluster-healed passes; holding steady 20 s of 30 s",
    });
    expect((Date.parse(heal.endedAt!) - Date.parse(heal.startedAt)) / 1000).toBe(61);
  });

  it("a run killed mid-reboot: pve1 in flight, touched, in maintenance, with the boot id to compare", () => {
    const summary = summarizeRun(timed(killedMidReboot));
    expect(summary).toMatchObject({
      outcome: null,
      exitCode: null,
      endedAt: null,
      lastRecordAt: at(killedMidReboot.length - 1),
      maintenanceOn: ["pve1"],
      nodesDone: [],
    });
    expect(summary.nodes.map((n) => `${n.node}:${n.status}`)).toEqual(["pve1:in-flight", "pve2:pending"]);
    expect(summary.inFlight).toEqual({
      node: "pve1",
      status: "in-flight",
      lastStep: "reboot-if-needed",
      lastStepStatus: "running",
      touched: true,
      unfinishedAction: {
        action: "reboot",
        step: "reboot-if-needed",
        at: at(killedMidReboot.length - 1),
        detail: { node: "pve1", bootIdBefore: "7c1e5a", kernelAfter: "6.8.12-5-pve" },
      },
      // A journal written before kernelBefore was recorded: no kernel to fall back to is named.
      reboot: { bootIdBefore: "7c1e5a", kernelBefore: null, kernelAfter: "6.8.12-5-pve", after: null },
    });
    expect(summary.nodes[0]!.steps.at(-1)).toMatchObject({
      status: "running",
      endedAt: null,
      lastProgress: "rebooting pve1 into 6.8.12-5-pve",
    });
  });

  it("a run killed after the reboot was asked for: the request is recorded, only the wait was cut", () => {
    const events = timed([
      ...killedMidReboot,
      { type: "action", node: "pve1", step: "reboot-if-needed", action: "reboot", phase: "after", detail: { node: "pve1" }, ok: true },
    ]);
    const inFlight = summarizeRun(events).inFlight;
    expect(inFlight).toMatchObject({ unfinishedAction: null, reboot: { bootIdBefore: "7c1e5a", after: { ok: true, error: null } } });
  });

  it("an interrupted run (SIGTERM at a safe point): the node and the step that stopped, the outcome recorded", () => {
    const events = timed([
      ...killedMidReboot.slice(0, 11),
      { type: "step-start", node: "pve1", step: "evacuate", title: "Move running guests off the node" },
      ...action("pve1", "evacuate", "migrate", { vmid: 100, from: "pve1", to: "pve2" }),
      { type: "step-end", node: "pve1", step: "evacuate", status: "interrupted", message: "stop requested" },
      { type: "node-end", node: "pve1", status: "interrupted", message: "stopped on request while working on pve1" },
      {
        type: "run-end",
        outcome: "interrupted",
        exitCode: 6,
        message: "stopped on request while working on pve1; the journal says where",
        humanAction: "`rollgate status` shows where pve1 stands; continue with `rollgate upgrade --resume`.",
        maintenanceLeftOn: ["pve1"],
      },
    ]);
    const summary = summarizeRun(events);
    expect(summary).toMatchObject({ outcome: "interrupted", exitCode: 6, maintenanceOn: ["pve1"] });
    expect(summary.inFlight).toMatchObject({
      node: "pve1",
      status: "interrupted",
      lastStep: "evacuate",
      lastStepStatus: "interrupted",
      touched: true,
      unfinishedAction: null,
      reboot: null,
    });
  });

  it("a failed run with maintenance left on: the node failed, the step's last progress, what to do", () => {
    const summary = summarizeRun(failedRun());
    expect(summary).toMatchObject({ outcome: "failed", exitCode: 4, humanAction: HEAL_ACTION, maintenanceOn: ["pve1"], nodesDone: [] });
    expect(summary.nodes.map((n) => `${n.node}:${n.status}`)).toEqual(["pve1:failed", "pve2:pending"]);
    expect(summary.inFlight).toMatchObject({
      node: "pve1",
      status: "failed",
      lastStep: "gluster-heal",
      lastStepStatus: "failed",
      touched: true,
    });
    expect(summary.nodes[0]!.steps.at(-1)).toMatchObject({
      status: "failed",
      lastProgress: "waiting for gluster-healed: gv0 pve2:/data/brick/gv0: 205 entries pending",
    });
  });

  it("a refusal at a node is not a node in flight: nothing was changed there", () => {
    const summary = summarizeRun(refusedAtNode());
    expect(summary.nodes[0]!.status).toBe("refused");
    expect(summary.inFlight).toBeNull();
  });

  it("a resumed run (a second run-start): the cut-off step stays unfinished, the outcome is the resumed run's", () => {
    const killed = timed(killedMidReboot);
    const resumed = timed(
      [
        { ...start, resumes: RUN_ID, pid: 77, host: "ops2" },
        { type: "node-start", node: "pve1", index: 1, total: 2 },
        { type: "step-start", node: "pve1", step: "wait-online", title: "Wait until the node is back" },
        { type: "step-end", node: "pve1", step: "wait-online", status: "ok", message: "pve1 is back (new boot id 9d2f)" },
        { type: "step-start", node: "pve1", step: "maintenance-off", title: "Take the node out of HA maintenance mode" },
        ...action("pve1", "maintenance-off", "maintenance-off"),
        { type: "step-end", node: "pve1", step: "maintenance-off", status: "ok", message: "HA manager reports pve1 online" },
        { type: "node-end", node: "pve1", status: "done", message: "upgraded and verified" },
        { type: "node-start", node: "pve2", index: 2, total: 2 },
        { type: "node-end", node: "pve2", status: "skipped", message: "up to date" },
        { type: "run-end", outcome: "success", exitCode: 0, message: "upgraded pve1", humanAction: null, maintenanceLeftOn: [] },
      ],
      killed.length,
    );
    const partway = summarizeRun([...killed, ...resumed.slice(0, 4)]);
    expect(partway).toMatchObject({ starts: 2, outcome: null, pid: 77, host: "ops2", maintenanceOn: ["pve1"] });
    // The resumed run re-verified the reboot the killed one left in doubt; its boot id stays known.
    expect(partway.inFlight).toMatchObject({
      node: "pve1",
      status: "in-flight",
      lastStep: "wait-online",
      lastStepStatus: "ok",
      unfinishedAction: null,
      reboot: { bootIdBefore: "7c1e5a", after: null },
    });

    const summary = summarizeRun([...killed, ...resumed]);
    expect(summary).toMatchObject({
      starts: 2,
      startedAt: killed[0]!.time,
      outcome: "success",
      inFlight: null,
      maintenanceOn: [],
      nodesDone: ["pve1"],
    });
    expect(summary.nodes.map((n) => `${n.node}:${n.status}`)).toEqual(["pve1:done", "pve2:skipped"]);
    expect(summary.nodes[0]!.startedAt).toBe(killed[4]!.time);
    expect(summary.nodes[0]!.steps.map((s) => `${s.step}:${s.status}`)).toEqual([
      "preflight-gates:ok",
      "maintenance-on:ok",
      "reboot-if-needed:unfinished",
      "wait-online:ok",
      "maintenance-off:ok",
    ]);
  });

  it("a run that ended, then was resumed, has no outcome until the resumed run records one", () => {
    const events = [...failedRun(), { ...failedRun()[0]!, resumes: "20261122-2250" } as RunEvent];
    expect(summarizeRun(events)).toMatchObject({ starts: 2, outcome: null, endedAt: null, humanAction: null, maintenanceOn: ["pve1"] });
  });

  it.each<[string, RunEventBody[], string[]]>([
    [
      "taken out again",
      [...action("pve1", "maintenance-on", "maintenance-on"), ...action("pve1", "maintenance-off", "maintenance-off")],
      [],
    ],
    ["asked to enable, the result never recorded", [action("pve1", "maintenance-on", "maintenance-on")[0]!], ["pve1"]],
    [
      "enabling reported an error (it may have taken effect)",
      [
        {
          type: "action",
          node: "pve1",
          step: "maintenance-on",
          action: "maintenance-on",
          phase: "after",
          detail: {},
          ok: false,
          error: "ssh: connection lost",
        },
      ],
      ["pve1"],
    ],
    [
      "disabling was asked, the result never recorded",
      [...action("pve1", "maintenance-on", "maintenance-on"), action("pve1", "maintenance-off", "maintenance-off")[0]!],
      ["pve1"],
    ],
    [
      "disabling failed",
      [
        ...action("pve1", "maintenance-on", "maintenance-on"),
        {
          type: "action",
          node: "pve1",
          step: "maintenance-off",
          action: "maintenance-off",
          phase: "after",
          detail: {},
          ok: false,
          error: "exit 255",
        },
      ],
      ["pve1"],
    ],
    [
      "two nodes, in the order they went in",
      [...action("pve2", "maintenance-on", "maintenance-on"), ...action("pve1", "maintenance-on", "maintenance-on")],
      ["pve2", "pve1"],
    ],
  ])("maintenance: %s", (_, actions, expected) => {
    expect(summarizeRun(timed([start, ...actions])).maintenanceOn).toEqual(expected);
  });

  it("needs the run's run-start record", () => {
    expect(() => summarizeRun([])).toThrow(/run-start/);
  });
});
