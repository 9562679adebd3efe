// Whole-process start-up: `rollgate --help`, `check` and `plan` against a running lab, each beside
// a bare `node -e 0` measured in the same loop (interleaved, so a busy moment of the machine falls
// on both alike).

import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startLab } from "../src/lab/lab.js";

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../bin/rollgate");

function runOnce(argv: readonly string[], expectedExit: number): Promise<number> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    execFile(process.execPath, argv, { env: { ...process.env, NO_COLOR: "1" } }, (error, _stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
      if (code !== expectedExit) reject(new Error(`${argv.join(" ")} exited ${code}, not ${expectedExit}: ${stderr.slice(0, 300)}`));
      else resolve(performance.now() - start);
    });
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export interface ColdStart {
  what: string;
  medianMs: number;
  /** Its median over `node -e 0`'s. */
  ratio: number;
}

export async function coldStart(runs: number): Promise<ColdStart[]> {
  const dir = await mkdtemp(path.join(tmpdir(), "rollgate-bench-cold-"));
  const lab = await startLab({ dir, timeScale: 100 });
  try {
    const config = lab.files.config;
    const commands: Array<{ what: string; argv: string[]; exit: number }> = [
      { what: "node -e 0", argv: ["-e", "0"], exit: 0 },
      { what: "rollgate --help", argv: [bin, "--help"], exit: 0 },
      { what: "rollgate check (lab)", argv: [bin, "check", "-c", config], exit: 0 },
      { what: "rollgate plan (lab)", argv: [bin, "plan", "-c", config], exit: 0 },
    ];
    const samples = new Map<string, number[]>(commands.map((c) => [c.what, []]));
    for (let i = 0; i < runs; i++) for (const c of commands) samples.get(c.what)!.push(await runOnce(c.argv, c.exit));
    const bare = median(samples.get("node -e 0")!);
    return commands.map((c) => {
      const m = median(samples.get(c.what)!);
      return { what: c.what, medianMs: m, ratio: m / bare };
    });
  } finally {
    await lab.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
