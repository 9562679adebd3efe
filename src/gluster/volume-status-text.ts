// `gluster volume status VOL` as text, the fallback when --xml is not available. Layout (glusterfs v10.3
// cli_print_brick_status): the process name padded to 43 columns, a longer name cut into lines of exactly 43
// characters, then `%-10s%-11s%-8c%-5s` for TCP port, RDMA port, online (Y/N) and pid.
import { parseBrickName, parseOptionalNumber } from "./fields.js";
import { LineCursor, unexpectedFirstLine } from "./line-cursor.js";
import { fail, parsing, quote } from "./output-error.js";
import type { Parsed, VolumeStatus } from "./types.js";
import { DAEMON_NAMES, statusNodeKind } from "./volume-status-nodes.js";

const COMMAND = "volume status";
const NAME_COLUMN_WIDTH = 43;
const ROW = /^(.+?)\s+(\d+|N\/A)\s+(\d+|N\/A)\s+([YN])\s+(\d+|N\/A)\s*$/;
const BRICK_PREFIX = "Brick ";
/** The table, like the task section after it, ends with a line holding a single space. */
const TABLE_END = " ";

function addRow(row: string, into: VolumeStatus): void {
  const where = `${COMMAND} ${into.volume}`;
  const [, name = "", port = "", , online, pid = ""] = ROW.exec(row) ?? fail(`${where}: unexpected line ${quote(row)}`);
  const process = { peerId: null, online: online === "Y", pid: parseOptionalNumber(pid, row, where) };
  if (name.startsWith(BRICK_PREFIX)) {
    const ref = parseBrickName(name.slice(BRICK_PREFIX.length), where);
    into.bricks.push({ ...ref, port: parseOptionalNumber(port, row, where), ...process });
    return;
  }
  const daemon = DAEMON_NAMES.find((daemonName) => name.startsWith(`${daemonName} on `));
  if (daemon === undefined) fail(`${where}: ${quote(row)} is neither a brick nor a daemon`);
  if (statusNodeKind(daemon) === "self-heal-daemon") {
    into.selfHealDaemons.push({ host: name.slice(`${daemon} on `.length), ...process });
  }
}

export function parseVolumeStatusText(text: string): Parsed<VolumeStatus> {
  return parsing(() => {
    const lines = new LineCursor(text, COMMAND);
    const title = lines.next();
    const volume = /^Status of volume: (\S+)$/.exec(title ?? "")?.[1] ?? fail(unexpectedFirstLine(COMMAND, "Status of volume: VOL", title));
    const where = `${COMMAND} ${volume}`;
    // `volume status VOL detail` has no such header: it is a different layout, not read here.
    lines.field("Gluster process", where);
    lines.field("---", where);
    const status: VolumeStatus = { volume, bricks: [], selfHealDaemons: [] };
    let wrappedName = "";
    for (let line = lines.next(); line !== TABLE_END; line = lines.next()) {
      if (line === undefined) fail(`${where}: the process table has no end: output truncated`);
      if (ROW.test(wrappedName + line)) {
        addRow(wrappedName + line, status);
        wrappedName = "";
      } else if (line.length === NAME_COLUMN_WIDTH) {
        wrappedName += line;
      } else {
        fail(`${where}: unexpected line ${quote(line)}`);
      }
    }
    for (let line = lines.next(); line !== undefined; line = lines.next()) {
      if (line.startsWith("Status of volume:")) fail(`${COMMAND}: expected one volume, gluster reported several`);
    }
    return status;
  });
}
