// Heal bookkeeping of a replica volume. While a brick is unreachable, every write lands on the
// bricks that are up, and each of them records the file in its heal index (that is what
// `heal info` lists on the surviving bricks). Once every brick is reachable again, the self-heal
// daemons drain the index over time, as real ones do within seconds of the brick reconnecting.

import type { HealEntry, HealEntryList } from "../gluster/view.js";
import { stableUuid } from "./topology.js";

/** Entries a brick can accumulate: the guests' disk images first, then their shards. */
export class EntryNames {
  constructor(private readonly images: string[]) {}

  at(index: number): { path: string; gfid: string } {
    const image = this.images[index];
    if (image !== undefined) return { path: image, gfid: stableUuid(`gfid:${image}`) };
    const shard = index - this.images.length + 1;
    return { path: `/.shard/${stableUuid("shard-base")}.${shard}`, gfid: stableUuid(`gfid:shard:${shard}`) };
  }
}

export interface BrickHealIndex {
  /** Index of the first entry still pending in the shared entry sequence. */
  offset: number;
  /** Pending entries, fractional so slow rates accumulate. */
  pending: number;
  /** Entries that stay in split-brain until a human resolves them. */
  splitBrain: string[];
  /** Entries the self-heal daemon cannot finish (they read "Possibly undergoing heal" forever). */
  stalledFloor: number;
}

export function emptyIndex(): BrickHealIndex {
  return { offset: 0, pending: 0, splitBrain: [], stalledFloor: 0 };
}

export function pendingCount(index: BrickHealIndex): number {
  return Math.floor(index.pending) + index.splitBrain.length;
}

/** Adds `amount` entries written while some other brick was unreachable. */
export function recordWrites(index: BrickHealIndex, amount: number): void {
  index.pending += amount;
}

/** Drains up to `amount` entries, never below the stalled floor. */
export function drain(index: BrickHealIndex, amount: number): void {
  const drainable = Math.max(0, index.pending - index.stalledFloor);
  const drained = Math.min(drainable, amount);
  const before = Math.floor(index.pending);
  index.pending -= drained;
  index.offset += before - Math.floor(index.pending);
  if (index.pending < 1e-9) index.pending = 0;
}

/** The brick's heal index as gluster lists it: split-brain entries first, then pending ones. */
export function entryList(index: BrickHealIndex, names: EntryNames, healing: boolean): HealEntryList {
  const pending = Math.floor(index.pending);
  const splitBrain = index.splitBrain;
  return {
    count: splitBrain.length + pending,
    at(i: number): HealEntry {
      const split = splitBrain[i];
      if (split !== undefined) return { path: split, gfid: stableUuid(`gfid:${split}`), state: "split-brain" };
      const position = i - splitBrain.length;
      const name = names.at(index.offset + position);
      // The self-heal daemon holds a lock on the entries it is working on: the first few while
      // draining, and all of them when the heal has stalled.
      const underHeal = healing && (position < 2 || index.pending <= index.stalledFloor);
      return { ...name, state: underHeal ? "healing" : "pending" };
    },
  };
}
