import { expect, test } from "vitest";
import { parse } from "yaml";
import * as z from "zod";
import { configJsonSchema } from "../../../src/config/index.js";
import { edit, EXAMPLE } from "./example.js";

// The JSON Schema is read back by an independent consumer (zod's JSON Schema reader), not by the schema it came from.
const validator = z.fromJSONSchema(configJsonSchema());

test("is draft 2020-12 and accepts the DESIGN.md example as written", () => {
  expect(configJsonSchema()["$schema"]).toBe("https://json-schema.org/draft/2020-12/schema");
  expect(validator.safeParse(parse(EXAMPLE)).error?.issues).toBeUndefined();
});

test("refuses unknown keys, bad durations and missing required keys", () => {
  for (const text of [
    `${EXAMPLE}extra: 1\n`,
    edit(EXAMPLE, "  user: root\n", "  user: root\n  strictHostKeyChecking: no\n"),
    edit(EXAMPLE, "heal: 2h", "heal: 2x"),
    edit(EXAMPLE, "  tokenId: rollgate@pve!upgrade\n", ""),
    edit(EXAMPLE, "vms: [100, 101]", 'vms: [100, "abc"]'),
  ]) {
    expect(validator.safeParse(parse(text)).success).toBe(false);
  }
});

test("describes every key, so that editors can show help", () => {
  const undescribed: string[] = [];
  const visit = (schema: unknown, at: string): void => {
    if (typeof schema !== "object" || schema === null) return;
    const node = schema as Record<string, unknown>;
    const properties = (node["properties"] ?? {}) as Record<string, Record<string, unknown>>;
    for (const [key, property] of Object.entries(properties)) {
      if (typeof property["description"] !== "string") undescribed.push(`${at}.${key}`);
      visit(property, `${at}.${key}`);
    }
    visit(node["items"], `${at}[]`);
    for (const option of (node["anyOf"] ?? []) as unknown[]) visit(option, at);
  };
  visit(configJsonSchema(), "");
  expect(undescribed).toEqual([]);
});
