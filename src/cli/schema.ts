// `rollgate schema`: the JSON Schema of cluster.yaml, for editors (yaml-language-server) and CI.

import { Command } from "commander";
import { configJsonSchema } from "../config/index.js";
import { println, type CliIo } from "./io.js";

export function schemaCommand(io: CliIo): Command {
  return new Command("schema")
    .description("print the JSON Schema of cluster.yaml (for editors: # yaml-language-server: $schema=…)")
    .action(() => println(io.stdout, JSON.stringify(configJsonSchema(), null, 2)));
}
