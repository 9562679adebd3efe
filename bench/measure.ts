// Small measuring helpers: wall time of repeated runs, and the heap a piece of work needs.

export interface Timing {
  runs: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
}

export async function time(runs: number, work: () => Promise<unknown>): Promise<Timing> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await work();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return { runs, medianMs: samples[Math.floor(samples.length / 2)]!, minMs: samples[0]!, maxMs: samples.at(-1)! };
}

/** Peak heap growth over a piece of work, sampled every few ms (run node with --expose-gc for a clean base). */
export async function peakHeap<T>(work: () => Promise<T>): Promise<{ result: T; peakMiB: number; ms: number }> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const base = process.memoryUsage().heapUsed;
  let peak = base;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  }, 2);
  const start = performance.now();
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage().heapUsed);
    return { result, peakMiB: (peak - base) / 2 ** 20, ms: performance.now() - start };
  } finally {
    clearInterval(sampler);
  }
}

export const ms = (value: number) => `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;
