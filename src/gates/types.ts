// A gate is a pure function from what was observed (and the node about to go down, if any) to a
// verdict whose reasons a sysadmin can act on. Anything the gate could not see is a refusal.

import type { Config } from "../config/index.js";
import type { ClusterState, Facet } from "../observe/state.js";

export type GateName =
  | "permissions"
  | "package-sources"
  | "quorum"
  | "nodes-online"
  | "gluster-healed"
  | "gluster-storage-failover"
  | "critical-healthy"
  | "critical-healthy-elsewhere"
  | "services"
  | "private-network";

export interface GateInput {
  config: Config;
  state: ClusterState;
  /** The node about to go down (critical-healthy-elsewhere), if any. */
  target: string | null;
}

export interface Verdict {
  gate: GateName;
  title: string;
  pass: boolean;
  /** One line per finding: what was seen, and what to do about it; faults first. Empty when the gate passes. */
  reasons: string[];
  /**
   * The reasons waiting will not fix (a brick process offline while its glusterd answers, a
   * split-brain): a wait that sees one hold for `settle` stops and names it, instead of waiting
   * out its whole limit for something that cannot come.
   */
  faults?: string[];
  /** One line per thing that was checked and found fine (for verbose output). */
  checked: string[];
  /** Numbers a live view can follow between polls (e.g. heal entries per brick). */
  metrics?: Record<string, number | null>;
  /** What a sysadmin should fix although the gate passes (HA's rules disagreeing with cluster.yaml). */
  warnings?: string[];
}

export interface Gate {
  name: GateName;
  title: string;
  /** What must be observed for this gate. */
  needs(config: Config): Facet[];
  /**
   * Checked before the first node only, not before each take-down: what it reads does not change
   * as nodes go down (the token's privileges), or is too costly to repeat (refreshing package lists).
   */
  preflightOnly?: true;
  evaluate(input: GateInput): Verdict;
}

/** Builds a verdict: it passes exactly when there is no reason to refuse; faults, the root causes, come first. */
export function verdict(
  gate: Pick<Gate, "name" | "title">,
  reasons: string[],
  checked: string[],
  metrics?: Record<string, number | null>,
  faults: string[] = [],
): Verdict {
  return {
    gate: gate.name,
    title: gate.title,
    pass: reasons.length === 0 && faults.length === 0,
    reasons: [...faults, ...reasons],
    checked,
    ...(metrics ? { metrics } : {}),
    ...(faults.length > 0 ? { faults } : {}),
  };
}

/** The reason for a part that could not be observed. */
export function unobserved(what: string, error: string | undefined): string {
  return `${what}: could not be observed (${error ?? "not collected"}); refusing until it can be`;
}
