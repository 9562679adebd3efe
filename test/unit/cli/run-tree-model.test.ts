// The live tree's node title: elapsed time while the node is under way and, once a node of the
// run has finished, the time left for the run, from how long the finished ones took.

import { describe, expect, it } from "vitest";
import type { RunEvent } from "../../../src/run/events.js";
import { RunTreeModel, taskWording } from "../../../src/cli/render/run-tree-model.js";

const outline = { preflight: [], node: [{ step: "evacuate", title: "Move guests" }], finally: [], nodes: ["pve1", "pve2", "pve3"] };
const at = (seconds: number) => new Date(Date.UTC(2026, 11, 2, 1, 0, seconds)).toISOString();

function modelWithTitles(): { model: RunTreeModel; title: (node: number) => string } {
  const model = new RunTreeModel(outline, outline.nodes, taskWording(true));
  const titles = model.groups.map((group) => {
    const shown = { title: group.title };
    group.attach({ setTitle: (text) => (shown.title = text), setOutput: () => {} });
    return shown;
  });
  return { model, title: (node) => titles[node]!.title };
}

const nodeStart = (node: string, index: number, seconds: number): RunEvent => ({
  type: "node-start",
  node,
  index,
  total: 3,
  time: at(seconds),
});
const nodeEnd = (node: string, seconds: number): RunEvent => ({
  type: "node-end",
  node,
  status: "done",
  message: "upgraded and verified",
  time: at(seconds),
});

describe("the live tree's node title", () => {
  it("shows the elapsed time only, until a node has finished", () => {
    const { model, title } = modelWithTitles();
    model.onEvent(nodeStart("pve1", 1, 0), false);
    model.tick(Date.parse(at(75)));
    expect(title(1)).toBe("pve1 (1/3) · 75s");
  });

  it("then adds the time left: the rest of this node and the nodes after it, at the finished nodes' average", () => {
    const { model, title } = modelWithTitles();
    model.onEvent(nodeStart("pve1", 1, 0), false);
    model.onEvent(nodeEnd("pve1", 600), false);
    model.onEvent(nodeStart("pve2", 2, 600), false);
    model.tick(Date.parse(at(600 + 150)));
    // 10 min per node: 7m30s of pve2 left, then 10 min for pve3.
    expect(title(2)).toBe("pve2 (2/3) · 2m30s · ~17m30s left");
    // Past the average, only the nodes after it are left.
    model.tick(Date.parse(at(600 + 900)));
    expect(title(2)).toBe("pve2 (2/3) · 15m00s · ~10m00s left");
  });

  it("leaves a finished node's title as its outcome", () => {
    const { model, title } = modelWithTitles();
    model.onEvent(nodeStart("pve1", 1, 0), false);
    model.onEvent({ type: "step-start", node: "pve1", step: "evacuate", title: "Move guests", time: at(1) }, false);
    model.onEvent({ type: "step-end", node: "pve1", step: "evacuate", status: "ok", message: "nothing to move", time: at(2) }, false);
    model.onEvent(nodeEnd("pve1", 60), false);
    model.tick(Date.parse(at(120)));
    expect(title(1)).toMatch(/^pve1: done/);
  });
});
