// Checks an API answer against the `returns` of PVE's own schema, in PVE's dialect
// (pve-common src/PVE/JSONSchema.pm): booleans travel as 0/1, a property is required unless
// `optional: 1`, and properties the schema does not name are allowed.

import type { SchemaNode } from "../../src/lab/pve/api-schema.js";

/** Every place the value differs from the schema, as `path: what`; empty when it matches. */
export function schemaMismatches(schema: SchemaNode | undefined, value: unknown, at = "$"): string[] {
  if (!schema) return [];
  const type = schema.type;
  // pve-common src/PVE/JSONSchema.pm check_type: a list of types is a union.
  if (Array.isArray(type)) {
    const each = type.map((t) => schemaMismatches({ ...schema, type: t }, value, at));
    return each.some((m) => m.length === 0) ? [] : [`${at}: matches none of ${type.join("|")} (${each.map((m) => m[0]).join("; ")})`];
  }
  if (value === null || value === undefined)
    return type === "null" || type === undefined ? [] : [`${at}: ${value === null ? "null" : "missing"}, expected ${type}`];
  if (schema.enum && !schema.enum.includes(value as string | number))
    return [`${at}: ${JSON.stringify(value)} is not one of ${schema.enum.join(", ")}`];
  switch (type) {
    case "object": {
      if (typeof value !== "object" || Array.isArray(value)) return [`${at}: ${describe(value)}, expected object`];
      const record = value as Record<string, unknown>;
      const properties = schema.properties ?? {};
      const declared = Object.entries(properties).flatMap(([key, property]) => {
        if (record[key] === undefined) return property.optional ? [] : [`${at}.${key}: missing, and it is not optional`];
        return schemaMismatches(property, record[key], `${at}.${key}`);
      });
      // pve-common src/PVE/JSONSchema.pm check_object: an additionalProperties schema checks every other key.
      const extra = typeof schema.additionalProperties === "object" ? schema.additionalProperties : undefined;
      const others = extra
        ? Object.keys(record)
            .filter((k) => !(k in properties))
            .flatMap((k) => schemaMismatches(extra, record[k], `${at}.${k}`))
        : [];
      return [...declared, ...others];
    }
    case "array":
      if (!Array.isArray(value)) return [`${at}: ${describe(value)}, expected array`];
      return value.flatMap((item, i) => schemaMismatches(schema.items, item, `${at}[${i}]`));
    case "string":
      return typeof value === "string" ? [] : [`${at}: ${describe(value)}, expected string`];
    case "integer":
      return Number.isInteger(value) ? [] : [`${at}: ${describe(value)}, expected integer`];
    case "number":
      return typeof value === "number" ? [] : [`${at}: ${describe(value)}, expected number`];
    case "boolean":
      return value === 0 || value === 1 ? [] : [`${at}: ${describe(value)}, expected boolean (0 or 1)`];
    case "null":
      return [`${at}: ${describe(value)}, expected null`];
    default:
      return [];
  }
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  return `${typeof value} ${JSON.stringify(value)}`;
}
