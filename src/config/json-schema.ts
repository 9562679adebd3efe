import * as z from "zod";
import { configSchema } from "./schema.js";

/** The JSON Schema (draft 2020-12) of cluster.yaml as written, for `rollgate schema` and editors. */
export function configJsonSchema(): z.core.JSONSchema.BaseSchema {
  // The input side: durations as written ("10s"), paths before ~ and relative paths are resolved.
  const schema = configSchema({ dir: ".", home: "~" });
  return {
    ...z.toJSONSchema(schema, { io: "input", target: "draft-2020-12", unrepresentable: "any" }),
    title: "rollgate cluster description (cluster.yaml)",
  };
}
