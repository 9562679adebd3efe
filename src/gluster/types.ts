// What rollgate reads out of the `gluster` CLI. Every number that gluster could not
// produce (a `-`, a missing element, a malformed document) is `null`: unknown, never zero.

/** A parse either yields a value or says, in words a sysadmin can act on, what it saw instead. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

export interface BrickRef {
  /** As gluster prints it: `host:/path`. */
  name: string;
  host: string;
  path: string;
}

export interface VolumeInfo {
  name: string;
  /** `Replicate`, `Distributed-Replicate`, `Distribute`, `Disperse`, ... as printed. */
  type: string;
  /** `Started`, `Stopped`, `Created`. */
  status: string;
  bricks: Array<BrickRef & { arbiter: boolean }>;
  options: Record<string, string>;
}

export interface BrickProcessStatus extends BrickRef {
  peerId: string | null;
  online: boolean;
  pid: number | null;
  port: number | null;
}

export interface SelfHealDaemonStatus {
  /** `localhost` or the peer's hostname, as `volume status` prints it. */
  host: string;
  peerId: string | null;
  online: boolean;
  pid: number | null;
}

export interface VolumeStatus {
  volume: string;
  /** Only the bricks gluster reported: a node whose glusterd is unreachable is simply absent. */
  bricks: BrickProcessStatus[];
  selfHealDaemons: SelfHealDaemonStatus[];
}

export interface HealBrick extends BrickRef {
  /** `Connected`, or the error text gluster printed (e.g. `Transport endpoint is not connected`). */
  status: string;
  connected: boolean;
  /** Entries pending heal on this brick; null when gluster printed `-` or no count. */
  entries: number | null;
  /** Entries reported in split-brain; null when the output form cannot tell (XML `info`) or gluster printed `-`. */
  splitBrain: number | null;
  /** The first few entry paths, for messages (`/images/100/vm-100-disk-0.raw`). */
  sample: string[];
}

export interface HealInfo {
  bricks: HealBrick[];
}

export interface Peer {
  uuid: string;
  hostname: string;
  /** `Peer in Cluster`, `Peer Rejected`, ... */
  state: string;
  connected: boolean;
}

export interface PeerStatus {
  peers: Peer[];
}

/** One row of `gluster pool list`: the peers plus the local node, which gluster calls `localhost`. */
export interface PoolMember {
  uuid: string;
  hostname: string;
  connected: boolean;
  /** `Peer in Cluster`, ...; null where gluster does not print it (text `pool list`, and `localhost` in the XML). */
  state: string | null;
}

export interface PoolList {
  members: PoolMember[];
}

/** `gluster volume heal VOL statistics heal-count`: cheaper than heal info, and cruder. */
export interface HealCount {
  volume: string;
  /** Null when gluster printed `No gathered input for this brick` (brick unreachable). */
  bricks: Array<BrickRef & { entries: number | null }>;
}

/** What a `gluster` invocation left behind, for the error checks every parser shares. */
export interface GlusterInvocation {
  stdout: string;
  stderr: string;
  exitCode: number;
}
