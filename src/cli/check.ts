// `rollgate check`: evaluate gates once against live state; exit 0 only if all pass. Another run
// going on is said first, and advice about the node it is upgrading is not given.

import { evaluateGates, facetsFor } from "../gates/evaluate.js";
import type { GateName } from "../gates/index.js";
import { loadPlaybook } from "../playbook/playbook.js";
import { collect } from "../observe/collect.js";
import { lookForOtherRuns } from "../run/live-run.js";
import { ExitCode, UsageError } from "../util/errors.js";
import { println, type CliIo } from "./io.js";
import { BusyAdvice, otherRunLines } from "./render/live-run.js";
import { busyNodes, nagiosReport, NagiosState } from "./render/nagios.js";
import { renderVerdicts } from "./render/verdicts.js";
import { stateMetrics, verdictMetrics } from "../metrics/cluster-metrics.js";
import { defaultHealTrendFile, followHealTrend } from "../metrics/heal-trend-file.js";
import { assertWritableDir } from "../metrics/textfile.js";
import { writeMetricsFile } from "./metrics-output.js";
import { styleFor } from "./render/style.js";
import { loadWithWarnings } from "./load-config.js";
import { openSession } from "./session.js";

export interface CheckOptions {
  config: string;
  gate?: GateName[];
  target?: string;
  json?: boolean;
  nagios?: boolean;
  nagiosState?: string;
  metricsFile?: string;
  verbose?: boolean;
  color: boolean;
}

/** `rollgate check`, its flags parsed (commands/check.ts). */
export async function runCheckCommand(io: CliIo, opts: CheckOptions, setExit: (code: number) => void): Promise<void> {
  if (opts.json && opts.nagios) throw new UsageError("--json and --nagios are two output formats: choose one");
  if (opts.nagiosState !== undefined && !opts.nagios) throw new UsageError("--nagios-state is the state file of --nagios: add --nagios");
  if (!opts.nagios) return check(opts, io, setExit);
  // A monitor reads stdout's first line and the exit status: whatever went wrong is UNKNOWN, on that line.
  try {
    await check(opts, io, setExit);
  } catch (error) {
    println(io.stdout, `ROLLGATE UNKNOWN - ${(error as Error).message.split("\n")[0]}`);
    setExit(NagiosState.unknown);
  }
}

async function check(opts: CheckOptions, io: CliIo, setExit: (code: number) => void): Promise<void> {
  const loaded = await loadWithWarnings(opts.config, io);
  const config = loaded.config;
  // The gates the configured playbook runs before the first node: a misspelt playbook is a usage error here too.
  const preflight = (await loadPlaybook(config.upgrade.playbook)).preflightGates;
  const names = opts.gate ?? (opts.target ? [...preflight, "critical-healthy-elsewhere" as const] : preflight);
  if (opts.target && !config.nodes.some((n) => n.name === opts.target)) {
    throw new UsageError(`--target ${opts.target}: no such node in ${opts.config} (known: ${config.nodes.map((n) => n.name).join(", ")})`);
  }
  if (names.includes("critical-healthy-elsewhere") && !opts.target)
    throw new UsageError("--gate critical-healthy-elsewhere needs --target NODE");
  if (opts.metricsFile) await assertWritableDir(opts.metricsFile);
  // The metrics file always carries heal entries and what is left to install, whatever the gates read.
  const facets = new Set([...facetsFor(config, names), ...(opts.metricsFile ? (["gluster", "packages"] as const) : [])]);
  const live = await openSession(loaded, io, { readOnly: true, facets });
  try {
    const [others, state] = await Promise.all([
      lookForOtherRuns(config.journal.dir, { config, shell: live.shell }),
      collect(live.observeContext(opts.target ?? null), facets),
    ]);
    const verdicts = evaluateGates(config, state, names);
    const pass = verdicts.every((v) => v.pass);
    const style = styleFor(io.stdout, io.env, opts.color);
    if (opts.metricsFile)
      await writeMetricsFile(io, opts.metricsFile, { cluster: config.cluster, command: "check" }, [
        ...verdictMetrics(verdicts, state.observedAt),
        ...stateMetrics(state),
      ]);
    if (opts.nagios) {
      const healed = verdicts.find((v) => v.gate === "gluster-healed");
      // A check of other gates leaves the heal's state file as it is.
      const heal = healed
        ? await followHealTrend(
            opts.nagiosState ?? defaultHealTrendFile(config.journal.dir),
            healed.metrics ?? {},
            Date.parse(state.observedAt),
            config.timeouts.healStall,
          )
        : undefined;
      const report = nagiosReport(
        verdicts,
        busyNodes(
          BusyAdvice.of(others),
          config.nodes.map((n) => n.name),
        ),
        heal,
      );
      println(io.stdout, report.line);
      setExit(report.state);
      return;
    }
    if (opts.json)
      println(
        io.stdout,
        JSON.stringify({ observedAt: state.observedAt, target: state.target, pass, verdicts, otherRuns: others }, null, 2),
      );
    else {
      const first = otherRunLines(others, style);
      if (first.length > 0) println(io.stdout, [...first, ""].join("\n"));
      println(io.stdout, renderVerdicts(BusyAdvice.of(others).verdicts(verdicts), style, Boolean(opts.verbose)));
    }
    setExit(pass ? ExitCode.ok : ExitCode.refused);
  } finally {
    await live.close();
  }
}
