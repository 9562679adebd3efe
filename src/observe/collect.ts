// Collects exactly the facets asked for, in parallel; a facet that fails is recorded as an error
// in the state (the gates refuse with it), never thrown.

import { readAptSources } from "./apt-sources.js";
import type { ObserveContext } from "./context.js";
import { readGluster, readPeersEach } from "./gluster.js";
import { readGlusterRecords } from "./gluster-records.js";
import { readHaConfig } from "./ha-config.js";
import { readDiskSpace, readPve8to9, readRoles } from "./major-upgrade.js";
import { readPermissions } from "./permissions.js";
import { readQemu } from "./qemu.js";
import { readAptUpdate, readGlusterMounts, readPackages, readPrivateNetwork, readReach, readServices, readVotes } from "./nodes.js";
import { readGuestList, readStorage, readGuests, readHa, readMigrationConstraints, readPveCluster } from "./pve.js";
import {
  attempt,
  isUnreachableError,
  type ClusterState,
  type Facet,
  type GlusterVolume,
  type Guest,
  type MigrationConstraints,
  type Observed,
} from "./state.js";
import type { PeerStatus } from "../gluster/index.js";

export interface CollectOptions {
  /** Read the per-node facets (ssh, packages) of these nodes only. */
  nodes?: readonly string[];
}

export async function collect(ctx: ObserveContext, facets: Iterable<Facet>, options: CollectOptions = {}): Promise<ClusterState> {
  const wanted = new Set(facets);
  const perNode = options.nodes ? ctx.config.nodes.filter((n) => options.nodes!.includes(n.name)) : ctx.config.nodes;
  const state: ClusterState = { observedAt: new Date().toISOString(), target: ctx.target };
  // guests and constraints both start from the guest list: read it once per observation.
  let guestList: Promise<Guest[]> | null = null;
  const guests = () => (guestList ??= readGuestList(ctx));
  /** A per-node facet: each asked node read at once, keyed by name. */
  const eachNode = async <T>(read: (ctx: ObserveContext, node: string) => Promise<Observed<T>>): Promise<Record<string, Observed<T>>> =>
    Object.fromEntries(await Promise.all(perNode.map(async (n) => [n.name, await read(ctx, n.name)] as const)));
  const readers: Record<Facet, () => Promise<void>> = {
    pve: async () => void (state.pve = await readPveCluster(ctx)),
    votes: async () => void (state.votes = await readVotes(ctx)),
    ssh: async () =>
      void (state.ssh = await readReach(
        ctx,
        perNode.map((n) => n.name),
      )),
    guests: async () => void (state.guests = await readGuests(ctx, guests())),
    ha: async () => void (state.ha = await readHa(ctx)),
    haConfig: async () => void (state.haConfig = await readHaConfig(ctx)),
    permissions: async () => void (state.permissions = await readPermissions(ctx)),
    storage: async () => void (state.storage = await readStorage(ctx)),
    mounts: async () => void (state.mounts = await readGlusterMounts(ctx)),
    aptUpdate: async () => void (state.aptUpdate = await readAptUpdate(ctx)),
    gluster: async () => {
      [state.gluster, state.peers] = await readGlusterFast(ctx);
    },
    services: async () => void (state.services = await readServices(ctx)),
    privateNetwork: async () => void (state.privateNetwork = await readPrivateNetwork(ctx)),
    packages: async () => void (state.packages = await eachNode(readPackages)),
    aptSources: async () => void (state.aptSources = await eachNode(readAptSources)),
    pve8to9: async () => void (state.pve8to9 = await eachNode(readPve8to9)),
    roles: async () => void (state.roles = await readRoles(ctx)),
    diskSpace: async () => void (state.diskSpace = await eachNode(readDiskSpace)),
    glusterRecords: async () => void (state.glusterRecords = await eachNode(readGlusterRecords)),
    qemu: async () => void (state.qemu = await readQemu(ctx, guests())),
    constraints: async () => {
      state.constraints = await attempt(async () => {
        const running = (await guests()).filter((g) => g.status === "running" && !g.template);
        const answers = await Promise.all(running.map(async (g) => [g.vmid, await readMigrationConstraints(ctx, g)] as const));
        const byVmid: Record<number, MigrationConstraints> = {};
        for (const [vmid, answer] of answers) {
          if (!answer.ok) throw new Error(`migrate precondition of ${vmid}: ${answer.error}`);
          byVmid[vmid] = answer.value;
        }
        return byVmid;
      });
    },
  };
  await Promise.all([...wanted].map((facet) => readers[facet]()));
  return state;
}

/**
 * Gluster's volumes and every node's peers, stopping early on proof of a refusal: a pool node
 * that SSH cannot reach (powered off) proves the volume cannot be shown healed, so the answer
 * does not wait for the other nodes' gluster commands, which hang on the missing peer until
 * their timeout (docs/domain/gluster.md, "Volume status and peers").
 */
async function readGlusterFast(
  ctx: ObserveContext,
): Promise<[Record<string, Observed<GlusterVolume>>, Record<string, Observed<PeerStatus>>]> {
  const peerReads = readPeersEach(ctx);
  const unreachable = new Promise<string>((resolve) => {
    for (const [node, read] of peerReads) {
      void read.then((peers) => {
        if (!peers.ok && isUnreachableError(peers.error))
          resolve(`${node} is unreachable (${unreachableHow(peers.error)}): ${peers.error}`);
      });
    }
  });
  const volumes = await Promise.race([readGluster(ctx), unreachable]);
  const peers = Object.fromEntries(await Promise.all(peerReads.map(async ([node, read]) => [node, await read] as const)));
  if (typeof volumes !== "string") return [volumes, peers];
  const cut: Observed<GlusterVolume> = { ok: false, error: `not read to the end: ${volumes}; its bricks cannot be shown healed` };
  return [Object.fromEntries(ctx.config.gluster.volumes.map((name) => [name, cut])), peers];
}

/**
 * A reset or a refusal is an answer: the node's kernel runs and something (sshd at MaxStartups, a
 * firewall, sshd stopped) turns SSH away. Only silence fits a node powered off or cut off.
 */
function unreachableHow(error: string): string {
  return /ECONNRESET|ECONNREFUSED/.test(error) ? "its SSH resets or refuses connections" : "powered off or network down";
}
