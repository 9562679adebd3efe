// While a node reboots, the guests on the Gluster volume must still be able to reach a volfile
// server (docs/domain/proxmox-api.md, "PVE's GlusterFS storage and its volfile server"). PVE 8's
// glusterfs storage asks `server`, falling back to `server2` only if set; PVE 9 has no such storage:
// every node mounts the volume with FUSE from the servers its /etc/fstab names
// (`backup-volfile-servers=`), and uses the mount as dir storage. Either way, the node that is the
// only volfile server of a storage or of another node's mount is not taken down. Found nothing at
// all to check, the gate refuses and says where it looked: it never passes on an empty list.

import type { Config } from "../config/index.js";
import type { GlusterMount } from "../observe/parsers/findmnt.js";
import { listed, unobserved, verdict, type Gate } from "./types.js";

/** The cluster.yaml node a server names (by node name, address or private address); `localhost` is the mounting node. */
function nodeNamed(config: Config, server: string, mountingNode: string | null = null): string | null {
  if (mountingNode && ["localhost", "127.0.0.1", "::1"].includes(server)) return mountingNode;
  return config.nodes.find((n) => n.name === server || n.address === server || n.privateAddress === server)?.name ?? null;
}

function mountFinding(config: Config, node: string, mount: GlusterMount, target: string | null): { reason: string } | { checked: string } {
  const servers = [mount.server, ...mount.backupServers];
  const onlyTarget = target !== null && node !== target && servers.every((s) => nodeNamed(config, s, node) === target);
  if (!onlyTarget) return { checked: `${node} mounts ${mount.volume} from ${servers.join(", ")}${target ? ` (not only ${target})` : ""}` };
  const others = config.nodes.map((n) => n.name).filter((n) => n !== target);
  const fixed = mount.line.replace(
    / (\S+) 0 0$/,
    (_, options: string) =>
      ` ${[...options.split(",").filter((o) => !/^backup-?volfile-servers?=/.test(o)), `backup-volfile-servers=${others.join(":")}`].join(",")} 0 0`,
  );
  return {
    reason: `${node} mounts ${mount.volume} from ${target} only (/etc/fstab: \`${mount.line}\`): while ${target} reboots, ${node} cannot remount it. Name the other servers first, in ${node}'s /etc/fstab: \`${fixed}\``,
  };
}

/** Where a node's mount fetches its volfile, for the summary: "with backup volfile servers", "from pve1 only". */
function mountSource(config: Config, node: string, mount: GlusterMount, target: string | null): string {
  const servers = [mount.server, ...mount.backupServers];
  if (target !== null && node !== target && servers.every((s) => nodeNamed(config, s, node) === target))
    return `from ${target} only, the node going down`;
  return mount.backupServers.length > 0 ? "with backup volfile servers" : `from ${mount.server} only`;
}

export const glusterStorageGate: Gate = {
  name: "gluster-storage-failover",
  title: "PVE's Gluster storages and mounts can reach a volfile server while the node is down",
  needs: (config) => (config.gluster.volumes.length > 0 ? ["storage", "mounts"] : []),
  evaluate({ config, state, target }) {
    if (config.gluster.volumes.length === 0) return verdict(this, "no Gluster volumes declared", [], ["no Gluster volumes declared"]);
    const storages = state.storage;
    if (!storages?.ok)
      return verdict(
        this,
        "storage unknown (API /storage not read)",
        [unobserved("storage definitions (API /storage)", storages?.ok === false ? storages.error : undefined)],
        [],
      );
    const reasons: string[] = [];
    const checked: string[] = [];
    const seen: string[] = [];
    for (const s of storages.value.gluster) {
      const servers = [s.server, s.server2].filter((v): v is string => v !== null);
      const onTarget = servers.filter((server) => target !== null && nodeNamed(config, server) === target);
      const named = [...(s.server ? [`server ${s.server}`] : []), ...(s.server2 ? [`server2 ${s.server2}`] : [])];
      const downToo = onTarget.length > 0 && onTarget.length === servers.length ? ", the node going down" : "";
      seen.push(`storage ${s.storage}: ${named.join(", ") || "no server named"}${named.length === 1 ? " only" : ""}${downToo}`);
      if (servers.length > 0 && onTarget.length === servers.length) {
        const other = config.nodes.find((n) => n.name !== target)?.name ?? "another node";
        reasons.push(
          `storage ${s.storage} (volume ${s.volume ?? "?"}) fetches its volfile only from ${target}: while it reboots, guests on ${s.storage} cannot start or migrate. Add a second server first: \`pvesm set ${s.storage} --server2 ${other}\``,
        );
      } else
        checked.push(`storage ${s.storage}: volfile servers ${servers.join(", ") || "none named"}${target ? ` (not only ${target})` : ""}`);
    }
    let mounts = 0;
    // "pve1, pve2 mount gv0 with backup volfile servers": the nodes, by volume and where they fetch from.
    const mountedBy = new Map<string, string[]>();
    const unread: string[] = [];
    for (const [node, found] of Object.entries(state.mounts ?? {})) {
      if (!found.ok) {
        reasons.push(unobserved(`${node}'s Gluster mounts (findmnt --fstab)`, found.error));
        unread.push(node);
        continue;
      }
      for (const mount of found.value.filter((m) => config.gluster.volumes.includes(m.volume))) {
        mounts += 1;
        const finding = mountFinding(config, node, mount, target);
        if ("reason" in finding) reasons.push(finding.reason);
        else checked.push(finding.checked);
        const how = `${mount.volume} ${mountSource(config, node, mount, target)}`;
        mountedBy.set(how, [...(mountedBy.get(how) ?? []), node]);
      }
    }
    for (const [how, nodes] of mountedBy) seen.push(`${listed(nodes)} ${nodes.length === 1 ? "mounts" : "mount"} ${how}`);
    if (unread.length > 0) seen.push(`mounts on ${listed(unread)} not read`);
    if (!state.mounts) seen.push("mounts not read");
    if (storages.value.gluster.length === 0 && mounts === 0 && reasons.length === 0) {
      const present = storages.value.listed.map((s) => `${s.storage} (${s.type})`);
      reasons.push(
        `no Gluster storage found for ${config.gluster.volumes.join(", ")}: /storage lists ${present.length === 0 ? "no storage at all (does the token hold Datastore.Audit on /storage?)" : `no glusterfs storage (${present.join(", ")})`}, and no node's /etc/fstab mounts ${config.gluster.volumes.length === 1 ? "it" : "them"} (${Object.keys(state.mounts ?? {}).join(", ") || "no node"} read). Check gluster.volumes in cluster.yaml and how PVE reaches the volume`,
      );
    }
    const summary = seen.length > 0 ? listed(seen, "; ") : `no Gluster storage or mount found for ${listed(config.gluster.volumes)}`;
    return verdict(this, summary, reasons, checked);
  },
};
