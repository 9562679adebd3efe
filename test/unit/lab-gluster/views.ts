// Building node views for the tests, and recovering a brick's heal entries from a captured output.
// The entries are data the lab model holds (gluster's listing order is not something it can
// derive), so a test takes them from the capture it compares against; everything else in a view
// (names, uuids, ports, pids, which node is down) is written out by hand.

import type {
  BrickView,
  GlusterNodeView,
  HealEntry,
  HealEntryList,
  HealEntryState,
  SelfHealDaemonView,
  VolumeView,
} from "../../../src/lab/gluster/view.js";

export function entryList(entries: readonly HealEntry[]): HealEntryList {
  return {
    count: entries.length,
    at(index) {
      const entry = entries[index];
      if (!entry) throw new RangeError(`no entry ${index}`);
      return entry;
    },
  };
}

export const NO_ENTRIES = entryList([]);

export function syntheticEntries(count: number, state: HealEntryState, tag: string = state): HealEntry[] {
  return Array.from({ length: count }, (_, i) => ({ path: `/${tag}/${i}`, gfid: fakeGfid(`${tag}${i}`), state }));
}

function fakeGfid(seed: string): string {
  const hex = [...seed]
    .map((c) => c.charCodeAt(0).toString(16))
    .join("")
    .padEnd(32, "0")
    .slice(0, 32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const SUFFIXES: Array<[string, HealEntryState]> = [
  [" - Possibly undergoing heal", "healing"],
  [" - Is in split-brain", "split-brain"],
  [" ", "pending"],
];

/** Text `heal info` (or `info split-brain`, whose lines carry no suffix): the entries of each brick section. */
export function entriesFromText(text: string, gfids = new Map<string, string>()): HealEntry[][] {
  return brickSections(text, /^Brick /m).map((section) =>
    section
      .split("\n")
      .slice(1)
      .filter((line) => line !== "" && !line.startsWith("Status: ") && !line.startsWith("Number of entries"))
      .map((line) => {
        const [suffix, state] = SUFFIXES.find(([s]) => line.endsWith(s)) ?? ["", "split-brain" as const];
        const path = line.slice(0, line.length - suffix.length);
        return { path, gfid: gfids.get(path) ?? fakeGfid(path), state };
      }),
  );
}

/** XML `heal info` / `info split-brain`: the `<file>` elements of each brick (the XML carries no state). */
export function entriesFromXml(xml: string, state: HealEntryState = "pending"): HealEntry[][] {
  return brickSections(xml, /^ *<brick /m).map((section) =>
    [...section.matchAll(/<file gfid="([^"]+)">([^<]*)<\/file>/g)].map(([, gfid, path]) => ({
      path: unescapeXml(path!),
      gfid: gfid!,
      state,
    })),
  );
}

export function gfidsFromXml(xml: string): Map<string, string> {
  return new Map(
    entriesFromXml(xml)
      .flat()
      .map((entry) => [entry.path, entry.gfid]),
  );
}

/** `info summary` (text or XML) and `statistics heal-count`: entries that add up to each brick's counts. */
export function entriesFromCounts(text: string): HealEntry[][] {
  const sections = brickSections(text, /^ *<brick |^Brick /m);
  return sections.map((section, brick) => {
    const count = (pattern: RegExp) =>
      Number(
        pattern
          .exec(section)
          ?.slice(1)
          .find((group) => group !== undefined) ?? 0,
      );
    const healing = count(/possibly healing: (\d+)|PossiblyHealing>(\d+)/);
    const splitBrain = count(/in split-brain: (\d+)|InSplitBrain>(\d+)/);
    const pending = count(/heal pending: (\d+)|InHealPending>(\d+)|^Number of entries: (\d+)/m);
    return [
      ...syntheticEntries(pending, "pending", `b${brick}p`),
      ...syntheticEntries(healing, "healing", `b${brick}h`),
      ...syntheticEntries(splitBrain, "split-brain", `b${brick}s`),
    ];
  });
}

function brickSections(text: string, start: RegExp): string[] {
  const flags = start.flags.includes("g") ? start.flags : `${start.flags}g`;
  const starts = [...text.matchAll(new RegExp(start.source, flags))].map((m) => m.index);
  return starts.map((from, i) => text.slice(from, starts[i + 1] ?? text.length));
}

function unescapeXml(text: string): string {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

/**
 * The heal entries a captured output shows, for the command that produced it. A split-brain
 * listing shows only split-brain entries, so the pending ones of the same moment (`alongside`, a
 * heal info XML) are added to prove they are filtered out.
 */
export function entriesSeenIn(args: readonly string[], output: string, alongside = ""): HealEntry[][] {
  const xml = args.includes("--xml");
  if (args.includes("summary") || args.includes("heal-count")) return entriesFromCounts(output);
  if (args.includes("split-brain")) {
    const splitBrain = xml ? entriesFromXml(output, "split-brain") : entriesFromText(output);
    const pending = entriesFromXml(alongside);
    return splitBrain.map((entries, brick) => [...(pending[brick] ?? []), ...entries]);
  }
  if (args.includes("info")) return xml ? entriesFromXml(output) : entriesFromText(output, gfidsFromXml(alongside));
  return [];
}

// ---- generic view pieces -------------------------------------------------------------------------

export interface NodeSpec {
  /** The brick host as the volume names it. */
  host: string;
  uuid: string;
}

export interface ProcessSpec {
  brickPort: number;
  brickPid: number;
  shdPid: number;
}

export interface ClusterState {
  nodes: readonly NodeSpec[];
  processes: readonly ProcessSpec[];
  volume: { name: string; id: string; brickPath: (node: number) => string; options?: Array<[string, string]>; arbiterCount?: number };
  viewer: number;
  /** The viewer's peers, in its peer list order, with the name its glusterd knows them by. */
  peers: ReadonlyArray<{ node: number; name: string }>;
  /** Remote self-heal daemons in the order the viewer's glusterd lists them. */
  shdOrder?: readonly number[];
  /** Nodes whose glusterd does not answer the viewer (node down, or only glusterd down). */
  silent?: readonly number[];
  /** Nodes whose brick process is not running. */
  brickDown?: readonly number[];
  /** Bricks the viewer cannot reach although their node answers. */
  unreachable?: readonly number[];
  /** Nodes whose self-heal daemon is not running. */
  shdDown?: readonly number[];
  status?: VolumeView["status"];
  glusterdDown?: boolean;
}

export function nodeView(state: ClusterState, entries: ReadonlyArray<readonly HealEntry[]> = []): GlusterNodeView {
  const silent = new Set(state.silent ?? []);
  const brickDown = new Set(state.brickDown ?? []);
  const unreachable = new Set(state.unreachable ?? []);
  const shdDown = new Set(state.shdDown ?? []);
  const viewerNode = state.nodes[state.viewer]!;
  const nameFor = (node: number) => state.peers.find((p) => p.node === node)?.name ?? state.nodes[node]!.host;

  const bricks: BrickView[] = state.nodes.map((node, i) => ({
    host: node.host,
    path: state.volume.brickPath(i),
    peerUuid: node.uuid,
    port: state.processes[i]!.brickPort,
    pid: state.processes[i]!.brickPid,
    online: !brickDown.has(i) && !silent.has(i),
    reachable: !silent.has(i) && !brickDown.has(i) && !unreachable.has(i),
    listed: !silent.has(i),
    entries: entryList(entries[i] ?? []),
  }));
  const shdOrder = state.shdOrder ?? state.peers.map((p) => p.node);
  const daemons: SelfHealDaemonView[] = [state.viewer, ...shdOrder].map((i) => ({
    host: i === state.viewer ? "localhost" : nameFor(i),
    peerUuid: state.nodes[i]!.uuid,
    pid: state.processes[i]!.shdPid,
    online: !shdDown.has(i) && !silent.has(i),
    listed: !silent.has(i),
  }));

  return {
    localHost: viewerNode.host,
    localUuid: viewerNode.uuid,
    glusterdUp: !state.glusterdDown,
    peers: state.peers.map(({ node, name }) => ({
      hostname: name,
      uuid: state.nodes[node]!.uuid,
      connected: !silent.has(node),
      state: "Peer in Cluster",
    })),
    volumes: [
      {
        name: state.volume.name,
        id: state.volume.id,
        type: "Replicate",
        status: state.status ?? "Started",
        replicaCount: state.nodes.length,
        ...(state.volume.arbiterCount ? { arbiterCount: state.volume.arbiterCount } : {}),
        options: state.volume.options ?? [],
        bricks,
        selfHealDaemons: daemons,
      },
    ],
    // The captures are of GlusterFS 10.3 pools (GD_OP_VERSION_10_0).
    opVersion: 100000,
    maxOpVersion: 100000,
  };
}
