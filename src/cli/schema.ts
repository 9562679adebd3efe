// `rollgate schema`: the JSON Schema of cluster.yaml, for editors (yaml-language-server) and CI,
// or with --markdown the reference table of every key.

import { Command } from "commander";
import { configJsonSchema } from "../config/index.js";
import { configReference } from "../config/reference.js";
import { println, type CliIo } from "./io.js";

export function schemaCommand(io: CliIo): Command {
  return new Command("schema")
    .description("print the JSON Schema of cluster.yaml (for editors: # yaml-language-server: $schema=…)")
    .option("--markdown", "print the reference of every key instead (the table README's configuration reference is)")
    .action((opts: { markdown?: boolean }) =>
      println(io.stdout, opts.markdown ? configReference(configJsonSchema()).trimEnd() : JSON.stringify(configJsonSchema(), null, 2)),
    );
}
