import * as os from "node:os";
import { locatedErrors, throwConfigErrors } from "./config-errors.js";
import { crossFieldProblems } from "./cross-checks.js";
import { inlineSecretProblems } from "./inline-secrets.js";
import { withDeclaredNodeSpelling } from "./node-names.js";
import type { SourceLocator } from "./positions.js";
import { configSchema, type Config } from "./schema.js";
import { readYaml, validateYaml } from "./yaml-source.js";

export const CLUSTER_DESCRIPTION = "a cluster description";

export interface ParsedConfig {
  config: Config;
  /** Points key paths back into the file, for errors found later (e.g. `critical[0].vms[1]: no guest 101`). */
  source: SourceLocator;
}

/** Parses and validates cluster.yaml text; `file` is named in errors as given, `dir` anchors relative paths. */
export function parseConfigSource(text: string, file: string, dir: string, home: string = os.homedir()): ParsedConfig {
  const yaml = readYaml(text, file, CLUSTER_DESCRIPTION, " (README.md shows one; `rollgate schema` prints its JSON Schema)");
  // Problems about an inline secret replace the schema's own for that key, which would quote the value.
  const config = validateYaml(configSchema({ dir, home }), yaml, inlineSecretProblems(yaml.data));
  throwConfigErrors(locatedErrors(crossFieldProblems(config), yaml.source));
  return { config: withDeclaredNodeSpelling(config), source: yaml.source };
}

/** Parses and validates cluster.yaml text into a Config; throws ConfigError. */
export function parseConfig(text: string, file: string, dir: string): Config {
  return parseConfigSource(text, file, dir).config;
}
