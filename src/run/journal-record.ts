// What a journal line must hold to be read as a record: what the readers rely on (every record's
// type and time, a run-start's facts, the node and step a record is about, the statuses and action
// details the run summary and status look up), with the right types. Fields a newer engine adds
// are kept unread, so a journal written by a newer rollgate still reads.

import type { NodeStatus, RunEventType, StepStatus } from "./events.js";

interface Field {
  holds(value: unknown): boolean;
  expected: string;
}

const text: Field = { holds: (v) => typeof v === "string", expected: "a string" };
const textOrNull: Field = { holds: (v) => v === null || typeof v === "string", expected: "a string or null" };
const nodeNames: Field = { holds: (v) => Array.isArray(v) && v.every((n) => typeof n === "string"), expected: "a list of node names" };
const flag: Field = { holds: (v) => typeof v === "boolean", expected: "true or false" };
const wholeNumber: Field = { holds: (v) => Number.isInteger(v), expected: "a whole number" };
const object: Field = { holds: (v) => typeof v === "object" && v !== null && !Array.isArray(v), expected: "an object" };
const oneOf = (values: Record<string, true>): Field => ({
  holds: (v) => typeof v === "string" && Object.hasOwn(values, v),
  expected: `one of ${Object.keys(values).join(", ")}`,
});
// Complete lists (`satisfies`), so that a status the engine gains is added here too, not refused.
const stepStatus = oneOf({ ok: true, skipped: true, failed: true, refused: true, interrupted: true } satisfies Record<StepStatus, true>);
const nodeStatus = oneOf({ done: true, skipped: true, failed: true, refused: true, interrupted: true } satisfies Record<NodeStatus, true>);

const aboutNode = { node: text };
const aboutStep = { node: textOrNull, step: text };

// Every event type, so that a record of an unknown kind is noticed rather than misread.
const fieldsOf: Record<RunEventType, Record<string, Field>> = {
  "run-start": {
    runId: text,
    cluster: text,
    configFile: text,
    playbook: text,
    order: nodeNames,
    dryRun: flag,
    resumes: textOrNull,
    pid: wholeNumber,
    host: text,
  },
  phase: {},
  "node-start": aboutNode,
  "step-start": aboutStep,
  "step-progress": aboutStep,
  "step-output": aboutStep,
  action: { ...aboutStep, phase: oneOf({ before: true, after: true }), detail: object },
  gate: aboutStep,
  "step-end": { ...aboutStep, status: stepStatus },
  "node-end": { ...aboutNode, status: nodeStatus },
  "run-end": {},
};

/** The line's JSON value; undefined when it is not JSON (as a line cut off mid-write is not). */
export function parseJson(line: string): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return undefined;
  }
}

/** Why a line's JSON value is not a journal record, or null when it is one. */
export function recordProblem(value: unknown): string | null {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "it is not a JSON object";
  const record = value as Record<string, unknown>;
  const { type } = record;
  if (typeof type !== "string") return 'it has no "type"';
  // Quoted as JSON: a type holding a newline or a control character must not break the one-line message.
  if (!Object.hasOwn(fieldsOf, type)) return `${JSON.stringify(type.slice(0, 40))} is not a kind of record`;
  const fields: Record<string, Field> = { time: text, ...fieldsOf[type as RunEventType] };
  const wrong = Object.entries(fields).find(([key, field]) => !field.holds(record[key]));
  const article = /^[aeiou]/.test(type) ? "an" : "a";
  return wrong === undefined ? null : `${article} ${type} record needs "${wrong[0]}" (${wrong[1].expected})`;
}
