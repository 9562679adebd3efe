// Plain lines for cron mail and the systemd journal: one timestamped line per event worth reading,
// no colour, no cursor tricks; long waits throttled; the end of the run impossible to miss.

import type { RunEvent } from "../../run/events.js";
import { flushed, type CliIo } from "../io.js";
import type { RunRenderer } from "./run-renderer.js";
import { describeEvent, stoppedTheRun, type UnscopedPhase } from "./run-sentences.js";
import { ProgressThrottle } from "./run-throttle.js";

/** `2026-11-22T22:50:01Z`: to the second, UTC, sortable; an unparsable time is shown as it came. */
export function logTimestamp(time: string): string {
  const at = new Date(time);
  return Number.isNaN(at.getTime()) ? time : at.toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function plainRunRenderer(io: Pick<CliIo, "stdout">, options: { verbose: boolean }): RunRenderer {
  const throttle = new ProgressThrottle();
  const refusalsShown = new Set<string>();
  let phase: UnscopedPhase = "preflight";
  /** The last step that stopped a node, to point at instead of repeating its message. */
  let lastStop: { node: string | null; step: string; message: string } | null = null;

  const stepKey = (node: string | null, step: string) => `${node ?? phase}\u0000${step}`;

  function worthShowing(event: RunEvent): boolean {
    if (event.type === "step-progress") return throttle.admit(stepKey(event.node, event.step), event.message, Date.parse(event.time));
    return true;
  }

  function stoppedAt(event: RunEvent): string | null {
    if (event.type !== "node-end" || lastStop === null) return null;
    return lastStop.node === event.node && lastStop.message === event.message ? lastStop.step : null;
  }

  function write(event: RunEvent, reasonsShown: boolean): void {
    const stamp = logTimestamp(event.time);
    for (const sentence of describeEvent(event, { phase, verbose: options.verbose, reasonsShown, stoppedAt: stoppedAt(event) })) {
      io.stdout.write(`${stamp} ${sentence.scope === null ? "" : `${sentence.scope}: `}${sentence.text}\n`);
      for (const detail of sentence.details) io.stdout.write(`${stamp}     ${detail}\n`);
    }
  }

  return {
    onEvent(event) {
      if (event.type === "phase") phase = event.phase;
      if (!worthShowing(event)) return;
      const key = "step" in event ? stepKey(event.node, event.step) : null;
      write(event, key !== null && refusalsShown.has(key));
      if (key === null) return;
      if (event.type === "gate" && !event.verdict.pass) refusalsShown.add(key);
      if (event.type === "step-end") {
        throttle.forget(key);
        refusalsShown.delete(key);
        if (stoppedTheRun(event.status)) lastStop = { node: event.node, step: event.step, message: event.message };
      }
    },
    finish: () => flushed(io.stdout),
  };
}
