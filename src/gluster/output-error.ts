import type { Parsed } from "./types.js";

/** Gluster printed something other than what the parser can vouch for. Internal: callers get a `Parsed`. */
class GlusterOutputError extends Error {}

export function fail(message: string): never {
  throw new GlusterOutputError(message);
}

/** Runs a parser that throws `GlusterOutputError`, turning that into `{ ok: false }`; real bugs still throw. */
export function parsing<T>(parse: () => T): Parsed<T> {
  try {
    return { ok: true, value: parse() };
  } catch (error) {
    if (error instanceof GlusterOutputError) return { ok: false, error: error.message };
    throw error;
  }
}

const QUOTE_LIMIT = 200;

/** A line gluster printed, quoted for a message; shortened so one absurd line cannot flood the terminal. */
export function quote(text: string): string {
  return JSON.stringify(text.length > QUOTE_LIMIT ? `${text.slice(0, QUOTE_LIMIT)}…` : text);
}
