// `rollgate reference`'s definition; the Markdown is made by ../reference.ts.

import { Command } from "commander";
import { println, type CliIo } from "../io.js";

export function referenceCommand(io: CliIo, program: () => Command): Command {
  return new Command("reference")
    .description("print every command and flag as Markdown (README's command reference is this)")
    .action(async () => {
      const { commandReference } = await import("../reference.js");
      println(io.stdout, commandReference(program()).trimEnd());
    });
}
