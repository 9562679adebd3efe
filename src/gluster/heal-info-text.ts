// `gluster volume heal VOL info [split-brain|summary]` as text, read line by line while it streams.
import { LineSplitter, type OutputChunk } from "./chunks.js";
import { parseBrickName, parseCount } from "./fields.js";
import { type HealKind, type PrintedCount, textCountLabelsAfter, toHealBrick } from "./heal-kinds.js";
import { type EntryState, HealBrickTally } from "./heal-tally.js";
import { unexpectedFirstLine } from "./line-cursor.js";
import { fail, quote } from "./output-error.js";
import type { HealBrick, HealInfo } from "./types.js";

type Expecting =
  | { next: "brick" }
  | { next: "entry-or-status"; tally: HealBrickTally }
  | { next: "count"; tally: HealBrickTally; status: string; labels: readonly string[]; counts: PrintedCount[] }
  | { next: "blank"; brick: HealBrick; countLine: string };

/** Longest first: every entry line ends with a space. */
const ENTRY_SUFFIXES: ReadonlyArray<readonly [string, EntryState]> = [
  [" - Is in split-brain", "split-brain"],
  [" - Possibly undergoing heal", "possibly-healing"],
  [" ", "pending"],
];

/** glfsheal prints this instead of `Brick HOST:PATH` when the volfile names no host or path for a brick. */
const UNNAMED_BRICK = "Brick - Not able to get brick information";
const BRICK_PREFIX = "Brick ";
const STATUS_PREFIX = "Status: ";

export class TextHealInfoReader {
  private readonly bricks: HealBrick[] = [];
  private expecting: Expecting = { next: "brick" };
  private readonly lines = new LineSplitter((line) => this.read(line));

  constructor(private readonly kind: HealKind) {}

  write(chunk: OutputChunk): void {
    this.lines.write(chunk);
  }

  end(): HealInfo {
    const cutLine = this.lines.end();
    if (this.bricks.length === 0 && this.expecting.next === "brick") {
      fail(cutLine.trim() === "" ? `${this.kind.command} printed nothing` : this.notHealInfo(cutLine));
    }
    if (cutLine !== "") fail(`${this.describeTruncation()} (its last line stops mid-way: ${quote(cutLine)})`);
    // The blank line after the last brick carries nothing, and output captured through $(…) loses it.
    if (this.expecting.next === "entry-or-status" || this.expecting.next === "count") fail(this.describeTruncation());
    return { bricks: this.bricks };
  }

  private describeTruncation(): string {
    const { command } = this.kind;
    if (this.expecting.next === "entry-or-status" || this.expecting.next === "count") {
      return `${command} ended before the count line of brick ${this.expecting.tally.ref.name}: output truncated`;
    }
    return `${command} ended in the middle of a line after brick ${this.bricks.at(-1)?.name}: output truncated`;
  }

  private read(line: string): void {
    const expecting = this.expecting;
    switch (expecting.next) {
      case "brick":
        return this.readBrickLine(line);
      case "entry-or-status":
        return this.readEntryOrStatus(expecting.tally, line);
      case "count":
        return this.readCount(expecting, line);
      case "blank":
        if (line !== "") {
          fail(
            `brick ${expecting.brick.name}: expected a blank line after ${quote(expecting.countLine)},` + ` gluster printed ${quote(line)}`,
          );
        }
        this.expecting = { next: "brick" };
    }
  }

  private notHealInfo(line: string): string {
    return unexpectedFirstLine(this.kind.command, "Brick HOST:PATH", line);
  }

  private readBrickLine(line: string): void {
    if (line === UNNAMED_BRICK) fail(`${this.kind.command}: gluster could not name one of the bricks (${quote(line)})`);
    if (!line.startsWith(BRICK_PREFIX)) {
      const previous = this.bricks.at(-1);
      if (previous === undefined) fail(this.notHealInfo(line));
      fail(`${this.kind.command}: expected "Brick HOST:PATH" after brick ${previous.name},` + ` gluster printed ${quote(line)}`);
    }
    const ref = parseBrickName(line.slice(BRICK_PREFIX.length), this.kind.command);
    this.expecting = { next: "entry-or-status", tally: new HealBrickTally(ref) };
  }

  private readEntryOrStatus(tally: HealBrickTally, line: string): void {
    if (line.startsWith(STATUS_PREFIX)) {
      const status = line.slice(STATUS_PREFIX.length);
      const labels = textCountLabelsAfter(this.kind, status);
      this.expecting = { next: "count", tally, status, labels, counts: [] };
      return;
    }
    const [path, state] = this.readEntry(tally, line);
    tally.add(path, state);
  }

  private readEntry(tally: HealBrickTally, line: string): readonly [string, EntryState] {
    const form = this.kind.entries;
    const where = `brick ${tally.ref.name}`;
    if (form === null || line === "") fail(`${where}: unexpected line ${quote(line)} before its Status line`);
    if (form.text === "bare") return [line, form.impliedState];
    for (const [suffix, state] of ENTRY_SUFFIXES) {
      if (line.length > suffix.length && line.endsWith(suffix)) return [line.slice(0, -suffix.length), state];
    }
    return fail(
      `${where}: unexpected line ${quote(line)}: heal info entries end with " ", " - Possibly undergoing heal"` +
        ` or " - Is in split-brain"`,
    );
  }

  private readCount(expecting: Extract<Expecting, { next: "count" }>, line: string): void {
    const { tally, status, labels, counts } = expecting;
    const where = `brick ${tally.ref.name}`;
    const label = labels[counts.length];
    if (label === undefined) throw new Error("heal info: read a count line after the last one");
    if (!line.startsWith(`${label} `)) {
      fail(`${where}: expected ${quote(`${label} N`)}, gluster printed ${quote(line)}`);
    }
    counts.push({ value: parseCount(line.slice(label.length + 1), line, where), printed: line });
    if (counts.length < labels.length) return;
    const brick = toHealBrick(this.kind, { tally, status, counts, identified: true });
    this.bricks.push(brick);
    this.expecting = { next: "blank", brick, countLine: line };
  }
}
