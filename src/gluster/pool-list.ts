// `gluster pool list`, text and --xml: the peers plus the local node, always last and named `localhost`
// (glusterd_list_friends). Text rows are `UUID\tHOSTNAME\tState ` with the hostname padded, and a trailing space.
import { LineCursor, unexpectedFirstLine } from "./line-cursor.js";
import { fail, parsing, quote } from "./output-error.js";
import { readPeerElements } from "./peer-xml.js";
import type { Parsed, PoolList, PoolMember } from "./types.js";

const COMMAND = "pool list";
const HEADER = /^UUID\t+Hostname *\tState$/;
const LOCAL_NODE = "localhost";

function readRow(line: string): PoolMember {
  const cells = line.split("\t").map((cell) => cell.trim());
  const [uuid, hostname, connection] = cells;
  if (cells.length !== 3 || !uuid || !hostname || (connection !== "Connected" && connection !== "Disconnected")) {
    fail(`${COMMAND}: cannot read the row ${quote(line)}`);
  }
  return { uuid, hostname, connected: connection === "Connected", state: null };
}

/** The local node is always listed, and listed last: without it, the output was cut. */
function checkComplete(members: readonly PoolMember[], command: string): void {
  if (members.at(-1)?.hostname !== LOCAL_NODE) fail(`${command}: the last row is not ${LOCAL_NODE}: output truncated`);
}

export function parsePoolListText(text: string): Parsed<PoolList> {
  return parsing(() => {
    const lines = new LineCursor(text, COMMAND);
    const header = lines.next();
    if (header === undefined || !HEADER.test(header)) fail(unexpectedFirstLine(COMMAND, "UUID Hostname State", header));
    const members: PoolMember[] = [];
    for (let line = lines.next(); line !== undefined; line = lines.next()) members.push(readRow(line));
    checkComplete(members, COMMAND);
    return { members };
  });
}

export function parsePoolListXml(xml: string): Parsed<PoolList> {
  const command = `${COMMAND} --xml`;
  return parsing(() => {
    const members = readPeerElements(xml, command);
    checkComplete(members, command);
    return { members };
  });
}
