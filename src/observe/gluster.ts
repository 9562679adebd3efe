// Gluster, read over SSH from a node whose glusterd answers (not the target if avoidable):
// volume info (the list of bricks to expect), volume status (processes), heal info and
// split-brain info (streamed: a heal backlog can be millions of entries), and each node's peers.

import {
  createHealInfoParser,
  describeGlusterFailure,
  parsePeerStatusText,
  parsePeerStatusXml,
  parseVolumeInfoText,
  parseVolumeInfoXml,
  parseVolumeStatusText,
  parseVolumeStatusXml,
  type HealInfo,
  type HealInfoKind,
  type HealInfoParser,
  type Parsed,
  type PeerStatus,
} from "../gluster/index.js";
import { readCommand } from "../transport/remote-command.js";
import { vantageNodes, type ObserveContext } from "./context.js";
import { attempt, type GlusterVolume, type Observed } from "./state.js";
import { saidOnce } from "../util/said-once.js";

/** How much of a failed command's stdout is kept to explain the failure. */
const keptForErrors = 4096;

function unwrap<T>(parsed: Parsed<T>, what: string): T {
  if (!parsed.ok) throw new Error(`${what}: ${parsed.error}`);
  return parsed.value;
}

/** XML is asked for; a gluster that answers in text anyway is read with the text parser. */
const isXml = (output: string) => output.trimStart().startsWith("<");

/** Runs a gluster command whose output is one small document, XML preferred. */
export async function glusterXml<T>(
  ctx: ObserveContext,
  node: string,
  args: string[],
  parsers: { xml: (text: string) => Parsed<T>; text: (text: string) => Parsed<T> },
): Promise<T> {
  const argv = ["gluster", ...args, "--xml"];
  const what = `\`${argv.join(" ")}\` on ${node}`;
  const run = await ctx.shell.run(node, readCommand(...argv));
  const failure = describeGlusterFailure({ stdout: run.stdout, stderr: run.stderr, exitCode: run.exitCode ?? -1 });
  if (failure !== null) throw new Error(`${what}: ${failure}`);
  return unwrap(isXml(run.stdout) ? parsers.xml(run.stdout) : parsers.text(run.stdout), what);
}

/** Streams heal info through the parser, keeping only counts and samples in memory. */
async function healInfo(ctx: ObserveContext, node: string, volume: string, kind: HealInfoKind): Promise<HealInfo> {
  const argv = ["gluster", "volume", "heal", volume, "info", ...(kind === "split-brain" ? ["split-brain"] : []), "--xml"];
  const what = `\`${argv.join(" ")}\` on ${node}`;
  const streamed = ctx.shell.stream(node, readCommand(...argv), { timeoutMs: ctx.config.timeouts.heal });
  let head = "";
  let parser: HealInfoParser | null = null;
  for await (const chunk of streamed.stdout) {
    if (head.length < keptForErrors) head += chunk.toString("utf8").slice(0, keptForErrors - head.length);
    // The format is known from the first bytes: XML as asked, or text from a gluster that ignores --xml.
    parser ??= createHealInfoParser({ kind, format: isXml(head) ? "xml" : "text" });
    parser.write(chunk);
  }
  const { exitCode, stderr } = await streamed.done;
  const failure = describeGlusterFailure({ stdout: head, stderr, exitCode: exitCode ?? -1 });
  const parsed: Parsed<HealInfo> = parser ? parser.end() : { ok: false, error: "printed nothing" };
  // gluster's own error (glusterd down, volume stopped) explains more than "not XML".
  if (failure !== null && (!parsed.ok || exitCode !== 0)) throw new Error(`${what}: ${failure}`);
  return unwrap(parsed, what);
}

async function readVolume(ctx: ObserveContext, node: string, name: string): Promise<GlusterVolume> {
  const [infos, status, heal, splitBrain] = await Promise.all([
    glusterXml(ctx, node, ["volume", "info", name], { xml: parseVolumeInfoXml, text: parseVolumeInfoText }),
    glusterXml(ctx, node, ["volume", "status", name], { xml: parseVolumeStatusXml, text: parseVolumeStatusText }),
    healInfo(ctx, node, name, "info"),
    healInfo(ctx, node, name, "split-brain"),
  ]);
  const info = infos.find((v) => v.name === name);
  if (!info) throw new Error(`\`gluster volume info ${name}\` on ${node} did not describe volume ${name}`);
  return { name, from: node, info, status, heal, splitBrain };
}

/**
 * Each volume as seen from the first node that can tell. The next vantage node is asked when one
 * fails, or has not answered within a poll interval: a glusterd that hangs (a peer powered off)
 * must not hold up the answer of one that can tell, and a healthy cluster is asked once, not
 * once per node (heal info crawls the bricks). The down glusterd still shows, as missing bricks
 * and a disconnected peer.
 */
export async function readGluster(ctx: ObserveContext): Promise<Record<string, Observed<GlusterVolume>>> {
  const entries = await Promise.all(ctx.config.gluster.volumes.map(async (name) => [name, await firstAnswer(ctx, name)] as const));
  return Object.fromEntries(entries);
}

/**
 * The first successful read of the volume, asking the vantage nodes in turn (the target last:
 * its answer only when every other node failed); every node's error, in vantage order, if none succeeds.
 */
function firstAnswer(ctx: ObserveContext, name: string): Promise<Observed<GlusterVolume>> {
  const nodes = vantageNodes(ctx);
  return new Promise((resolve) => {
    const errors = new Map<string, string>();
    let targetsView: Observed<GlusterVolume> | null = null;
    let done = false;
    let asked = 0;
    let hedge: ReturnType<typeof setTimeout> | null = null;
    const finish = (answer: Observed<GlusterVolume>) => {
      done = true;
      if (hedge) clearTimeout(hedge);
      resolve(answer);
    };
    const askNext = () => {
      if (done || asked >= nodes.length) return;
      const node = nodes[asked++]!;
      if (hedge) clearTimeout(hedge);
      hedge = setTimeout(askNext, ctx.config.timeouts.poll);
      void attempt(() => readVolume(ctx, node, name)).then((volume) => {
        if (done) return;
        if (volume.ok && node !== ctx.target) return finish(volume);
        if (volume.ok) targetsView = volume;
        else errors.set(node, volume.error);
        if (errors.size + (targetsView ? 1 : 0) === nodes.length)
          return finish(targetsView ?? { ok: false, error: sameOnceFor(nodes, errors) });
        askNext();
      });
    };
    askNext();
  });
}

/** Every node's error, in order, those that differ only in the node said once: "… (the same on pve2, pve3)". */
function sameOnceFor(nodes: string[], errors: Map<string, string>): string {
  return saidOnce(
    nodes.map((node) => ({ text: errors.get(node)!, node, shape: errors.get(node)!.replaceAll(node, "\u0000") })),
    "on",
  ).join("; ");
}

/** Each node's view of the pool, as one promise per node: the caller may act on the first that fails. */
export function readPeersEach(ctx: ObserveContext): Array<[string, Promise<Observed<PeerStatus>>]> {
  if (ctx.config.gluster.volumes.length === 0) return [];
  return ctx.config.nodes.map((n) => [
    n.name,
    attempt(() => glusterXml(ctx, n.name, ["peer", "status"], { xml: parsePeerStatusXml, text: parsePeerStatusText })),
  ]);
}
