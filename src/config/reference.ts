// cluster.yaml's reference, generated from the JSON Schema the config loader is built from: one
// row per key (its path, what it takes, its default, its description), so the README's reference
// cannot say something the loader does not do. `rollgate schema --markdown` prints it.

interface JsonSchema {
  type?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  additionalProperties?: JsonSchema | boolean;
}

interface Row {
  key: string;
  takes: string;
  required: boolean;
  default: string;
  description: string;
}

/** A duration is written `2h`, `10m`, `30s`, `500ms` (or a number of ms): the schema says so as a string-or-number. */
function isDuration(schema: JsonSchema): boolean {
  return schema.anyOf?.length === 2 && schema.anyOf.some((s) => s.type === "string") && schema.anyOf.some((s) => s.type === "number");
}

function takes(schema: JsonSchema): string {
  if (schema.enum) return schema.enum.map(String).join(" | ");
  if (isDuration(schema)) return "duration";
  if (schema.anyOf) return [...new Set(schema.anyOf.map(takes))].join(" or ");
  if (schema.type === "array") return `list of ${schema.items ? takes(schema.items) : "values"}`;
  if (schema.type === "object") return schema.properties ? "mapping" : "mapping of name → value";
  return schema.type ?? "value";
}

const shown = (value: unknown) => (value === undefined || (typeof value === "object" && value !== null) ? "" : `\`${String(value)}\``);
const cell = (text: string) => text.replaceAll("|", "\\|").replaceAll("\n", " ");

function rows(schema: JsonSchema, prefix: string, out: Row[]): void {
  for (const [name, child] of Object.entries(schema.properties ?? {})) {
    const key = `${prefix}${name}`;
    out.push({
      key,
      takes: takes(child),
      required: (schema.required ?? []).includes(name) && child.default === undefined,
      default: shown(child.default),
      description: child.description ?? "",
    });
    if (child.properties) rows(child, `${key}.`, out);
    if (child.items?.properties) rows(child.items, `${key}[].`, out);
    for (const alternative of child.anyOf ?? []) if (alternative.properties) rows(alternative, `${key}.`, out);
  }
}

/** `schema`: what `configJsonSchema()` returns (zod's JSON Schema of cluster.yaml). */
export function configReference(schema: object): string {
  const out: Row[] = [];
  rows(schema, "", out);
  const lines = [
    "| key | takes | default | what it is |",
    "| --- | --- | --- | --- |",
    ...out.map((r) => `| \`${r.key}\`${r.required ? " (required)" : ""} | ${cell(r.takes)} | ${r.default} | ${cell(r.description)} |`),
  ];
  return `${lines.join("\n")}\n`;
}
