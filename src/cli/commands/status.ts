// `rollgate status`'s flags; what it does is ../status.ts.

import { Command } from "commander";
import type { CliIo } from "../io.js";
import type { StatusOptions } from "../status.js";

export function statusCommand(io: CliIo, setExit: (code: number) => void): Command {
  return new Command("status")
    .description("the journal of the running or last run: node by node, step by step, with times; first, any run going on now (reads only)")
    .option("-c, --config <file>", "cluster description (for journal.dir and the cluster lock)", "cluster.yaml")
    .option("--journal-dir <dir>", "journal directory (default: journal.dir of cluster.yaml)")
    .option("--run <id>", "a run other than the latest")
    .option("--json", "the run summary as one JSON document")
    .option("--list", "every run recorded, newest first: start, duration, outcome, nodes done")
    .option("--follow", "then show the running run's progress until it ends; exit with its exit code")
    .option("-v, --verbose", "with --follow: also show command output")
    .option("--no-color", "plain output")
    .action(async (opts: StatusOptions) => {
      const { runStatusCommand } = await import("../status.js");
      setExit(await runStatusCommand(io, opts));
    });
}
