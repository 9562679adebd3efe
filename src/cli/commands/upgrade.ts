// `rollgate upgrade`'s flags; what it does is ../upgrade.ts.

import { Command, InvalidArgumentError, Option } from "commander";
import { metricsFileOption } from "../../metrics/textfile.js";
import { parseWindow } from "../../run/window.js";
import type { CliIo } from "../io.js";
import { nodeList } from "../options.js";
import type { UpgradeOptions } from "../upgrade.js";

function count(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("expected a whole number of nodes, at least 1");
  return n;
}

export function upgradeCommand(io: CliIo, setExit: (code: number) => void): Command {
  return new Command("upgrade")
    .description("upgrade the cluster node by node through the playbook; --dry-run prints every action without changing anything")
    .option("-c, --config <file>", "cluster description", "cluster.yaml")
    .option("-y, --yes", "do not ask for confirmation (required when stdin is not a terminal)")
    .option("--dry-run", "walk the playbook against live state and print every action; change nothing")
    .option("--nodes <a,b>", "upgrade only these nodes", nodeList)
    .option("--window <HH:MM-HH:MM>", "start no new node outside these local hours", (v: string) => parseWindow(v))
    .option("--pause-after <n>", "stop cleanly after n nodes", count)
    .option("--resume", "continue the run that stopped: walks its node again, each step deciding from live state")
    .option("--fresh", "start a new run although the last one did not finish (the old journal is not read)")
    .option("--break-stale-lock", "remove the lock of a run whose process is gone, here and on the cluster (never a live one)")
    .option("--journal-dir <dir>", "journal and lock directory (default: journal.dir of cluster.yaml)")
    .option(
      "--metrics-file <file.prom>",
      "at the end, write a Prometheus textfile-collector file atomically: outcome, exit code, per-node and gate-wait seconds, heal entries, nodes pending upgrade and reboot",
      metricsFileOption,
    )
    .option("--json", "JSON lines of every event on stdout")
    .option("-v, --verbose", "also show command output")
    .option("--no-color", "plain output")
    .addOption(
      new Option("--to <major>", "the major upgrade to this PVE release (playbook proxmox-major-9; see `rollgate plan --to 9`)").choices([
        "9",
      ]),
    )
    .action(async (opts: UpgradeOptions) => {
      const { runUpgradeCommand } = await import("../upgrade.js");
      setExit(await runUpgradeCommand(io, opts));
    });
}
