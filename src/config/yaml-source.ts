// YAML text → plain data with a locator that points key paths back at line:col, and zod
// validation whose every problem comes out positioned. Shared by cluster.yaml and playbooks.

import { LineCounter, parseDocument, type Document } from "yaml";
import type * as z from "zod";
import { ConfigError } from "../util/errors.js";
import { locatedErrors, throwConfigErrors } from "./config-errors.js";
import { problemsFromIssues } from "./issues.js";
import { describeIssue } from "./messages.js";
import { isUnder, SourceLocator, type Problem } from "./positions.js";

// A few anchors are fine; thousands are a "billion laughs" document.
const MAX_ALIASES = 100;

export interface YamlSource {
  data: unknown;
  source: SourceLocator;
}

/** Parses YAML text; `emptyHint` says what the file should have held. Throws a positioned ConfigError. */
export function readYaml(text: string, file: string, emptyHint: string): YamlSource {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const source = new SourceLocator(document, lines, file);
  return { data: plainData(document, source, emptyHint), source };
}

/** Validates data against a schema; every problem (plus `extra` ones found before) is thrown at once, positioned. */
export function validateYaml<S extends z.ZodType>(schema: S, { data, source }: YamlSource, extra: readonly Problem[] = []): z.output<S> {
  const result = schema.safeParse(data, { reportInput: true, error: describeIssue });
  const problems = result.success ? [] : problemsFromIssues(result.error.issues, schema);
  throwConfigErrors(locatedErrors([...extra, ...problems.filter((p) => !extra.some((e) => isUnder(p.path, e.path)))], source));
  // Unreachable: a failed parse leaves at least one problem above. Thrown as is, it would be reported as a bug.
  if (!result.success) throw result.error;
  return result.data;
}

function plainData(document: Document, source: SourceLocator, emptyHint: string): unknown {
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
  if (data === null || data === undefined) throw new ConfigError(source.at(0), "", `the file is empty; expected ${emptyHint}`);
  return data;
}

function sentence(message: string): string {
  const firstLine = message.split("\n")[0] ?? message;
  return firstLine.charAt(0).toLowerCase() + firstLine.slice(1);
}
