// npm run bench [-- --quick]: the figures behind BENCHMARKS.md, each beside its goal, printed as
// the tables BENCHMARKS.md quotes. A broken invariant (an unsafe moment in rollgate's run, a wrong
// parse, a refused gate in a healthy lab, a fixed delay too short that shows nothing unsafe) fails
// the run; a slow machine does not: timings are reported, never asserted. --quick (CI) runs each
// part smaller, in under a minute.

import { coldStart } from "./cold-start.js";
import { ms } from "./measure.js";
import { healInfoInChild, observationOf, planScale, sshRateAgainstLab, sshRateAgainstOpenSsh, type SshRate } from "./scale.js";
import { detections, fixedDelayRun, percentile, physicalLimit, rollgateRun, safeDelayMs, seededHeals } from "./seed-comparison.js";

const quick = process.argv.includes("--quick");
const MINUTE = 60_000;
const broken: string[] = [];

function out(line = ""): void {
  console.log(line);
}

function expectThat(holds: boolean, what: string): void {
  if (!holds) broken.push(what);
}

const minutes = (seconds: number) => `${(seconds / 60).toFixed(1)} min`;
const ratio = (value: number) => `${value.toFixed(2)}×`;

async function againstTheSeedsWay(): Promise<void> {
  // Full: heals of 30 s to 20 min, five seeds; quick: up to 8 min, one. rollgate's least poll (50 ms) is 10 s at 200×.
  const timeScale = 200;
  const seeds = quick ? [1] : [1, 2, 3, 4, 5];
  const shortD = 5 * MINUTE;
  out(`### 1. Against the seed's fixed delay (time scale ${timeScale}×, poll 10 s, settle 30 s; short delay ${shortD / MINUTE} min)`);
  out();
  out(
    "| seed | heals (min) | safe delay | rollgate | fixed, safe delay | rollgate vs. safe | the cluster's own time vs. safe | safe delay: router group below minimum | short delay: reboots before healed | short delay: router group below minimum |",
  );
  out("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  const ratios: number[] = [];
  for (const seed of seeds) {
    const heals = seededHeals(seed, 30_000, (quick ? 8 : 20) * MINUTE);
    const safeD = safeDelayMs(heals);
    const rollgate = await rollgateRun(heals, timeScale, 10_000);
    const safe = await fixedDelayRun(heals, safeD, timeScale);
    const short = await fixedDelayRun(heals, shortD, timeScale);
    const own = physicalLimit(rollgate).unavoidableSeconds;
    ratios.push(rollgate.modelSeconds / safe.modelSeconds);
    out(
      `| ${seed} | ${Object.values(heals.durationsMs)
        .map((d) => (d / MINUTE).toFixed(1))
        .join(
          ", ",
        )} | ${safeD / MINUTE} min | ${minutes(rollgate.modelSeconds)} | ${minutes(safe.modelSeconds)} | **${ratio(rollgate.modelSeconds / safe.modelSeconds)}** | ${ratio(own / safe.modelSeconds)} | ${safe.safety.criticalBreaches} | ${short.safety.rebootsBeforeHealed} | ${short.safety.criticalBreaches} |`,
    );
    expectThat(rollgate.outcome === "success", `seed ${seed}: rollgate's run ended ${rollgate.outcome}`);
    expectThat(
      rollgate.record.unsafeTakeDowns.length === 0,
      `seed ${seed}: rollgate took a node down unsafely: ${JSON.stringify(rollgate.record.unsafeTakeDowns[0])}`,
    );
    expectThat(rollgate.safety.criticalBreaches === 0, `seed ${seed}: a critical group fell below its minimum during rollgate's run`);
    expectThat(rollgate.safety.maxOutOfService <= 1, `seed ${seed}: rollgate had two nodes out of service`);
    expectThat(safe.safety.rebootsBeforeHealed === 0, `seed ${seed}: the 'safe' fixed delay rebooted a node before the heal finished`);
    const outlasts = Math.max(...Object.values(heals.durationsMs)) > shortD;
    expectThat(
      !outlasts || short.safety.rebootsBeforeHealed > 0,
      `seed ${seed}: a heal outlasted the short delay, yet no reboot came before it ended`,
    );
  }
  out();
  out(
    `Goal: rollgate ≤ 0.60× the safe delay, with 0 unsafe moments. Measured: ${ratios.map(ratio).join(", ")}; 0 unsafe moments in every rollgate run.`,
  );
  out();
}

async function againstThePhysicalLimit(): Promise<void> {
  // A poll of 1 s of lab time needs 20× (rollgate polls no faster than every 50 ms); quick runs at 50×, polling every 2.5 s.
  const timeScale = quick ? 50 : 20;
  const pollMs = 50 * timeScale;
  const heals = seededHeals(2, 30_000, (quick ? 1 : 5) * MINUTE);
  const run = await rollgateRun(heals, timeScale, pollMs);
  const limit = physicalLimit(run);
  out(`### 2. Against the physical limit (time scale ${timeScale}×, poll ${pollMs / 1000} s, settle 30 s; heals of seed ${heals.seed})`);
  out();
  out(
    `Total ${minutes(limit.totalSeconds)} of lab time; the cluster's own spans (their union) ${minutes(limit.unavoidableSeconds)}: ratio **${ratio(limit.ratio)}** (goal ≤ 1.05).`,
  );
  out(
    `The spans by kind: ${Object.entries(limit.busyByKind)
      .map(([k, s]) => `${k} ${Math.round(s)} s`)
      .join(", ")}.`,
  );
  out();
  out("| where the rest went (nothing of the cluster's in progress) | lab seconds |");
  out("| --- | ---: |");
  for (const o of limit.overhead.filter((o) => o.seconds >= 0.5)) out(`| ${o.what} | ${o.seconds.toFixed(1)} |`);
  out();
  expectThat(run.outcome === "success" && run.record.unsafeTakeDowns.length === 0, "the physical-limit run was not a clean upgrade");

  const found = detections(run);
  const pollRealMs = pollMs / timeScale;
  out(`### 3. Detection latency (same run; poll ${pollMs / 1000} s of lab time = ${ms(pollRealMs)} real)`);
  out();
  out("| what rollgate waited for | samples | p50 | p95 | max | p95 real | goal (poll + 0.5 s, real) |");
  out("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
  const kinds: Array<[string, RegExp]> = [
    ["a node answers after its reboot", / answers$/],
    ["the volume's heal reaches zero", / healed$/],
    ["a migration ends", / migrated to /],
  ];
  for (const [label, pattern] of [...kinds, ["all", /./] as [string, RegExp]]) {
    const values = found.filter((d) => pattern.test(d.what)).map((d) => d.latencySeconds);
    if (values.length === 0) continue;
    const p95 = percentile(values, 95);
    out(
      `| ${label} | ${values.length} | ${percentile(values, 50).toFixed(2)} s | ${p95.toFixed(2)} s | ${Math.max(...values).toFixed(2)} s | ${ms((p95 * 1000) / timeScale)} | ${ms(pollRealMs + 500)} |`,
    );
  }
  out();
  expectThat(found.length > 0, "no detection was measured");
}

async function coldStarts(): Promise<void> {
  const results = await coldStart(quick ? 5 : 15);
  out(`### 4. Cold start (whole processes, median of ${quick ? 5 : 15}, interleaved)`);
  out();
  out("| command | median | vs. `node -e 0` |");
  out("| --- | ---: | ---: |");
  for (const r of results) out(`| ${r.what} | ${ms(r.medianMs)} | ${ratio(r.ratio)} |`);
  out();
  out("Goal: `rollgate --help` ≤ 2× a bare node start.");
  out();
}

function sshRow(rate: SshRate | string, what: string): string {
  if (typeof rate === "string") return `| ${what} | ${rate} | | |`;
  return `| ${rate.target} | ${Math.round(rate.pooledPerSecond)} | ${Math.round(rate.newConnectionPerSecond)} | ${ratio(rate.pooledPerSecond / rate.newConnectionPerSecond)} |`;
}

async function atScale(): Promise<void> {
  out("### 5. Scale");
  out();
  const plan = await planScale(32, 4_000, quick ? 3 : 7);
  out(
    `Plan of ${plan.nodes} nodes and ${plan.guests.toLocaleString("en")} guests (pure, ${plan.moves.toLocaleString("en")} moves): median ${ms(plan.timing.medianMs)} (goal < 300 ms).`,
  );
  out();
  out("| lab nodes | one full observation (median) | per node |");
  out("| ---: | ---: | ---: |");
  const sizes = quick ? [3, 8] : [3, 8, 16];
  const observed: Array<{ nodes: number; ms: number }> = [];
  for (const nodes of sizes) {
    const o = await observationOf(nodes, quick ? 3 : 7);
    observed.push({ nodes, ms: o.timing.medianMs });
    out(`| ${nodes} | ${ms(o.timing.medianMs)} | ${ms(o.timing.medianMs / nodes)} |`);
  }
  const [first, last] = [observed[0]!, observed.at(-1)!];
  out();
  out(
    `Growth from ${first.nodes} to ${last.nodes} nodes: ${ratio(last.ms / first.ms)} the time for ${ratio(last.nodes / first.nodes)} the nodes (goal: not faster than linear).`,
  );
  out();
  out("| heal info | entries per brick | output | time | peak RSS | heap growth |");
  out("| --- | ---: | ---: | ---: | ---: | ---: |");
  for (const [format, perBrick] of quick
    ? ([["xml", 100_000]] as const)
    : ([
        ["text", 1_000_000],
        ["xml", 10_000],
        ["xml", 1_000_000],
      ] as const)) {
    const r = await healInfoInChild(format, perBrick);
    out(
      `| ${r.format} | ${r.entriesPerBrick.toLocaleString("en")} | ${r.mib.toFixed(0)} MiB | ${ms(r.ms)} | ${r.peakRssMiB.toFixed(0)} MiB | ${r.peakHeapMiB.toFixed(1)} MiB |`,
    );
  }
  out();
  out("Goal: 1,000,000 entries per brick in XML < 3 s and < 150 MB RSS.");
  out();
  const count = quick ? 50 : 300;
  out(`| SSH commands (\`true\`, ${count} in a row) | per second, pooled | per second, new connection each | pooled vs. new |`);
  out("| --- | ---: | ---: | ---: |");
  out(sshRow(await sshRateAgainstLab(count), "the lab's sshd"));
  out(sshRow(await sshRateAgainstOpenSsh(count), "OpenSSH sshd"));
  out();
}

async function main(): Promise<void> {
  const started = performance.now();
  out(`rollgate benchmarks${quick ? " (quick)" : ""}: node ${process.version}, ${new Date().toISOString()}`);
  out();
  await againstTheSeedsWay();
  await againstThePhysicalLimit();
  await coldStarts();
  await atScale();
  out(`(${((performance.now() - started) / 1000).toFixed(0)} s)`);
  if (broken.length > 0) {
    for (const b of broken) console.error(`BROKEN: ${b}`);
    process.exitCode = 1;
  }
}

await main();
