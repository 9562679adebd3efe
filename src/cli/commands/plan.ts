// `rollgate plan`'s flags; what it does is ../plan.ts.

import { Command, Option } from "commander";
import type { CliIo } from "../io.js";
import { nodeList } from "../options.js";
import type { PlanOptions } from "../plan.js";

export function planCommand(io: CliIo): Command {
  return new Command("plan")
    .description("read the live cluster and print node order, packages, reboots, guest placements, gates and duration (changes nothing)")
    .option("-c, --config <file>", "cluster description", "cluster.yaml")
    .option("--nodes <a,b>", "plan only these nodes", nodeList)
    .addOption(
      new Option("--to <major>", "what the major upgrade to this PVE release needs first, every node in service (reads only)").choices([
        "9",
      ]),
    )
    .option("--packages", "every pending package with its installed and new version")
    .option("--changelog", "and what each changes: its changelog since the installed version (apt-get changelog on a node)")
    .option("--json", "one JSON document")
    .option("--no-color", "plain output")
    .action(async (opts: PlanOptions) => {
      const { runPlanCommand } = await import("../plan.js");
      await runPlanCommand(io, opts);
    });
}
