// `gluster volume get all cluster.op-version | cluster.max-op-version` and `gluster volume set all
// cluster.op-version N`: the pool's operating version, which an upgraded pool keeps until it is
// raised by hand (gluster/glusterdocs docs/Upgrade-Guide/op-version.md). Formats as a real 10.3
// prints them (test/fixtures/op-version); the checks of glusterfs xlators/mgmt/glusterd/src/glusterd-op-sm.c
// glusterd_op_stage_set_volume.

import { cliOutput, opResult } from "./cli-xml.js";
import { commandResult, lines, notEmulated } from "./result.js";
import type { GlusterCommandResult, GlusterNodeView } from "./view.js";
import { element, textElement, xmlDocument } from "./xml.js";

const KEYS = ["cluster.op-version", "cluster.max-op-version"] as const;

// cli/src/cli-rpc-ops.c gf_cli_get_vol_opt_cbk: "%-40s %-39s" for the header, the dashes and each option.
const row = (option: string, value: string) => `${option.padEnd(40)} ${value.padEnd(39)}`;

export function volumeGet(view: GlusterNodeView, words: readonly string[], xml: boolean): GlusterCommandResult {
  const [, , volume, key] = words;
  if (words.length !== 4 || volume !== "all" || !KEYS.includes(key as (typeof KEYS)[number])) return notEmulated(words);
  const value = String(key === "cluster.op-version" ? view.opVersion : view.maxOpVersion);
  if (xml) {
    const opt = element("Opt", [textElement("Option", key!), textElement("Value", value)]);
    return commandResult({
      stdout: () => xmlDocument(cliOutput([...opResult(0, 0), element("volGetopts", [textElement("count", 1), opt])])),
      exitCode: 0,
    });
  }
  return commandResult({ stdout: () => lines(row("Option", "Value"), row("------", "-----"), row(key!, value)), exitCode: 0 });
}

export function volumeSet(view: GlusterNodeView, words: readonly string[], xml: boolean): GlusterCommandResult {
  const [, , volume, key, wanted] = words;
  if (xml || words.length !== 5 || volume !== "all" || key !== "cluster.op-version" || !/^\d+$/.test(wanted ?? ""))
    return notEmulated(words);
  const to = Number(wanted);
  const failed = (why: string) => commandResult({ stderr: `volume set: failed: ${why}\n`, exitCode: 1 });
  if (to <= view.opVersion)
    return failed(`Required op-version (${to}) should not be equal or lower than current cluster op-version (${view.opVersion}).`);
  if (to > view.maxOpVersion)
    return failed(`Required op_version (${to}) is not supported. Max supported op version is ${view.maxOpVersion}`);
  return commandResult({ stdout: () => lines("volume set: success"), exitCode: 0, effect: { kind: "op-version", to } });
}
