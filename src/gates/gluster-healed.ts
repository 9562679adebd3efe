// Gluster is healed only when every brick of every volume is online and reachable, every
// self-heal daemon runs, every peer is connected, and every brick reports zero pending entries and
// no split-brain. The brick list comes from `volume info`: `volume status` leaves out the bricks of
// a node whose glusterd does not answer, and heal info prints `-` for a brick it cannot reach.
// A brick process or self-heal daemon that is offline while its glusterd answers, a peer rejected,
// and a split-brain are faults: no wait fixes them (docs/domain/gluster.md, "Heal").

import type { BrickRef, HealBrick } from "../gluster/types.js";
import type { GlusterVolume } from "../observe/state.js";
import { count, listed, unobserved, verdict, type Gate } from "./types.js";

function sampleOf(brick: HealBrick): string {
  return brick.sample.length > 0 ? ` (e.g. ${brick.sample[0]})` : "";
}

/** A brick's log, named after its path with the slashes turned into dashes (glusterfs admin_logging.md). */
const brickLog = (path: string) => `/var/log/glusterfs/bricks/${path.replace(/^\/+/, "").replaceAll("/", "-")}.log`;

/**
 * What a human can choose between to resolve a split-brain, for one file: heal info names a file
 * by its path from the volume root or as `<gfid:…>`, which the split-brain commands take as
 * `gfid:…` (glusterdocs Troubleshooting/resolving-splitbrain.md).
 */
function splitBrainAdvice(volume: string, listed: string): string {
  const file = listed.replace(/^<(gfid:[0-9a-f-]+)>$/, "$1");
  return (
    `waiting will not resolve it: choose which copy wins, per file, with \`gluster volume heal ${volume} split-brain latest-mtime ${file}\` (the newest), ` +
    `\`… bigger-file ${file}\` (the larger) or \`… source-brick HOST:BRICK ${file}\` (that brick's copy); list them with \`gluster volume heal ${volume} info split-brain\``
  );
}

const byName = <T extends BrickRef>(list: T[]) => new Map(list.map((b) => [b.name, b]));

/**
 * What the bricks whose count is known say, and how many are unknown: "0 entries on 3 bricks",
 * "205 entries pending on 2 of 3 bricks", "0 entries on 2 of 3 bricks (1 unknown)".
 */
function tally(
  known: number[],
  all: number,
  say: { none: (on: string) => string; some: (sum: number, on: string) => string; unknown: string },
): string {
  if (known.length === 0) return `${say.unknown} on ${count(all, "brick")}`;
  const positive = known.filter((n) => n > 0);
  const sum = positive.reduce((a, b) => a + b, 0);
  const text =
    sum > 0
      ? say.some(sum, `${positive.length} of ${all} bricks`)
      : say.none(known.length === all ? count(all, "brick") : `${known.length} of ${all} bricks`);
  return known.length < all ? `${text} (${all - known.length} unknown)` : text;
}

/** "gv0: 0 entries on 3 bricks, no split-brain", or its count-level picture: "gv0: 205 entries pending on 2 of 3 bricks, no split-brain". */
function volumeSummary(volume: GlusterVolume): string {
  const { info, status, heal, splitBrain, name } = volume;
  const all = info.bricks.length;
  const parts: string[] = [];
  if (info.status !== "Started") parts.push(info.status);
  if (!/Replicate|Disperse/.test(info.type)) parts.push(`type ${info.type}`);

  const processes = byName(status.bricks);
  const unlisted = info.bricks.filter((b) => !processes.has(b.name)).length;
  const listedBricks = status.bricks.filter((p) => info.bricks.some((b) => b.name === p.name));
  const offline = listedBricks.filter((p) => !p.online).length;
  const noDaemon = new Set(
    listedBricks.filter((p) => !status.selfHealDaemons.some((d) => d.peerId === p.peerId && d.online)).map((p) => p.host),
  ).size;
  if (unlisted > 0) parts.push(`${count(unlisted, "brick")} not in volume status`);
  if (offline > 0) parts.push(`${count(offline, "brick process", "brick processes")} offline`);
  if (noDaemon > 0) parts.push(`${count(noDaemon, "self-heal daemon")} offline`);

  const healed = byName(heal.bricks);
  const entries = info.bricks.flatMap((b) => {
    const h = healed.get(b.name);
    return h?.connected && h.entries !== null ? [h.entries] : [];
  });
  parts.push(
    tally(entries, all, {
      none: (on) => `0 entries on ${on}`,
      some: (sum, on) => `${sum} entries pending on ${on}`,
      unknown: "entries unknown",
    }),
  );
  const split = byName(splitBrain.bricks);
  const splits = info.bricks.flatMap((b) => {
    const s = split.get(b.name);
    return s?.connected && s.splitBrain !== null ? [s.splitBrain] : [];
  });
  parts.push(
    tally(splits, all, {
      none: (on) => (on === count(all, "brick") ? "no split-brain" : `no split-brain on ${on}`),
      some: (sum, on) => `${sum} entries in split-brain on ${on}`,
      unknown: "split-brain unknown",
    }),
  );
  const strangers = heal.bricks.filter((h) => !info.bricks.some((b) => b.name === h.name)).length;
  if (strangers > 0) parts.push(`${count(strangers, "brick")} in heal info but not in volume info`);
  return `${name}: ${parts.join(", ")}`;
}

interface Findings {
  reasons: string[];
  faults: string[];
  checked: string[];
}

function volumeFindings(volume: GlusterVolume, metrics: Record<string, number | null>): Findings {
  const reasons: string[] = [];
  const faults: string[] = [];
  const checked: string[] = [];
  const { info, status, heal, splitBrain, name } = volume;
  if (info.status !== "Started")
    reasons.push(
      `volume ${name} is ${info.status}, not Started: start it (gluster volume start ${name}) or remove it from gluster.volumes`,
    );
  if (!/Replicate|Disperse/.test(info.type))
    reasons.push(`volume ${name} is of type ${info.type}: rollgate can only prove replicated volumes healed`);

  const statusBricks = byName(status.bricks);
  const healBricks = byName(heal.bricks);
  const splitBricks = byName(splitBrain.bricks);

  for (const brick of info.bricks) {
    const key = `${name} ${brick.name}`;
    const processStatus = statusBricks.get(brick.name);
    if (!processStatus) {
      reasons.push(
        `${brick.name}: not listed by \`gluster volume status ${name}\` (its node's glusterd does not answer ${volume.from}): start glusterd on ${brick.host}`,
      );
    } else if (!processStatus.online) {
      faults.push(
        `${brick.name}: brick process is offline although glusterd on ${brick.host} answers: find why in ${brickLog(brick.path)} on ${brick.host} (\`gluster volume status ${name}\`), then \`gluster volume start ${name} force\` restarts it`,
      );
    }
    const daemon = processStatus?.peerId ? status.selfHealDaemons.find((d) => d.peerId === processStatus.peerId) : undefined;
    const shdAdvice = `look in /var/log/glusterfs/glustershd.log on ${brick.host}; \`gluster volume start ${name} force\` restarts it`;
    if (processStatus && !daemon)
      faults.push(`${brick.name}: no self-heal daemon listed for ${brick.host}: heals to and from it cannot run: ${shdAdvice}`);
    else if (daemon && !daemon.online)
      faults.push(`${brick.name}: the self-heal daemon on ${brick.host} is offline: heals to and from it cannot run: ${shdAdvice}`);

    const healed = healBricks.get(brick.name);
    if (!healed) {
      metrics[key] = null;
      reasons.push(`${brick.name}: missing from \`gluster volume heal ${name} info\`: its state is unknown`);
      continue;
    }
    metrics[key] = healed.entries;
    if (!healed.connected) {
      reasons.push(`${brick.name}: not reachable from ${volume.from} (${healed.status}); entries unknown`);
    } else if (healed.entries === null) {
      reasons.push(`${brick.name}: gluster printed no entry count; state unknown`);
    } else if (healed.entries > 0) {
      reasons.push(
        `${brick.name}: ${healed.entries} entries pending${sampleOf(healed)}; wait for the self-heal daemon or run \`gluster volume heal ${name}\``,
      );
    }
    const split = splitBricks.get(brick.name);
    const splitCount = split?.splitBrain ?? null;
    if (!split || !split.connected || splitCount === null) {
      if (healed.connected)
        reasons.push(`${brick.name}: split-brain state unknown (${split ? split.status : "missing from heal info split-brain"})`);
    } else if (splitCount > 0) {
      faults.push(
        `${brick.name}: ${splitCount} entries in split-brain${sampleOf(split)}: ${splitBrainAdvice(name, split.sample[0] ?? "FILE")}`,
      );
    } else if (healed.connected && healed.entries === 0) {
      checked.push(`${brick.name}: online, 0 entries, no split-brain`);
    }
  }
  for (const extra of heal.bricks) {
    if (!info.bricks.some((b) => b.name === extra.name))
      reasons.push(
        `${extra.name}: reported by heal info but not in \`gluster volume info ${name}\`: the volume changed while rollgate read it`,
      );
  }
  return { reasons, faults, checked };
}

export const glusterHealedGate: Gate = {
  name: "gluster-healed",
  title: "Gluster fully healed: every brick and self-heal daemon online, zero entries, no split-brain",
  needs: (config) => (config.gluster.volumes.length > 0 ? ["gluster"] : []),
  evaluate({ config, state }) {
    const reasons: string[] = [];
    const faults: string[] = [];
    const checked: string[] = [];
    const metrics: Record<string, number | null> = {};
    // Volumes with something to say first, so a long list cut short still shows them.
    const unwell: string[] = [];
    const well: string[] = [];
    for (const name of config.gluster.volumes) {
      const volume = state.gluster?.[name];
      if (!volume?.ok) {
        reasons.push(unobserved(`volume ${name}`, volume?.ok === false ? volume.error : undefined));
        unwell.push(`${name}: unknown (volume status not read)`);
        continue;
      }
      const found = volumeFindings(volume.value, metrics);
      reasons.push(...found.reasons);
      faults.push(...found.faults);
      checked.push(...found.checked);
      (found.reasons.length + found.faults.length > 0 ? unwell : well).push(volumeSummary(volume.value));
    }
    // Every node's own view of the pool: a node whose peer status was not read is unknown, not fine.
    const poolNodes = config.gluster.volumes.length > 0 ? config.nodes.map((n) => n.name) : [];
    const peerProblems: string[] = [];
    for (const node of poolNodes) {
      const peers = state.peers?.[node];
      if (!peers?.ok) {
        reasons.push(unobserved(`gluster peer status on ${node}`, peers?.ok === false ? peers.error : undefined));
        peerProblems.push(`${node} not read`);
        continue;
      }
      for (const peer of peers.value.peers) {
        if (!peer.connected) {
          reasons.push(`${node} sees peer ${peer.hostname} as disconnected: its glusterd is down or unreachable`);
          peerProblems.push(`${node} sees ${peer.hostname} disconnected`);
        } else if (peer.state !== "Peer in Cluster") {
          (/Rejected/.test(peer.state) ? faults : reasons).push(
            `${node} sees peer ${peer.hostname} as "${peer.state}": it is not a healthy pool member (after a version change, restart glusterd on it)`,
          );
          peerProblems.push(`${node} sees ${peer.hostname} "${peer.state}"`);
        }
      }
    }
    if (config.gluster.volumes.length === 0) {
      checked.push("no Gluster volumes declared");
      return verdict(this, "no Gluster volumes declared", reasons, checked, metrics, faults);
    }
    const volumes = listed([...unwell, ...well], "; ");
    const summary = peerProblems.length > 0 ? `${volumes}; peers: ${listed(peerProblems)}` : volumes;
    return verdict(this, summary, reasons, checked, metrics, faults);
  },
};
