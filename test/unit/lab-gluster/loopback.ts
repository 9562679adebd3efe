// The loopback pool of fixtures/gluster/loopback: three glusterd on 127.1.1.1-3 and the volumes
// vmstore (replica 3), vmshard (replica 3 arbiter 1, group virt) and sbvol (replica 2, stopped).
// Numbers are copied from the captures of each state.

import type { ClusterState, NodeSpec, ProcessSpec } from "./views.js";

const NODES: NodeSpec[] = [
  { host: "127.1.1.1", uuid: "910e85d5-5cec-4f32-ba92-c3fdfd9f363d" },
  { host: "127.1.1.2", uuid: "b251206a-2470-495d-8289-797c94b9fc4c" },
  { host: "127.1.1.3", uuid: "21eaeb9d-50d3-46b5-be00-9b4c461fb109" },
];

const FROM_NODE1 = [
  { node: 1, name: "127.1.1.2" },
  { node: 2, name: "127.1.1.3" },
];

const VMSTORE = {
  name: "vmstore",
  id: "3dc84784-7f9c-4d1e-a34c-6cc486276bf1",
  brickPath: (node: number) => `/data/gl/${node + 1}/bricks/vmstore`,
  options: [
    ["cluster.granular-entry-heal", "on"],
    ["storage.fips-mode-rchecksum", "on"],
    ["transport.address-family", "inet"],
    ["nfs.disable", "on"],
    ["performance.client-io-threads", "off"],
  ] as Array<[string, string]>,
};

const VMSHARD = {
  name: "vmshard",
  id: "968c079f-e4a3-4e37-a36b-d87db5340c8f",
  brickPath: (node: number) => `/data/gl/${node + 1}/bricks/vmshard`,
  arbiterCount: 1,
  options: (
    "cluster.lookup-optimize: off|server.keepalive-count: 5|server.keepalive-interval: 2|server.keepalive-time: 10|" +
    "server.tcp-user-timeout: 20|network.ping-timeout: 20|server.event-threads: 4|client.event-threads: 4|" +
    "cluster.choose-local: off|user.cifs: off|features.shard: on|cluster.shd-wait-qlength: 10000|" +
    "cluster.shd-max-threads: 8|cluster.locking-scheme: granular|cluster.data-self-heal-algorithm: full|" +
    "cluster.server-quorum-type: server|cluster.quorum-type: auto|cluster.eager-lock: enable|" +
    "performance.strict-o-direct: on|network.remote-dio: disable|performance.low-prio-threads: 32|" +
    "performance.io-cache: off|performance.read-ahead: off|performance.quick-read: off|" +
    "cluster.granular-entry-heal: on|storage.fips-mode-rchecksum: on|transport.address-family: inet|" +
    "nfs.disable: on|performance.client-io-threads: on"
  )
    .split("|")
    .map((option) => option.split(": ") as [string, string]),
};

const SBVOL = {
  name: "sbvol",
  id: "0b7c3d52-9e41-4f6a-8c2d-5a1e9f3b7d64",
  brickPath: (node: number) => `/data/gl/${node + 1}/bricks/sbvol`,
  options: [["cluster.self-heal-daemon", "off"]] as Array<[string, string]>,
};

function processes(bricks: Array<[number, number]>, shds: number[]): ProcessSpec[] {
  return bricks.map(([brickPort, brickPid], i) => ({ brickPort, brickPid, shdPid: shds[i]! }));
}

const HEALTHY = processes(
  [
    [55026, 9060],
    [54479, 9089],
    [50258, 9092],
  ],
  [9077, 9132, 9121],
);
const BRICK2_KILLED = processes(
  [
    [55026, 9060],
    [0, 0],
    [59384, 11553],
  ],
  [9077, 11521, 11578],
);
const BRICK2_RESTARTED = processes(
  [
    [55026, 9060],
    [59490, 12843],
    [59384, 11553],
  ],
  [9077, 11521, 11578],
);
const NODE3_GLUSTERD_GONE = processes(
  [
    [53692, 15646],
    [50154, 15662],
    [0, 0],
  ],
  [9077, 12931, 0],
);
const VMSHARD_STARTED = processes(
  [
    [49416, 10949],
    [49383, 10970],
    [51266, 10977],
  ],
  [9077, 9132, 10073],
);
const VMSHARD_RESTORED = processes(
  [
    [56163, 11475],
    [58671, 11468],
    [51659, 11543],
  ],
  [9077, 11521, 11578],
);

const base = { nodes: NODES, viewer: 0, peers: FROM_NODE1 };

export const LOOPBACK = {
  healthy: { ...base, processes: HEALTHY, volume: VMSTORE },
  createdNotStarted: { ...base, processes: HEALTHY, volume: VMSTORE, status: "Created" },
  brickDown: { ...base, processes: BRICK2_KILLED, volume: VMSTORE, brickDown: [1] },
  brickRestored: { ...base, processes: BRICK2_RESTARTED, volume: VMSTORE },
  node3Down: { ...base, processes: HEALTHY, volume: VMSTORE, silent: [2] },
  node3GlusterdDown: { ...base, processes: NODE3_GLUSTERD_GONE, volume: VMSTORE, silent: [2] },
  shdOf2Down: { ...base, processes: HEALTHY, volume: VMSTORE, shdDown: [1] },
  vmshard: { ...base, processes: VMSHARD_STARTED, volume: VMSHARD },
  vmshardNode2Down: { ...base, processes: VMSHARD_STARTED, volume: VMSHARD, silent: [1] },
  vmshardRestored: { ...base, processes: VMSHARD_RESTORED, volume: VMSHARD },
  sbvolStopped: { ...base, nodes: NODES.slice(0, 2), peers: FROM_NODE1.slice(0, 1), processes: HEALTHY, volume: SBVOL, status: "Stopped" },
  sbvolStarted: { ...base, nodes: NODES.slice(0, 2), peers: FROM_NODE1.slice(0, 1), processes: HEALTHY, volume: SBVOL },
  seenFromNode2: {
    ...base,
    processes: HEALTHY,
    volume: VMSTORE,
    viewer: 1,
    peers: [
      { node: 0, name: "127.1.1.1" },
      { node: 2, name: "127.1.1.3" },
    ],
  },
  alone: { ...base, nodes: NODES.slice(0, 1), peers: [], processes: HEALTHY, volume: VMSTORE },
} satisfies Record<string, ClusterState>;
