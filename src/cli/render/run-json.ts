// JSON lines: every event, as the engine emitted it, one per line on stdout and nothing else there.

import { flushed, type CliIo } from "../io.js";
import type { RunRenderer } from "./run-renderer.js";

export function jsonRunRenderer(io: Pick<CliIo, "stdout">): RunRenderer {
  return {
    onEvent(event) {
      io.stdout.write(`${JSON.stringify(event)}\n`);
    },
    finish: () => flushed(io.stdout),
  };
}
