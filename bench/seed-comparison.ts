// The comparisons a user makes: rollgate against the loop the seed outage was caused by (for each
// node `apt-get dist-upgrade`, `reboot`, `sleep D` over SSH), and a full upgrade against the least
// time the cluster itself needs (the union of the spans the lab scripted: migrations, dist-upgrades,
// reboots, HA picking up maintenance, heals). The lab's heal durations are seeded per node, so a
// run can be repeated; everything is measured in the lab's model time.

import type { RunEvent } from "../src/run/events.js";
import { timings } from "../src/lab/model/cluster.js";
import type { BusySpan, LabRecordSnapshot, Milestone } from "../src/lab/model/record.js";
import { changeCommand } from "../src/transport/remote-command.js";
import { sshPoolFor } from "../src/transport/from-config.js";
import { runEngine } from "../test/helpers/engine.js";
import { startTestLab, type TestLab } from "../test/helpers/lab.js";
import { seeded } from "../test/helpers/seeded.js";

export interface HealPlan {
  seed: number;
  /** Model ms each node's heal takes once its brick is back. */
  durationsMs: Record<string, number>;
}

const NODES = ["pve1", "pve2", "pve3"];

/** Heal durations drawn uniformly from [minMs, maxMs] per node, from `seed`. */
export function seededHeals(seed: number, minMs: number, maxMs: number): HealPlan {
  const random = seeded(seed);
  return { seed, durationsMs: Object.fromEntries(NODES.map((n) => [n, Math.round(minMs + random() * (maxMs - minMs))])) };
}

/** The lab for one comparison run: its heals as planned, its poll and settle written in real (scaled) time. */
function labFor(heals: HealPlan, timeScale: number, pollModelMs: number) {
  const real = (modelMs: number) => `${Math.max(1, Math.round(modelMs / timeScale))}ms`;
  return startTestLab({
    timeScale,
    faults: { healDurationsMs: heals.durationsMs },
    timeouts: { poll: real(pollModelMs), settle: real(30_000) },
  });
}

const modelNow = (t: TestLab) => t.lab.cluster.clock.now();

export interface Safety {
  /** Reboots while another node was out of service or a brick still had heal entries. */
  rebootsBeforeHealed: number;
  /** Reboots of a node whose guests still ran on it (the loop moves none). */
  rebootsWithGuests: number;
  /** Moments a critical group had fewer healthy members than its minimum. */
  criticalBreaches: number;
  maxOutOfService: number;
}

const notHealed = /heal entries|split-brain|is (down|shutting-down)|has not rejoined|brick is unavailable|in maintenance|dpkg at work/;

function safetyOf(record: LabRecordSnapshot): Safety {
  const reboots = record.takeDowns.filter((t) => t.how === "reboot");
  return {
    rebootsBeforeHealed: reboots.filter((t) => t.unsafe.some((u) => notHealed.test(u))).length,
    rebootsWithGuests: reboots.filter((t) => t.unsafe.some((u) => u.includes("still runs on"))).length,
    criticalBreaches: record.criticalBreaches.length,
    maxOutOfService: record.maxOutOfService,
  };
}

/** What an upgrade run took, in model seconds, and what the lab saw. */
export interface UpgradeRun {
  modelSeconds: number;
  realMs: number;
  safety: Safety;
  record: LabRecordSnapshot;
  startSeconds: number;
  endSeconds: number;
}

/** The seed's way: for each node `apt-get update`, `apt-get -y dist-upgrade`, `reboot`, `sleep D`. */
export async function fixedDelayRun(heals: HealPlan, delayModelMs: number, timeScale: number): Promise<UpgradeRun> {
  const t = await labFor(heals, timeScale, 10_000);
  const shell = sshPoolFor(t.loaded.config);
  try {
    const start = modelNow(t);
    const realStart = performance.now();
    for (const node of NODES) {
      await shell.run(node, changeCommand(["apt-get", "update"]));
      await shell.run(node, changeCommand(["apt-get", "-y", "dist-upgrade"], { DEBIAN_FRONTEND: "noninteractive" }));
      // The connection drops as the node goes down: what the loop ignores.
      await shell.run(node, changeCommand(["reboot"])).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, delayModelMs / timeScale));
    }
    const end = modelNow(t);
    const record = t.lab.status().record;
    return {
      modelSeconds: (end - start) / 1000,
      realMs: performance.now() - realStart,
      safety: safetyOf(record),
      record,
      startSeconds: start / 1000,
      endSeconds: end / 1000,
    };
  } finally {
    await shell.close();
    await t.stop();
  }
}

/** An event of the run, with the lab's model time at which rollgate emitted it. */
export interface TimedEvent {
  modelSeconds: number;
  event: RunEvent;
}

export interface RollgateRun extends UpgradeRun {
  outcome: string;
  events: TimedEvent[];
}

export async function rollgateRun(heals: HealPlan, timeScale: number, pollModelMs: number): Promise<RollgateRun> {
  const t = await labFor(heals, timeScale, pollModelMs);
  try {
    const events: TimedEvent[] = [];
    const start = modelNow(t);
    const realStart = performance.now();
    const { result } = await runEngine(t, {}, (event) => events.push({ modelSeconds: modelNow(t) / 1000, event }));
    const end = modelNow(t);
    const record = t.lab.status().record;
    return {
      outcome: result.outcome,
      modelSeconds: (end - start) / 1000,
      realMs: performance.now() - realStart,
      safety: safetyOf(record),
      record,
      events,
      startSeconds: start / 1000,
      endSeconds: end / 1000,
    };
  } finally {
    await t.stop();
  }
}

/** The fixed delay that is safe for the worst node: its reboot and heal, rounded up to the minute. */
export function safeDelayMs(heals: HealPlan): number {
  const back = timings.shutdown + timings.boot + timings.glusterAfterBoot;
  const worst = Math.max(...Object.values(heals.durationsMs));
  return Math.ceil((back + worst) / 60_000) * 60_000;
}

// ---- against the physical limit ------------------------------------------------------------

/** Total length of the union of the spans, clipped to [from, to]. */
function unionSeconds(spans: ReadonlyArray<Pick<BusySpan, "fromSeconds" | "toSeconds">>, from: number, to: number): number {
  const sorted = spans
    .map((s) => [Math.max(from, s.fromSeconds), Math.min(to, s.toSeconds)] as const)
    .filter(([a, b]) => b > a)
    .sort((a, b) => a[0] - b[0]);
  let total = 0;
  let reach = from;
  for (const [a, b] of sorted) {
    if (b <= reach) continue;
    total += b - Math.max(a, reach);
    reach = b;
  }
  return total;
}

export interface PhysicalLimit {
  totalSeconds: number;
  unavoidableSeconds: number;
  ratio: number;
  /** Busy time by kind (overlaps counted in each). */
  busyByKind: Record<string, number>;
  /** The run's own waiting (no span of the cluster's in progress), by what rollgate was doing. */
  overhead: Array<{ what: string; seconds: number }>;
}

/**
 * Idle moments are attributed to the step rollgate was in; within a gate wait, the time after the
 * gates first passed is its settle window (the steady window the safety contract asks for).
 */
export function physicalLimit(run: RollgateRun): PhysicalLimit {
  const { startSeconds: from, endSeconds: to } = run;
  const spans = run.record.busy;
  const unavoidable = unionSeconds(spans, from, to);
  const busyByKind: Record<string, number> = {};
  for (const s of spans)
    busyByKind[s.kind] = (busyByKind[s.kind] ?? 0) + Math.max(0, Math.min(to, s.toSeconds) - Math.max(from, s.fromSeconds));
  const overhead = new Map<string, number>();
  let doing = "start";
  let at = from;
  const account = (until: number) => {
    const idle = until - at - unionSeconds(spans, at, until);
    if (idle > 0) overhead.set(doing, (overhead.get(doing) ?? 0) + idle);
    at = until;
  };
  for (const { modelSeconds, event } of run.events) {
    account(Math.min(to, modelSeconds));
    if (event.type === "step-start") doing = event.step;
    else if (event.type === "step-progress" && event.message.includes("before it counts")) doing = `${event.step}: settle window`;
    else if (event.type === "step-end") doing = "between steps";
  }
  account(to);
  return {
    totalSeconds: to - from,
    unavoidableSeconds: unavoidable,
    ratio: (to - from) / unavoidable,
    busyByKind,
    overhead: [...overhead].map(([what, seconds]) => ({ what, seconds })).sort((a, b) => b.seconds - a.seconds),
  };
}

// ---- detection latency ---------------------------------------------------------------------

export interface Detection {
  what: string;
  /** Model seconds from the lab's change to rollgate's first event that shows it acted on it. */
  latencySeconds: number;
}

/**
 * For each moment rollgate waits for, the first event after it that shows rollgate saw it: a node
 * answering ends its wait-online step; a healed volume makes a gate wait say its gates pass (or end);
 * a finished migration is followed by the evacuation's next change or its end.
 */
export function detections(run: RollgateRun): Detection[] {
  const found: Detection[] = [];
  const after = (m: Milestone, acted: (e: RunEvent) => boolean) =>
    run.events.find((e) => e.modelSeconds >= m.modelSeconds && acted(e.event));
  for (const m of run.record.milestones) {
    if (m.modelSeconds < run.startSeconds || m.modelSeconds > run.endSeconds) continue;
    const answers = / answers$/.test(m.what) ? m.what.split(" ")[0]! : null;
    const hit = answers
      ? after(m, (e) => e.type === "step-end" && e.step === "wait-online" && e.node === answers)
      : m.what.endsWith(" healed")
        ? after(m, (e) => (e.type === "step-progress" && e.message.includes("before it counts")) || e.type === "step-end")
        : / migrated to /.test(m.what)
          ? after(m, (e) => e.type === "step-end" || (e.type === "action" && e.phase === "before"))
          : undefined;
    if (hit) found.push({ what: m.what, latencySeconds: hit.modelSeconds - m.modelSeconds });
  }
  return found;
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}
