import { ConfigError } from "../util/errors.js";
import { MAX_ERRORS_SHOWN } from "./limits.js";
import type { Problem, SourceLocator } from "./positions.js";

/**
 * Every error found in a config at once, one positioned line each, the first MAX_ERRORS_SHOWN of them in the
 * message; position, keyPath and problem are the first's.
 */
export class ConfigErrors extends ConfigError {
  constructor(readonly errors: readonly [ConfigError, ...ConfigError[]]) {
    const [first] = errors;
    super(first.position, first.keyPath, first.problem);
    const more = errors.length - MAX_ERRORS_SHOWN;
    const lines = errors.slice(0, MAX_ERRORS_SHOWN).map((error) => error.message);
    this.message = [...lines, ...(more > 0 ? [`… and ${more} more errors`] : [])].join("\n");
  }
}

/** Throws every error at once, in file order, each message once; returns when there are none. */
export function throwConfigErrors(errors: readonly ConfigError[]): void {
  const inFileOrder = [...errors].sort(
    (a, b) => (a.position?.line ?? 0) - (b.position?.line ?? 0) || (a.position?.col ?? 0) - (b.position?.col ?? 0),
  );
  const seen = new Set<string>();
  const [first, ...rest] = inFileOrder.filter((error) => !seen.has(error.message) && seen.add(error.message));
  if (first) throw new ConfigErrors([first, ...rest]);
}

export function locatedErrors(problems: readonly Problem[], source: SourceLocator): ConfigError[] {
  return problems.map(({ path, problem, anchor }) => source.error(path, problem, anchor));
}
