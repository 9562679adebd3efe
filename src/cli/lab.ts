// `rollgate lab up|down|status`: the emulated cluster as a long-running local process.

import { Command, InvalidArgumentError, Option } from "commander";
import { startLab } from "../lab/lab.js";
import { controlRequest, controlSocketPath, serveControl } from "../lab/control.js";
import {
  defaultRelease,
  parseScenarioList,
  scenarioNames,
  scenarioRefusal,
  strikePoints,
  type ScenarioName,
  type StrikePoint,
} from "../lab/model/scenarios.js";
import { isPveRelease, pveReleases, type PveRelease } from "../lab/model/releases.js";
import type { LabStatus } from "../lab/lab.js";
import { UsageError } from "../util/errors.js";
import { println, type CliIo } from "./io.js";
import { integer } from "./options.js";

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError("expected a number > 0");
  return n;
}

function scenarioList(value: string): ScenarioName[] {
  const parsed = parseScenarioList(value);
  if (typeof parsed === "string") throw new InvalidArgumentError(parsed);
  return parsed;
}

function pveVersion(value: string): PveRelease {
  if (!isPveRelease(value)) throw new InvalidArgumentError(`the lab models PVE ${pveReleases.join(" and ")}, not '${value}'`);
  return value;
}

/** `--scenario`, for `lab up` and `demo`. */
export function scenarioOption(): Option {
  return new Option("--scenario <names>", `failure scenarios, comma-separated: ${scenarioNames.join(", ")}`)
    .argParser(scenarioList)
    .default(["healthy"], "healthy");
}

/** `--pve-version`, for `lab up` and `demo`. */
export function pveVersionOption(): Option {
  return new Option(
    "--pve-version <version>",
    `the PVE release the lab answers as: ${pveReleases.join(", ")} (default 9.1, or the one a scenario exists on)`,
  ).argParser(pveVersion);
}

/** The release the lab answers as: the one asked for, or the scenarios' own; a usage error if they cannot meet. */
export function labRelease(scenario: readonly ScenarioName[], asked: PveRelease | undefined): PveRelease {
  const release = asked ?? defaultRelease(scenario);
  const refusal = scenarioRefusal(scenario, release);
  if (refusal) throw new UsageError(refusal);
  return release;
}

export function labCommand(io: CliIo, setExit: (code: number) => void): Command {
  const lab = new Command("lab").description("an emulated Proxmox VE + GlusterFS cluster on loopback, for the demo, tests and benchmarks");

  lab
    .command("up")
    .description("start the lab and serve it until SIGINT/SIGTERM or `lab down`")
    .requiredOption("--dir <dir>", "directory for cluster.yaml, keys, known_hosts and the token")
    .addOption(new Option("--nodes <n>", "number of nodes").argParser(integer(3, 9)).default(3))
    .addOption(scenarioOption())
    .addOption(new Option("--fault-node <node>", "the node the faults strike (default: the first one rollgate takes out of service)"))
    .addOption(
      new Option("--fault-at <point>", "when timed faults (api-flaky's resets, peer-power-cycle) strike on the fault node").choices(
        strikePoints,
      ),
    )
    .addOption(new Option("--time-scale <x>", "model seconds per real second").argParser(positiveNumber).default(1))
    .addOption(pveVersionOption())
    .addOption(new Option("--api-port <port>", "API port on every node address (default: a free one)").argParser(integer(1, 65535)))
    .addOption(new Option("--ssh-port <port>", "SSH port on every node address (default: a free one)").argParser(integer(1, 65535)))
    .action(
      async (opts: {
        dir: string;
        nodes: number;
        scenario: ScenarioName[];
        faultNode?: string;
        faultAt?: StrikePoint;
        timeScale: number;
        pveVersion?: PveRelease;
        apiPort?: number;
        sshPort?: number;
      }) => {
        const release = labRelease(opts.scenario, opts.pveVersion);
        const nodeNames = Array.from({ length: opts.nodes }, (_, i) => `pve${i + 1}`);
        if (opts.faultNode !== undefined && !nodeNames.includes(opts.faultNode))
          throw new UsageError(`--fault-node ${opts.faultNode}: the lab's nodes are ${nodeNames.join(", ")}`);
        const running = await controlRequest(controlSocketPath(opts.dir), "GET", "/status").then(
          () => true,
          () => false,
        );
        if (running) throw new UsageError(`a lab is already running in ${opts.dir}; stop it with \`rollgate lab down --dir ${opts.dir}\``);
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
      },
    );

  lab
    .command("down")
    .description("stop the lab running in a directory")
    .requiredOption("--dir <dir>", "the lab's directory")
    .action(async (opts: { dir: string }) => {
      const socket = controlSocketPath(opts.dir);
      try {
        await controlRequest(socket, "POST", "/stop");
      } catch {
        println(io.stderr, `no lab is running in ${opts.dir}`);
        return;
      }
      // Wait until it has released its ports, so a script can start another one right away.
      for (let i = 0; i < 100; i++) {
        const gone = await controlRequest(socket, "GET", "/status").then(
          () => false,
          () => true,
        );
        if (gone) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      println(io.stderr, `the lab in ${opts.dir} did not stop within 10 s`);
      setExit(1);
    });

  lab
    .command("power-cycle")
    .description("cut a lab node's power and boot it cold, as IPMI's chassis power cycle would (for nodes[].powerCycle)")
    .requiredOption("--dir <dir>", "the lab's directory")
    .argument("<node>", "the node")
    .action(async (node: string, opts: { dir: string }) => {
      try {
        await controlRequest(controlSocketPath(opts.dir), "POST", `/power-cycle/${encodeURIComponent(node)}`);
      } catch (error) {
        throw new UsageError(`lab power-cycle ${node}: ${(error as Error).message} (is a lab running in ${opts.dir}?)`);
      }
    });

  lab
    .command("status")
    .description("what the lab saw: nodes, guests, every mutation received, most nodes out of service, critical breaches, take-downs")
    .requiredOption("--dir <dir>", "the lab's directory")
    .option("--json", "one JSON document")
    .action(async (opts: { dir: string; json?: boolean }) => {
      let status: LabStatus;
      try {
        status = (await controlRequest(controlSocketPath(opts.dir), "GET", "/status")) as LabStatus;
      } catch {
        throw new UsageError(`no lab is running in ${opts.dir} (start one with \`rollgate lab up --dir ${opts.dir}\`)`);
      }
      if (opts.json) return println(io.stdout, JSON.stringify(status, null, 2));
      println(io.stdout, renderLabStatus(status));
    });

  return lab;
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
