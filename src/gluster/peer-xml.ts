// `gluster peer status --xml` and `gluster pool list --xml` share one shape (cli_xml_output_peer_status).
import { parseFlag } from "./fields.js";
import { childrenNamed, optionalText, readCliOutput, rejectUnknownChildren, requiredChild, requiredText } from "./xml-tree.js";

interface PeerElement {
  uuid: string;
  hostname: string;
  connected: boolean;
  /** `<stateStr>`; absent for the `localhost` row of `pool list`. */
  state: string | null;
}

export function readPeerElements(xml: string, command: string): PeerElement[] {
  const root = readCliOutput(xml, command);
  rejectUnknownChildren(root, ["opRet", "opErrno", "opErrstr", "peerStatus"], command);
  // With no peers gluster writes an empty <peerStatus/>.
  const list = requiredChild(root, "peerStatus", command);
  rejectUnknownChildren(list, ["peer"], command);
  return childrenNamed(list, "peer").map((peer) => {
    rejectUnknownChildren(peer, ["uuid", "hostname", "hostnames", "connected", "state", "stateStr"], command);
    const hostname = requiredText(peer, "hostname", command);
    const where = `${command}: peer ${hostname}`;
    const connected = requiredText(peer, "connected", where);
    return {
      uuid: requiredText(peer, "uuid", where),
      hostname,
      // <stateStr> stays `Peer in Cluster` while the peer is disconnected: only <connected> says so.
      connected: parseFlag(connected, `<connected>${connected}</connected>`, where),
      state: optionalText(peer, "stateStr", where),
    };
  });
}
