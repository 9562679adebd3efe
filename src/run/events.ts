// What a run reports as it goes. The engine emits these; renderers (listr2 tree, plain lines,
// JSON lines) show them; the journal records them. Nothing else couples the three.

import type { Verdict } from "../gates/index.js";

export type Outcome = "success" | "refused" | "failed" | "interrupted" | "outside-window" | "paused";

export type StepStatus = "ok" | "skipped" | "failed" | "refused" | "interrupted";

export type NodeStatus = "done" | "skipped" | "failed" | "refused" | "interrupted";

export type RunEventBody =
  | {
      type: "run-start";
      runId: string;
      cluster: string;
      configFile: string;
      playbook: string;
      order: string[];
      dryRun: boolean;
      /** The run this one continues (`upgrade --resume`), if any. */
      resumes: string | null;
      pid: number;
      host: string;
    }
  | { type: "phase"; phase: "preflight" | "finally" }
  /** `estimateSeconds`: the plan's estimate for the node (a real cluster's durations), when the run made a plan. */
  | { type: "node-start"; node: string; index: number; total: number; estimateSeconds?: number | null }
  /** `entry`: the playbook entry's id from its position (`node[3]`), what a resumed run matches on. */
  | { type: "step-start"; node: string | null; step: string; entry?: string; title: string }
  | { type: "step-progress"; node: string | null; step: string; entry?: string; message: string; metrics?: Record<string, number | null> }
  /** Output of a remote command (apt), kept in the journal. */
  | { type: "step-output"; node: string | null; step: string; entry?: string; stream: "stdout" | "stderr"; text: string }
  /**
   * A change to the cluster, recorded before it is made (`phase: "before"`) and after
   * (`phase: "after"`, with `ok` and any `error`), so an interrupted run knows what may have happened.
   */
  | {
      type: "action";
      node: string | null;
      step: string;
      entry?: string;
      action: string;
      phase: "before" | "after";
      detail: Record<string, unknown>;
      ok?: boolean;
      error?: string;
    }
  | { type: "gate"; node: string | null; step: string; entry?: string; verdict: Verdict }
  | { type: "step-end"; node: string | null; step: string; entry?: string; status: StepStatus; message: string }
  | { type: "node-end"; node: string; status: NodeStatus; message: string }
  | {
      type: "run-end";
      outcome: Outcome;
      exitCode: number;
      message: string;
      /** What a human must do now, when the run stopped with something out of service. */
      humanAction: string | null;
      /** Nodes left in HA maintenance mode by this run. */
      maintenanceLeftOn: string[];
    };

export type RunEvent = RunEventBody & { time: string };

/** How a dry run's step-progress says what the step would do: one line per change, never a wait. */
export const DRY_RUN_PROGRESS = "would: ";

export type RunEventType = RunEvent["type"];

export type EventListener = (event: RunEvent) => void;
