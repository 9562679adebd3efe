// A gate is a pure function from what was observed (and the node about to go down, if any) to a
// verdict whose reasons a sysadmin can act on. Anything the gate could not see is a refusal.

import type { Config } from "../config/index.js";
import type { ClusterState, Facet } from "../observe/state.js";

export type { GateName } from "./names.js";
import type { GateName } from "./names.js";

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
  /**
   * One short line of what was seen, with the real numbers and names, whether the gate passes
   * ("quorate, 3/3 votes") or refuses ("2/3 votes, not quorate"); it says what could not be seen.
   */
  summary: string;
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

/** Every reason of these verdicts, each after its gate's name: a refusal's message. */
export const reasonsOf = (verdicts: readonly Verdict[]): string =>
  verdicts.flatMap((v) => v.reasons.map((r) => `${v.gate}: ${r}`)).join("; ");

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
  summary: string,
  reasons: string[],
  checked: string[],
  metrics?: Record<string, number | null>,
  faults: string[] = [],
): Verdict {
  return {
    gate: gate.name,
    title: gate.title,
    pass: reasons.length === 0 && faults.length === 0,
    summary,
    reasons: [...faults, ...reasons],
    checked,
    ...(metrics ? { metrics } : {}),
    ...(faults.length > 0 ? { faults } : {}),
  };
}

/** The reason for a part that could not be observed. */
const UNOBSERVED = "could not be observed";

export function unobserved(what: string, error: string | undefined): string {
  return `${what}: ${UNOBSERVED} (${error ?? "not collected"}); refusing until it can be`;
}

/** The reason is unobserved()'s: the gate refuses for what it could not see, not for what it saw. */
export const isUnobserved = (reason: string): boolean => reason.includes(`: ${UNOBSERVED} (`);

/** Items for a summary, joined; past `max`, the rest are counted: "pve1, pve2, pve3, pve4, pve5 and 2 more". */
export function listed(items: readonly string[], separator = ", ", max = 5): string {
  if (items.length <= max) return items.join(separator);
  return `${items.slice(0, max).join(separator)} and ${items.length - max} more`;
}

/** "1 brick", "3 bricks". */
export const count = (n: number, noun: string, plural = `${noun}s`): string => `${n} ${n === 1 ? noun : plural}`;
