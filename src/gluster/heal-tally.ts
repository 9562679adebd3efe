import type { BrickRef } from "./types.js";

/** What an entry line says about its entry. The XML forms say nothing (`<file>` has no status). */
export type EntryState = "pending" | "possibly-healing" | "split-brain" | "unknown";

/** Enough entry paths to name a few in a message, few enough that a million-entry brick costs nothing. */
export const SAMPLE_SIZE = 5;

/** Counts one brick's listed entries without keeping them; shared by the text and XML heal info readers. */
export class HealBrickTally {
  private listedCount = 0;
  private splitBrainCount = 0;
  /** Some entry carried no state (the XML forms): then the split-brain count of the list is unknown. */
  private someWithoutState = false;
  private readonly firstPaths: string[] = [];

  constructor(readonly ref: BrickRef) {}

  add(path: string, state: EntryState): void {
    this.listedCount++;
    if (state === "split-brain") this.splitBrainCount++;
    if (state === "unknown") this.someWithoutState = true;
    if (this.firstPaths.length < SAMPLE_SIZE) this.firstPaths.push(path);
  }

  get listed(): number {
    return this.listedCount;
  }

  /** Listed entries marked `Is in split-brain`; null when some entries carried no state. */
  get splitBrainListed(): number | null {
    return this.someWithoutState ? null : this.splitBrainCount;
  }

  get sample(): string[] {
    return [...this.firstPaths];
  }
}
