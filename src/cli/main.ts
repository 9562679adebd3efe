// The rollgate program: parses the command line, runs one command, maps every failure to the
// documented exit code (here and nowhere else), and says what went wrong in one line.

import { Command, CommanderError } from "commander";
import { packageVersion } from "../util/version.js";
import { ExitCode, exitCodeMeanings, RollgateError } from "../util/errors.js";
import { processIo, println, type CliIo } from "./io.js";
// Only the commands' definitions (flags, help: commander and a few small modules) are loaded here;
// each action imports its command's implementation when it runs. Loaded on use: `--help` and a
// usage error must not pay for ssh2, zod, listr2, nodemailer and the lab (half a second at every
// start), and each command loads only what it needs. test/unit/cli/light-cli.test.ts holds to it.
import { checkCommand } from "./commands/check.js";
import { demoCommand } from "./commands/demo.js";
import { initCommand } from "./commands/init.js";
import { statusCommand } from "./commands/status.js";
import { upgradeCommand } from "./commands/upgrade.js";
import { labCommand } from "./commands/lab.js";
import { planCommand } from "./commands/plan.js";
import { schemaCommand } from "./commands/schema.js";
import { referenceCommand } from "./commands/reference.js";

export const exitCodeHelp = `\nExit codes:\n${Object.entries(exitCodeMeanings)
  .map(([code, meaning]) => `  ${code}  ${meaning}`)
  .join("\n")}\n`;

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  let exitCode: number = ExitCode.ok;
  const setExit = (code: number) => {
    exitCode = code;
  };
  const program = new Command("rollgate")
    .description("Upgrade a Proxmox VE + GlusterFS cluster one node at a time, refusing to go on while doing so could take a service down.")
    .version(await packageVersion(), "-V, --version")
    .showHelpAfterError("(run with --help for usage)")
    .addHelpText("after", exitCodeHelp)
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .exitOverride();
  program.addCommand(initCommand(io));
  program.addCommand(planCommand(io));
  program.addCommand(checkCommand(io, setExit));
  program.addCommand(upgradeCommand(io, setExit));
  program.addCommand(statusCommand(io, setExit));
  program.addCommand(labCommand(io, setExit));
  program.addCommand(schemaCommand(io));
  program.addCommand(demoCommand(io, setExit));
  program.addCommand(referenceCommand(io, () => program));
  applyToAll(program, (command) =>
    command
      .exitOverride()
      .showHelpAfterError("(run with --help for usage)")
      .configureOutput({ writeOut: (t) => io.stdout.write(t), writeErr: (t) => io.stderr.write(t) }),
  );

  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    return reportFailure(error, io);
  }
}

/** Commands built apart and added with addCommand do not inherit the program's settings. */
function applyToAll(command: Command, configure: (c: Command) => void): void {
  configure(command);
  for (const sub of command.commands) applyToAll(sub, configure);
}

function reportFailure(error: unknown, io: CliIo): number {
  if (error instanceof CommanderError) {
    // --help and --version end the same way as a successful run; every other parse failure is a usage error.
    if (["commander.helpDisplayed", "commander.version", "commander.help"].includes(error.code)) return ExitCode.ok;
    return ExitCode.usage;
  }
  if (error instanceof RollgateError) {
    println(io.stderr, `rollgate: ${error.message}`);
    return error.exitCode;
  }
  println(io.stderr, `rollgate: internal error: ${(error as Error)?.stack ?? String(error)}`);
  println(io.stderr, "This is a bug; please report it with the output above.");
  return ExitCode.internal;
}
