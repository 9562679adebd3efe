// `rollgate lab up|down|power-cycle|status`: the emulated cluster as a long-running local process.
// Only `up` loads the lab itself (its SSH server, certificates, API); the others talk to a
// running lab over its control socket.

import { controlRequest, controlSocketPath, serveControl } from "../lab/control.js";
import type { LabStatus } from "../lab/lab.js";
import type { PveRelease } from "../lab/model/releases.js";
import { defaultRelease, scenarioRefusal, type ScenarioName, type StrikePoint } from "../lab/model/scenarios.js";
import { UsageError } from "../util/errors.js";
import { println, type CliIo } from "./io.js";

export interface LabUpOptions {
  dir: string;
  nodes: number;
  scenario: ScenarioName[];
  faultNode?: string;
  faultAt?: StrikePoint;
  timeScale: number;
  pveVersion?: PveRelease;
  apiPort?: number;
  sshPort?: number;
}

/** The release the lab answers as: the one asked for, or the scenarios' own; a usage error if they cannot meet. */
export function labRelease(scenario: readonly ScenarioName[], asked: PveRelease | undefined): PveRelease {
  const release = asked ?? defaultRelease(scenario);
  const refusal = scenarioRefusal(scenario, release);
  if (refusal) throw new UsageError(refusal);
  return release;
}

export async function labUp(io: CliIo, opts: LabUpOptions): Promise<void> {
  const release = labRelease(opts.scenario, opts.pveVersion);
  const nodeNames = Array.from({ length: opts.nodes }, (_, i) => `pve${i + 1}`);
  if (opts.faultNode !== undefined && !nodeNames.includes(opts.faultNode))
    throw new UsageError(`--fault-node ${opts.faultNode}: the lab's nodes are ${nodeNames.join(", ")}`);
  const running = await controlRequest(controlSocketPath(opts.dir), "GET", "/status").then(
    () => true,
    () => false,
  );
  if (running) throw new UsageError(`a lab is already running in ${opts.dir}; stop it with \`rollgate lab down --dir ${opts.dir}\``);
  const { startLab } = await import("../lab/lab.js");
  const started = await startLab({
    dir: opts.dir,
    nodes: opts.nodes,
    scenario: opts.scenario,
    timeScale: opts.timeScale,
    pveVersion: release,
    faults: { ...(opts.faultNode ? { faultNode: opts.faultNode } : {}), ...(opts.faultAt ? { strikeAt: opts.faultAt } : {}) },
    ...(opts.apiPort ? { apiPort: opts.apiPort } : {}),
    ...(opts.sshPort ? { sshPort: opts.sshPort } : {}),
  });
  let requestStop!: () => void;
  const stopped = new Promise<void>((resolve) => (requestStop = resolve));
  const offSignal = io.onSignal(() => requestStop());
  const stopControl = await serveControl(started, opts.dir, () => requestStop());
  println(io.stdout, `lab ready: ${started.files.config}`);
  await stopped;
  offSignal();
  await stopControl();
  await started.stop();
  println(io.stderr, "lab stopped");
}

/** Exit 0 once the lab is gone (or none ran), 1 if it did not stop in time. */
export async function labDown(io: CliIo, opts: { dir: string }): Promise<number> {
  const socket = controlSocketPath(opts.dir);
  try {
    await controlRequest(socket, "POST", "/stop");
  } catch {
    println(io.stderr, `no lab is running in ${opts.dir}`);
    return 0;
  }
  // Wait until it has released its ports, so a script can start another one right away.
  for (let i = 0; i < 100; i++) {
    const gone = await controlRequest(socket, "GET", "/status").then(
      () => false,
      () => true,
    );
    if (gone) return 0;
    await new Promise((r) => setTimeout(r, 100));
  }
  println(io.stderr, `the lab in ${opts.dir} did not stop within 10 s`);
  return 1;
}

export async function labPowerCycle(node: string, opts: { dir: string }): Promise<void> {
  try {
    await controlRequest(controlSocketPath(opts.dir), "POST", `/power-cycle/${encodeURIComponent(node)}`);
  } catch (error) {
    throw new UsageError(`lab power-cycle ${node}: ${(error as Error).message} (is a lab running in ${opts.dir}?)`);
  }
}

export async function labStatus(io: CliIo, opts: { dir: string; json?: boolean }): Promise<void> {
  let status: LabStatus;
  try {
    status = (await controlRequest(controlSocketPath(opts.dir), "GET", "/status")) as LabStatus;
  } catch {
    throw new UsageError(`no lab is running in ${opts.dir} (start one with \`rollgate lab up --dir ${opts.dir}\`)`);
  }
  if (opts.json) return println(io.stdout, JSON.stringify(status, null, 2));
  println(io.stdout, renderLabStatus(status));
}

export function renderLabStatus(status: LabStatus): string {
  const lines = [
    `PVE ${status.release}, scenario ${status.scenario}, time scale ${status.timeScale}x, model time ${status.modelSeconds.toFixed(1)} s`,
    "",
  ];
  lines.push("node   power  online  maint  kernel          pending  private  brick  heal");
  for (const n of status.nodes) {
    lines.push(
      `${n.name.padEnd(6)} ${n.power.padEnd(6)} ${String(n.online).padEnd(7)} ${String(n.maintenance).padEnd(6)} ${n.runningKernel.padEnd(15)} ${String(n.pendingPackages).padEnd(8)} ${String(n.privateNetwork).padEnd(8)} ${String(n.brick).padEnd(6)} ${n.healEntries}`,
    );
  }
  lines.push("", `guests: ${status.guests.map((g) => `${g.vmid}(${g.name})@${g.node}:${g.status}`).join("  ")}`);
  const r = status.record;
  lines.push(
    "",
    `mutations received: ${r.mutations.length}`,
    ...r.mutations.slice(-20).map((m) => `  ${m.time}  ${m.source.padEnd(9)} ${m.action}`),
    `most nodes out of service at once: ${r.maxOutOfService}${r.maxOutOfServiceAt ? ` (${r.maxOutOfServiceAt.nodes.join(", ")} at ${r.maxOutOfServiceAt.time})` : ""}; by rollgate (not counting the lab's power cuts): ${r.maxOutOfServiceByRollgate}`,
    `faults the lab struck: ${r.faults.length === 0 ? "none" : ""}`,
    ...r.faults.map((f) => `  ${f.time}  ${f.what}`),
    `critical groups below minimum: ${r.criticalBreaches.length === 0 ? "never" : ""}`,
    ...r.criticalBreaches.map(
      (b) =>
        `  ${b.time}  ${b.group}: ${b.healthy}/${b.minHealthy} healthy (${b.detail})${b.faultCut.length > 0 ? `, while the lab had cut ${b.faultCut.join(", ")}` : ""}`,
    ),
    // Each node goes down in up to three moves (maintenance, dist-upgrade, reboot), each checked for safety.
    `take-downs by rollgate: ${takeDownCount(r.takeDowns)}, unsafe: ${r.unsafeTakeDowns.length === 0 ? "never" : r.unsafeTakeDowns.length}`,
    ...r.unsafeTakeDowns.map((d) => `  ${d.time}  ${d.node} ${d.how}: ${d.unsafe.join("; ")}`),
  );
  return lines.join("\n");
}

/** "9 (maintenance 3, dist-upgrade 3, reboot 3) on pve1, pve2, pve3". */
function takeDownCount(takeDowns: ReadonlyArray<{ node: string; how: string }>): string {
  if (takeDowns.length === 0) return "0";
  const by = (key: (t: { node: string; how: string }) => string) => [...new Set(takeDowns.map(key))];
  const hows = by((t) => t.how).map((how) => `${how} ${takeDowns.filter((t) => t.how === how).length}`);
  return `${takeDowns.length} (${hows.join(", ")}) on ${by((t) => t.node).join(", ")}`;
}
