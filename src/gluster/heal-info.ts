// The entry point for `gluster volume heal VOL info`, `… info split-brain` and `… info summary`, text or --xml.
// Streaming: a heal info can list millions of entries (glusterfs #3072: 34 M), so only counts and a sample are kept.
import type { OutputChunk } from "./chunks.js";
import { HEAL_KINDS, type HealInfoKind } from "./heal-kinds.js";
import { TextHealInfoReader } from "./heal-info-text.js";
import { XmlHealInfoReader } from "./heal-info-xml.js";
import { parsing } from "./output-error.js";
import type { HealInfo, Parsed } from "./types.js";

export type { HealInfoKind } from "./heal-kinds.js";
export type { OutputChunk } from "./chunks.js";

export type OutputFormat = "text" | "xml";

export interface HealInfoRequest {
  kind: HealInfoKind;
  format: OutputFormat;
}

export interface HealInfoParser {
  /** The next piece of stdout, in any size. Bad output does not throw: the first problem is kept for `end()`. */
  write(chunk: OutputChunk): void;
  /** The result, once stdout has ended. */
  end(): Parsed<HealInfo>;
}

export function createHealInfoParser({ kind, format }: HealInfoRequest): HealInfoParser {
  const reader = format === "xml" ? new XmlHealInfoReader(HEAL_KINDS[kind]) : new TextHealInfoReader(HEAL_KINDS[kind]);
  let firstError: string | null = null;
  return {
    write(chunk) {
      if (firstError !== null) return;
      const written = parsing(() => reader.write(chunk));
      if (!written.ok) firstError = written.error;
    },
    end() {
      return firstError === null ? parsing(() => reader.end()) : { ok: false, error: firstError };
    },
  };
}

export type HealInfoSource = string | Iterable<OutputChunk> | AsyncIterable<OutputChunk>;

/**
 * Parses a whole heal info output. After a problem the rest is still drained, so that a remote command is not left
 * blocked on a full pipe.
 */
export async function parseHealInfo(source: HealInfoSource, request: HealInfoRequest): Promise<Parsed<HealInfo>> {
  const parser = createHealInfoParser(request);
  if (typeof source === "string") parser.write(source);
  else for await (const chunk of source) parser.write(chunk);
  return parser.end();
}
