// Scripted engine event sequences for renderer tests: what a run looks like, with times that advance.

import type { GateName, Verdict } from "../../src/gates/index.js";
import type { RunEvent, RunEventBody } from "../../src/run/events.js";
import type { StepOutline } from "../../src/cli/render/run-renderer.js";

export const outline: StepOutline = {
  preflight: [
    { step: "quorum", title: "Gate quorum" },
    { step: "gluster-healed", title: "Gate gluster-healed" },
  ],
  node: [
    { step: "preflight-gates", title: "Every preflight gate passes now" },
    { step: "evacuate", title: "Move running guests off the node (critical groups first)" },
    { step: "apt-upgrade", title: "apt-get update and dist-upgrade (non-interactive, keep old conffiles)" },
    { step: "gluster-heal", title: "Trigger Gluster self-heal and wait until fully healed, steadily" },
  ],
  finally: [{ step: "summary", title: "Summary" }],
  nodes: ["pve1", "pve2"],
};

export function verdict(gate: GateName, reasons: string[] = []): Verdict {
  return {
    gate,
    title: gate,
    pass: reasons.length === 0,
    summary: reasons.length === 0 ? `${gate} seen fine` : reasons[0]!,
    reasons,
    checked: reasons.length === 0 ? [`${gate} checked`] : [],
  };
}

/** Events with times starting at 2026-11-22T22:50:00Z, each `after` seconds after the previous one. */
export class EventScript {
  readonly events: RunEvent[] = [];
  private at = Date.UTC(2026, 10, 22, 22, 50, 0);

  emit(body: RunEventBody, after = 1): this {
    this.at += after * 1000;
    this.events.push({ ...body, time: new Date(this.at).toISOString() });
    return this;
  }

  step(node: string | null, step: string, title: string, end: { status?: "ok" | "skipped"; message: string }): this {
    return this.emit({ type: "step-start", node, step, title }).emit({
      type: "step-end",
      node,
      step,
      status: end.status ?? "ok",
      message: end.message,
    });
  }
}

function start(script: EventScript, order: string[]): EventScript {
  return script
    .emit(
      {
        type: "run-start",
        runId: "20261122-2250",
        cluster: "storehouse",
        configFile: "/etc/rollgate/cluster.yaml",
        playbook: "proxmox-gluster",
        order,
        dryRun: false,
        resumes: null,
        pid: 4242,
        host: "ops1",
      },
      0,
    )
    .emit({ type: "phase", phase: "preflight" });
}

function preflight(script: EventScript): EventScript {
  for (const gate of ["quorum", "gluster-healed"] as const) {
    script.emit({ type: "step-start", node: null, step: gate, title: `Gate ${gate}` });
    script.emit({ type: "gate", node: null, step: gate, verdict: verdict(gate) });
    script.emit({ type: "step-end", node: null, step: gate, status: "ok", message: `${gate} passes` });
  }
  return script;
}

function finallyPhase(script: EventScript, summary: string): EventScript {
  return script.emit({ type: "phase", phase: "finally" }).step(null, "summary", "Summary", { message: summary });
}

/** pve1 then pve2, each evacuated, upgraded, healed after a wait of `healPolls` polls 10 s apart. */
export function successfulRun(healPolls = 30): RunEvent[] {
  const script = preflight(start(new EventScript(), ["pve1", "pve2"]));
  for (const [index, node] of ["pve1", "pve2"].entries()) {
    const other = node === "pve1" ? "pve2" : "pve1";
    script.emit({ type: "node-start", node, index: index + 1, total: 2 });
    script.step(node, "preflight-gates", "Every preflight gate passes now", { message: "quorum passes, gluster-healed passes" });
    script.emit({ type: "step-start", node, step: "evacuate", title: "Move running guests off the node (critical groups first)" });
    script.emit({
      type: "action",
      node,
      step: "evacuate",
      action: "migrate",
      phase: "before",
      detail: { vmid: 100, name: "fw-a", from: node, to: other },
    });
    script.emit({ type: "step-progress", node, step: "evacuate", message: `migrating 100 (fw-a) ${node} → ${other} (task 0001)` });
    script.emit(
      {
        type: "action",
        node,
        step: "evacuate",
        action: "migrate",
        phase: "after",
        detail: { vmid: 100, name: "fw-a", from: node, to: other },
        ok: true,
      },
      20,
    );
    script.emit({ type: "step-end", node, step: "evacuate", status: "ok", message: `migrate 100 (fw-a) ${node} → ${other}` });
    script.emit({
      type: "step-start",
      node,
      step: "apt-upgrade",
      title: "apt-get update and dist-upgrade (non-interactive, keep old conffiles)",
    });
    script.emit({
      type: "step-output",
      node,
      step: "apt-upgrade",
      stream: "stdout",
      text: "Setting up pve-manager (8.3.2) ...\nSetting up proxmox-kernel-6.8.12-5-pve ...\n",
    });
    script.emit({ type: "step-end", node, step: "apt-upgrade", status: "ok", message: "12 packages upgraded" }, 60);
    script.emit({
      type: "step-start",
      node,
      step: "gluster-heal",
      title: "Trigger Gluster self-heal and wait until fully healed, steadily",
    });
    script.emit({ type: "step-progress", node, step: "gluster-heal", message: "heal of gv0 launched" });
    for (let poll = 0; poll < healPolls; poll++) {
      const left = Math.max(0, 120 - poll * 4);
      script.emit(
        {
          type: "step-progress",
          node,
          step: "gluster-heal",
          message: `waiting for gluster-healed: gv0 ${node}:/data/brick/gv0: ${left} entries pending (+1 more) (−24/min)`,
          metrics: { [`gv0 ${node}`]: left },
        },
        10,
      );
    }
    for (const steady of [10, 20])
      script.emit(
        { type: "step-progress", node, step: "gluster-heal", message: `gluster-healed passes; holding steady ${steady} s of 30 s` },
        10,
      );
    script.emit({ type: "step-end", node, step: "gluster-heal", status: "ok", message: "healed, steady for 30 s" }, 10);
    script.emit({ type: "node-end", node, status: "done", message: "upgraded and verified" });
  }
  finallyPhase(script, "upgraded pve1, pve2");
  return script.emit({
    type: "run-end",
    outcome: "success",
    exitCode: 0,
    message: "upgraded pve1, pve2",
    humanAction: null,
    maintenanceLeftOn: [],
  }).events;
}

export const HEAL_ACTION =
  "Find out why (the reasons above), fix it, and continue with `rollgate upgrade --resume`; do not take another node down until `rollgate check` passes.";

/** pve1's heal never finishes: the run stops with pve1 out of service and still in maintenance. */
export function failedRun(): RunEvent[] {
  const script = preflight(start(new EventScript(), ["pve1", "pve2"]));
  const node = "pve1";
  script.emit({ type: "node-start", node, index: 1, total: 2 });
  script.step(node, "preflight-gates", "Every preflight gate passes now", { message: "quorum passes, gluster-healed passes" });
  script.step(node, "evacuate", "Move running guests off the node (critical groups first)", {
    status: "skipped",
    message: "no running guests on the node",
  });
  script.emit({ type: "step-start", node, step: "maintenance-on", title: "Put the node in HA maintenance mode" });
  script.emit({ type: "action", node, step: "maintenance-on", action: "maintenance-on", phase: "before", detail: { node } });
  script.emit({ type: "action", node, step: "maintenance-on", action: "maintenance-on", phase: "after", detail: { node }, ok: true });
  script.emit({ type: "step-end", node, step: "maintenance-on", status: "ok", message: "pve1 is in maintenance" });
  script.emit({ type: "step-start", node, step: "gluster-heal", title: "Trigger Gluster self-heal and wait until fully healed, steadily" });
  for (let poll = 0; poll < 6; poll++) {
    script.emit(
      {
        type: "step-progress",
        node,
        step: "gluster-heal",
        message: "waiting for gluster-healed: gv0 pve2:/data/brick/gv0: 205 entries pending",
      },
      10,
    );
  }
  const failure = "gluster-healed still refuses after 2 h: gv0 pve2:/data/brick/gv0: 205 entries pending";
  script.emit({ type: "step-end", node, step: "gluster-heal", status: "failed", message: failure });
  script.emit({ type: "node-end", node, status: "failed", message: failure });
  finallyPhase(script, "failed on pve1 at gluster-heal; left to upgrade: pve1, pve2; no node was upgraded");
  return script.emit({
    type: "run-end",
    outcome: "failed",
    exitCode: 4,
    message: failure,
    humanAction: HEAL_ACTION,
    maintenanceLeftOn: ["pve1"],
  }).events;
}

export const SPLIT_BRAIN =
  "gv0: 3 entries in split-brain on pve2:/data/brick/gv0; resolve them (`gluster volume heal gv0 info split-brain`) before any node goes down";
export const NOT_QUORATE = "cluster not quorate: 1 of 3 votes";

/** Preflight refuses: two gates say no, nothing is touched. */
export function refusedRun(): RunEvent[] {
  const script = start(new EventScript(), ["pve1", "pve2"]);
  script.emit({ type: "step-start", node: null, step: "quorum", title: "Gate quorum" });
  script.emit({ type: "gate", node: null, step: "quorum", verdict: verdict("quorum", [NOT_QUORATE]) });
  script.emit({ type: "step-end", node: null, step: "quorum", status: "refused", message: `quorum: ${NOT_QUORATE}` });
  finallyPhase(script, "refused before any node (at quorum); left to upgrade: pve1, pve2; no node was upgraded");
  return script.emit({
    type: "run-end",
    outcome: "refused",
    exitCode: 3,
    message: `quorum: ${NOT_QUORATE}`,
    humanAction: null,
    maintenanceLeftOn: [],
  }).events;
}

/** A node's preflight gates refuse with several reasons (split-brain and quorum). */
export function refusedAtNode(): RunEvent[] {
  const script = preflight(start(new EventScript(), ["pve1", "pve2"]));
  script.emit({ type: "node-start", node: "pve1", index: 1, total: 2 });
  script.emit({ type: "step-start", node: "pve1", step: "preflight-gates", title: "Every preflight gate passes now" });
  script.emit({ type: "gate", node: "pve1", step: "preflight-gates", verdict: verdict("quorum") });
  script.emit({
    type: "gate",
    node: "pve1",
    step: "preflight-gates",
    verdict: verdict("gluster-healed", [SPLIT_BRAIN, "gv0: pve3:/data/brick/gv0 is offline"]),
  });
  const message = `gluster-healed: ${SPLIT_BRAIN}; gluster-healed: gv0: pve3:/data/brick/gv0 is offline`;
  script.emit({ type: "step-end", node: "pve1", step: "preflight-gates", status: "refused", message });
  script.emit({ type: "node-end", node: "pve1", status: "refused", message });
  finallyPhase(script, "refused on pve1 at preflight-gates; left to upgrade: pve1, pve2; no node was upgraded");
  return script.emit({ type: "run-end", outcome: "refused", exitCode: 3, message, humanAction: null, maintenanceLeftOn: [] }).events;
}
