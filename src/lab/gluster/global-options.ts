// cli.c parse_cmdline / cli_opt_parse: every argument starting with `--` is an option wherever it
// stands, and is removed from the command words; a bare `--` ends the options.

export type ParsedArguments =
  /** timeoutSeconds: how long the CLI waits for glusterd's answer (`--timeout=N`, else 120: cli.c cli_default_conn_timeout). */
  | { kind: "words"; words: string[]; xml: boolean; timeoutSeconds: number }
  | { kind: "unrecognized-option"; option: string }
  | { kind: "not-emulated"; option: string };

/** Options that change nothing the lab shows (logging, connection details). */
const IGNORED_OPTIONS = ["mode=script", "mode=interactive", "nolog", "wignore", "wignore-partition"];
const IGNORED_OPTION_PREFIXES = ["remote-host=", "inet6", "log-file=", "timeout=", "log-level=", "glusterd-sock=", "secure-mgmt="];
const DEFAULT_TIMEOUT_SECONDS = 120;
/** Options that print something and exit before any command runs. */
const INFORMATIONAL_OPTIONS = ["help", "version", "print-logdir", "print-statedumpdir"];

export function parseArguments(args: readonly string[]): ParsedArguments {
  const words: string[] = [];
  let xml = false;
  let timeoutSeconds = DEFAULT_TIMEOUT_SECONDS;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith("--")) {
      words.push(arg);
      continue;
    }
    const option = arg.slice(2);
    if (option === "") {
      words.push(...args.slice(i + 1));
      break;
    }
    if (option === "xml") xml = true;
    else if (/^timeout=[1-9]\d*$/.test(option)) timeoutSeconds = Number(option.slice("timeout=".length));
    else if (INFORMATIONAL_OPTIONS.includes(option)) return { kind: "not-emulated", option: arg };
    else if (!IGNORED_OPTIONS.includes(option) && !IGNORED_OPTION_PREFIXES.some((p) => option.startsWith(p)))
      return { kind: "unrecognized-option", option };
  }
  return { kind: "words", words, xml, timeoutSeconds };
}
