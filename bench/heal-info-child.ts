// One heal info parse, in a process of its own (bench/scale.ts healInfoInChild): prints its time,
// size and peak memory as JSON. The backlog is generated lazily in 64 KiB chunks, as SSH delivers it.

import { createHealInfoParser, type OutputFormat } from "../src/gluster/index.js";

export interface HealInfoParse {
  format: OutputFormat;
  entriesPerBrick: number;
  mib: number;
  ms: number;
  peakRssMiB: number;
  peakHeapMiB: number;
}

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

/** Parses a generated backlog; peak RSS and heap growth sampled every 2 ms while it runs. */
async function healInfoParse(format: OutputFormat, entriesPerBrick: number): Promise<HealInfoParse> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const baseHeap = process.memoryUsage().heapUsed;
  let peakRss = process.memoryUsage().rss;
  let peakHeap = baseHeap;
  const sample = () => {
    const usage = process.memoryUsage();
    peakRss = Math.max(peakRss, usage.rss);
    peakHeap = Math.max(peakHeap, usage.heapUsed);
  };
  const sampler = setInterval(sample, 2);
  const start = performance.now();
  let bytes = 0;
  try {
    const parser = createHealInfoParser({ kind: "info", format });
    for (const chunk of healInfo(format, entriesPerBrick)) {
      bytes += chunk.length;
      parser.write(chunk);
      // Let the sampler run, as SSH's chunks arrive between turns of the event loop.
      if (bytes % (64 * 2 ** 20) < chunk.length) await new Promise((resolve) => setImmediate(resolve));
    }
    const parsed = parser.end();
    const ms = performance.now() - start;
    sample();
    if (!parsed.ok || parsed.value.bricks.some((b) => b.entries !== entriesPerBrick))
      throw new Error(`heal info bench: wrong result ${JSON.stringify(parsed).slice(0, 200)}`);
    return {
      format,
      entriesPerBrick,
      mib: bytes / 2 ** 20,
      ms,
      peakRssMiB: peakRss / 2 ** 20,
      peakHeapMiB: (peakHeap - baseHeap) / 2 ** 20,
    };
  } finally {
    clearInterval(sampler);
  }
}

const [format, perBrick] = process.argv.slice(2);
if ((format !== "xml" && format !== "text") || !/^\d+$/.test(perBrick ?? ""))
  throw new Error("usage: heal-info-child.js xml|text ENTRIES_PER_BRICK");
console.log(JSON.stringify(await healInfoParse(format, Number(perBrick))));
