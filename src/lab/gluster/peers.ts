// `gluster peer status [--xml]` and `gluster pool list [--xml]`
// (cli-rpc-ops.c gf_cli_output_peer_status / gf_cli_output_pool_list, cli-xml-output.c cli_xml_output_peer_status).

import { cliOutput, opResult } from "./cli-xml.js";
import { commandUsage } from "./messages.js";
import { commandResult, lines } from "./result.js";
import type { GlusterCommandResult, GlusterNodeView } from "./view.js";
import { element, textElement, xmlDocument, type XmlElement } from "./xml.js";

/** glusterd-sm.c glusterd_friend_sm_state_names: the XML gives the index as `<state>`. */
const FRIEND_STATES = [
  "Establishing Connection",
  "Probe Sent to Peer",
  "Probe Received from Peer",
  "Peer in Cluster",
  "Accepted peer request",
  "Sent and Received peer request",
  "Peer Rejected",
  "Peer detach in progress",
  "Probe Received from peer",
  "Connected to Peer",
  "Peer is connected and Accepted",
  "Invalid State",
];

interface PoolMember {
  uuid: string;
  hostname: string;
  connected: boolean;
  /** Absent for the local node, which glusterd adds to `pool list` without a friend state. */
  state?: string;
}

function poolMembers(view: GlusterNodeView, withLocal: boolean): PoolMember[] {
  const peers = view.peers.map(({ uuid, hostname, connected, state }) => ({ uuid, hostname, connected, state }));
  return withLocal ? [...peers, { uuid: view.localUuid, hostname: "localhost", connected: true }] : peers;
}

export function peerStatus(view: GlusterNodeView, words: readonly string[], xml: boolean): GlusterCommandResult {
  if (words.length !== 2) return commandResult({ stderr: commandUsage("peer status"), exitCode: 1 });
  const members = poolMembers(view, false);
  if (xml) return commandResult({ stdout: () => poolXml(members), exitCode: 0 });
  return commandResult({
    stdout: () =>
      lines(
        `Number of Peers: ${members.length}`,
        ...members.map((m) => `\nHostname: ${m.hostname}\nUuid: ${m.uuid}\nState: ${m.state} (${connection(m)})`),
      ),
    exitCode: 0,
  });
}

export function poolList(view: GlusterNodeView, words: readonly string[], xml: boolean): GlusterCommandResult {
  if (words.length !== 2) return commandResult({ stderr: commandUsage("pool list"), exitCode: 1 });
  const members = poolMembers(view, true);
  if (xml) return commandResult({ stdout: () => poolXml(members), exitCode: 0 });
  // The Hostname column is as wide as the longest name, at least 8.
  const width = Math.max(8, ...members.map((m) => m.hostname.length));
  return commandResult({
    stdout: () =>
      lines(
        `UUID\t\t\t\t\t${"Hostname".padEnd(width)}\tState`,
        ...members.map((m) => `${m.uuid}\t${m.hostname.padEnd(width)}\t${connection(m)} `),
      ),
    exitCode: 0,
  });
}

function connection(member: PoolMember): string {
  return member.connected ? "Connected" : "Disconnected";
}

function poolXml(members: readonly PoolMember[]): Generator<string> {
  return xmlDocument(cliOutput([...opResult(0, 0), element("peerStatus", members.map(memberXml))]));
}

function memberXml(member: PoolMember): XmlElement {
  const identity = [textElement("uuid", member.uuid), textElement("hostname", member.hostname)];
  if (member.state === undefined) return element("peer", [...identity, textElement("connected", 1)]);
  const stateId = FRIEND_STATES.indexOf(member.state);
  return element("peer", [
    ...identity,
    element("hostnames", [textElement("hostname", member.hostname)]),
    textElement("connected", member.connected ? 1 : 0),
    textElement("state", stateId === -1 ? FRIEND_STATES.length - 1 : stateId),
    textElement("stateStr", member.state),
  ]);
}
