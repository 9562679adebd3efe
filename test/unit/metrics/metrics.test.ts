// The metrics file: what node_exporter's textfile collector reads (the exposition format, every
// sample labelled with the cluster), written whole or not at all, and unknown never written as 0.

import { mkdtemp, readdir, readFile, writeFile, chmod } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { labelled, runMetrics, stateMetrics, verdictMetrics } from "../../../src/metrics/cluster-metrics.js";
import { assertWritableDir, metricsFileOption, renderMetrics, writeTextfile } from "../../../src/metrics/textfile.js";
import { failed } from "../../../src/observe/state.js";
import type { RunEvent } from "../../../src/run/events.js";
import { brickOf, degraded, evaluate, healCountUnknown, healPending, healthyState, splitBrain } from "../gates/state-factory.js";

/** name{labels} value, as Prometheus' text format defines a sample line. */
const sampleLine =
  /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*",?)*\})? (NaN|[+-]Inf|-?\d+(\.\d+)?(e[+-]?\d+)?)$/;

/** The value of the sample whose labels include `labels`. */
function valueOf(text: string, name: string, labels: Record<string, string> = {}): string | undefined {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  return text
    .split("\n")
    .find((line) => line.startsWith(`${name}{`) && want.every((l) => line.includes(l)))
    ?.split(" ")
    .at(-1);
}

describe("the exposition text", () => {
  it("has HELP and TYPE before each metric's samples, and escapes label values", () => {
    const text = renderMetrics(
      labelled('a"b\\c', "check", [
        { name: "rollgate_x", help: "line one\nline two", type: "gauge", samples: [{ labels: { node: "pve1" }, value: 2 }] },
      ]),
    );
    expect(text).toBe(
      '# HELP rollgate_x line one\\nline two\n# TYPE rollgate_x gauge\nrollgate_x{cluster="a\\"b\\\\c",command="check",node="pve1"} 2\n',
    );
    for (const line of text.split("\n").filter((l) => l && !l.startsWith("#"))) expect(line).toMatch(sampleLine);
  });

  it("writes NaN for an unknown value, never 0", () => {
    expect(renderMetrics([{ name: "m", help: "h", type: "gauge", samples: [{ value: NaN }] }])).toContain("\nm NaN\n");
  });
});

describe("heal entries and pending work, from the state rollgate saw", () => {
  it("a healthy cluster: 0 entries on every brick, nothing to upgrade or reboot", () => {
    const text = renderMetrics(labelled("storehouse", "check", stateMetrics(healthyState())));
    for (const node of ["pve1", "pve2", "pve3"]) {
      expect(valueOf(text, "rollgate_gluster_heal_entries", { volume: "gv0", brick: brickOf(node) })).toBe("0");
      expect(valueOf(text, "rollgate_node_pending_packages", { node })).toBe("0");
    }
    expect(valueOf(text, "rollgate_nodes_pending_upgrade")).toBe("0");
    expect(valueOf(text, "rollgate_nodes_pending_reboot")).toBe("0");
    for (const line of text.split("\n").filter((l) => l && !l.startsWith("#"))) expect(line).toMatch(sampleLine);
  });

  it("entries pending, a `-` count and split-brain read as they are; `-` is NaN", () => {
    const text = renderMetrics(
      labelled("storehouse", "check", stateMetrics(degraded(healPending("pve2", 37), healCountUnknown("pve3"), splitBrain("pve1", 2)))),
    );
    expect(valueOf(text, "rollgate_gluster_heal_entries", { brick: brickOf("pve2") })).toBe("37");
    expect(valueOf(text, "rollgate_gluster_heal_entries", { brick: brickOf("pve3") })).toBe("NaN");
    expect(valueOf(text, "rollgate_gluster_split_brain_entries", { brick: brickOf("pve1") })).toBe("2");
  });

  it("a node whose packages could not be read makes the counts unknown, not smaller", () => {
    const state = healthyState();
    state.packages!["pve2"] = failed("ssh: connect timed out");
    const pve1 = state.packages!["pve1"]!;
    if (pve1.ok) pve1.value.pending = [{ name: "pve-manager", from: "8.4.13", to: "8.4.14" }];
    const text = renderMetrics(stateMetrics(state));
    expect(valueOf(text, "rollgate_node_pending_packages", { node: "pve1" })).toBe("1");
    expect(valueOf(text, "rollgate_node_pending_packages", { node: "pve2" })).toBe("NaN");
    expect(text).toContain("\nrollgate_nodes_pending_upgrade NaN\n");
  });

  it("a volume that could not be read is NaN, not absent", () => {
    const state = healthyState();
    state.gluster!["gv0"] = failed("gluster volume heal gv0 info: timed out");
    expect(valueOf(renderMetrics(stateMetrics(state)), "rollgate_gluster_heal_entries", { volume: "gv0" })).toBe("NaN");
  });

  it("gates: 1 per passing gate, 0 per refusing one, and the check's pass", () => {
    const state = degraded(healPending("pve2", 5));
    const verdicts = [evaluate("quorum", state), evaluate("gluster-healed", state)];
    const text = renderMetrics(verdictMetrics(verdicts, "2026-12-03T01:00:00.000Z"));
    expect(valueOf(text, "rollgate_gate_pass", { gate: "quorum" })).toBe("1");
    expect(valueOf(text, "rollgate_gate_pass", { gate: "gluster-healed" })).toBe("0");
    expect(text).toContain("\nrollgate_check_pass 0\n");
    expect(text).toContain(`\nrollgate_check_timestamp_seconds ${Date.parse("2026-12-03T01:00:00.000Z") / 1000}\n`);
  });
});

describe("a run's metrics", () => {
  const at = (s: number) => new Date(Date.UTC(2026, 11, 3, 1, 0, s)).toISOString();
  const events: RunEvent[] = [
    { type: "node-start", node: "pve1", index: 1, total: 2, time: at(0) },
    { type: "step-start", node: "pve1", step: "gluster-healed", entry: "node[9]", title: "Wait for gate gluster-healed", time: at(10) },
    { type: "step-end", node: "pve1", step: "gluster-healed", entry: "node[9]", status: "ok", message: "", time: at(40) },
    { type: "step-start", node: "pve1", step: "evacuate", title: "Move", time: at(41) },
    { type: "step-end", node: "pve1", step: "evacuate", status: "ok", message: "", time: at(45) },
    { type: "node-end", node: "pve1", status: "done", message: "", time: at(50) },
    { type: "node-start", node: "pve2", index: 2, total: 2, time: at(51) },
    { type: "node-end", node: "pve2", status: "failed", message: "", time: at(59) },
  ];
  const text = renderMetrics(
    runMetrics({ outcome: "failed", exitCode: 4, startedAt: at(0), endedAt: at(60), events, waitingGates: new Set(["gluster-healed"]) }),
  );

  it("says how it ended, and when", () => {
    expect(text).toContain("\nrollgate_last_run_exit_code 4\n");
    expect(text).toContain('\nrollgate_last_run_success{outcome="failed"} 0\n');
    expect(text).toContain("\nrollgate_last_run_duration_seconds 60\n");
    expect(text).toContain(`\nrollgate_last_run_timestamp_seconds ${Date.parse(at(60)) / 1000}\n`);
  });

  it("gives each node's duration and each gate wait, not the other steps", () => {
    expect(valueOf(text, "rollgate_node_upgrade_duration_seconds", { node: "pve1", status: "done" })).toBe("50");
    expect(valueOf(text, "rollgate_node_upgrade_duration_seconds", { node: "pve2", status: "failed" })).toBe("8");
    expect(valueOf(text, "rollgate_gate_wait_seconds", { node: "pve1", gate: "gluster-healed" })).toBe("30");
    expect(text).not.toContain('gate="evacuate"');
  });
});

describe("writing the file", () => {
  it("replaces the old file whole and leaves no draft behind", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "rollgate-metrics-"));
    const file = path.join(dir, "rollgate.prom");
    await writeFile(file, "old\n");
    await writeTextfile(file, "new\n");
    expect(await readFile(file, "utf8")).toBe("new\n");
    expect(await readdir(dir)).toEqual(["rollgate.prom"]);
  });

  it.skipIf(process.getuid?.() === 0)("a directory it cannot write is a usage error before anything is done", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "rollgate-metrics-"));
    await chmod(dir, 0o500);
    await expect(assertWritableDir(path.join(dir, "rollgate.prom"))).rejects.toThrow(/cannot write in/);
  });

  it("a directory that does not exist is a usage error before anything is done", async () => {
    await expect(assertWritableDir("/nonexistent-rollgate/rollgate.prom")).rejects.toThrow(
      "--metrics-file /nonexistent-rollgate/rollgate.prom: cannot write in /nonexistent-rollgate (ENOENT)",
    );
  });

  it("a name the collector would never read is refused", () => {
    expect(() => metricsFileOption("/var/lib/node_exporter/rollgate.txt")).toThrow(/reads only files ending in \.prom/);
    expect(metricsFileOption("/var/lib/node_exporter/rollgate.prom")).toBe("/var/lib/node_exporter/rollgate.prom");
  });
});
