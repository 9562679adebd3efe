// `rollgate check`'s flags; what it does is ../check.ts.

import { Command, InvalidArgumentError } from "commander";
import type { GateName } from "../../gates/index.js";
import { metricsFileOption } from "../../metrics/textfile.js";
import type { CheckOptions } from "../check.js";
import type { CliIo } from "../io.js";
import { gateNames, isGateName } from "../../gates/names.js";

function gateName(value: string, previous: GateName[] = []): GateName[] {
  if (!isGateName(value)) throw new InvalidArgumentError(`unknown gate; one of: ${gateNames.join(", ")}`);
  return [...previous, value];
}

export function checkCommand(io: CliIo, setExit: (code: number) => void): Command {
  return new Command("check")
    .description("evaluate gates once against the live cluster (read-only); exit 0 only if all pass, 3 if any refuses")
    .option("-c, --config <file>", "cluster description", "cluster.yaml")
    .option("--gate <name>", `gate to evaluate (repeatable; default the playbook's preflight gates): ${gateNames.join(", ")}`, gateName)
    .option("--target <node>", "the node about to go down (for critical-healthy-elsewhere)")
    .option("--json", "one JSON document")
    .option(
      "--nagios",
      "one status line with perfdata, exit 0 OK, 1 WARNING (heal pending, going down or for less than timeouts.healStall), 2 CRITICAL (a gate refuses, or the heal stalled), 3 UNKNOWN",
    )
    .option(
      "--nagios-state <file>",
      "where --nagios keeps the heal entries it saw, to tell a stalled heal at the next check (default: nagios-heal.json in journal.dir)",
    )
    .option(
      "--metrics-file <file.prom>",
      "also write a Prometheus textfile-collector file, atomically: gate results, heal entries per brick, nodes pending upgrade and reboot",
      metricsFileOption,
    )
    .option("-v, --verbose", "also list what passed")
    .option("--no-color", "plain output")
    .action(async (opts: CheckOptions) => {
      const { runCheckCommand } = await import("../check.js");
      await runCheckCommand(io, opts, setExit);
    });
}
