// `rollgate schema`'s flags; what it does is ../schema.ts.

import { Command } from "commander";
import type { CliIo } from "../io.js";
import type { SchemaOptions } from "../schema.js";

export function schemaCommand(io: CliIo): Command {
  return new Command("schema")
    .description("print the JSON Schema of cluster.yaml (for editors: # yaml-language-server: $schema=…)")
    .option("--markdown", "print the reference of every key instead (the table README's configuration reference is)")
    .action(async (opts: SchemaOptions) => {
      const { runSchemaCommand } = await import("../schema.js");
      runSchemaCommand(io, opts);
    });
}
