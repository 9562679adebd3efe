// One line per capture saying what a user would notice in the parse result, so that expected.ts can list every
// fixture as a plain table. Errors show the whole message: it is what a sysadmin will read.
import {
  checkGlusterInvocation,
  parseHealCount,
  parseHealInfo,
  parseHealTrigger,
  parsePeerStatusText,
  parsePeerStatusXml,
  parsePoolListText,
  parsePoolListXml,
  parseVolumeInfoText,
  parseVolumeInfoXml,
  parseVolumeStatusText,
  parseVolumeStatusXml,
  type HealBrick,
  type HealCount,
  type HealInfo,
  type HealInfoRequest,
  type Parsed,
  type Peer,
  type PoolList,
  type VolumeInfo,
  type VolumeStatus,
} from "../../../src/gluster/index.js";
import type { Capture, ParsedKind } from "./captures.js";

const unknown = (value: number | null): string => (value === null ? "?" : String(value));

export function summarizeHealBrick(brick: HealBrick): string {
  const counts = `${brick.host} ${unknown(brick.entries)} sb=${unknown(brick.splitBrain)}`;
  return brick.connected ? counts : `${counts} (${brick.status})`;
}

export const summarizeHealInfo = (info: HealInfo): string => info.bricks.map(summarizeHealBrick).join(" | ");

const yesNo = (flag: boolean): string => (flag ? "Y" : "N");

const summarizeVolumeStatus = (status: VolumeStatus): string =>
  `${status.volume}: ` +
  [
    ...status.bricks.map((brick) => `${brick.host} ${yesNo(brick.online)}`),
    ...status.selfHealDaemons.map((daemon) => `shd@${daemon.host} ${yesNo(daemon.online)}`),
  ].join(", ");

const summarizePeers = (peers: readonly Peer[]): string =>
  peers.length === 0
    ? "no peers"
    : peers.map((peer) => `${peer.hostname} ${peer.connected ? "connected" : "disconnected"} "${peer.state}"`).join(", ");

const summarizePool = (pool: PoolList): string =>
  pool.members.map((member) => `${member.hostname} ${member.connected ? "connected" : "disconnected"}`).join(", ");

const summarizeVolumeInfo = (volumes: readonly VolumeInfo[]): string =>
  volumes
    .map(
      (volume) =>
        `${volume.name} ${volume.type} ${volume.status}: ` +
        volume.bricks.map((brick) => `${brick.host}${brick.arbiter ? " (arbiter)" : ""}`).join(", ") +
        `; ${Object.keys(volume.options).length} options`,
    )
    .join(" / ");

const summarizeHealCount = (count: HealCount): string =>
  `${count.volume}: ${count.bricks.map((brick) => `${brick.host} ${unknown(brick.entries)}`).join(", ")}`;

function summarize<T>(parsed: Parsed<T>, describe: (value: T) => string): string {
  return parsed.ok ? describe(parsed.value) : `error: ${parsed.error}`;
}

export const HEAL_REQUESTS: Partial<Record<ParsedKind, HealInfoRequest>> = {
  "heal-info": { kind: "info", format: "text" },
  "heal-info-xml": { kind: "info", format: "xml" },
  "heal-summary": { kind: "summary", format: "text" },
  "heal-summary-xml": { kind: "summary", format: "xml" },
  "heal-split-brain": { kind: "split-brain", format: "text" },
  "heal-split-brain-xml": { kind: "split-brain", format: "xml" },
};

/** Parses stdout alone, as a caller that skipped the exit-status check would. */
export async function summarizeStdout(kind: ParsedKind, stdout: string): Promise<string> {
  const healRequest = HEAL_REQUESTS[kind];
  if (healRequest) return summarize(await parseHealInfo(stdout, healRequest), summarizeHealInfo);
  switch (kind) {
    case "volume-status":
      return summarize(parseVolumeStatusText(stdout), summarizeVolumeStatus);
    case "volume-status-xml":
      return summarize(parseVolumeStatusXml(stdout), summarizeVolumeStatus);
    case "volume-info":
      return summarize(parseVolumeInfoText(stdout), summarizeVolumeInfo);
    case "volume-info-xml":
      return summarize(parseVolumeInfoXml(stdout), summarizeVolumeInfo);
    case "peer-status":
      return summarize(parsePeerStatusText(stdout), (status) => summarizePeers(status.peers));
    case "peer-status-xml":
      return summarize(parsePeerStatusXml(stdout), (status) => summarizePeers(status.peers));
    case "pool-list":
      return summarize(parsePoolListText(stdout), summarizePool);
    case "pool-list-xml":
      return summarize(parsePoolListXml(stdout), summarizePool);
    case "heal-count":
      return summarize(parseHealCount(stdout), summarizeHealCount);
    default:
      throw new Error(`no stdout parser for ${kind}`);
  }
}

/** What rollgate makes of a capture: the invocation check first, then the parser. */
export async function summarizeCapture({ kind, run }: Capture): Promise<string> {
  if (kind === "heal-trigger") return summarize(parseHealTrigger(run), (launch) => `heal launched on ${launch.volume}`);
  const checked = checkGlusterInvocation(run);
  return checked.ok ? summarizeStdout(kind, checked.value) : `error: ${checked.error}`;
}
