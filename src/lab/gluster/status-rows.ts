// The processes `volume status` reports, one row (text) or `<node>` (XML) each: the bricks, then the
// self-heal daemons. Each glusterd reports only its own processes, so a node whose glusterd did not
// answer has no row at all; the view marks what was reported with `listed`.

import type { GlusterNodeView, VolumeView } from "./view.js";
import { brickName, isLocalDaemon, selfHealDaemonsLocalFirst } from "./volumes.js";
import { element, textElement, type XmlElement } from "./xml.js";

/** cli.h CLI_VOL_STATUS_BRICK_LEN. */
export const NAME_WIDTH = 43;

/** One `<node>` / one row: a brick or a self-heal daemon. */
export interface ProcessRow {
  label: string;
  hostname: string;
  path: string;
  peerid: string;
  online: boolean;
  /** 0 for daemons without a port. */
  port: number;
  pid: number;
}

export function processRows(view: GlusterNodeView, volume: VolumeView, shdOnly: boolean): ProcessRow[] {
  const bricks: ProcessRow[] = volume.bricks
    .filter((brick) => brick.listed)
    .map((brick) => ({
      label: `Brick ${brickName(brick)}`,
      hostname: brick.host,
      path: brick.path,
      peerid: brick.peerUuid,
      online: brick.online,
      port: brick.port,
      pid: brick.online ? brick.pid : -1,
    }));
  const daemons: ProcessRow[] = selfHealDaemonsLocalFirst(view, volume)
    .filter((daemon) => daemon.listed)
    .map((daemon) => {
      const where = isLocalDaemon(view, daemon) ? "localhost" : daemon.host;
      return {
        label: `Self-heal Daemon on ${where}`,
        hostname: "Self-heal Daemon",
        path: where,
        peerid: daemon.peerUuid,
        online: daemon.online,
        port: 0,
        pid: daemon.online ? daemon.pid : -1,
      };
    });
  return shdOnly ? daemons : [...bricks, ...daemons];
}

/** cli_print_brick_status: names longer than the column are cut into lines of 43 characters. */
export function* rowText(row: ProcessRow): Generator<string> {
  let name = row.label;
  while (name.length > NAME_WIDTH) {
    yield `${name.slice(0, NAME_WIDTH)}\n`;
    name = name.slice(NAME_WIDTH);
  }
  const hasPort = row.online && row.port !== 0;
  const tcp = hasPort ? String(row.port) : "N/A";
  const rdma = hasPort ? "0" : "N/A";
  const pid = row.pid === -1 ? "N/A" : String(row.pid);
  yield `${name.padEnd(NAME_WIDTH + 1)}${tcp.padEnd(10)}${rdma.padEnd(11)}${(row.online ? "Y" : "N").padEnd(8)}${pid.padEnd(5)}\n`;
}

/** cli_xml_output_vol_status_common. */
export function rowXml(row: ProcessRow): XmlElement {
  const port = row.online && row.port !== 0 ? String(row.port) : "N/A";
  return element("node", [
    textElement("hostname", row.hostname),
    textElement("path", row.path),
    textElement("peerid", row.peerid),
    textElement("status", row.online ? 1 : 0),
    textElement("port", port),
    element("ports", [textElement("tcp", port), textElement("rdma", "N/A")]),
    textElement("pid", row.pid),
  ]);
}
