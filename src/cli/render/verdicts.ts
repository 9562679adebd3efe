// A table of gate verdicts a sysadmin reads in one glance: each gate, pass or REFUSE, and why.

import type { Verdict } from "../../gates/index.js";
import type { Style } from "./style.js";

export function renderVerdicts(verdicts: Verdict[], style: Style, verbose: boolean): string {
  const width = Math.max(...verdicts.map((v) => v.gate.length), 4) + 2;
  const lines: string[] = [];
  for (const v of verdicts) {
    const mark = v.pass ? style.ok("pass  ") : style.bad("REFUSE");
    // A pass says what was seen; a refusal says why, root cause first, one reason a line.
    const details = v.pass ? [v.summary, ...(verbose ? v.checked : [])] : v.reasons;
    const [first = "", ...rest] = details;
    lines.push(`${v.gate.padEnd(width)}${mark}  ${v.pass ? style.dim(first) : first}`);
    for (const line of rest) lines.push(`${" ".repeat(width + 8)}${v.pass ? style.dim(line) : line}`);
    if (!v.pass && verbose) for (const line of v.checked) lines.push(`${" ".repeat(width + 8)}${style.dim(`ok: ${line}`)}`);
    for (const warning of v.warnings ?? []) lines.push(`${" ".repeat(width + 8)}${style.bad(`warning: ${warning}`)}`);
  }
  return lines.join("\n");
}
