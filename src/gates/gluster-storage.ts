// PVE's GlusterFS storage fetches its volfile from `server` (checked with a 2 s TCP ping to 24007)
// and falls back to `server2` only if one is set. Without server2, while the `server` node
// reboots, guests on that storage cannot start or migrate (docs/domain/proxmox-api.md, "PVE's GlusterFS storage"). Refuse to take
// that node down until the storage names a second server.

import type { Config } from "../config/index.js";
import { unobserved, verdict, type Gate } from "./types.js";

/** The cluster.yaml node a storage's server names (by node name, address or private address). */
function nodeNamed(config: Config, server: string): string | null {
  return config.nodes.find((n) => n.name === server || n.address === server || n.privateAddress === server)?.name ?? null;
}

export const glusterStorageGate: Gate = {
  name: "gluster-storage-failover",
  title: "PVE's Gluster storages can reach a volfile server while the node is down",
  needs: (config) => (config.gluster.volumes.length > 0 ? ["storage"] : []),
  evaluate({ config, state, target }) {
    if (config.gluster.volumes.length === 0) return verdict(this, [], ["no Gluster volumes declared"]);
    const storages = state.storage;
    if (!storages?.ok) return verdict(this, [unobserved("storage definitions (API /storage)", storages?.ok === false ? storages.error : undefined)], []);
    const reasons: string[] = [];
    const checked: string[] = [];
    for (const s of storages.value) {
      const servers = [s.server, s.server2].filter((v): v is string => v !== null);
      const onTarget = servers.filter((server) => target !== null && nodeNamed(config, server) === target);
      if (servers.length > 0 && onTarget.length === servers.length) {
        const other = config.nodes.find((n) => n.name !== target)?.name ?? "another node";
        reasons.push(
          `storage ${s.storage} (volume ${s.volume ?? "?"}) fetches its volfile only from ${servers.join(" and ")}, which is ${target}: while it reboots, guests on ${s.storage} cannot start or migrate. Add a second server first: \`pvesm set ${s.storage} --server2 ${other}\``,
        );
      } else checked.push(`storage ${s.storage}: volfile servers ${servers.join(", ") || "none named"}${target ? ` (not only ${target})` : ""}`);
    }
    return verdict(this, reasons, checked);
  },
};
