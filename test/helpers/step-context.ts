// The context the engine gives a step (src/run/engine.ts, Engine.context), built on real
// transports for tests that run one step by itself: observations go through the same collect(),
// and every journaled change is kept in `journal`, before and after, as the engine's journal has it.

import type { Config } from "../../src/config/index.js";
import { collect } from "../../src/observe/collect.js";
import { emptyFacts, type RunFacts, type StepContext } from "../../src/steps/contract.js";
import { Simulation } from "../../src/steps/simulation.js";
import { systemClock } from "../../src/transport/clock.js";
import { networkProbes } from "../../src/transport/probes.js";
import type { PveApi } from "../../src/transport/pve.js";
import { readOnlyShell, type RemoteShell } from "../../src/transport/remote-command.js";

export interface Journaled {
  action: string;
  detail: Record<string, unknown>;
  phase: "before" | "after";
}

export interface StepContextOptions {
  config: Config;
  /** The node the step works on; null for a finally step. */
  node: string | null;
  shell: RemoteShell;
  pve: PveApi;
  facts?: RunFacts;
  dryRun?: boolean;
  upgradesTo?: number | null;
  progress?: (message: string) => void;
}

export function stepContext(options: StepContextOptions): { ctx: StepContext; journal: Journaled[] } {
  const { config, node, pve } = options;
  const shell = options.dryRun === true ? readOnlyShell(options.shell) : options.shell;
  const journal: Journaled[] = [];
  const ctx: StepContext = {
    config,
    node,
    entry: node === null ? "finally[0]" : "node[0]",
    shell,
    pve,
    probes: networkProbes,
    clock: systemClock,
    stop: new AbortController().signal,
    facts: options.facts ?? emptyFacts(),
    simulation: options.dryRun === true ? new Simulation() : null,
    upgradesTo: options.upgradesTo ?? null,
    progress: (message) => options.progress?.(message),
    output: () => {},
    async action(action, detail, change) {
      journal.push({ action, detail, phase: "before" });
      const result = await change();
      journal.push({ action, detail, phase: "after" });
      return result;
    },
    observe: (facets, observeOptions) => collect({ config, shell, pve, probes: networkProbes, target: node }, facets, observeOptions),
  };
  return { ctx, journal };
}
