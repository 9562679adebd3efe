// The gluster-healed gate fed what the parsers make of mutated real captures (1-healthy, renamed to
// the state factory's nodes): it passes only when the document still says every brick is online
// and connected with 0 entries and no split-brain; any one brick made unhealthy is a refusal.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  parseHealInfo,
  parseVolumeStatusXml,
  type HealInfo,
  type HealInfoRequest,
  type Parsed,
  type VolumeStatus,
} from "../../../src/gluster/index.js";
import { failed, observed, type ClusterState } from "../../../src/observe/state.js";
import { readGlusterFixture } from "../../helpers/fixtures.js";
import { clusterConfig, evaluate, healthyState, NODES, VOLUME } from "../gates/state-factory.js";
import { check, garbage } from "./fuzz.js";
import { anyEdit, applyEdits, brickBlocks } from "./gluster-edits.js";

/** A 1-healthy capture with node1..node3 named pve1..pve3, as the state factory's cluster calls them. */
const capture = (file: string) => readGlusterFixture(`1-healthy/${file}`).replace(/\bnode([123])\b/g, "pve$1");
const BRICKS = NODES.map((node) => `${node}:/srv/gluster/labvol/brick`);

type DocName = "heal-text" | "heal-xml" | "split-text" | "split-xml" | "status-xml";
const DOCS: Record<DocName, string> = {
  "heal-text": capture("node1.heal-info.txt"),
  "heal-xml": capture("node1.heal-info.xml"),
  "split-text": capture("node1.heal-info-split-brain.txt"),
  "split-xml": capture("node1.extra.heal-info-split-brain.xml"),
  "status-xml": capture("node1.volume-status.xml"),
};
const DOC_NAMES = Object.keys(DOCS) as DocName[];
const REQUESTS: Record<Exclude<DocName, "status-xml">, HealInfoRequest> = {
  "heal-text": { kind: "info", format: "text" },
  "heal-xml": { kind: "info", format: "xml" },
  "split-text": { kind: "split-brain", format: "text" },
  "split-xml": { kind: "split-brain", format: "xml" },
};

/** The gate's state with the volume read from these documents (heal info as text or XML). */
async function stateFrom(docs: {
  heal: string;
  healXml: boolean;
  split: string;
  splitXml: boolean;
  status: string;
}): Promise<ClusterState> {
  const state = healthyState();
  const heal = await parseHealInfo(docs.heal, docs.healXml ? REQUESTS["heal-xml"] : REQUESTS["heal-text"]);
  const split = await parseHealInfo(docs.split, docs.splitXml ? REQUESTS["split-xml"] : REQUESTS["split-text"]);
  const status = parseVolumeStatusXml(docs.status);
  const problem = [heal, split, status].find((p): p is { ok: false; error: string } => !p.ok);
  if (problem) {
    state.gluster![VOLUME] = failed(problem.error);
    return state;
  }
  const value = <T>(p: Parsed<T>): T => (p as { ok: true; value: T }).value;
  const seen = state.gluster![VOLUME]!;
  if (!seen.ok) throw new Error("state factory: no volume");
  state.gluster![VOLUME] = observed({
    ...seen.value,
    info: {
      ...seen.value.info,
      bricks: NODES.map((host, i) => ({ name: BRICKS[i]!, host, path: "/srv/gluster/labvol/brick", arbiter: false })),
    },
    status: value<VolumeStatus>(status),
    heal: value<HealInfo>(heal),
    splitBrain: value<HealInfo>(split),
  });
  return state;
}

/** The five documents with `doc` replaced by `text`. */
function documents(doc: DocName, text: string) {
  const pick = (name: DocName) => (name === doc ? text : DOCS[name]);
  const healXml = doc === "heal-xml";
  const splitXml = doc === "split-xml";
  return {
    heal: pick(healXml ? "heal-xml" : "heal-text"),
    healXml,
    split: pick(splitXml ? "split-xml" : "split-text"),
    splitXml,
    status: pick("status-xml"),
  };
}

const CONFIG = clusterConfig();
const gatePasses = async (doc: DocName, text: string) =>
  evaluate("gluster-healed", await stateFrom(documents(doc, text)), { config: CONFIG }).pass;

// ── an oracle of its own: what the document says, read with regular expressions, not the parsers ──

function saysHealthy(doc: DocName, text: string): boolean {
  if (doc === "status-xml") {
    const nodes = text.split(/(?=<node>)/).slice(1);
    return NODES.every((node) => {
      const brick = nodes.filter((n) => n.includes(`<hostname>${node}</hostname>`));
      const peer = /<peerid>([^<]*)<\/peerid>/.exec(brick[0] ?? "")?.[1];
      const daemons = nodes.filter(
        (n) => n.includes("<hostname>Self-heal Daemon</hostname>") && peer && n.includes(`<peerid>${peer}</peerid>`),
      );
      const online = (n: string) => /<status>\s*1\s*<\/status>/.test(n);
      return brick.length > 0 && brick.every(online) && daemons.length > 0 && daemons.every(online);
    });
  }
  const xml = doc.endsWith("xml");
  const { blocks } = brickBlocks(text);
  return BRICKS.every((brick) => {
    const mine = blocks.filter((b) => (xml ? b.includes(`<name>${brick}</name>`) : b.split("\n")[0]?.trim() === `Brick ${brick}`));
    const connected = (b: string) => (xml ? /<status>\s*Connected\s*<\/status>/.test(b) : /^Status: Connected\s*$/m.test(b));
    const zero = (b: string) =>
      xml ? /<numberOfEntries>\s*0+\s*<\/numberOfEntries>/.test(b) : /^Number of entries(?: in split-brain)?: *0+\s*$/m.test(b);
    return mine.length > 0 && mine.every((b) => connected(b) && zero(b));
  });
}

// ── one brick made unhealthy ────────────────────────────────────────────────────────────────────

type Breakage =
  | { kind: "count"; to: string }
  | { kind: "drop-count" }
  | { kind: "drop-block" }
  | { kind: "status"; to: string }
  | { kind: "twin"; count: string; before: boolean };

const badCount = fc.oneof(
  fc.integer({ min: 1, max: 2 ** 31 }).map(String),
  fc.constantFrom("-", "", "abc", "-1", "1e3", "0x1", "NaN", "٣"),
  garbage.filter((g) => !/^\s*0*\s*$/.test(g)),
);
const breakage: fc.Arbitrary<Breakage> = fc.oneof(
  badCount.map((to): Breakage => ({ kind: "count", to })),
  fc.constant<Breakage>({ kind: "drop-count" }),
  fc.constant<Breakage>({ kind: "drop-block" }),
  fc.constantFrom("Transport endpoint is not connected", "Disconnected", "-", "").map((to): Breakage => ({ kind: "status", to })),
  fc.tuple(badCount, fc.boolean()).map(([count, before]): Breakage => ({ kind: "twin", count, before })),
);

/** `doc` with brick `which` broken: its count, its status, its block, or a second block for it that is not healthy. */
function breakBrick(doc: DocName, which: number, b: Breakage): string {
  const text = DOCS[doc];
  if (doc === "status-xml") {
    const nodes = text.split(/(?=<node>)/);
    // Nodes 1-3 are the bricks, 4-6 their self-heal daemons.
    const target = 1 + which + (b.kind === "twin" ? 3 : 0);
    if (b.kind === "drop-block") nodes.splice(target, 1);
    else
      nodes[target] = nodes[target]!.replace(
        /<status>1<\/status>/,
        `<status>${b.kind === "count" || b.kind === "status" ? (b.to === "1" ? "0" : b.to) : "0"}</status>`,
      );
    return nodes.join("");
  }
  const xml = doc.endsWith("xml");
  const { head, blocks } = brickBlocks(text);
  // Every text block ends with the blank line that separates it from the next, so that blocks can move.
  const parts = xml ? blocks : blocks.map((block) => block.replace(/\n*$/, "\n\n"));
  const block = parts[which]!;
  const count = xml ? /<numberOfEntries>0<\/numberOfEntries>/ : /^(Number of entries(?: in split-brain)?: )0$/m;
  const setCount = (to: string) => block.replace(count, xml ? `<numberOfEntries>${to}</numberOfEntries>` : `$1${to}`);
  switch (b.kind) {
    case "count":
      parts[which] = setCount(b.to);
      break;
    case "drop-count":
      parts[which] = block.replace(count, "");
      break;
    case "drop-block":
      parts.splice(which, 1);
      break;
    case "status":
      parts[which] = block.replace(
        xml ? /<status>Connected<\/status>/ : /^Status: Connected$/m,
        xml ? `<status>${b.to}</status>` : `Status: ${b.to}`,
      );
      break;
    case "twin":
      parts.splice(b.before ? which : which + 1, 0, setCount(b.count));
      break;
  }
  return head + parts.join("");
}

describe("gluster-healed over mutated captures", () => {
  it("passes on the healthy captures, and the oracle agrees", async () => {
    for (const doc of DOC_NAMES) {
      expect(saysHealthy(doc, DOCS[doc]), doc).toBe(true);
      const verdict = evaluate("gluster-healed", await stateFrom(documents(doc, DOCS[doc])));
      expect(verdict.reasons, doc).toEqual([]);
      expect(verdict.pass).toBe(true);
    }
  });

  it("refuses when any one brick is made unhealthy", async () => {
    const args = fc.tuple(fc.constantFrom(...DOC_NAMES), fc.nat({ max: NODES.length - 1 }), breakage);
    await check("gluster-healed: one brick broken", 200, args, async ([doc, which, b]) => {
      const text = breakBrick(doc, which, b);
      expect(text).not.toBe(DOCS[doc]);
      expect(saysHealthy(doc, text), `oracle on:\n${text}`).toBe(false);
      expect(await gatePasses(doc, text), `gluster-healed passed on:\n${text}`).toBe(false);
    });
  });

  it("never passes on a mutated document that does not say every brick is healthy", async () => {
    let passes = 0;
    await check("gluster-healed: random mutations", 200, fc.tuple(fc.constantFrom(...DOC_NAMES), anyEdit), async ([doc, e]) => {
      const text = applyEdits(DOCS[doc], e);
      if (!(await gatePasses(doc, text))) return;
      passes += 1;
      expect(saysHealthy(doc, text), `gluster-healed passed on:\n${text}`).toBe(true);
    });
    // Some mutations keep a healthy document (a block moved, a line repeated): the property saw passes too.
    console.log(`fuzz gluster-healed: ${passes} verdicts passed`);
    expect(passes).toBeGreaterThan(0);
  });
});
