// npm run bench: the figures behind rollgate's speed and memory claims (see BENCHMARKS.md).
// Timings are wall-clock on whatever machine runs this; the memory figures are what matters most:
// a heal backlog of millions of entries must not grow rollgate's heap with its size.

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadConfig, resolveTokenSecret } from "../src/config/index.js";
import { evaluateGates, facetsFor } from "../src/gates/evaluate.js";
import { loadPlaybook } from "../src/playbook/playbook.js";
import { createHealInfoParser, type HealInfoKind, type OutputFormat } from "../src/gluster/index.js";
import { startLab } from "../src/lab/lab.js";
import { collect } from "../src/observe/collect.js";
import { pveClientFor, sshPoolFor } from "../src/transport/from-config.js";
import { networkProbes } from "../src/transport/probes.js";
import { runEngine } from "../test/helpers/engine.js";
import { startTestLab } from "../test/helpers/lab.js";
import { ms, peakHeap, time } from "./measure.js";

const bricks = ["pve1:/data/brick/gv0", "pve2:/data/brick/gv0", "pve3:/data/brick/gv0"];
const gfid = (i: number) => `0b59fd75-8dd6-429f-a019-${String(i).padStart(12, "0")}`;

/** A heal info backlog, generated lazily in 64 KiB chunks as ssh would deliver it. */
function* healInfo(format: OutputFormat, entriesPerBrick: number): Generator<string> {
  let buffer = format === "xml" ? `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<cliOutput>\n  <healInfo>\n    <bricks>\n` : "";
  const push = function* (text: string) {
    buffer += text;
    if (buffer.length >= 65_536) {
      yield buffer;
      buffer = "";
    }
  };
  for (const [b, brick] of bricks.entries()) {
    yield* push(format === "xml" ? `      <brick hostUuid="${gfid(b)}">\n        <name>${brick}</name>\n` : `Brick ${brick}\n`);
    for (let i = 0; i < entriesPerBrick; i++) {
      const entry = `/.shard/81ba6de1-1096-419c-a8ad-b3189ef9ad11.${i}`;
      yield* push(format === "xml" ? `        <file gfid="${gfid(i)}">${entry}</file>\n` : `${entry} \n`);
    }
    yield* push(
      format === "xml"
        ? `        <status>Connected</status>\n        <numberOfEntries>${entriesPerBrick}</numberOfEntries>\n      </brick>\n`
        : `Status: Connected\nNumber of entries: ${entriesPerBrick}\n\n`,
    );
  }
  if (format === "xml")
    yield* push(`    </bricks>\n  </healInfo>\n  <opRet>0</opRet>\n  <opErrno>0</opErrno>\n  <opErrstr/>\n</cliOutput>\n`);
  yield buffer;
}

async function parserBench(format: OutputFormat, entriesPerBrick: number) {
  const kind: HealInfoKind = "info";
  const {
    result,
    peakMiB,
    ms: elapsed,
  } = await peakHeap(async () => {
    const parser = createHealInfoParser({ kind, format });
    let bytes = 0;
    for (const chunk of healInfo(format, entriesPerBrick)) {
      bytes += chunk.length;
      parser.write(chunk);
    }
    return { parsed: parser.end(), bytes };
  });
  if (!result.parsed.ok || result.parsed.value.bricks.some((b) => b.entries !== entriesPerBrick))
    throw new Error(`parser bench: wrong result ${JSON.stringify(result.parsed).slice(0, 200)}`);
  const total = entriesPerBrick * bricks.length;
  return {
    format,
    entries: total,
    mib: result.bytes / 2 ** 20,
    ms: elapsed,
    entriesPerSecond: total / (elapsed / 1000),
    peakHeapMiB: peakMiB,
  };
}

async function labBench() {
  const dir = await mkdtemp(path.join(tmpdir(), "rollgate-bench-"));
  const startup = await time(3, async () => {
    const lab = await startLab({ dir: path.join(dir, `start-${Math.random()}`), timeScale: 100 });
    await lab.stop();
  });
  const lab = await startLab({ dir: path.join(dir, "lab"), timeScale: 100 });
  const loaded = await loadConfig(lab.files.config);
  const config = loaded.config;
  const shell = sshPoolFor(config);
  const pve = await pveClientFor(config, await resolveTokenSecret(loaded));
  const ctx = { config, shell, pve, probes: networkProbes, target: null };
  const { preflightGates } = await loadPlaybook(config.upgrade.playbook);
  try {
    const allFacets = facetsFor(config, preflightGates);
    await collect(ctx, allFacets); // opens the pooled connections once
    const check = await time(10, async () => evaluateGates(config, await collect(ctx, allFacets), preflightGates));
    const glusterOnly = await time(10, async () => evaluateGates(config, await collect(ctx, ["gluster"]), ["gluster-healed"]));
    lab.cluster.advance();
    for (const index of lab.cluster.volume.heal.values()) index.pending = 100_000;
    lab.cluster.faults.healRatePerSecond = 0;
    const backlog = await time(3, async () => {
      const verdict = evaluateGates(config, await collect(ctx, ["gluster"]), ["gluster-healed"])[0]!;
      if (verdict.pass) throw new Error("a 100 000-entry backlog passed the gate");
    });
    return { startup, check, glusterOnly, backlog };
  } finally {
    pve.close();
    await shell.close();
    await lab.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function upgradeBench(timeScale: number) {
  const t = await startTestLab({ timeScale });
  try {
    const start = performance.now();
    const { result } = await runEngine(t);
    const status = t.lab.status();
    const record = status.record;
    return {
      timeScale,
      ms: performance.now() - start,
      outcome: result.outcome,
      modelSeconds: status.modelSeconds,
      maxOutOfService: record.maxOutOfService,
      breaches: record.criticalBreaches.length,
      mutations: record.mutations.length,
      takeDowns: record.takeDowns.length,
      unsafeTakeDowns: record.unsafeTakeDowns.length,
    };
  } finally {
    await t.stop();
  }
}

async function main() {
  const lines: string[] = [];
  const out = (line = "") => {
    lines.push(line);
    console.log(line);
  };
  out(`rollgate benchmarks — node ${process.version}, ${new Date().toISOString()}`);
  out("");
  out("Heal info parsing (streamed in 64 KiB chunks; peak heap growth while parsing):");
  out("| format | entries | output | time | entries/s | peak heap |");
  out("| --- | ---: | ---: | ---: | ---: | ---: |");
  for (const [format, perBrick] of [
    ["text", 10_000],
    ["text", 1_000_000],
    ["xml", 10_000],
    ["xml", 1_000_000],
  ] as const) {
    const r = await parserBench(format, perBrick);
    out(
      `| ${r.format} | ${r.entries.toLocaleString("en")} | ${r.mib.toFixed(1)} MiB | ${ms(r.ms)} | ${Math.round(r.entriesPerSecond).toLocaleString("en")} | ${r.peakHeapMiB.toFixed(1)} MiB |`,
    );
  }
  out("");
  const lab = await labBench();
  out("Against the lab (3 nodes, real HTTPS + SSH on loopback, pooled connections):");
  out("| what | median | min | max |");
  out("| --- | ---: | ---: | ---: |");
  out(`| lab start (keys, CA, 3×API, 3×sshd) | ${ms(lab.startup.medianMs)} | ${ms(lab.startup.minMs)} | ${ms(lab.startup.maxMs)} |`);
  out(`| all preflight gates, one observation | ${ms(lab.check.medianMs)} | ${ms(lab.check.minMs)} | ${ms(lab.check.maxMs)} |`);
  out(`| gluster-healed only (SSH only) | ${ms(lab.glusterOnly.medianMs)} | ${ms(lab.glusterOnly.minMs)} | ${ms(lab.glusterOnly.maxMs)} |`);
  out(`| gluster-healed, 100 000 entries per brick | ${ms(lab.backlog.medianMs)} | ${ms(lab.backlog.minMs)} | ${ms(lab.backlog.maxMs)} |`);
  out("");
  const up = await upgradeBench(100);
  out(
    `Full rolling upgrade of 3 nodes at ${up.timeScale}x: ${(up.ms / 1000).toFixed(1)} s real, ${Math.round(up.modelSeconds)} s of cluster time; outcome ${up.outcome}; ${up.mutations} changes; at most ${up.maxOutOfService} node out of service; ${up.breaches} critical-group breaches; ${up.takeDowns} take-downs, ${up.unsafeTakeDowns} of them unsafe.`,
  );
}

await main();
