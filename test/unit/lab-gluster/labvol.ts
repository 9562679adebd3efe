// The three-node `labvol` pools of the numbered fixture folders, as each captured node saw them.
// Every number below is copied from the captures (volume status, peer status).

import type { ClusterState, NodeSpec, ProcessSpec } from "./views.js";

type Capture = Omit<ClusterState, "nodes" | "processes" | "volume">;

interface Pool {
  nodes: NodeSpec[];
  /** Brick and self-heal daemon processes before node3 was stopped, and after it came back. */
  before: ProcessSpec[];
  after: ProcessSpec[];
  /** How node1 and node3 name their peers. */
  node1Peers: Array<{ node: number; name: string }>;
  node3Peers: Array<{ node: number; name: string }>;
}

const BY_NAME: Pool = {
  nodes: [
    { host: "node1", uuid: "a495121b-9fbd-4b9a-83f9-c78a56507751" },
    { host: "node2", uuid: "3df94155-c3c6-4c88-93cb-428187f1e17d" },
    { host: "node3", uuid: "1664fa04-cab4-46bb-9900-72929403b93c" },
  ],
  before: [
    { brickPort: 60370, brickPid: 16426, shdPid: 16443 },
    { brickPort: 56863, brickPid: 16455, shdPid: 16487 },
    { brickPort: 50888, brickPid: 16454, shdPid: 16498 },
  ],
  after: [
    { brickPort: 60370, brickPid: 16426, shdPid: 16443 },
    { brickPort: 56863, brickPid: 16455, shdPid: 16487 },
    { brickPort: 55452, brickPid: 19675, shdPid: 19692 },
  ],
  node1Peers: [
    { node: 1, name: "node2" },
    { node: 2, name: "node3" },
  ],
  node3Peers: [
    { node: 1, name: "node2" },
    { node: 0, name: "node1" },
  ],
};

// Peers probed by address: node1 knows the others by IP, node3 knows node1 by the name it probed from.
const BY_IP: Pool = {
  nodes: [
    { host: "10.99.0.11", uuid: "99590724-118f-4245-836a-1b3c4aec5ad6" },
    { host: "10.99.0.12", uuid: "c6fe55f2-09d4-427e-ab6d-1a619018ab57" },
    { host: "10.99.0.13", uuid: "34f0d1d6-e262-4a15-8cc9-544c8b50b976" },
  ],
  before: [
    { brickPort: 54601, brickPid: 29816, shdPid: 29833 },
    { brickPort: 52824, brickPid: 29844, shdPid: 29888 },
    { brickPort: 53171, brickPid: 29845, shdPid: 29877 },
  ],
  after: [
    { brickPort: 54601, brickPid: 29816, shdPid: 29833 },
    { brickPort: 52824, brickPid: 29844, shdPid: 29888 },
    { brickPort: 56505, brickPid: 443, shdPid: 475 },
  ],
  node1Peers: [
    { node: 1, name: "10.99.0.12" },
    { node: 2, name: "10.99.0.13" },
  ],
  node3Peers: [
    { node: 1, name: "10.99.0.12" },
    { node: 0, name: "node1" },
  ],
};

/** What each captured node saw, by folder (and, where the pool changed between commands, by file). */
const CAPTURES: Record<string, Record<string, (pool: Pool, file: string) => Capture>> = {
  "1-healthy": {
    node1: (p) => ({ viewer: 0, peers: p.node1Peers }),
  },
  "2-node3-down": {
    node1: (p) => ({ viewer: 0, peers: p.node1Peers, silent: [2] }),
    node3: (p) => ({ viewer: 2, peers: p.node3Peers, glusterdDown: true }),
  },
  "3-node3-back": {
    // Named peers: node1 reached node3's returning brick only from the split-brain listing on
    // (17:55:33.2); the four heal info captures before it still miss it.
    node1: (p, file) => ({
      viewer: 0,
      peers: p.node1Peers,
      unreachable: p === BY_NAME && /^node1\.heal-info(-summary)?\.(txt|xml)$/.test(file) ? [2] : [],
    }),
    node3: (p) => ({ viewer: 2, peers: p.node3Peers }),
  },
  "4-healed": {
    node1: (p) => ({ viewer: 0, peers: p.node1Peers }),
    node3: (p) => ({ viewer: 2, peers: p.node3Peers }),
  },
  "5-ssh": {
    node1: (p) => ({ viewer: 0, peers: p.node1Peers }),
    node2: () => ({ viewer: 1, peers: [] }),
    node3: (p) => ({ viewer: 2, peers: p.node3Peers }),
  },
};

export const NUMBERED_FOLDERS = Object.keys(CAPTURES).flatMap((state) => [state, `peers-by-ip/${state}`]);

export function labvolState(folder: string, node: string, file: string): ClusterState {
  const byIp = folder.startsWith("peers-by-ip/");
  const state = folder.replace("peers-by-ip/", "");
  const pool = byIp ? BY_IP : BY_NAME;
  const capture = CAPTURES[state]?.[node];
  if (!capture) throw new Error(`no view for ${node} in ${folder}`);
  return {
    nodes: pool.nodes,
    processes: state === "1-healthy" || state === "2-node3-down" ? pool.before : pool.after,
    volume: { name: "labvol", id: "5e3f8a2c-1b7d-4c9e-8f0a-2d6b4e8c1a37", brickPath: () => "/srv/gluster/labvol/brick" },
    ...capture(pool, file),
  };
}
