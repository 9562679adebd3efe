// Unwrapping a parser's result in tests: the value, or the error a test expects.

import type { Parsed } from "../../../src/gluster/index.js";

export function value<T>(parsed: Parsed<T>): T {
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

export function error<T>(parsed: Parsed<T>): string {
  if (parsed.ok) throw new Error(`expected an error, got ${JSON.stringify(parsed.value)}`);
  return parsed.error;
}
