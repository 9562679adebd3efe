// Runs the engine against a lab with real transports, collecting its events (no CLI, no journal).

import { Engine, type EngineOptions, type RunResult } from "../../src/run/engine.js";
import type { RunEvent } from "../../src/run/events.js";
import { loadPlaybook } from "../../src/playbook/playbook.js";
import { pveClientFor, sshPoolFor } from "../../src/transport/from-config.js";
import { networkProbes } from "../../src/transport/probes.js";
import { systemClock } from "../../src/transport/clock.js";
import type { TestLab } from "./lab.js";

export interface EngineRun {
  result: RunResult;
  events: RunEvent[];
}

export async function runEngine(t: TestLab, overrides: Partial<EngineOptions> = {}, onEvent?: (e: RunEvent) => void): Promise<EngineRun> {
  const config = t.loaded.config;
  const shell = sshPoolFor(config);
  const pve = await pveClientFor(config, t.secret);
  const events: RunEvent[] = [];
  try {
    const engine = new Engine({
      config,
      configFile: t.lab.files.config,
      playbook: await loadPlaybook(config.upgrade.playbook),
      shell,
      pve,
      probes: networkProbes,
      clock: systemClock,
      runId: "test-run",
      host: "test",
      dryRun: false,
      only: null,
      window: null,
      pauseAfter: null,
      resume: null,
      stop: new AbortController().signal,
      emit: (body) => {
        const event = { ...body, time: new Date().toISOString() };
        events.push(event);
        onEvent?.(event);
      },
      ...overrides,
    });
    const result = await engine.run();
    return { result, events };
  } finally {
    pve.close();
    await shell.close();
  }
}
