// The `gluster` command of the lab: the words after `gluster`, and the node's view of the pool, in;
// GlusterFS 10.3's exact output out. Options are read first, then the command words; only a command
// that exists needs glusterd, which is why an unknown word is reported even when glusterd is down.

import { findCommand } from "./command-tree.js";
import { parseArguments } from "./global-options.js";
import { HEAL_PATTERN, parseHealCommand } from "./heal-command.js";
import { healInfo } from "./heal-info.js";
import { healCount, triggerIndexHeal } from "./heal-ops.js";
import { CLI_USAGE, commandUsage, CONNECTION_FAILED } from "./messages.js";
import { volumeGet, volumeSet } from "./op-version.js";
import { peerStatus, poolList } from "./peers.js";
import { commandResult, lines, notEmulated } from "./result.js";
import type { GlusterCommandResult, GlusterNodeView } from "./view.js";
import { volumeInfo, volumeList } from "./volume-info.js";
import { volumeStatus } from "./volume-status.js";

type CommandHandler = (view: GlusterNodeView, words: readonly string[], xml: boolean, timeoutSeconds: number) => GlusterCommandResult;

const HANDLERS: Record<string, CommandHandler> = {
  "volume info": volumeInfo,
  "volume list": (view, _words, xml) => volumeList(view, xml),
  "volume status": volumeStatus,
  "volume heal": volumeHeal,
  "peer status": peerStatus,
  "pool list": poolList,
  "volume get": (view, words, xml) => volumeGet(view, words, xml),
  "volume set": (view, words, xml) => volumeSet(view, words, xml),
};

export function runGluster(args: string[], view: GlusterNodeView): GlusterCommandResult {
  const parsed = parseArguments(args);
  if (parsed.kind === "unrecognized-option") {
    // parse_cmdline fails before main() does anything else: main returns -1.
    return commandResult({ stdout: () => lines(`unrecognized option --${parsed.option}\n`, CLI_USAGE), exitCode: 255 });
  }
  // cli.c cli_opt_parse: a bad `--timeout=` is said on stderr (cli_err) and returns -2, which
  // parse_cmdline passes up and main() returns: exit status 254, no usage.
  if (parsed.kind === "invalid-timeout") return commandResult({ stderr: "timeout value should be a positive integer\n", exitCode: 254 });
  if (parsed.kind === "not-emulated") return notEmulated([parsed.option]);

  const { words, xml, timeoutSeconds } = parsed;
  // Without command words the CLI reads commands from stdin, which is empty here.
  if (words.length === 0) return commandResult({ exitCode: 0 });

  const lookup = findCommand(words);
  if (lookup.kind === "unrecognized-word") {
    return commandResult({
      stdout: () => lines(`unrecognized word: ${lookup.word} (position ${lookup.position})\n`, CLI_USAGE),
      exitCode: 1,
    });
  }
  if (lookup.kind === "unrecognized-command")
    return commandResult({ stdout: () => lines("unrecognized command\n", CLI_USAGE), exitCode: 1 });

  // cli_cmd_process: plain text on stdout even with --xml, exit 1.
  if (!view.glusterdUp) return commandResult({ stdout: () => lines(CONNECTION_FAILED), exitCode: 1 });

  const handler = HANDLERS[lookup.command];
  return handler ? handler(view, words, xml, timeoutSeconds) : notEmulated(words);
}

function volumeHeal(view: GlusterNodeView, words: readonly string[], xml: boolean): GlusterCommandResult {
  const request = parseHealCommand(words);
  switch (request.kind) {
    case "usage-error":
      return commandResult({ stderr: commandUsage(HEAL_PATTERN), exitCode: 1 });
    case "other":
      return notEmulated(words);
    case "index-heal":
      return triggerIndexHeal(view, request.volume);
    case "heal-count":
      return healCount(view, request.volume);
    case "info":
      return healInfo(view, request.volume, request.mode, xml);
  }
}
