// Which heal operation `gluster volume heal …` asks for (cli-cmd-parser.c cli_cmd_volume_heal_options_parse).

export const HEAL_PATTERN =
  "volume heal <VOLNAME> [enable | disable | full |" +
  "statistics [heal-count [replica <HOSTNAME:BRICKNAME>]] |" +
  "info [summary | split-brain] |" +
  "split-brain {bigger-file <FILE> | latest-mtime <FILE> |" +
  "source-brick <HOSTNAME:BRICKNAME> [<FILE>]} |" +
  "granular-entry-heal {enable | disable}]";

export type HealInfoMode = "info" | "summary" | "split-brain";

export type HealRequest =
  | { kind: "index-heal"; volume: string }
  | { kind: "info"; volume: string; mode: HealInfoMode }
  | { kind: "heal-count"; volume: string }
  /** A valid heal command the lab does not answer (full heal, enable, split-brain resolution, …). */
  | { kind: "other" }
  | { kind: "usage-error" };

export function parseHealCommand(words: readonly string[]): HealRequest {
  const [, , volume, op, detail, ...rest] = words;
  if (volume === undefined) return { kind: "usage-error" };
  if (op === undefined) return { kind: "index-heal", volume };
  if (detail === undefined) {
    if (op === "info") return { kind: "info", volume, mode: "info" };
    return ["full", "statistics", "enable", "disable"].includes(op) ? { kind: "other" } : { kind: "usage-error" };
  }
  if (rest.length === 0) {
    if (op === "info" && detail === "summary") return { kind: "info", volume, mode: "summary" };
    if (op === "info" && detail === "split-brain") return { kind: "info", volume, mode: "split-brain" };
    if (op === "statistics" && detail === "heal-count") return { kind: "heal-count", volume };
    if (op === "granular-entry-heal" && (detail === "enable" || detail === "disable")) return { kind: "other" };
    return { kind: "usage-error" };
  }
  const splitBrainResolution = op === "split-brain" && ["bigger-file", "latest-mtime", "source-brick"].includes(detail);
  if (rest.length === 1 && splitBrainResolution) return { kind: "other" };
  const perReplicaCount = op === "statistics" && detail === "heal-count" && rest[0] === "replica";
  if (rest.length === 2 && (perReplicaCount || (op === "split-brain" && detail === "source-brick"))) return { kind: "other" };
  return { kind: "usage-error" };
}
