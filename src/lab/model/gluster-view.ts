// What the `gluster` CLI on one node can see of the pool at this moment.

import type { GlusterNodeView, VolumeView } from "../gluster/view.js";
import { timings, type LabCluster } from "./cluster.js";
import { entryList, pendingCount } from "./heal.js";
import type { VolumeState } from "./state.js";

export function glusterViewFrom(cluster: LabCluster, viewer: string): GlusterNodeView {
  cluster.advance();
  const local = cluster.node(viewer);
  const now = cluster.clock.now();
  // glusterd talks to its peers over the private network, like the bricks do.
  const glusterdAnswers = (name: string) =>
    name === viewer ? local.glusterdUp : cluster.node(name).glusterdUp && cluster.privateReachable(viewer, name);
  const others = [...cluster.nodes.values()].filter((n) => n.spec.name !== viewer);
  // The name glusterd knows each peer by: the address it was probed with.
  const known = (name: string) => (cluster.faults.peersByIp ? cluster.node(name).spec.privateAddress : name);
  const volumeView = (volume: VolumeState): VolumeView => {
    const allBricksBack = [...volume.heal.keys()].every((n) => cluster.brickAvailable(n));
    return {
      name: volume.name,
      id: volume.id,
      type: "Replicate",
      status: volume.status,
      // The CLI sends `replica 2 arbiter 1` as replica 3 with one arbiter (glusterfs cli/src/cli-cmd-parser.c cli_cmd_volume_create_parse).
      replicaCount: volume.heal.size,
      ...(volume.arbiterCount > 0 ? { arbiterCount: volume.arbiterCount } : {}),
      options: [
        ...(cluster.faults.serverQuorum ? ([["cluster.server-quorum-type", "server"]] as Array<[string, string]>) : []),
        ["cluster.granular-entry-heal", "on"],
        ["storage.fips-mode-rchecksum", "on"],
        ["transport.address-family", "inet"],
        ...(cluster.gnfsOptionInRecord(viewer) ? ([["nfs.disable", "on"]] as Array<[string, string]>) : []),
        ["performance.client-io-threads", "off"],
      ],
      bricks: [...volume.heal].map(([name, index]) => {
        const node = cluster.node(name);
        const process = volume.brickProcesses?.get(name) ?? { port: node.brickPort, pid: node.brickPid };
        return {
          host: known(name),
          path: volume.brickPath,
          peerUuid: node.spec.glusterUuid,
          port: process.port,
          pid: process.pid,
          online: node.power === "up" && node.brickUp && cluster.serverQuorumMet(name),
          reachable: cluster.brickAvailable(name) && glusterdAnswers(name),
          listed: glusterdAnswers(name),
          entries: entryList(index, cluster.entryNames, allBricksBack && pendingCount(index) > 0),
        };
      }),
      // One self-heal daemon per node serves every volume (glusterd-shd-svc.c, shd multiplexing): the same pid in each status.
      selfHealDaemons: [...cluster.nodes.values()].map((node) => ({
        host: node.spec.name === viewer ? "localhost" : known(node.spec.name),
        peerUuid: node.spec.glusterUuid,
        pid: node.shdPid,
        online: cluster.shdRuns(node.spec.name),
        listed: glusterdAnswers(node.spec.name),
      })),
      lockedByAnotherCommand: cluster.glusterVolumeLocked(volume.name),
      statusHangs: cluster.faults.volumeStatusHangs,
      healInfoDelayMs: cluster.faults.healInfoDelayMs,
    };
  };

  return {
    localHost: viewer,
    localUuid: local.spec.glusterUuid,
    glusterdUp: local.power === "up" && local.glusterdUp,
    peers: others.map((node) => {
      const name = node.spec.name;
      // A peer that lost power keeps reading Connected until glusterd's ping timeout fires.
      const stale = node.downSince !== null && now - node.downSince < timings.peerStaleAfterDown;
      const rejected = cluster.rejectedPeer !== null && (cluster.rejectedPeer === name || cluster.rejectedPeer === viewer);
      return {
        hostname: known(name),
        uuid: node.spec.glusterUuid,
        connected: glusterdAnswers(name) || stale,
        state: rejected ? "Peer Rejected" : "Peer in Cluster",
      };
    }),
    volumes: cluster.volumes.map(volumeView),
    opVersion: cluster.glusterOpVersion,
    // glusterfs xlators/mgmt/glusterd/src/glusterd-utils.c glusterd_get_global_max_op_version: a mgmt_v3 round over the connected peers, the lowest answer.
    maxOpVersion: Math.min(
      ...[...cluster.nodes.values()]
        .filter((n) => glusterdAnswers(n.spec.name))
        .map((n) => cluster.profileOf(n.spec.name).glusterMaxOpVersion),
    ),
  };
}
