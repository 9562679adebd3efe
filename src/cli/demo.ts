// `rollgate demo`: the thirty-second tour. A lab starts in-process at a fast time scale, rollgate
// upgrades its three nodes with the live view (heal waits included), shows the journal, and the
// lab says what it saw: never more than one node out of service, the routers never both down.

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { startLab } from "../lab/lab.js";
import type { PveRelease } from "../lab/model/releases.js";
import { scenarios, type ScenarioName } from "../lab/model/scenarios.js";
import { println, type CliIo } from "./io.js";
import { labRelease, renderLabStatus } from "./lab.js";
import { runStatusCommand } from "./status.js";
import { runUpgradeCommand } from "./upgrade.js";

export interface DemoOptions {
  timeScale: number;
  scenario: ScenarioName[];
  pveVersion?: PveRelease;
  to?: "9";
  keep?: boolean;
  color: boolean;
}

/** `rollgate demo`, its flags parsed (commands/demo.ts); returns the upgrade's exit code. */
export async function runDemoCommand(io: CliIo, opts: DemoOptions): Promise<number> {
  const release = labRelease(opts.scenario, opts.pveVersion);
  const dir = await mkdtemp(path.join(tmpdir(), "rollgate-demo-"));
  const faulty = opts.scenario.filter((name) => name !== "healthy");
  println(
    io.stderr,
    `Starting a lab: 3 Proxmox VE ${release} nodes with a replica-3 Gluster volume and a pfSense pair, at ${opts.timeScale}x speed${faulty.length > 0 ? `, scenario ${faulty.join(", ")}` : ""}…`,
  );
  // A slower self-heal than the lab's default, so the wait for Gluster is there to see; a scenario's own heal rate wins.
  const ownHealRate = opts.scenario.some((name) => "healRatePerSecond" in scenarios[name]);
  const lab = await startLab({
    dir,
    timeScale: opts.timeScale,
    scenario: opts.scenario,
    pveVersion: release,
    faults: ownHealRate ? {} : { healRatePerSecond: 1.5 },
  });
  try {
    println(io.stderr, `lab ready: ${lab.files.config}\n`);
    const code = await runUpgradeCommand(io, {
      config: lab.files.config,
      yes: true,
      color: opts.color,
      journalDir: path.join(dir, "journal"),
      ...(opts.to ? { to: opts.to } : {}),
    });
    println(io.stdout, "");
    await runStatusCommand(io, { config: lab.files.config, journalDir: path.join(dir, "journal"), color: opts.color });
    println(io.stdout, "\nWhat the lab saw:");
    println(io.stdout, renderLabStatus(lab.status()));
    return code;
  } finally {
    await lab.stop();
    if (opts.keep) println(io.stderr, `\nkept ${dir}`);
    else await rm(dir, { recursive: true, force: true });
  }
}
