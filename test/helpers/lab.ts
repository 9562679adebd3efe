// Starts a lab in-process for a test, with its own directory and free ports.

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadConfig, resolveTokenSecret, type LoadedConfig } from "../../src/config/index.js";
import { startLab, type Lab, type LabOptions } from "../../src/lab/lab.js";

/** The releases the end-to-end suites run against: the last PVE 8 and the current PVE 9. */
export const pveVersions = ["8.4", "9.1"] as const;

export interface TestLab {
  lab: Lab;
  dir: string;
  loaded: LoadedConfig;
  secret: string;
  stop(): Promise<void>;
}

export async function startTestLab(options: Omit<LabOptions, "dir"> = {}): Promise<TestLab> {
  const dir = await mkdtemp(path.join(tmpdir(), "rollgate-lab-"));
  const lab = await startLab({ timeScale: 50, ...options, dir });
  const loaded = await loadConfig(lab.files.config);
  const secret = await resolveTokenSecret(loaded);
  return {
    lab,
    dir,
    loaded,
    secret,
    async stop() {
      await lab.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Waits (real time) until `check` holds, polling; fails the test with `what` after `timeoutMs`. */
export async function eventually(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for: ${what}`);
}
