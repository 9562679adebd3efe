// `rollgate upgrade`: the rolling upgrade, interactive or unattended, journaled and locked.

import os from "node:os";
import path from "node:path";
import type { LoadedConfig } from "../config/index.js";
import { evaluateGates } from "../gates/evaluate.js";
import { notificationBody, notify, notifySlow, notifyStart, type NotifyResult } from "../notify/index.js";
import { slowSentence } from "../notify/report.js";
import { slowWatch } from "../run/slow-watch.js";
import { pingFor, pingHeartbeat } from "../notify/heartbeat.js";
import { collect } from "../observe/collect.js";
import type { Facet } from "../observe/state.js";
import { buildPlan, planFacets } from "../plan/plan.js";
import { entryName, entryTitle, loadPlaybook, majorPlaybook, type Playbook } from "../playbook/playbook.js";
import { Engine, nodeVerifiedEntry, type ResumeState, type RunResult } from "../run/engine.js";
import type { RunEvent, RunEventBody } from "../run/events.js";
import { Journal, newRunId } from "../run/journal.js";
import { acquireClusterLock, type HeldClusterLock } from "../run/cluster-lock.js";
import { lookForOtherRuns } from "../run/live-run.js";
import { acquireLock, breakStaleLock } from "../run/lock.js";
import { nextRun } from "../run/previous-run.js";
import { listRuns } from "../run/run-list.js";
import { earlierCanary, type EarlierCanary } from "../run/canary.js";
import type { Window } from "../run/window.js";
import { systemClock } from "../transport/clock.js";
import { networkProbes } from "../transport/probes.js";
import { ExitCode, UsageError } from "../util/errors.js";
import { redactorOf } from "../util/redact.js";
import { println, type CliIo } from "./io.js";
import { BusyAdvice, otherRunLines } from "./render/live-run.js";
import { renderPlan } from "./render/plan.js";
import { createRunRenderer, guardedRenderer, type StepOutline } from "./render/run-renderer.js";
import { styleFor } from "./render/style.js";
import { runMetrics, stateMetrics } from "../metrics/cluster-metrics.js";
import { assertWritableDir } from "../metrics/textfile.js";
import { writeMetricsFile } from "./metrics-output.js";
import { loadWithWarnings } from "./load-config.js";
import { openSession, type Session } from "./session.js";

export interface UpgradeOptions {
  config: string;
  yes?: boolean;
  dryRun?: boolean;
  nodes?: string[];
  window?: Window;
  pauseAfter?: number;
  resume?: boolean;
  fresh?: boolean;
  breakStaleLock?: boolean;
  journalDir?: string;
  metricsFile?: string;
  json?: boolean;
  verbose?: boolean;
  color: boolean;
  /** The major upgrade to this PVE release: playbook proxmox-major-9 instead of cluster.yaml's. */
  to?: "9";
}

function outline(playbook: Playbook, nodes: string[]): StepOutline {
  const list = (entries: Playbook["node"]) => entries.map((entry) => ({ step: entryName(entry), title: entryTitle(entry) }));
  return { preflight: list(playbook.preflight), node: [...list(playbook.node), nodeVerifiedEntry], finally: list(playbook.finally), nodes };
}

/** Shows the plan and asks; only for a person at a terminal. */
async function confirm(
  io: CliIo,
  loaded: LoadedConfig,
  playbook: Playbook,
  options: UpgradeOptions,
  facetsOfPlan: Set<Facet>,
): Promise<boolean> {
  const session = await openSession(loaded, io, { readOnly: true, facets: facetsOfPlan });
  try {
    const state = await collect(session.observeContext(null), facetsOfPlan);
    const plan = buildPlan(
      loaded.config,
      state,
      evaluateGates(loaded.config, state, playbook.preflightGates),
      options.nodes ?? null,
      playbook.upgradesTo,
    );
    println(io.stderr, renderPlan(plan, styleFor(io.stderr, io.env, options.color)));
    const pending = plan.nodes.filter((n) => !n.upToDate).length;
    // Nothing to upgrade is still a run to confirm: it checks the cluster and journals that it found nothing.
    const question =
      pending === 0
        ? "No node needs an upgrade. Run the checks anyway?"
        : `Upgrade ${pending === 1 ? "1 node" : `${pending} nodes`} in this order?`;
    const answer = await io.prompt(`\n${question} Type "yes" to start: `);
    return answer.trim().toLowerCase() === "yes";
  } finally {
    await session.close();
  }
}

/** A run resumes through the playbook it started with: the major upgrade's steps are not the minor one's. */
function samePlaybook(resume: ResumeState, playbook: Playbook): void {
  const start = resume.events.find((e) => e.type === "run-start");
  const started = start?.type === "run-start" ? start.playbook : null;
  if (started === null || started === playbook.name) return;
  const how = (name: string) =>
    name === majorPlaybook.name ? "`rollgate upgrade --to 9 --resume`" : "`rollgate upgrade --resume` without --to";
  throw new UsageError(
    `the run to resume used playbook ${started}, not ${playbook.name}: resume it with ${how(started)} (or start over with --fresh)`,
  );
}

/** `rollgate upgrade`, its flags parsed (commands/upgrade.ts); demo runs it too. Returns the exit code. */
export async function runUpgradeCommand(io: CliIo, opts: UpgradeOptions): Promise<number> {
  if (opts.resume && opts.fresh) throw new UsageError("--resume and --fresh exclude each other");
  if (opts.metricsFile && opts.dryRun)
    throw new UsageError("--metrics-file reports a run; --dry-run makes none (`rollgate check --metrics-file` reports the cluster)");
  if (opts.metricsFile) await assertWritableDir(opts.metricsFile);
  const unattended = !io.stdinIsTTY;
  if (unattended && !opts.yes && !opts.dryRun) {
    throw new UsageError("stdin is not a terminal: an unattended upgrade needs --yes (see `rollgate plan` for what it would do)");
  }
  const loaded = await loadWithWarnings(opts.config, io);
  const config = loaded.config;
  const known = config.nodes.map((n) => n.name);
  const unknownNodes = (opts.nodes ?? []).filter((n) => !known.includes(n));
  if (unknownNodes.length > 0)
    throw new UsageError(`--nodes: no node ${unknownNodes.join(", ")} in ${opts.config} (known: ${known.join(", ")})`);
  const playbook = await loadPlaybook(opts.to ? majorPlaybook : config.upgrade.playbook);
  const journalDir = opts.journalDir ?? config.journal.dir;
  const facets = planFacets(config, playbook.preflightGates);

  if (opts.dryRun) {
    const session = await openSession(loaded, io, { readOnly: true, facets });
    try {
      // A run going on is said first (stdout carries only JSON lines with --json), and what is shown holds no advice about its node.
      const others = await lookForOtherRuns(journalDir, { config, shell: session.shell });
      const said = opts.json ? io.stderr : io.stdout;
      const first = otherRunLines(others, styleFor(said, io.env, opts.color));
      if (first.length > 0) println(said, first.map((line) => (opts.json ? `rollgate: ${line}` : line)).join("\n"));
      return await runOnce(io, opts, loaded, playbook, session, null, null, null, BusyAdvice.of(others));
    } finally {
      await session.close();
    }
  }

  const brokenLocalLock = opts.breakStaleLock ? await breakStaleLock(journalDir) : null;
  const runId = newRunId();
  const lock = await acquireLock(journalDir, { runId, pid: process.pid, host: os.hostname(), command: "upgrade" });
  try {
    const { resume, notice } = await nextRun(journalDir, opts.fresh ? "fresh" : opts.resume ? "resume" : "upgrade");
    if (notice !== null) println(io.stderr, `rollgate: ${notice}`);
    if (resume) samePlaybook(resume, playbook);
    if (!unattended && !opts.yes && !resume && !(await confirm(io, loaded, playbook, opts, facets))) {
      println(io.stderr, "rollgate: not confirmed; nothing was changed");
      return ExitCode.ok;
    }
    // Opened before the journal: a bad secret or key is a configuration error that leaves no run behind.
    const session = await openSession(loaded, io, { readOnly: false, facets });
    try {
      const clusterLock = await acquireClusterLock({
        shell: session.shell,
        nodes: known,
        leaseMs: config.timeouts.lockLease,
        holder: {
          runId: resume?.runId ?? runId,
          pid: process.pid,
          host: os.hostname(),
          user: os.userInfo().username,
          command: "upgrade",
          // The same start as the local lock's: check, plan and status quote one or the other.
          startedAt: lock.info.startedAt,
          journalDir: path.resolve(journalDir),
          configFile: loaded.file,
        },
        breakStale: Boolean(opts.breakStaleLock),
        brokenLocalLock,
        onProgress: (message) => println(io.stderr, `rollgate: ${message}`),
      });
      try {
        const journal = resume ? await Journal.open(journalDir, resume.runId) : await Journal.create(journalDir, runId);
        try {
          return await runOnce(io, opts, loaded, playbook, session, journal, resume, clusterLock);
        } finally {
          journal.close();
        }
      } finally {
        await clusterLock.release();
      }
    } finally {
      await session.close();
    }
  } finally {
    await lock.release();
  }
}

async function runOnce(
  io: CliIo,
  opts: UpgradeOptions,
  loaded: LoadedConfig,
  playbook: Playbook,
  session: Session,
  journal: Journal | null,
  resume: ResumeState | null,
  clusterLock: HeldClusterLock | null,
  busy: BusyAdvice = new BusyAdvice([]),
): Promise<number> {
  const config = loaded.config;
  const kind = opts.json ? "json" : io.stdout.isTTY ? "tree" : "plain";
  const shown = createRunRenderer(kind, io, {
    color: opts.color,
    verbose: Boolean(opts.verbose),
    steps: outline(playbook, opts.nodes ?? config.nodes.map((n) => n.name)),
  });
  const renderer = guardedRenderer(kind === "json" ? shown : busy.renderer(shown), io.stdout, (error) =>
    println(
      io.stderr,
      `rollgate: internal error in the progress display, now off; the run goes on and \`rollgate status\` shows it: ${(error as Error)?.stack ?? String(error)}`,
    ),
  );
  const redactor = redactorOf(session.secrets);
  const stop = new AbortController();
  let stops = 0;
  // Held until the notifications are sent: a signal before then must not end the process either.
  const offSignal = io.onSignal((reason) => {
    // A hangup is no request to stop: the terminal went away, the operator did not decide anything.
    // Output to it fails from now on and is dropped (guarded-output.ts); the journal has every event.
    if (reason === "SIGHUP") {
      println(io.stderr, "\nrollgate: SIGHUP: the terminal is gone; the run goes on to its end (`rollgate status` shows it)");
      return;
    }
    stops += 1;
    if (stops === 1) {
      println(io.stderr, `\nrollgate: ${reason}: stopping at the next safe point (a migration or apt-get in progress finishes first)…`);
      stop.abort(new Error(`stopped on request (${reason})`));
    } else
      println(io.stderr, "rollgate: still stopping safely; wait for the current change to finish (kill -9 would leave it unjournaled)");
  });
  try {
    const startedAt = new Date().toISOString();
    const events: RunEvent[] = [];
    const runId = resume?.runId ?? journal?.runId ?? newRunId();
    const heartbeat = !opts.dryRun ? config.heartbeat : undefined;
    if (heartbeat) {
      const ping = await pingHeartbeat(heartbeat.url, "start", `rollgate ${config.cluster}: run ${runId} started on ${os.hostname()}`, {
        timeoutMs: config.proxmox.timeout,
      });
      if (!ping.ok) println(io.stderr, `rollgate: warning: heartbeat failed: ${ping.message}`);
    }
    // Sent when the engine has its order; awaited with the end's, never holding the run up.
    let startSent: Promise<NotifyResult[]> = Promise.resolve([]);
    const slowSent: Array<Promise<NotifyResult[]>> = [];
    const notifyOptions = { timeoutMs: config.proxmox.timeout, secrets: session.secrets };
    let emit: (body: RunEventBody) => void = () => {};
    const slow =
      !opts.dryRun && config.notify.some((n) => n.on.includes("slow"))
        ? slowWatch(
            {
              factor: config.upgrade.slow.factor,
              healMs: config.upgrade.slow.heal,
              nodeMs: config.upgrade.slow.node ?? null,
              healLimitMs: config.timeouts.heal,
            },
            (sight) => {
              const notice = { cluster: config.cluster, runId, host: os.hostname(), startedAt, volumes: config.gluster.volumes, ...sight };
              emit({
                type: "step-progress",
                node: sight.node,
                step: sight.step ?? "slow",
                message: `waiting longer than expected: ${slowSentence(notice)}`,
              });
              slowSent.push(notifySlow(config.notify, notice, notifyOptions));
            },
          )
        : null;
    let result: RunResult;
    try {
      const engine = new Engine({
        config,
        configFile: loaded.file,
        playbook,
        shell: session.shell,
        pve: session.pve,
        probes: networkProbes,
        clock: systemClock,
        runId,
        host: os.hostname(),
        dryRun: Boolean(opts.dryRun),
        only: opts.nodes ?? null,
        window: opts.window ?? null,
        pauseAfter: opts.pauseAfter ?? null,
        resume,
        earlierCanary: config.upgrade.canary ? await earlierCanaryOf(opts.journalDir ?? config.journal.dir, runId) : null,
        // A lost cluster lock stops the run at its next safe point, as a signal does.
        stop: clusterLock ? AbortSignal.any([stop.signal, clusterLock.lost]) : stop.signal,
        nodeInFlight: (node) => clusterLock?.spare(node),
        emit: (emit = (body: RunEventBody) => {
          // Every event reaches the journal and the output through here: a secret in a command's
          // output or in an error message is redacted once, for both.
          const event = redactor.data({ ...body, time: new Date().toISOString() });
          journal?.append(event);
          if (opts.metricsFile) events.push(event);
          renderer.onEvent(event);
          slow?.onEvent(event);
          if (event.type === "step-start" && event.node !== null) clusterLock?.stepStarted(event.node, event.step);
          if (event.type === "run-start" && !opts.dryRun && config.notify.length > 0)
            startSent = notifyStart(
              config.notify,
              { cluster: config.cluster, runId, host: os.hostname(), startedAt, order: event.order, resumes: resume !== null },
              notifyOptions,
            );
        }),
      });
      result = await engine.run();
    } finally {
      slow?.stop();
      await renderer.finish();
    }
    const report = {
      ...result,
      cluster: config.cluster,
      runId: journal?.runId ?? "",
      startedAt,
      endedAt: new Date().toISOString(),
      host: os.hostname(),
    };
    if (!opts.dryRun && config.notify.length > 0) {
      const sent = [...(await startSent), ...(await Promise.all(slowSent)).flat(), ...(await notify(config.notify, report, notifyOptions))];
      for (const r of sent) if (!r.ok) println(io.stderr, `rollgate: warning: notification failed: ${r.message}`);
    }
    if (heartbeat) {
      const text = redactor.text(notificationBody(report).text);
      const ping = await pingHeartbeat(heartbeat.url, pingFor(result.exitCode), text, { timeoutMs: config.proxmox.timeout });
      if (!ping.ok) println(io.stderr, `rollgate: warning: heartbeat failed: ${ping.message}`);
    }
    if (opts.metricsFile) {
      // Read after the run, so heal entries and what is left to upgrade are the cluster's now.
      const after = await collect(session.observeContext(null), ["gluster", "packages"]);
      const waitingGates = new Set(playbook.node.flatMap((e) => (e.kind === "gate" && e.wait ? [e.gate] : [])));
      await writeMetricsFile(io, opts.metricsFile, { cluster: config.cluster, command: "upgrade" }, [
        ...runMetrics({ ...result, startedAt, endedAt: new Date().toISOString(), events, waitingGates }),
        ...stateMetrics(after),
      ]);
    }
    return result.exitCode;
  } finally {
    offSignal();
  }
}

/** What the journals of the runs before this one say of the cluster's canary; unreadable ones are left out. */
async function earlierCanaryOf(dir: string, thisRun: string): Promise<EarlierCanary | null> {
  const runs = await listRuns(dir);
  return earlierCanary(runs.flatMap((run) => ("summary" in run && run.runId !== thisRun ? [run.summary] : [])));
}
