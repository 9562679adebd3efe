// `gluster peer status`, text and --xml (glusterfs v10.3 cli-rpc-ops.c gf_cli_output_peer_status). The local node
// is not listed. A peer that lost power can read `Connected` for minutes: gate on more than this.
import { LineCursor, unexpectedFirstLine } from "./line-cursor.js";
import { fail, parsing, quote } from "./output-error.js";
import { readPeerElements } from "./peer-xml.js";
import type { Parsed, Peer, PeerStatus } from "./types.js";

const COMMAND = "peer status";
const STATE_LINE = /^(.+) \((Connected|Disconnected)\)$/;

function readPeer(lines: LineCursor, index: number): Peer {
  const where = `${COMMAND}: peer ${index}`;
  const separator = lines.next();
  if (separator !== "") fail(`${where}: expected a blank line, gluster printed ${quote(separator ?? "")}`);
  const hostname = lines.field("Hostname: ", where);
  const uuid = lines.field("Uuid: ", `${COMMAND}: peer ${hostname}`);
  const stateText = lines.field("State: ", `${COMMAND}: peer ${hostname}`);
  const [, state, connection] = STATE_LINE.exec(stateText) ?? fail(`${COMMAND}: peer ${hostname}: cannot read "State: ${stateText}"`);
  // A peer known by several addresses lists the others, one per line, until the blank line of the next peer.
  if (lines.peek() === "Other names:") {
    while (!lines.done && lines.peek() !== "") lines.next();
  }
  return { uuid, hostname, state: state ?? "", connected: connection === "Connected" };
}

export function parsePeerStatusText(text: string): Parsed<PeerStatus> {
  return parsing(() => {
    const lines = new LineCursor(text, COMMAND);
    const first = lines.next();
    const announced = /^Number of Peers: (\d+)$/.exec(first ?? "")?.[1];
    if (announced === undefined) fail(unexpectedFirstLine(COMMAND, "Number of Peers: N", first));
    const peers: Peer[] = [];
    while (!lines.done) peers.push(readPeer(lines, peers.length + 1));
    if (peers.length !== Number(announced)) {
      fail(`${COMMAND}: gluster announced ${announced} peers but listed ${peers.length}: output truncated`);
    }
    return { peers };
  });
}

export function parsePeerStatusXml(xml: string): Parsed<PeerStatus> {
  const command = `${COMMAND} --xml`;
  return parsing(() => ({
    peers: readPeerElements(xml, command).map(({ state, ...peer }) => ({
      ...peer,
      state: state ?? fail(`${command}: peer ${peer.hostname} has no <stateStr>`),
    })),
  }));
}
