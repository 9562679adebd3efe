// `pve8to9 [--full]`, Proxmox's checklist for the PVE 8 → 9 upgrade, read from its stdout. Its
// exit status is 0 whatever it found (the checklist method returns undef): only the SUMMARY block
// says how many checks failed, and only a complete, self-consistent report proves anything. The
// format (pve-manager PVE/CLI/pve8to9.pm) is in docs/domain/pve8to9.md.

export const pve8to9Levels = ["pass", "info", "skip", "notice", "warn", "fail"] as const;
export type Pve8to9Level = (typeof pve8to9Levels)[number];

export interface Pve8to9Line {
  level: Pve8to9Level;
  /** The `= … =` header it came under, e.g. "CHECKING CONFIGURED STORAGES". */
  section: string;
  /** The message after `LEVEL: `, its continuation lines joined with "\n" (a message may hold newlines). */
  text: string;
  /** 1-based line of stdout where it starts. */
  line: number;
}

export interface Pve8to9Summary {
  total: number;
  passed: number;
  skipped: number;
  /** Not printed: TOTAL counts the notices, and nothing else says how many there were. */
  notices: number;
  warnings: number;
  failures: number;
}

export interface Pve8to9Report {
  sections: string[];
  lines: Pve8to9Line[];
  summary: Pve8to9Summary;
  /** Run with `--full` (without it, the tool says so in one SKIP line and leaves out the CT cgroup v2 check). */
  fullChecks: boolean;
}

export type Pve8to9Parsed = Pve8to9Report | { error: string };

// Term::ANSIColor's SGR sequences: pve8to9 colours PASS, NOTICE, WARN and FAIL lines and the summary
// whether or not stdout is a terminal, and writes a reset after every line it logs.
const SGR = /\x1b\[[0-9;]*m/g;
const HEADER = /^= (.+) =$/;
const LEVEL_LINE = /^(PASS|INFO|SKIP|NOTICE|WARN|FAIL): (.*)$/;
/** Progress lines printed bare, outside any log level (check_pve_packages, check_cluster_corosync; "Analzying" is the source's spelling). */
const PROGRESS = new Set([
  "Checking for package updates..",
  "Checking proxmox-ve package version..",
  "Checking running kernel version..",
  "Analzying quorum settings and state..",
  "Checking nodelist entries..",
  "Checking totem settings..",
]);
const NOT_FULL = "NOTE: Expensive checks, like CT cgroupv2 compat, not performed without '--full' parameter";
const SUMMARY_ROWS = [
  ["TOTAL", "total"],
  ["PASSED", "passed"],
  ["SKIPPED", "skipped"],
  ["WARNINGS", "warnings"],
  ["FAILURES", "failures"],
] as const;
const ATTENTION = "ATTENTION: Please check the output for detailed information!";
const TRY_AGAIN = "Try to solve the problems one at a time and then run this checklist tool again.";

class Refusal extends Error {}

function refuse(message: string): never {
  throw new Refusal(message);
}

/** A line of the output, quoted and cut short for an error message. */
function quote(line: string): string {
  return JSON.stringify(line.length > 120 ? `${line.slice(0, 120)}…` : line);
}

type Counted = Omit<Pve8to9Summary, "total">;

function readSummary(rows: Array<{ text: string; line: number }>): { summary: Omit<Pve8to9Summary, "notices">; advice: string[] } {
  const filled = rows.filter((r) => r.text !== "");
  const values: Partial<Record<(typeof SUMMARY_ROWS)[number][1], number>> = {};
  SUMMARY_ROWS.forEach(([label, key], i) => {
    const row = filled[i];
    if (!row) refuse(`pve8to9: the SUMMARY block ends before its ${label}: line: output cut short`);
    const match = new RegExp(`^${label}: +(\\d{1,9})$`).exec(row.text);
    if (!match) refuse(`pve8to9: line ${row.line}: expected the SUMMARY's "${label}: N" line, got ${quote(row.text)}`);
    values[key] = Number(match[1]);
  });
  return { summary: values as Omit<Pve8to9Summary, "notices">, advice: filled.slice(SUMMARY_ROWS.length).map((r) => r.text) };
}

/** The closing advice: ATTENTION after any WARN or FAIL, the "Try to solve" line after a FAIL. */
function checkAdvice(summary: Omit<Pve8to9Summary, "notices">, advice: string[]): void {
  const expected = [...(summary.warnings + summary.failures > 0 ? [ATTENTION] : []), ...(summary.failures > 0 ? [TRY_AGAIN] : [])];
  if (advice.length !== expected.length || advice.some((text, i) => text !== expected[i])) {
    const got = advice.length === 0 ? "nothing" : advice.map(quote).join(", ");
    refuse(
      `pve8to9: after WARNINGS: ${summary.warnings} and FAILURES: ${summary.failures} the SUMMARY should end with ${expected.length === 0 ? "nothing" : expected.map(quote).join(", ")}, got ${got}`,
    );
  }
}

function crossCheck(summary: Omit<Pve8to9Summary, "notices">, counted: Counted): void {
  const pairs: Array<[string, number, number]> = [
    ["PASSED", summary.passed, counted.passed],
    ["SKIPPED", summary.skipped, counted.skipped],
    ["WARNINGS", summary.warnings, counted.warnings],
    ["FAILURES", summary.failures, counted.failures],
  ];
  for (const [label, said, seen] of pairs)
    if (said !== seen)
      refuse(`pve8to9: the SUMMARY says ${label}: ${said} but the output holds ${seen} such lines: lines are missing or added`);
  const seenTotal = counted.passed + counted.skipped + counted.notices + counted.warnings + counted.failures;
  if (summary.total !== seenTotal)
    refuse(`pve8to9: the SUMMARY says TOTAL: ${summary.total} but the output holds ${seenTotal} PASS, SKIP, NOTICE, WARN and FAIL lines`);
}

export function parsePve8to9(stdout: string): Pve8to9Parsed {
  try {
    return parse(stdout);
  } catch (error) {
    if (error instanceof Refusal) return { error: error.message };
    throw error;
  }
}

function parse(stdout: string): Pve8to9Report {
  const text = stdout.replace(SGR, "");
  if (text.trim() === "") refuse("pve8to9: no output at all");
  // Every line it prints ends with a newline (with colours, a reset follows it): a last line without one was cut.
  if (!text.endsWith("\n"))
    refuse(`pve8to9: the output ends in the middle of a line (${quote(text.slice(text.lastIndexOf("\n") + 1))}): cut short`);
  const rows = text.slice(0, -1).split("\n");
  const sections: string[] = [];
  const lines: Pve8to9Line[] = [];
  const summaryRows: Array<{ text: string; line: number }> = [];
  let section: string | null = null;
  let inSummary = false;
  let open: { entry: Pve8to9Line; more: string[] } | null = null;
  const close = () => {
    if (!open) return;
    while (open.more.at(-1)?.trim() === "") open.more.pop();
    if (open.more.length > 0) open.entry.text = [open.entry.text, ...open.more].join("\n");
    open = null;
  };
  rows.forEach((row, i) => {
    const line = i + 1;
    const header = HEADER.exec(row);
    if (inSummary) {
      if (header || LEVEL_LINE.test(row)) refuse(`pve8to9: line ${line}: ${quote(row)} after the SUMMARY block`);
      summaryRows.push({ text: row, line });
      return;
    }
    if (header) {
      close();
      const name = header[1]!;
      if (name === "SUMMARY") inSummary = true;
      else {
        section = name;
        sections.push(name);
      }
      return;
    }
    const logged = LEVEL_LINE.exec(row);
    if (logged) {
      close();
      if (section === null) refuse(`pve8to9: line ${line}: ${quote(row)} before any "= … =" section header`);
      const entry: Pve8to9Line = { level: logged[1]!.toLowerCase() as Pve8to9Level, section, text: logged[2]!, line };
      lines.push(entry);
      open = { entry, more: [] };
      return;
    }
    if (PROGRESS.has(row)) return close();
    if (open) open.more.push(row);
    else if (section === null && row.trim() !== "")
      refuse(`pve8to9: line ${line}: ${quote(row)} is not pve8to9 output (no "= … =" section header first)`);
  });
  close();
  if (!inSummary) {
    const last = lines.at(-1);
    refuse(
      `pve8to9: no "= SUMMARY =" block: the checklist stopped before its end (${lines.length} lines logged${last ? `, the last in "${last.section}"` : ""})`,
    );
  }
  const count = (level: Pve8to9Level) => lines.filter((l) => l.level === level).length;
  const counted: Counted = {
    passed: count("pass"),
    skipped: count("skip"),
    notices: count("notice"),
    warnings: count("warn"),
    failures: count("fail"),
  };
  const { summary, advice } = readSummary(summaryRows);
  crossCheck(summary, counted);
  checkAdvice(summary, advice);
  return {
    sections,
    lines,
    summary: { ...summary, notices: counted.notices },
    fullChecks: !lines.some((l) => l.level === "skip" && l.text === NOT_FULL),
  };
}

export interface Pve8to9Verdict {
  pass: boolean;
  /** Why it refuses, one line each: every FAIL quoted with its section, then what to do. Empty when it passes. */
  reasons: string[];
  /** Every WARN line, quoted with its section, and every excused FAIL with why: they do not refuse, a sysadmin should read them. */
  warnings: string[];
}

/** A logged message on one line: its continuation lines trimmed and joined. */
export function oneLine(text: string): string {
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "")
    .join(" ");
}

/** Why a FAIL line does not stop the upgrade (it is about rollgate itself), or null when it does. */
export type Pve8to9Excuse = (line: Pve8to9Line) => string | null;

/**
 * Whether `node` may go on to the major upgrade: only a complete report from `pve8to9 --full` with
 * no FAIL but the excused ones does. Unknown means no: unreadable output refuses, quoting why.
 */
export function pve8to9Verdict(node: string, report: Pve8to9Parsed, excuse: Pve8to9Excuse = () => null): Pve8to9Verdict {
  if ("error" in report)
    return {
      pass: false,
      reasons: [`${node}: ${report.error}; nothing it says can be trusted: run \`pve8to9 --full\` on ${node} and read its whole output`],
      warnings: [],
    };
  const quoted = (l: Pve8to9Line) => `${node}: pve8to9 ${l.level.toUpperCase()} in "${l.section}": ${oneLine(l.text)}`;
  const warnings = report.lines.filter((l) => l.level === "warn").map(quoted);
  const reasons: string[] = [];
  for (const line of report.lines.filter((l) => l.level === "fail")) {
    const why = excuse(line);
    if (why === null) reasons.push(quoted(line));
    else warnings.push(`${quoted(line)}: ${why}`);
  }
  if (reasons.length > 0)
    reasons.push(
      `${node}: pve8to9 counted ${report.summary.failures} failure(s)${reasons.length < report.summary.failures ? ` (${report.summary.failures - reasons.length} about rollgate's own role, see the warnings)` : ""}: fix each, then run \`pve8to9 --full\` again until it reports no other FAIL`,
    );
  if (!report.fullChecks)
    reasons.push(
      `${node}: pve8to9 ran without --full, so its expensive checks (CT cgroup v2 compatibility) did not run: run \`pve8to9 --full\``,
    );
  return { pass: reasons.length === 0, reasons, warnings };
}
