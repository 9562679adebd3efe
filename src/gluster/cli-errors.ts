// The failures every gluster command shares, turned into sentences a sysadmin can act on.
import { quote } from "./output-error.js";
import type { GlusterInvocation, Parsed } from "./types.js";

interface KnownMessage {
  pattern: RegExp;
  explain(match: RegExpMatchArray): string;
}

const KNOWN_MESSAGES: readonly KnownMessage[] = [
  {
    // The local glusterd is down: plain text even with --xml, exit 1.
    pattern: /^Connection failed\. Please check if gluster daemon is operational\.$/,
    explain: () => "glusterd on this node is not running",
  },
  { pattern: /^Volume (\S+) does not exist$/, explain: ([, volume]) => `volume ${volume} does not exist` },
  {
    // glfsheal cannot fetch the volfile of a volume never started or stopped, or whose bricks are all dead
    // (server quorum lost included); heal info then exits 251 (docs/domain/gluster.md, "Heal info").
    pattern: /^(\S+): Not able to fetch volfile from glusterd$/,
    explain: ([, volume]) =>
      `volume ${volume} is not started, or none of its bricks is running (glusterd stops the bricks of a node that lost server quorum)`,
  },
  { pattern: /^Volume (\S+) is not started/, explain: ([, volume]) => `volume ${volume} is not started` },
  {
    // 10.x: "This command is supported for only volumes of replicate/disperse type. Volume X is not of type …";
    // 7.x–9.x: "Volume X is not of type replicate/disperse".
    pattern: /Volume (\S+) is not of type replicate/,
    explain: ([, volume]) => `volume ${volume} is not replicated, so it has no self-heal`,
  },
  { pattern: /^No volumes present/, explain: () => "this pool has no volumes" },
  {
    // cli-cmd.c cli_cmd_await_response: glusterd did not answer within the CLI's timeout (120 s), plain
    // text on stdout even with --xml, exit 1; glusterd waits for a peer that is off or hung (docs/domain/gluster.md).
    pattern: /^Error : Request timed out$/,
    explain: () => "glusterd did not answer within the gluster CLI's timeout: it is waiting for a peer that is powered off or hung",
  },
  {
    // glusterd-syncop.c gd_sync_task_begin: the volume's lock is held by a command still pending, such as a timed-out status.
    pattern: /^Another transaction is in progress for (\S+)\./,
    explain: ([, volume]) =>
      `another gluster command still holds volume ${volume}'s lock (glusterd is still waiting for it to finish, e.g. for a peer that does not answer)`,
  },
];

/** A known gluster error line as a sentence that still quotes gluster, or null when the line is not one. */
export function explainGlusterMessage(line: string): string | null {
  for (const known of KNOWN_MESSAGES) {
    const match = line.match(known.pattern);
    if (match) return `${known.explain(match)} (gluster printed ${quote(line)})`;
  }
  return null;
}

/** The CLI's trailer after any failed heal subcommand: the line before it says why. */
const HEAL_FAILED_TRAILER = "Volume heal failed.";

function meaningfulLines(text: string): string[] {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && line !== HEAL_FAILED_TRAILER);
}

function explainFirst(lines: readonly string[]): string | null {
  for (const line of lines) {
    const explained = explainGlusterMessage(line);
    if (explained !== null) return explained;
  }
  return null;
}

/** An XML error envelope (`<opRet>-1</opRet>` …) as a sentence. */
export function describeXmlOpError(opRet: string, opErrno: string | null, opErrstr: string | null): string {
  const explained = opErrstr ? explainGlusterMessage(opErrstr) : null;
  if (explained !== null) return explained;
  const errno = opErrno === null ? "" : `, opErrno ${opErrno}`;
  return `gluster reported an error (opRet ${opRet}${errno}): ${opErrstr ? quote(opErrstr) : "no message"}`;
}

/** What to say when a command run with --xml printed something that is not XML. */
export function describeNonXmlOutput(command: string, output: string): string {
  const lines = meaningfulLines(output);
  if (lines.length === 0) return `${command} printed nothing`;
  return explainFirst(lines) ?? `${command}: expected XML, gluster printed ${quote(lines[0] ?? "")}`;
}

const XML_ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

function decodeXmlText(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|lt|gt|amp|quot|apos);/g, (_, entity: string) => {
    if (entity.startsWith("#x")) return String.fromCodePoint(parseInt(entity.slice(2), 16));
    if (entity.startsWith("#")) return String.fromCodePoint(parseInt(entity.slice(1), 10));
    return XML_ENTITIES[entity] ?? "";
  });
}

/**
 * Only the envelope is read, with patterns rather than a parser: this runs before parsing, on documents that may be
 * large (heal info) or broken, and the envelope elements are flat text.
 */
function xmlEnvelopeError(stdout: string): string | null {
  const opRet = /<opRet>(-?\d+)<\/opRet>/.exec(stdout)?.[1];
  if (opRet === undefined || opRet === "0") return null;
  const opErrno = /<opErrno>(-?\d+)<\/opErrno>/.exec(stdout)?.[1] ?? null;
  const opErrstr = /<opErrstr>([^<]*)<\/opErrstr>/.exec(stdout)?.[1];
  return describeXmlOpError(opRet, opErrno, opErrstr === undefined ? null : decodeXmlText(opErrstr));
}

/**
 * Why a finished gluster invocation failed, or null when its stdout should be handed to a parser.
 * Exit 0 does not mean success: `volume status --xml` reports errors with exit 0 and `<opRet>-1</opRet>`.
 */
export function describeGlusterFailure(run: GlusterInvocation): string | null {
  const envelopeError = xmlEnvelopeError(run.stdout);
  if (envelopeError !== null) return envelopeError;
  if (run.exitCode !== 0) {
    const lines = meaningfulLines(`${run.stdout}\n${run.stderr}`);
    const explained = explainFirst(lines);
    if (explained !== null) return explained;
    if (lines.length === 0) return `gluster exited with status ${run.exitCode} and printed nothing`;
    return `gluster exited with status ${run.exitCode}: ${quote(lines.join(" "))}`;
  }
  if (run.stdout.trim() === "") {
    const stderrLines = meaningfulLines(run.stderr);
    if (stderrLines.length === 0) return "gluster printed nothing (exit status 0)";
    return explainFirst(stderrLines) ?? `gluster printed nothing on stdout; on stderr: ${quote(stderrLines.join(" "))}`;
  }
  return null;
}

/** Passes stdout on for parsing, or says why there is nothing worth parsing. */
export function checkGlusterInvocation(run: GlusterInvocation): Parsed<string> {
  const failure = describeGlusterFailure(run);
  return failure === null ? { ok: true, value: run.stdout } : { ok: false, error: failure };
}
