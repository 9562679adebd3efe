// `gluster volume info [VOL]` as text (glusterfs v10.3 cli-rpc-ops.c, gf_cli_get_volume_cbk): each volume starts
// with a line holding one space, then `Key: value` lines, `Bricks:`, `BrickN: HOST:PATH[ (arbiter)]`, and, when any
// option was set, `Options Reconfigured:` with one `key: value` per line.
import { parseBrickName } from "./fields.js";
import { LineCursor, unexpectedFirstLine } from "./line-cursor.js";
import { fail, parsing, quote } from "./output-error.js";
import type { Parsed, VolumeInfo } from "./types.js";

const COMMAND = "volume info";
const VOLUME_START = " ";
const HEADER_KEYS = ["Volume Name", "Type", "Volume ID", "Status", "Snapshot Count", "Number of Bricks", "Transport-type"] as const;
type HeaderKey = (typeof HEADER_KEYS)[number];
const BRICK_LINE = /^Brick\d+: (.+?)( \(arbiter\))?$/;
/** A thin arbiter is printed after the bricks and is not counted in `Number of Bricks`. */
const THIN_ARBITER_PREFIX = "Thin-arbiter-path: ";

function splitOption(line: string, where: string): [string, string] {
  const colon = line.indexOf(": ");
  if (colon <= 0) fail(`${where}: expected "option: value", gluster printed ${quote(line)}`);
  return [line.slice(0, colon), line.slice(colon + 2)];
}

/** `Number of Bricks: 1 x 3 = 3`, `1 x (2 + 1) = 3`, or just `3` for a plain distribute volume. */
function totalBricks(printed: string, where: string): number {
  const total = /(?:^|= )(\d+)$/.exec(printed)?.[1];
  return total === undefined ? fail(`${where}: cannot read "Number of Bricks: ${printed}"`) : Number(total);
}

function readVolume(lines: LineCursor): VolumeInfo {
  const header = new Map<HeaderKey, string>();
  for (let line = lines.next(); line !== "Bricks:"; line = lines.next()) {
    if (line === undefined) fail(`${COMMAND}: output ends before "Bricks:": output truncated`);
    const [key, value] = splitOption(line, COMMAND);
    const known = HEADER_KEYS.find((headerKey) => headerKey === key);
    if (known === undefined) fail(`${COMMAND}: unexpected line ${quote(line)}`);
    header.set(known, value);
  }
  const name = header.get("Volume Name") ?? fail(`${COMMAND}: a volume without "Volume Name:"`);
  const where = `${COMMAND} ${name}`;
  const volume: VolumeInfo = {
    name,
    type: header.get("Type") ?? fail(`${where}: no "Type:" line`),
    status: header.get("Status") ?? fail(`${where}: no "Status:" line`),
    bricks: [],
    options: {},
  };
  let inOptions = false;
  while (!lines.done && lines.peek() !== VOLUME_START) {
    const line = lines.next() ?? "";
    const brick = BRICK_LINE.exec(line);
    if (inOptions) {
      const [key, value] = splitOption(line, where);
      volume.options[key] = value;
    } else if (brick?.[1] !== undefined) {
      volume.bricks.push({ ...parseBrickName(brick[1], where), arbiter: brick[2] !== undefined });
    } else if (line === "Options Reconfigured:") {
      inOptions = true;
    } else if (!line.startsWith(THIN_ARBITER_PREFIX)) {
      fail(`${where}: unexpected line ${quote(line)}`);
    }
  }
  const expected = totalBricks(header.get("Number of Bricks") ?? fail(`${where}: no "Number of Bricks:"`), where);
  if (volume.bricks.length !== expected) {
    fail(`${where}: gluster announced ${expected} bricks but listed ${volume.bricks.length}: output truncated`);
  }
  return volume;
}

export function parseVolumeInfoText(text: string): Parsed<VolumeInfo[]> {
  return parsing(() => {
    const lines = new LineCursor(text, COMMAND);
    const volumes: VolumeInfo[] = [];
    while (!lines.done) {
      const start = lines.next();
      if (start !== VOLUME_START) fail(unexpectedFirstLine(COMMAND, "Volume Name: VOL", start));
      volumes.push(readVolume(lines));
    }
    if (volumes.length === 0) fail(`${COMMAND} printed nothing`);
    return volumes;
  });
}
