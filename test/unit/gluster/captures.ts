// Every file of the fixture tree, sorted into what gluster command produced it. A file this catalog cannot place
// fails fixtures.test.ts, so a new capture cannot slip past the parsers unread.
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { GlusterInvocation } from "../../../src/gluster/index.js";
import { GLUSTER_FIXTURES, listGlusterFixtures, readGlusterFixture } from "../../helpers/fixtures.js";

export type ParsedKind =
  | "heal-info"
  | "heal-info-xml"
  | "heal-summary"
  | "heal-summary-xml"
  | "heal-split-brain"
  | "heal-split-brain-xml"
  | "volume-status"
  | "volume-status-xml"
  | "volume-info"
  | "volume-info-xml"
  | "peer-status"
  | "peer-status-xml"
  | "pool-list"
  | "pool-list-xml"
  | "heal-trigger"
  | "heal-count";

/** Files rollgate has no reason to parse, and why. */
export type UnparsedKind =
  | "volume mutation (create/start/stop/set): rollgate never changes gluster volumes"
  | "volume status detail: rollgate reads plain volume status"
  | "shell command, not gluster"
  | "capture metadata or log"
  | "stderr of a capture beside it";

export interface Capture {
  file: string;
  kind: ParsedKind;
  run: GlusterInvocation;
}

/** A heal polled to completion: several `heal info` outputs, each after a `===== t=… exit=N` line. */
export interface HealPoll {
  file: string;
  /** heal-poll.tsv, written by the capture script from the same polls. */
  tsv: string;
}

const COMMAND_KINDS: ReadonlyArray<readonly [RegExp, ParsedKind]> = [
  [/^gluster volume heal \S+ info$/, "heal-info"],
  [/^gluster volume heal \S+ info --xml$/, "heal-info-xml"],
  [/^gluster volume heal \S+ info summary$/, "heal-summary"],
  [/^gluster volume heal \S+ info summary --xml$/, "heal-summary-xml"],
  [/^gluster volume heal \S+ info split-brain$/, "heal-split-brain"],
  [/^gluster volume heal \S+ info split-brain --xml$/, "heal-split-brain-xml"],
  [/^gluster volume heal \S+ statistics heal-count$/, "heal-count"],
  [/^gluster volume heal \S+$/, "heal-trigger"],
  [/^gluster volume info( \S+)? --xml$/, "volume-info-xml"],
  [/^gluster volume status \S+ --xml$/, "volume-status-xml"],
  [/^gluster volume status \S+$/, "volume-status"],
  [/^gluster peer status --xml$/, "peer-status-xml"],
  [/^gluster peer status$/, "peer-status"],
  [/^gluster pool list --xml$/, "pool-list-xml"],
  [/^gluster pool list$/, "pool-list"],
];

const MUTATION: UnparsedKind = "volume mutation (create/start/stop/set): rollgate never changes gluster volumes";

/** loopback/ has no index: the kind of each file, by name. healing_N.txt are heal info polls. */
const LOOPBACK_KINDS: Readonly<Record<string, ParsedKind | UnparsedKind>> = {
  "arb_create.txt": MUTATION,
  "arb_group_virt.txt": MUTATION,
  "arb_info.txt": "volume-info",
  "arb_start.txt": MUTATION,
  "arb_status.txt": "volume-status",
  "brickdown_restored_status.txt": "volume-status",
  "brickdown_start_force.txt": MUTATION,
  "brickdown_status.txt": "volume-status",
  "brickdown_status_detail.txt": "volume status detail: rollgate reads plain volume status",
  // Only an excerpt of the XML (two <node> fragments) was kept: a document cut at both ends.
  "brickdown_status_xml.txt": "volume-status-xml",
  "dist_create.txt": MUTATION,
  "dist_heal_info.txt": "heal-info",
  "dist_heal_info_xml.txt": "heal-info-xml",
  "dist_heal_trigger.txt": "heal-trigger",
  // Despite its name, the plain-text `volume status distvol` (a distribute volume has no self-heal daemon).
  "dist_status_xml_shd.txt": "volume-status",
  "gd3down_heal_info.txt": "heal-info",
  "gd3down_status.txt": "volume-status",
  "gd3only_down_heal_info.txt": "heal-info",
  "gd3only_down_status.txt": "volume-status",
  "heal_count.txt": "heal-count",
  "heal_info_created_not_started.txt": "heal-info",
  "heal_info_created_not_started_xml.txt": "heal-info-xml",
  "heal_info_healthy.txt": "heal-info",
  "heal_info_healthy_xml.txt": "heal-info-xml",
  "heal_sb_healthy.txt": "heal-split-brain",
  "heal_sb_healthy_xml.txt": "heal-split-brain-xml",
  "heal_summary_healthy.txt": "heal-summary",
  "heal_summary_healthy_xml.txt": "heal-summary-xml",
  "heal_trigger.txt": "heal-trigger",
  "n3down_heal_count.txt": "heal-count",
  "n3down_heal_info.txt": "heal-info",
  "n3down_heal_info_xml.txt": "heal-info-xml",
  "n3down_heal_trigger.txt": "heal-trigger",
  "n3down_peer_status.txt": "peer-status",
  "n3down_peer_status_xml.txt": "peer-status-xml",
  "n3down_pool_list.txt": "pool-list",
  "n3down_sb.txt": "heal-split-brain",
  "n3down_status.txt": "volume-status",
  "n3down_status_xml.txt": "volume-status-xml",
  "n3down_summary.txt": "heal-summary",
  "n3down_summary_xml.txt": "heal-summary-xml",
  "nonexist_heal_info.txt": "heal-info",
  "nonexist_heal_info_xml.txt": "heal-info-xml",
  "nonexist_status.txt": "volume-status",
  "peer_status.txt": "peer-status",
  "peer_status_n2.txt": "peer-status",
  "peer_status_nopeers.txt": "peer-status",
  "peer_status_nopeers_xml.txt": "peer-status-xml",
  "peer_status_xml.txt": "peer-status-xml",
  "pool_list.txt": "pool-list",
  "pool_list_nopeers.txt": "pool-list",
  "pool_list_xml.txt": "pool-list-xml",
  "rep2_create.txt": MUTATION,
  "restored_heal_info_vmshard.txt": "heal-info",
  "restored_heal_info_vmstore.txt": "heal-info",
  "restored_status.txt": "volume-status",
  "shard_n2down_heal_info.txt": "heal-info",
  "shard_n2down_heal_info_xml.txt": "heal-info-xml",
  "shd_off_trigger.txt": "heal-trigger",
  "status.txt": "volume-status",
  "status_detail.txt": "volume status detail: rollgate reads plain volume status",
  "status_not_started.txt": "volume-status",
  "status_not_started_xml.txt": "volume-status-xml",
  "status_shd.txt": "volume-status",
  "status_xml.txt": "volume-status-xml",
  "stop_sbvol.txt": MUTATION,
  "stopped_heal_info.txt": "heal-info",
  "stopped_heal_info_xml.txt": "heal-info-xml",
  "stopped_heal_summary.txt": "heal-summary",
  "stopped_heal_trigger.txt": "heal-trigger",
  "stopped_status_xml.txt": "volume-status-xml",
  "vol_create.txt": MUTATION,
  "vol_info.txt": "volume-info",
  "vol_start.txt": MUTATION,
};

const PARSED_KINDS: readonly string[] = [...COMMAND_KINDS.map(([, kind]) => kind), "volume-info"];

function isParsedKind(kind: string): kind is ParsedKind {
  return PARSED_KINDS.includes(kind);
}

export interface Catalog {
  captures: Capture[];
  healPolls: HealPoll[];
  unparsed: Array<{ file: string; why: UnparsedKind }>;
  /** Files nobody has classified yet: must stay empty. */
  unknown: string[];
}

/**
 * The capture script appends `[exit=N]` to every loopback file, which holds stdout and stderr together, except to
 * healing_N.txt (a heal polled to completion): those are bare heal info stdout, and heal info exits 0 in every heal
 * state, so 0 is what they exited with.
 */
export function readLoopbackRun(file: string): GlusterInvocation {
  const text = readGlusterFixture(file);
  const annotated = /^([\s\S]*)\[exit=(\d+)\]\n$/.exec(text);
  if (annotated) return { stdout: annotated[1] ?? "", stderr: "", exitCode: Number(annotated[2]) };
  if (/\/healing_\d+\.txt$/.test(file)) return { stdout: text, stderr: "", exitCode: 0 };
  throw new Error(`${file}: no [exit=N] annotation`);
}

/** Numbered folders: pure stdout, `.stderr` beside it when not empty, exit codes in index.tsv. */
function readIndexedRun(folder: string, file: string, exit: string): GlusterInvocation {
  const stderrFile = join(folder, `${file}.stderr`);
  return {
    stdout: readGlusterFixture(join(folder, file)),
    stderr: existsSync(join(GLUSTER_FIXTURES, stderrFile)) ? readGlusterFixture(stderrFile) : "",
    exitCode: Number(exit),
  };
}

export function catalogFixtures(): Catalog {
  const catalog: Catalog = { captures: [], healPolls: [], unparsed: [], unknown: [] };
  const placed = new Set<string>();
  const place = (file: string, kind: ParsedKind | UnparsedKind, run?: GlusterInvocation): void => {
    placed.add(file);
    if (isParsedKind(kind) && run) catalog.captures.push({ file, kind, run });
    else if (!isParsedKind(kind)) catalog.unparsed.push({ file, why: kind });
  };
  const files = listGlusterFixtures();

  for (const index of files.filter((file) => file.endsWith("/index.tsv"))) {
    const folder = index.slice(0, -"/index.tsv".length);
    place(index, "capture metadata or log");
    for (const row of readGlusterFixture(index).trim().split("\n").slice(1)) {
      const [, file = "", , , command = "", exit = ""] = row.split("\t");
      const kind = COMMAND_KINDS.find(([pattern]) => pattern.test(command))?.[1] ?? null;
      const path = join(folder, file);
      if (kind === null) place(path, command.startsWith("gluster") ? MUTATION : "shell command, not gluster");
      else place(path, kind, readIndexedRun(folder, file, exit));
      if (files.includes(`${path}.stderr`)) place(`${path}.stderr`, "stderr of a capture beside it");
    }
  }
  for (const file of files.filter((file) => file.endsWith("/heal-poll.raw.txt"))) {
    const tsv = file.replace(/raw\.txt$/, "tsv");
    catalog.healPolls.push({ file, tsv: readGlusterFixture(tsv) });
    placed.add(file);
    place(tsv, "capture metadata or log");
  }
  for (const file of files.filter((file) => file.startsWith("loopback/"))) {
    const name = file.slice("loopback/".length);
    const kind = /^healing_\d+\.txt$/.test(name) ? "heal-info" : LOOPBACK_KINDS[name];
    if (kind !== undefined) place(file, kind, isParsedKind(kind) ? readLoopbackRun(file) : undefined);
  }
  for (const file of files.filter((file) => /^((arbiter\/)?README\.md|peers-by-ip\/[^/]+\.txt)$/.test(file))) {
    place(file, "capture metadata or log");
  }
  catalog.unknown = files.filter((file) => !placed.has(file));
  return catalog;
}
