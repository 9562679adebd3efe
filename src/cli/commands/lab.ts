// `rollgate lab up|down|power-cycle|status`'s flags; what they do is ../lab.ts.

import { Command, InvalidArgumentError, Option } from "commander";
import { isPveRelease, pveReleases, type PveRelease } from "../../lab/model/releases.js";
import { parseScenarioList, scenarioNames, strikePoints, type ScenarioName } from "../../lab/model/scenarios.js";
import type { CliIo } from "../io.js";
import type { LabUpOptions } from "../lab.js";
import { integer } from "../options.js";

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
    .action(async (opts: LabUpOptions) => {
      const { labUp } = await import("../lab.js");
      await labUp(io, opts);
    });

  lab
    .command("down")
    .description("stop the lab running in a directory")
    .requiredOption("--dir <dir>", "the lab's directory")
    .action(async (opts: { dir: string }) => {
      const { labDown } = await import("../lab.js");
      setExit(await labDown(io, opts));
    });

  lab
    .command("power-cycle")
    .description("cut a lab node's power and boot it cold, as IPMI's chassis power cycle would (for nodes[].powerCycle)")
    .requiredOption("--dir <dir>", "the lab's directory")
    .argument("<node>", "the node")
    .action(async (node: string, opts: { dir: string }) => {
      const { labPowerCycle } = await import("../lab.js");
      await labPowerCycle(node, opts);
    });

  lab
    .command("status")
    .description("what the lab saw: nodes, guests, every mutation received, most nodes out of service, critical breaches, take-downs")
    .requiredOption("--dir <dir>", "the lab's directory")
    .option("--json", "one JSON document")
    .action(async (opts: { dir: string; json?: boolean }) => {
      const { labStatus } = await import("../lab.js");
      await labStatus(io, opts);
    });

  return lab;
}
