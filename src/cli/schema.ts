// `rollgate schema`: the JSON Schema of cluster.yaml, for editors (yaml-language-server) and CI,
// or with --markdown the reference table of every key.

import { configJsonSchema } from "../config/index.js";
import { configReference } from "../config/reference.js";
import { println, type CliIo } from "./io.js";

export interface SchemaOptions {
  markdown?: boolean;
}

/** `rollgate schema`, its flags parsed (commands/schema.ts). */
export function runSchemaCommand(io: CliIo, opts: SchemaOptions): void {
  println(io.stdout, opts.markdown ? configReference(configJsonSchema()).trimEnd() : JSON.stringify(configJsonSchema(), null, 2));
}
