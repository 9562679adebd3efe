// How a run is shown while it goes: the engine emits events, a renderer shows them. Three kinds:
// a live listr2 tree for a terminal, timestamped plain lines for cron and systemd, JSON lines
// for machines. None of them decides anything; each only listens.

import type { RunEvent } from "../../run/events.js";
import type { CliIo, Output } from "../io.js";
import { jsonRunRenderer } from "./run-json.js";
import { plainRunRenderer } from "./run-plain.js";
import { treeRunRenderer } from "./run-tree.js";

export interface RunRenderer {
  onEvent(event: RunEvent): void;
  /** Resolves once everything is shown (the tree has finished, the summary is printed, output is flushed). */
  finish(): Promise<void>;
}

export interface OutlineStep {
  step: string;
  title: string;
}

/** What the engine will run, known upfront from the playbook (the engine may still skip or add steps). */
export interface StepOutline {
  preflight: OutlineStep[];
  node: OutlineStep[];
  finally: OutlineStep[];
  nodes: string[];
}

export type RunRendererKind = "tree" | "plain" | "json";

export interface RunRendererOptions {
  color: boolean;
  verbose: boolean;
  steps: StepOutline;
}

/**
 * `renderer`, unable to break a run: showing progress is never worth a node left halfway. It is
 * finished early, and gets no more events, once its first exception (in onEvent or finish) has
 * gone to `onFailure`, or once `stdout` is lost: the tree would go on redrawing itself ten times
 * a second for nobody. The journal gets every event either way.
 */
export function guardedRenderer(renderer: RunRenderer, stdout: Pick<Output, "lost">, onFailure: (error: unknown) => void): RunRenderer {
  let failed = false;
  const fail = (error: unknown) => {
    if (!failed) onFailure(error);
    failed = true;
  };
  let finishing: Promise<void> | null = null;
  const finish = () =>
    (finishing ??= (async () => {
      try {
        await renderer.finish();
      } catch (error) {
        fail(error);
      }
    })());
  return {
    onEvent(event) {
      if (finishing !== null) return;
      if (stdout.lost) {
        void finish();
        return;
      }
      try {
        renderer.onEvent(event);
      } catch (error) {
        fail(error);
        void finish();
      }
    },
    finish,
  };
}

export function createRunRenderer(kind: RunRendererKind, io: CliIo, options: RunRendererOptions): RunRenderer {
  switch (kind) {
    case "json":
      return jsonRunRenderer(io);
    case "plain":
      return plainRunRenderer(io, options);
    case "tree":
      return treeRunRenderer(io, options);
  }
}
