// Whether Gluster's heal entries go down from one `check --nagios` to the next. A monitor runs
// the check as one process every few minutes, so what the last run saw is kept in a small state
// file (heal-trend-file.ts); this decides, from it and what this run sees, whether a heal is stalled:
// a heal that did not finish while the routers depended on it was the outage rollgate exists for
// (docs/domain/monitoring.md, "Heal trend").

import { formatDuration } from "../config/index.js";

/** What is kept of a volume whose heal has entries pending: the only memory between two checks. */
export interface VolumeHealRecord {
  /** Entries pending on all the volume's bricks at the last check. */
  entries: number;
  /** When that total last went down, or was first seen (ISO time). */
  since: string;
}

export interface HealTrendState {
  version: 1;
  /** When the check that wrote it looked. */
  observedAt: string;
  /** Only volumes with entries pending; one that healed, or could not be counted, is left out. */
  volumes: Record<string, VolumeHealRecord>;
}

export type Trend = "first-seen" | "shrinking" | "same" | "growing";

export interface VolumeHealTrend {
  volume: string;
  entries: number;
  trend: Trend;
  /** How long the total has not gone down: since it last did, or since it was first seen. */
  notShrinkingMs: number;
  stalled: boolean;
}

export interface HealTrend {
  /** The volumes with entries pending, every brick counted. */
  volumes: VolumeHealTrend[];
  stalled: boolean;
  /** One clause per volume, for the status line. */
  text: string;
  /** What the next check compares with. */
  next: HealTrendState;
}

/**
 * Heal totals per volume from the gluster-healed verdict's metrics (keyed `volume brick`); null
 * for a volume with a brick it could not count.
 */
function volumeTotals(metrics: Readonly<Record<string, number | null>>): Map<string, number | null> {
  const totals = new Map<string, number | null>();
  for (const [key, entries] of Object.entries(metrics)) {
    const volume = key.split(" ")[0]!;
    const sum = totals.has(volume) ? totals.get(volume)! : 0;
    totals.set(volume, sum === null || entries === null ? null : sum + entries);
  }
  return totals;
}

/**
 * The rules, per volume, on its total over all bricks (the self-heal daemons drain a volume as a
 * whole; one brick may wait while another drains):
 * - no entries: nothing to follow, the volume is forgotten;
 * - a brick not counted: forgotten too, the watch starts again once every brick is counted (as the
 *   upgrade's own heal wait does);
 * - first seen: the trend is unknown until the next check;
 * - lower than at the last check: shrinking, the stall clock starts again;
 * - the same or higher: not shrinking since the last decrease or the first sighting; stalled once
 *   that is `healStallMs` or more. Growing alone is no stall: a brick that just came back gets new
 *   entries while the writes it missed are replayed.
 * A total that goes up and down counts each drop as progress: the monitor pages for a heal that
 * stopped or only grows, not for one that is slow.
 */
export function healTrend(
  previous: HealTrendState | null,
  metrics: Readonly<Record<string, number | null>>,
  now: number,
  healStallMs: number,
): HealTrend {
  const volumes: VolumeHealTrend[] = [];
  const kept: Record<string, VolumeHealRecord> = {};
  for (const [volume, entries] of volumeTotals(metrics)) {
    if (entries === null || entries === 0) continue;
    const last = previous?.volumes[volume];
    const trend: Trend = !last ? "first-seen" : entries < last.entries ? "shrinking" : entries === last.entries ? "same" : "growing";
    const restarts = trend === "first-seen" || trend === "shrinking";
    const since = restarts ? now : Date.parse(last!.since);
    const notShrinkingMs = Math.max(0, now - since);
    volumes.push({ volume, entries, trend, notShrinkingMs, stalled: !restarts && notShrinkingMs >= healStallMs });
    kept[volume] = { entries, since: new Date(since).toISOString() };
  }
  const lastCheck = previous ? ` at the check ${formatDuration(Math.max(0, now - Date.parse(previous.observedAt)))} ago` : "";
  const limit = `(healStall ${formatDuration(healStallMs)})`;
  const clause = (v: VolumeHealTrend): string => {
    const was = previous?.volumes[v.volume]?.entries;
    const notShrinking = `not shrinking for ${formatDuration(v.notShrinkingMs)} ${limit}`;
    if (v.stalled) return `heal stalled on ${v.volume}: ${v.entries} entries, ${notShrinking}`;
    if (v.trend === "first-seen") return `heal on ${v.volume}: trend unknown until the next check`;
    if (v.trend === "shrinking") return `heal on ${v.volume}: shrinking, ${v.entries} from ${was}${lastCheck}`;
    if (v.trend === "growing") return `heal on ${v.volume}: growing, ${v.entries} from ${was}${lastCheck}, ${notShrinking}`;
    return `heal on ${v.volume}: ${notShrinking}`;
  };
  return {
    volumes,
    stalled: volumes.some((v) => v.stalled),
    text: volumes.map(clause).join("; "),
    next: { version: 1, observedAt: new Date(now).toISOString(), volumes: kept },
  };
}
