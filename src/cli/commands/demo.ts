// `rollgate demo`'s flags; what it does is ../demo.ts.

import { Command, InvalidArgumentError, Option } from "commander";
import type { DemoOptions } from "../demo.js";
import type { CliIo } from "../io.js";
import { pveVersionOption, scenarioOption } from "./lab.js";

function scale(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 1 || n > 1000) throw new InvalidArgumentError("expected a time scale from 1 to 1000");
  return n;
}

export function demoCommand(io: CliIo, setExit: (code: number) => void): Command {
  return new Command("demo")
    .description(
      "start a lab, upgrade it with the live view, show the journal and what the lab saw, stop the lab; --scenario shows a refusal (e.g. split-brain, heal-stalls)",
    )
    .option("--time-scale <x>", "model seconds per real second", scale, 40)
    .addOption(scenarioOption())
    .addOption(pveVersionOption())
    .addOption(
      new Option("--to <major>", "the major upgrade to this PVE release (with --pve-version 8.4 --scenario ready-for-9)").choices(["9"]),
    )
    .option("--keep", "keep the lab's directory (cluster.yaml, keys, journal) afterwards")
    .option("--no-color", "plain output")
    .action(async (opts: DemoOptions) => {
      const { runDemoCommand } = await import("../demo.js");
      setExit(await runDemoCommand(io, opts));
    });
}
