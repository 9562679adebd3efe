import { ConfigError } from "../util/errors.js";
import type { Problem, SourceLocator } from "./positions.js";

/** Every error found in a config at once, one positioned line each; position, keyPath and problem are the first's. */
export class ConfigErrors extends ConfigError {
  constructor(readonly errors: readonly [ConfigError, ...ConfigError[]]) {
    const [first] = errors;
    super(first.position, first.keyPath, first.problem);
    this.message = errors.map((error) => error.message).join("\n");
  }
}

/** Throws every error at once, in file order, each message once; returns when there are none. */
export function throwConfigErrors(errors: readonly ConfigError[]): void {
  const inFileOrder = [...errors].sort(
    (a, b) => (a.position?.line ?? 0) - (b.position?.line ?? 0) || (a.position?.col ?? 0) - (b.position?.col ?? 0),
  );
  const [first, ...rest] = inFileOrder.filter(
    (error, index) => inFileOrder.findIndex((other) => other.message === error.message) === index,
  );
  if (first) throw new ConfigErrors([first, ...rest]);
}

export function locatedErrors(problems: readonly Problem[], source: SourceLocator): ConfigError[] {
  return problems.map(({ path, problem, anchor }) => source.error(path, problem, anchor));
}
