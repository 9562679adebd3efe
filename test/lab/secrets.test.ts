// The API token secret never reaches the terminal, a log or a monitoring system that captures
// rollgate's output: not in plain or JSON output, not in verbose mode, not when the API refuses it.

import { readFile, writeFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, type CliRun } from "../helpers/cli.js";
import { startTestLab, type TestLab } from "../helpers/lab.js";

let t: TestLab;
let secret = "";

beforeAll(async () => {
  t = await startTestLab({ timeScale: 50 });
  secret = (await readFile(t.lab.files.token, "utf8")).trim();
});
afterAll(async () => {
  await t?.stop();
});

/** Any 12 consecutive characters of the secret found in the output: a whole, cut or wrapped leak. */
function leaked(run: CliRun, what: string): string[] {
  const output = `${run.stdout}\n${run.stderr}`;
  const pieces: string[] = [];
  for (let i = 0; i + 12 <= what.length; i++) {
    const piece = what.slice(i, i + 12);
    if (output.includes(piece)) pieces.push(piece);
  }
  return pieces;
}

const commands: Array<{ args: string[]; exitCode: number }> = [
  { args: ["check"], exitCode: 0 },
  { args: ["check", "--json"], exitCode: 0 },
  { args: ["check", "-v"], exitCode: 0 },
  { args: ["plan"], exitCode: 0 },
  { args: ["plan", "--json"], exitCode: 0 },
];

describe("the API token secret", () => {
  it("is long enough that finding none of it in the output means something", () => {
    expect(secret.length).toBeGreaterThanOrEqual(32);
  });

  for (const { args, exitCode } of commands) {
    it(`is not printed by rollgate ${args.join(" ")}`, async () => {
      const requestsBefore = t.lab.cluster.apiRequestCount;
      const run = await runCli([...args, "-c", t.lab.files.config]);
      expect(run.exitCode, run.stderr).toBe(exitCode);
      // The command really authenticated with the secret.
      expect(t.lab.cluster.apiRequestCount).toBeGreaterThan(requestsBefore);
      expect(run.stdout.length).toBeGreaterThan(0);
      expect(leaked(run, secret)).toEqual([]);
    });
  }

  it("is not printed when the API rejects it, in plain or JSON output", async () => {
    // A secret the API does not accept (a rotated token): the refusal must not echo what was sent.
    const rejected = "3f0c8e2a-91d4-4b6e-a7c5-5d2e8f1b9c40";
    await writeFile(t.lab.files.token, `${rejected}\n`);
    try {
      for (const args of [["check"], ["check", "--json"], ["plan", "--json"]]) {
        const run = await runCli([...args, "-c", t.lab.files.config]);
        // check refuses; plan still prints a plan, with what it could not read.
        if (args[0] === "check") expect(run.exitCode, `${args.join(" ")}: ${run.stdout}${run.stderr}`).not.toBe(0);
        expect(`${run.stdout}${run.stderr}`).toContain("401 invalid token value!");
        expect(leaked(run, rejected)).toEqual([]);
        expect(leaked(run, secret)).toEqual([]);
      }
    } finally {
      await writeFile(t.lab.files.token, `${secret}\n`);
    }
  });
});
