// Building a GlusterCommandResult. stdout is produced on demand (each iteration starts afresh) and
// handed out in batches of whole lines, so a million-entry heal info streams in bounded memory.

import type { GlusterCommandResult, GlusterEffect } from "./view.js";

/** Lines are joined into chunks of about this many characters. */
const CHUNK_TARGET_CHARS = 16 * 1024;

export interface ResultParts {
  /** Called when stdout is iterated; yields text that ends in "\n". */
  stdout?: () => Iterable<string>;
  stderr?: string;
  exitCode: number;
  effect?: GlusterEffect;
  /** Model ms before the answer. */
  delayMs?: number;
}

export function commandResult({ stdout, stderr = "", exitCode, effect, delayMs }: ResultParts): GlusterCommandResult {
  return {
    stdout: stdout ? { [Symbol.iterator]: () => inBatches(stdout())[Symbol.iterator]() } : [],
    stderr,
    exitCode,
    ...(effect ? { effect } : {}),
    ...(delayMs ? { delayMs } : {}),
  };
}

/** Each argument becomes one line. */
export function* lines(...texts: string[]): Generator<string> {
  for (const text of texts) yield `${text}\n`;
}

function* inBatches(pieces: Iterable<string>): Generator<string> {
  let batch = "";
  for (const piece of pieces) {
    batch += piece;
    if (batch.length >= CHUNK_TARGET_CHARS) {
      yield batch;
      batch = "";
    }
  }
  if (batch !== "") yield batch;
}

/** A command real gluster has but the lab does not answer: said plainly rather than faked. */
export function notEmulated(words: readonly string[]): GlusterCommandResult {
  return commandResult({ stderr: `rollgate lab: 'gluster ${words.join(" ")}' is not emulated\n`, exitCode: 1 });
}
