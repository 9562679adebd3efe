// `gluster volume heal VOL statistics heal-count`: per-brick counts from the self-heal daemons, without listing
// entries. An unreachable brick reads `No gathered input for this brick`. There is no closing line, so a cut after
// a whole brick cannot be told from the end: compare the bricks with `volume info`.
import { parseBrickName, parseCount } from "./fields.js";
import { LineCursor, unexpectedFirstLine } from "./line-cursor.js";
import { fail, parsing, quote } from "./output-error.js";
import type { HealCount, Parsed } from "./types.js";

const COMMAND = "heal statistics heal-count";
const GATHERED = /^Gathering count of entries to be healed on volume (\S+) has been successful ?$/;
const COUNT_PREFIX = "Number of entries: ";
const NO_INPUT = "No gathered input for this brick";

export function parseHealCount(text: string): Parsed<HealCount> {
  return parsing(() => {
    const lines = new LineCursor(text, COMMAND);
    const first = lines.next();
    const volume = GATHERED.exec(first ?? "")?.[1];
    if (volume === undefined) fail(unexpectedFirstLine(COMMAND, "Gathering count of entries … successful", first));
    const result: HealCount = { volume, bricks: [] };
    while (!lines.done) {
      const separator = lines.next();
      if (separator !== "") fail(`${COMMAND}: expected a blank line, gluster printed ${quote(separator ?? "")}`);
      const ref = parseBrickName(lines.field("Brick ", COMMAND), COMMAND);
      const where = `brick ${ref.name}`;
      const line = lines.next();
      if (line === NO_INPUT) {
        result.bricks.push({ ...ref, entries: null });
      } else if (line?.startsWith(COUNT_PREFIX)) {
        result.bricks.push({ ...ref, entries: parseCount(line.slice(COUNT_PREFIX.length), line, where) });
      } else if (line === undefined) {
        fail(`${where}: output ends before ${quote(`${COUNT_PREFIX}N`)}: output truncated`);
      } else {
        fail(`${where}: expected ${quote(`${COUNT_PREFIX}N`)}, gluster printed ${quote(line)}`);
      }
    }
    if (result.bricks.length === 0) fail(`${COMMAND} ${volume} listed no bricks`);
    return result;
  });
}
