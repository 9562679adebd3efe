import * as os from "node:os";
import { LineCounter, parseDocument, type Document } from "yaml";
import { ConfigError } from "../util/errors.js";
import { locatedErrors, throwConfigErrors } from "./config-errors.js";
import { crossFieldProblems } from "./cross-checks.js";
import { inlineSecretProblems, isUnder } from "./inline-secrets.js";
import { problemsFromIssues } from "./issues.js";
import { describeIssue } from "./messages.js";
import { SourceLocator } from "./positions.js";
import { configSchema, type Config } from "./schema.js";

export interface ParsedConfig {
  config: Config;
  /** Points key paths back into the file, for errors found later (e.g. `critical[0].vms[1]: no guest 101`). */
  source: SourceLocator;
}

// A few anchors are fine; thousands are a "billion laughs" document.
const MAX_ALIASES = 100;

/** Parses and validates cluster.yaml text; `file` is named in errors as given, `dir` anchors relative paths. */
export function parseConfigSource(text: string, file: string, dir: string, home: string = os.homedir()): ParsedConfig {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const source = new SourceLocator(document, lines, file);
  const data = plainData(document, source);

  const secretProblems = inlineSecretProblems(data);
  const schema = configSchema({ dir, home });
  const result = schema.safeParse(data, { reportInput: true, error: describeIssue });
  const schemaProblems = result.success
    ? []
    : problemsFromIssues(result.error.issues, schema).filter(
        (problem) => !secretProblems.some((secret) => isUnder(problem.path, secret.path)),
      );
  throwConfigErrors(locatedErrors([...secretProblems, ...schemaProblems], source));
  // Unreachable: a failed parse leaves at least one problem above. Thrown as is, it would be reported as a bug.
  if (!result.success) throw result.error;

  throwConfigErrors(locatedErrors(crossFieldProblems(result.data), source));
  return { config: result.data, source };
}

/** Parses and validates cluster.yaml text into a Config; throws ConfigError. */
export function parseConfig(text: string, file: string, dir: string): Config {
  return parseConfigSource(text, file, dir).config;
}

function plainData(document: Document, source: SourceLocator): unknown {
  // After the first syntax error the parser's further errors are mostly its consequences: report the first.
  const [syntaxError] = document.errors;
  if (syntaxError) {
    throw new ConfigError(source.at(syntaxError.pos[0]), "", `YAML syntax error: ${sentence(syntaxError.message)}`);
  }
  let data: unknown;
  try {
    data = document.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (error) {
    throw new ConfigError(source.at(0), "", `YAML error: ${sentence(error instanceof Error ? error.message : String(error))}`);
  }
  if (data === null || data === undefined) {
    throw new ConfigError(source.at(0), "", "the file is empty; expected a cluster description (`rollgate init` writes one)");
  }
  return data;
}

function sentence(message: string): string {
  const firstLine = message.split("\n")[0] ?? message;
  return firstLine.charAt(0).toLowerCase() + firstLine.slice(1);
}
