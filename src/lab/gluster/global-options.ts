// cli.c parse_cmdline / cli_opt_parse: every argument starting with `--` is an option wherever it
// stands, and is removed from the command words; a bare `--` ends the options.

export type ParsedArguments =
  /** timeoutSeconds: how long the CLI waits for glusterd's answer (`--timeout=N`, else 120: cli.c cli_default_conn_timeout). */
  | { kind: "words"; words: string[]; xml: boolean; timeoutSeconds: number }
  | { kind: "unrecognized-option"; option: string }
  /** cli_opt_parse's `timeout=` branch: strtol must consume every character and give more than 0. */
  | { kind: "invalid-timeout" }
  | { kind: "not-emulated"; option: string };

/** Options that change nothing the lab shows (logging, connection details). */
const IGNORED_OPTIONS = ["mode=script", "mode=interactive", "nolog", "wignore", "wignore-partition"];
const IGNORED_OPTION_PREFIXES = ["remote-host=", "inet6", "log-file=", "log-level=", "glusterd-sock=", "secure-mgmt="];
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
    else if (option.startsWith("timeout=")) {
      const seconds = strtol(option.slice("timeout=".length));
      if (seconds === null || seconds <= 0) return { kind: "invalid-timeout" };
      timeoutSeconds = seconds;
    } else if (INFORMATIONAL_OPTIONS.includes(option)) return { kind: "not-emulated", option: arg };
    else if (!IGNORED_OPTIONS.includes(option) && !IGNORED_OPTION_PREFIXES.some((p) => option.startsWith(p)))
      return { kind: "unrecognized-option", option };
  }
  return { kind: "words", words, xml, timeoutSeconds };
}

/**
 * C's strtol(text, &end, 10) where `*end` must be the terminating NUL: leading white space and one
 * sign are skipped, then at least one digit and nothing after it ("" and "5s" are refused; " 5" and
 * "+5" are 5). Null when characters are left over.
 */
function strtol(text: string): number | null {
  const match = /^[\t\n\v\f\r ]*([+-]?\d+)$/.exec(text);
  return match ? Number(match[1]) : null;
}
