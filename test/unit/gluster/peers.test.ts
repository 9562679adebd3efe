import { describe, expect, it } from "vitest";
import { parsePeerStatusText, parsePeerStatusXml, parsePoolListText, parsePoolListXml } from "../../../src/gluster/index.js";
import { readGlusterFixture } from "../../helpers/fixtures.js";
import { readLoopbackRun } from "./captures.js";
import { error, value } from "./parsed.js";

const NODE2 = { uuid: "3df94155-c3c6-4c88-93cb-428187f1e17d", hostname: "node2", state: "Peer in Cluster", connected: true };
const NODE3_DOWN = { uuid: "1664fa04-cab4-46bb-9900-72929403b93c", hostname: "node3", state: "Peer in Cluster", connected: false };

describe("peer status", () => {
  it("node3 down: still `Peer in Cluster`, but disconnected (text)", () => {
    expect(value(parsePeerStatusText(readGlusterFixture("2-node3-down/node1.peer-status.txt")))).toEqual({
      peers: [NODE2, NODE3_DOWN],
    });
  });

  it("node3 down: <stateStr> stays `Peer in Cluster`, <connected> says 0 (XML)", () => {
    expect(value(parsePeerStatusXml(readGlusterFixture("2-node3-down/node1.extra.peer-status.xml")))).toEqual({
      peers: [NODE2, NODE3_DOWN],
    });
  });

  it("no peers: `Number of Peers: 0` and <peerStatus/>", () => {
    expect(value(parsePeerStatusText(readLoopbackRun("loopback/peer_status_nopeers.txt").stdout))).toEqual({ peers: [] });
    expect(value(parsePeerStatusXml(readLoopbackRun("loopback/peer_status_nopeers_xml.txt").stdout))).toEqual({ peers: [] });
  });

  it("a peer known by several addresses lists the others under `Other names:`", () => {
    const text =
      "Number of Peers: 2\n\nHostname: pve2\nUuid: b251206a-2470-495d-8289-797c94b9fc4c\n" +
      "State: Peer Rejected (Connected)\nOther names:\n10.10.0.12\n10.0.0.12\n\n" +
      "Hostname: pve3\nUuid: 21eaeb9d-50d3-46b5-be00-9b4c461fb109\nState: Peer in Cluster (Connected)\n";
    expect(value(parsePeerStatusText(text)).peers.map((peer) => [peer.hostname, peer.state, peer.connected])).toEqual([
      ["pve2", "Peer Rejected", true],
      ["pve3", "Peer in Cluster", true],
    ]);
  });

  it.each([
    [
      "fewer peers than announced: output truncated",
      readGlusterFixture("2-node3-down/node1.peer-status.txt").split("\n").slice(0, 5).join("\n") + "\n",
      "peer status: gluster announced 2 peers but listed 1: output truncated",
    ],
    [
      "a peer cut before its state",
      readGlusterFixture("2-node3-down/node1.peer-status.txt").split("\n").slice(0, 8).join("\n") + "\n",
      'peer status: peer node3: output ends before "State: …": output truncated',
    ],
    [
      "a state without connection",
      "Number of Peers: 1\n\nHostname: node2\nUuid: 3df94155-c3c6-4c88-93cb-428187f1e17d\nState: Peer in Cluster\n",
      'peer status: peer node2: cannot read "State: Peer in Cluster"',
    ],
    [
      "glusterd down",
      "Connection failed. Please check if gluster daemon is operational.\n",
      'glusterd on this node is not running (gluster printed "Connection failed. Please check if gluster daemon is operational.")',
    ],
  ])("text: %s is an error", (_case, text, message) => {
    expect(error(parsePeerStatusText(text))).toBe(message);
  });

  it("XML: a peer without <stateStr> (the localhost row of pool list) is an error", () => {
    expect(error(parsePeerStatusXml(readGlusterFixture("2-node3-down/node1.extra.pool-list.xml")))).toBe(
      "peer status --xml: peer localhost has no <stateStr>",
    );
  });
});

describe("pool list", () => {
  it("lists the peers, then the local node as localhost (text)", () => {
    expect(value(parsePoolListText(readGlusterFixture("2-node3-down/node1.pool-list.txt")))).toEqual({
      members: [
        { uuid: NODE2.uuid, hostname: "node2", connected: true, state: null },
        { uuid: NODE3_DOWN.uuid, hostname: "node3", connected: false, state: null },
        { uuid: "a495121b-9fbd-4b9a-83f9-c78a56507751", hostname: "localhost", connected: true, state: null },
      ],
    });
  });

  it("XML: the same, with the peers' state and none for localhost", () => {
    expect(value(parsePoolListXml(readGlusterFixture("2-node3-down/node1.extra.pool-list.xml")))).toEqual({
      members: [
        { uuid: NODE2.uuid, hostname: "node2", connected: true, state: "Peer in Cluster" },
        { uuid: NODE3_DOWN.uuid, hostname: "node3", connected: false, state: "Peer in Cluster" },
        { uuid: "a495121b-9fbd-4b9a-83f9-c78a56507751", hostname: "localhost", connected: true, state: null },
      ],
    });
  });

  it("text without the localhost row: output truncated", () => {
    const text = readGlusterFixture("1-healthy/node1.pool-list.txt").split("\n").slice(0, 3).join("\n") + "\n";
    expect(error(parsePoolListText(text))).toBe("pool list: the last row is not localhost: output truncated");
  });

  it("XML without the localhost row: output truncated", () => {
    const xml = readGlusterFixture("1-healthy/node1.extra.pool-list.xml").replace(/ {4}<peer>\n {6}<uuid>a495[\s\S]*?<\/peer>\n/, "");
    expect(error(parsePoolListXml(xml))).toBe("pool list --xml: the last row is not localhost: output truncated");
  });

  it("text: a row that does not read is an error", () => {
    const text = "UUID\t\t\t\t\tHostname \tState\n3df94155-c3c6-4c88-93cb-428187f1e17d\tnode2    \tMaybe \n";
    expect(error(parsePoolListText(text))).toBe(
      'pool list: cannot read the row "3df94155-c3c6-4c88-93cb-428187f1e17d\\tnode2    \\tMaybe "',
    );
  });
});
