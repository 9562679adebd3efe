// YAML text → plain data with a locator that points key paths back at line:col, and zod
// validation whose every problem comes out positioned. Shared by cluster.yaml and playbooks.

import { isScalar, LineCounter, parseDocument, visit, type Document, type Node } from "yaml";
import type * as z from "zod";
import { ConfigError } from "../util/errors.js";
import { locatedErrors, throwConfigErrors } from "./config-errors.js";
import { problemsFromIssues } from "./issues.js";
import { MAX_YAML_BYTES } from "./limits.js";
import { describeIssue } from "./messages.js";
import { isUnder, SourceLocator, type Problem } from "./positions.js";

// A few anchors are fine; thousands are a "billion laughs" document, or one that takes minutes to resolve: the yaml
// library looks each alias up among every anchor before it.
const MAX_ALIASES = 100;

export interface YamlSource {
  data: unknown;
  source: SourceLocator;
}

/** The error for a file larger than MAX_YAML_BYTES (`bytes`, when known); `what` is what it should have held. */
export function tooLargeError(file: string, bytes: number | null, what: string, keyPath = ""): ConfigError {
  const size = bytes === null ? `larger than ${formatBytes(MAX_YAML_BYTES)}` : `${formatBytes(bytes)} (${bytes} bytes)`;
  return new ConfigError(
    null,
    keyPath,
    `${file} is ${size}; expected ${what} of at most ${formatBytes(MAX_YAML_BYTES)}: a real one is a few KiB`,
  );
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const [size, unit] = bytes < 1024 * 1024 ? [bytes / 1024, "KiB"] : [bytes / (1024 * 1024), "MiB"];
  return `${Number.isInteger(size) ? size : size.toFixed(1)} ${unit}`;
}

/**
 * Parses YAML text, refusing more than MAX_YAML_BYTES before parsing it; `what` says what the file should hold
 * ("a cluster description"), `hint` where to see one. Throws a positioned ConfigError.
 */
export function readYaml(text: string, file: string, what: string, hint = ""): YamlSource {
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_YAML_BYTES) throw tooLargeError(file, bytes, what);
  const emptyHint = `${what}${hint}`;
  const lines = new LineCounter();
  // Keys are checked for uniqueness below: the library's own check compares each key with every one before it,
  // which takes minutes for a mapping of 50,000 keys.
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false });
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
  const { repeatedKey, aliases } = shapeOf(document);
  if (repeatedKey) throw new ConfigError(source.at(repeatedKey.range?.[0] ?? 0), "", "YAML syntax error: map keys must be unique");
  if (aliases > MAX_ALIASES) {
    throw new ConfigError(source.at(0), "", `YAML error: ${aliases} aliases (*name); expected at most ${MAX_ALIASES}`);
  }
  let data: unknown;
  try {
    data = document.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // The yaml library's guard against "billion laughs" documents, which expand a few anchors exponentially.
    const limit = /excessive alias count/i.test(message) ? `; expected at most ${MAX_ALIASES} expansions of anchors (*name)` : "";
    throw new ConfigError(source.at(0), "", `YAML error: ${sentence(message)}${limit}`);
  }
  if (data === null || data === undefined) throw new ConfigError(source.at(0), "", `the file is empty; expected ${emptyHint}`);
  return data;
}

/** The first key written twice in one mapping (compared as the library does), and how many aliases there are. */
function shapeOf(document: Document): { repeatedKey: Node | undefined; aliases: number } {
  let repeatedKey: Node | undefined;
  let aliases = 0;
  visit(document, {
    Alias() {
      aliases += 1;
    },
    Map(_, map) {
      const seen = new Set<unknown>();
      for (const { key } of map.items) {
        const identity = isScalar(key) ? key.value : key;
        if (seen.has(identity) && repeatedKey === undefined) repeatedKey = key as Node;
        seen.add(identity);
      }
    },
  });
  return { repeatedKey, aliases };
}

function sentence(message: string): string {
  const firstLine = message.split("\n")[0] ?? message;
  return firstLine.charAt(0).toLowerCase() + firstLine.slice(1);
}
