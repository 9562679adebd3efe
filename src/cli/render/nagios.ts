// `rollgate check --nagios`: the gates' verdicts as a Nagios plugin reports them: one line,
// `ROLLGATE STATE - text | perfdata`, and the exit status the plugin API defines (Nagios Plugins
// Development Guidelines, "Plugin Return Codes" and "Performance data"; the same for Icinga and
// Zabbix's Nagios-compatible checks): 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.

import { isUnobserved, type Verdict } from "../../gates/index.js";

export const NagiosState = { ok: 0, warning: 1, critical: 2, unknown: 3 } as const;
export type NagiosState = (typeof NagiosState)[keyof typeof NagiosState];

const NAMES = ["OK", "WARNING", "CRITICAL", "UNKNOWN"] as const;

/**
 * What one refusing verdict means to a monitor. Heal entries pending, with every brick counted
 * and nothing that waiting cannot fix, is a node that came back and heals: WARNING. A gate that
 * refuses only for what it could not see: UNKNOWN. Anything it saw and refused (split-brain, a
 * brick down, quorum lost, routers on one node): CRITICAL.
 */
function stateOf(verdict: Verdict): NagiosState {
  if (verdict.pass) return NagiosState.ok;
  if (verdict.reasons.length > 0 && verdict.reasons.every(isUnobserved)) return NagiosState.unknown;
  const counts = Object.values(verdict.metrics ?? {});
  const healing =
    verdict.gate === "gluster-healed" &&
    (verdict.faults ?? []).length === 0 &&
    !verdict.reasons.some(isUnobserved) &&
    counts.length > 0 &&
    counts.every((c) => c !== null) &&
    counts.some((c) => c !== null && c > 0);
  return healing ? NagiosState.warning : NagiosState.critical;
}

/** CRITICAL over UNKNOWN over WARNING over OK: a monitor must not read a split-brain as "could not tell". */
const RANK: Record<NagiosState, number> = { 0: 0, 1: 1, 3: 2, 2: 3 };

/** A perfdata label: quoted, a quote inside doubled; `=` would end it, so it becomes `_`. */
const label = (name: string) => `'${name.replaceAll("'", "''").replaceAll("=", "_")}'`;

export function nagiosReport(verdicts: readonly Verdict[]): { state: NagiosState; line: string } {
  const states = verdicts.map((v) => [v, stateOf(v)] as const);
  const state = states.reduce<NagiosState>((worst, [, s]) => (RANK[s] > RANK[worst] ? s : worst), NagiosState.ok);
  const refusing = states.filter(([, s]) => s !== NagiosState.ok);
  const text =
    refusing.length === 0 ? `${verdicts.length} gates pass` : refusing.map(([v, s]) => `${v.gate} ${NAMES[s]}: ${v.summary}`).join("; ");
  const heal = verdicts.find((v) => v.gate === "gluster-healed")?.metrics ?? {};
  const perfdata = [
    `gates=${verdicts.length};;;0`,
    `gates_refusing=${refusing.length};;;0`,
    // U: the value could not be determined (the guidelines' own notation).
    ...Object.entries(heal).map(([brick, entries]) => `${label(`heal ${brick}`)}=${entries ?? "U"};;;0`),
  ].join(" ");
  // One line: Nagios keeps the first; a newline in a summary would cut it.
  return { state, line: `ROLLGATE ${NAMES[state]} - ${text.replaceAll("\n", " ")} | ${perfdata}` };
}
