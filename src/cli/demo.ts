// `rollgate demo`: the thirty-second tour. A lab starts in-process at a fast time scale, rollgate
// upgrades its three nodes with the live view (heal waits included), shows the journal, and the
// lab says what it saw: never more than one node out of service, the routers never both down.

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { startLab } from "../lab/lab.js";
import { println, type CliIo } from "./io.js";
import { renderLabStatus } from "./lab.js";
import { runStatusCommand } from "./status.js";
import { runUpgradeCommand } from "./upgrade.js";

function scale(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 1 || n > 1000) throw new InvalidArgumentError("expected a time scale from 1 to 1000");
  return n;
}

export function demoCommand(io: CliIo, setExit: (code: number) => void): Command {
  return new Command("demo")
    .description("start a lab, upgrade it with the live view, show the journal and what the lab saw, stop the lab")
    .option("--time-scale <x>", "model seconds per real second", scale, 40)
    .option("--keep", "keep the lab's directory (cluster.yaml, keys, journal) afterwards")
    .option("--no-color", "plain output")
    .action(async (opts: { timeScale: number; keep?: boolean; color: boolean }) => {
      const dir = await mkdtemp(path.join(tmpdir(), "rollgate-demo-"));
      println(
        io.stderr,
        `Starting a lab: 3 Proxmox VE nodes with a replica-3 Gluster volume and a pfSense pair, at ${opts.timeScale}x speed…`,
      );
      // A slower self-heal than the lab's default, so the wait for Gluster is there to see.
      const lab = await startLab({ dir, timeScale: opts.timeScale, faults: { healRatePerSecond: 1.5 } });
      try {
        println(io.stderr, `lab ready: ${lab.files.config}\n`);
        const code = await runUpgradeCommand(io, {
          config: lab.files.config,
          yes: true,
          color: opts.color,
          journalDir: path.join(dir, "journal"),
        });
        println(io.stdout, "");
        await runStatusCommand(io, { config: lab.files.config, journalDir: path.join(dir, "journal"), color: opts.color });
        println(io.stdout, "\nWhat the lab saw:");
        println(io.stdout, renderLabStatus(lab.status()));
        setExit(code);
      } finally {
        await lab.stop();
        if (opts.keep) println(io.stderr, `\nkept ${dir}`);
        else await rm(dir, { recursive: true, force: true });
      }
    });
}
