// `rollgate check --nagios`: the gates' verdicts as a Nagios plugin reports them: one line,
// `ROLLGATE STATE - text | perfdata`, and the exit status the plugin API defines (Nagios Plugins
// Development Guidelines, "Plugin Return Codes" and "Performance data"; the same for Icinga and
// Zabbix's Nagios-compatible checks): 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.

import { isUnobserved, type Verdict } from "../../gates/index.js";
import type { HealTrendNote } from "../../metrics/heal-trend-file.js";
import { BusyAdvice } from "./live-run.js";

export const NagiosState = { ok: 0, warning: 1, critical: 2, unknown: 3 } as const;
export type NagiosState = (typeof NagiosState)[keyof typeof NagiosState];

const NAMES = ["OK", "WARNING", "CRITICAL", "UNKNOWN"] as const;

/**
 * Heal entries pending, with every brick counted and nothing that waiting cannot fix: a node that
 * came back and heals, if the heal goes on.
 */
function onlyHealing(verdict: Verdict): boolean {
  const counts = Object.values(verdict.metrics ?? {});
  return (
    verdict.gate === "gluster-healed" &&
    (verdict.faults ?? []).length === 0 &&
    !verdict.reasons.some(isUnobserved) &&
    counts.length > 0 &&
    counts.every((c) => c !== null) &&
    counts.some((c) => c !== null && c > 0)
  );
}

/**
 * What one refusing verdict means to a monitor. A heal that goes on (onlyHealing): WARNING; one
 * that has not gone down for timeouts.healStall (`heal`, from the last checks): CRITICAL. A gate
 * that refuses only for what it could not see: UNKNOWN. Anything it saw and refused
 * (split-brain, a brick down, quorum lost, routers on one node): CRITICAL. The node a live run is
 * upgrading comes first: that run waits for the heal itself and fails on a stall.
 */
function stateOf(verdict: Verdict, busy: BusyNodes, heal: HealTrendNote | undefined): NagiosState {
  if (verdict.pass) return NagiosState.ok;
  if (duringItsUpgrade(verdict, busy)) return NagiosState.warning;
  if (verdict.reasons.length > 0 && verdict.reasons.every(isUnobserved)) return NagiosState.unknown;
  if (onlyHealing(verdict)) return heal?.stalled ? NagiosState.critical : NagiosState.warning;
  return NagiosState.critical;
}

/** The nodes live runs are upgrading, and the cluster's other nodes. */
export interface BusyNodes {
  busy: BusyAdvice;
  others: BusyAdvice;
}

export function busyNodes(busy: BusyAdvice, clusterNodes: readonly string[]): BusyNodes {
  return { busy, others: new BusyAdvice(clusterNodes.filter((n) => !busy.nodes.includes(n))) };
}

/**
 * A refusal only about the node a live run is upgrading (it is rebooting, in maintenance, its
 * brick heals, its services are down) is the planned work, not an outage: WARNING, so nobody is
 * paged for it. It stays CRITICAL if a reason also names another node, if it is a fault (a
 * split-brain, a brick process down while its glusterd answers), or if a critical group is short:
 * the routers must stay up elsewhere whatever is being upgraded.
 */
function duringItsUpgrade(verdict: Verdict, { busy, others }: BusyNodes): boolean {
  if (verdict.gate === "critical-healthy" || verdict.gate === "critical-healthy-elsewhere") return false;
  if ((verdict.faults ?? []).length > 0 || verdict.reasons.length === 0) return false;
  return verdict.reasons.every((r) => busy.namesBusyNode(r) && !others.namesBusyNode(r));
}

/** CRITICAL over UNKNOWN over WARNING over OK: a monitor must not read a split-brain as "could not tell". */
const RANK: Record<NagiosState, number> = { 0: 0, 1: 1, 3: 2, 2: 3 };

/** A perfdata label: quoted, a quote inside doubled; `=` would end it, so it becomes `_`. */
const label = (name: string) => `'${name.replaceAll("'", "''").replaceAll("=", "_")}'`;

/**
 * `busy`: the nodes live runs are upgrading (`check` looks for them first); `heal`: the heal's
 * trend since the last checks (heal-trend-file.ts), said after gluster-healed's summary.
 */
export function nagiosReport(
  verdicts: readonly Verdict[],
  busy: BusyNodes = busyNodes(new BusyAdvice([]), []),
  heal?: HealTrendNote,
): { state: NagiosState; line: string } {
  const states = verdicts.map((v) => [v, stateOf(v, busy, heal)] as const);
  const trend = (v: Verdict) => (heal && heal.text !== "" && onlyHealing(v) ? ` - ${heal.text}` : "");
  const state = states.reduce<NagiosState>((worst, [, s]) => (RANK[s] > RANK[worst] ? s : worst), NagiosState.ok);
  const refusing = states.filter(([, s]) => s !== NagiosState.ok);
  const text =
    refusing.length === 0
      ? `${verdicts.length} gates pass`
      : refusing
          .map(
            ([v, s]) =>
              `${v.gate} ${NAMES[s]}: ${v.summary}${trend(v)}${duringItsUpgrade(v, busy) ? ` (${busy.busy.nodes.join(", ")}: being upgraded by a live rollgate run)` : ""}`,
          )
          .join("; ");
  const healEntries = verdicts.find((v) => v.gate === "gluster-healed")?.metrics ?? {};
  const perfdata = [
    `gates=${verdicts.length};;;0`,
    `gates_refusing=${refusing.length};;;0`,
    // U: the value could not be determined (the guidelines' own notation).
    ...Object.entries(healEntries).map(([brick, entries]) => `${label(`heal ${brick}`)}=${entries ?? "U"};;;0`),
  ].join(" ");
  // One line: Nagios keeps the first; a newline in a summary would cut it.
  return { state, line: `ROLLGATE ${NAMES[state]} - ${text.replaceAll("\n", " ")} | ${perfdata}` };
}
