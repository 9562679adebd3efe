// The lab's cluster model, as seen by the `gluster` CLI running on one node.
// The model decides what that node can see (which peers answer, which bricks it can
// reach); the CLI emulation only turns that view into gluster's exact output.

export type HealEntryState = "pending" | "healing" | "split-brain";

export interface HealEntry {
  /** Path inside the volume (`/images/100/vm-100-disk-0.raw`), or `<gfid:UUID>` when the brick cannot resolve it. */
  path: string;
  gfid: string;
  state: HealEntryState;
}

/** A lazily indexed list, so a brick can report a million entries without holding them all. */
export interface HealEntryList {
  readonly count: number;
  at(index: number): HealEntry;
}

export interface BrickView {
  /** Hostname as gluster knows the peer (the `host` in `host:/path`). */
  host: string;
  path: string;
  peerUuid: string;
  port: number;
  pid: number;
  /** The brick process runs. */
  online: boolean;
  /** The local node can reach this brick (process up, its node up, its glusterd answering, network path up). */
  reachable: boolean;
  /** `volume status` lists this brick: its node's glusterd answered the local glusterd. */
  listed: boolean;
  /** Heal index held on this brick (files that other bricks still need). */
  entries: HealEntryList;
}

export interface SelfHealDaemonView {
  host: string;
  peerUuid: string;
  pid: number;
  online: boolean;
  listed: boolean;
}

export interface VolumeView {
  name: string;
  id: string;
  type: "Replicate";
  status: "Started" | "Stopped" | "Created";
  replicaCount: number;
  /** Arbiter bricks per replica set (`replica 3 arbiter 1`: 1); the last brick of each set is the arbiter. Absent: 0. */
  arbiterCount?: number;
  options: Array<[string, string]>;
  bricks: BrickView[];
  selfHealDaemons: SelfHealDaemonView[];
  /** Another command holds glusterd's lock on this volume (its transaction has not ended). */
  lockedByAnotherCommand?: boolean;
  /** `volume status` on it never gets every peer's answer, so the CLI gives up after its timeout. */
  statusHangs?: boolean;
  /** Model ms glfsheal takes before heal info answers. */
  healInfoDelayMs?: number;
}

export interface PeerView {
  hostname: string;
  uuid: string;
  /** As the local glusterd believes (it can lag: a powered-off peer may still read connected). */
  connected: boolean;
  state: string;
}

export interface GlusterNodeView {
  /** Hostname of the node running the command. */
  localHost: string;
  localUuid: string;
  glusterdUp: boolean;
  /** Every other peer of the pool. */
  peers: PeerView[];
  volumes: VolumeView[];
  /** The pool's `cluster.op-version`. */
  opVersion: number;
  /** `cluster.max-op-version`: the lowest GD_OP_VERSION_MAX of this glusterd and the peers it reaches. */
  maxOpVersion: number;
}

export type GlusterEffect =
  | { kind: "heal-trigger"; volume: string }
  /** A transaction took the volume's lock and will not release it before `forMs` (model ms). */
  | { kind: "volume-lock"; volume: string; forMs: number }
  /** `volume set all cluster.op-version N` succeeded. */
  | { kind: "op-version"; to: number };

export interface GlusterCommandResult {
  /** Chunks of stdout, produced lazily so a huge heal info can be streamed. */
  stdout: Iterable<string>;
  stderr: string;
  exitCode: number;
  /** A change the model must apply (a heal trigger only when the command succeeded; a lock as soon as the command starts). */
  effect?: GlusterEffect;
  /** Model ms the command takes before it prints anything. */
  delayMs?: number;
}
