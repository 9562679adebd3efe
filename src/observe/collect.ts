// Collects exactly the facets asked for, in parallel; a facet that fails is recorded as an error
// in the state (the gates refuse with it), never thrown.

import type { ObserveContext } from "./context.js";
import { readGluster, readPeers } from "./gluster.js";
import { readPackages, readPrivateNetwork, readReach, readServices, readVotes } from "./nodes.js";
import { readGuests, readHa, readPveCluster } from "./pve.js";
import type { ClusterState, Facet } from "./state.js";

export async function collect(ctx: ObserveContext, facets: Iterable<Facet>): Promise<ClusterState> {
  const wanted = new Set(facets);
  const state: ClusterState = { observedAt: new Date().toISOString(), target: ctx.target };
  const readers: Record<Facet, () => Promise<void>> = {
    pve: async () => void (state.pve = await readPveCluster(ctx)),
    votes: async () => void (state.votes = await readVotes(ctx)),
    ssh: async () => void (state.ssh = await readReach(ctx)),
    guests: async () => void (state.guests = await readGuests(ctx)),
    ha: async () => void (state.ha = await readHa(ctx)),
    gluster: async () => {
      [state.gluster, state.peers] = await Promise.all([readGluster(ctx), readPeers(ctx)]);
    },
    services: async () => void (state.services = await readServices(ctx)),
    privateNetwork: async () => void (state.privateNetwork = await readPrivateNetwork(ctx)),
    packages: async () => {
      const entries = await Promise.all(ctx.config.nodes.map(async (n) => [n.name, await readPackages(ctx, n.name)] as const));
      state.packages = Object.fromEntries(entries);
    },
  };
  await Promise.all([...wanted].map((facet) => readers[facet]()));
  return state;
}
