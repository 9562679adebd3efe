// What the metrics file says, from what rollgate saw: the gates' verdicts, the cluster's state
// (heal entries, nodes still to upgrade or reboot) and, after `upgrade`, how its run went. Every
// sample carries the cluster's name, so one node_exporter can watch several clusters, and the command's. Unknown is
// NaN, never 0: an alert `!= 0` fires on it (docs/domain/monitoring.md).

import type { Verdict } from "../gates/index.js";
import type { ClusterState } from "../observe/state.js";
import { predictReboot } from "../plan/reboot.js";
import type { Outcome, RunEvent } from "../run/events.js";
import type { Metric, Sample } from "./textfile.js";

const gauge = (name: string, help: string, samples: Sample[]): Metric => ({ name, help, type: "gauge", samples });
const seconds = (iso: string) => Date.parse(iso) / 1000;

/**
 * The cluster's and the command's labels on every sample: node_exporter fails a scrape when two
 * files hold the same series, and check's and upgrade's files both carry the heal entries.
 */
export function labelled(cluster: string, command: "check" | "upgrade", metrics: readonly Metric[]): Metric[] {
  return metrics.map((m) => ({ ...m, samples: m.samples.map((s) => ({ ...s, labels: { cluster, command, ...s.labels } })) }));
}

export function verdictMetrics(verdicts: readonly Verdict[], observedAt: string): Metric[] {
  return [
    gauge("rollgate_check_timestamp_seconds", "When rollgate last evaluated the gates (Unix time).", [{ value: seconds(observedAt) }]),
    gauge("rollgate_check_pass", "1 when every gate evaluated passed, else 0.", [{ value: verdicts.every((v) => v.pass) ? 1 : 0 }]),
    gauge(
      "rollgate_gate_pass",
      "1 when the gate passed, 0 when it refused (for what it saw or could not see).",
      verdicts.map((v) => ({ labels: { gate: v.gate }, value: v.pass ? 1 : 0 })),
    ),
  ];
}

/** Heal and split-brain entries per brick, and what each node still has to install or reboot for; only the facets observed. */
export function stateMetrics(state: ClusterState): Metric[] {
  const metrics: Metric[] = [];
  if (state.gluster) {
    const heal: Sample[] = [];
    const splitBrain: Sample[] = [];
    for (const [volume, observed] of Object.entries(state.gluster)) {
      if (!observed.ok) {
        heal.push({ labels: { volume, brick: "" }, value: NaN });
        continue;
      }
      for (const brick of observed.value.heal.bricks)
        heal.push({ labels: { volume, brick: brick.name }, value: brick.connected && brick.entries !== null ? brick.entries : NaN });
      for (const brick of observed.value.splitBrain.bricks)
        splitBrain.push({
          labels: { volume, brick: brick.name },
          value: brick.connected && brick.splitBrain !== null ? brick.splitBrain : NaN,
        });
    }
    metrics.push(
      gauge(
        "rollgate_gluster_heal_entries",
        "Entries pending heal on the brick (NaN: the brick printed `-` or the volume could not be read).",
        heal,
      ),
      gauge("rollgate_gluster_split_brain_entries", "Entries in split-brain on the brick (NaN: unknown).", splitBrain),
    );
  }
  if (state.packages) {
    const nodes = Object.entries(state.packages);
    const pending = nodes.map(([node, p]) => ({ node, value: p.ok ? p.value.pending.length : NaN }));
    const reboot = nodes.map(([node, p]) => ({ node, value: p.ok ? (predictReboot(p.value).needed ? 1 : 0) : NaN }));
    // One unknown node makes the count unknown: a 0 would say "nothing left" where nobody looked.
    const total = (values: { value: number }[]) => values.reduce((sum, v) => sum + (Number.isNaN(v.value) ? NaN : v.value > 0 ? 1 : 0), 0);
    metrics.push(
      gauge(
        "rollgate_node_pending_packages",
        "Packages apt would upgrade on the node (NaN: could not be read).",
        pending.map((p) => ({ labels: { node: p.node }, value: p.value })),
      ),
      gauge(
        "rollgate_node_pending_reboot",
        "1 when the node must reboot to run what it installed (a new kernel, /run/reboot-required).",
        reboot.map((r) => ({ labels: { node: r.node }, value: r.value })),
      ),
      gauge("rollgate_nodes_pending_upgrade", "Nodes with packages to upgrade.", [{ value: total(pending) }]),
      gauge("rollgate_nodes_pending_reboot", "Nodes that must reboot.", [{ value: total(reboot) }]),
    );
  }
  return metrics;
}

export interface RunMetricsInput {
  outcome: Outcome;
  exitCode: number;
  startedAt: string;
  endedAt: string;
  /** The run's events, as journaled. */
  events: readonly RunEvent[];
  /** Playbook entries that wait for a gate (`wait:` set), by the name events give them. */
  waitingGates: ReadonlySet<string>;
}

/** How the run went: its outcome and end, each node's duration, and how long each node's gate waits took. */
export function runMetrics(run: RunMetricsInput): Metric[] {
  const nodeStarts = new Map<string, string>();
  const nodeDurations: Sample[] = [];
  const stepStarts = new Map<string, string>();
  const gateWaits: Sample[] = [];
  for (const event of run.events) {
    if (event.type === "node-start") nodeStarts.set(event.node, event.time);
    if (event.type === "node-end" && nodeStarts.has(event.node))
      nodeDurations.push({
        labels: { node: event.node, status: event.status },
        value: seconds(event.time) - seconds(nodeStarts.get(event.node)!),
      });
    if ((event.type !== "step-start" && event.type !== "step-end") || event.node === null || !run.waitingGates.has(event.step)) continue;
    const key = `${event.node} ${event.entry ?? event.step}`;
    if (event.type === "step-start") stepStarts.set(key, event.time);
    else if (stepStarts.has(key))
      gateWaits.push({ labels: { node: event.node, gate: event.step }, value: seconds(event.time) - seconds(stepStarts.get(key)!) });
  }
  return [
    gauge("rollgate_last_run_timestamp_seconds", "When the last `rollgate upgrade` ended (Unix time).", [{ value: seconds(run.endedAt) }]),
    gauge("rollgate_last_run_duration_seconds", "How long the last run took.", [{ value: seconds(run.endedAt) - seconds(run.startedAt) }]),
    gauge("rollgate_last_run_exit_code", "The last run's exit code (README, Exit codes: 4 means a node is out of service).", [
      { value: run.exitCode },
    ]),
    gauge("rollgate_last_run_success", "1 when the last run ended with exit 0.", [
      { labels: { outcome: run.outcome }, value: run.exitCode === 0 ? 1 : 0 },
    ]),
    gauge(
      "rollgate_node_upgrade_duration_seconds",
      "How long each node of the last run took, from its first step to its end.",
      nodeDurations,
    ),
    gauge("rollgate_gate_wait_seconds", "How long each of the last run's gate waits took on each node.", gateWaits),
  ];
}
