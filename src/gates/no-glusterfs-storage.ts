// no-glusterfs-storage: PVE 9 has no storage of type glusterfs (pve-storage dropped the plugin:
// docs/domain/proxmox-api.md, "PVE 9 and the glusterfs storage"). A node upgraded with one in
// storage.cfg cannot parse that section, and the guests whose disks are on it cannot start or
// migrate there. So before the major upgrade, with every node in service, each glusterfs storage
// must become what PVE 9 uses: the volume mounted by FUSE from /etc/fstab on every node (with
// backup volfile servers) and a `dir` storage of the same id on that mount. The refusal writes
// the steps out for this cluster's storage, volume and nodes.

import type { Config } from "../config/index.js";
import type { GlusterStorage } from "../observe/state.js";
import { listed, unobserved, verdict, type Gate } from "./types.js";

/** The glusterfs plugin mounts at /mnt/pve/<id> and keeps images/<vmid>/ below it, as dir storage does: the same id keeps every disk reference valid. */
function conversion(config: Config, s: GlusterStorage): string {
  const volume = s.volume ?? s.storage;
  const nodes = config.nodes.map((n) => n.name);
  const first = s.server && nodes.includes(s.server) ? s.server : nodes[0]!;
  const backups = nodes.filter((n) => n !== first);
  const mountpoint = `/mnt/pve/${s.storage}`;
  const fstab = `${first}:/${volume} ${mountpoint} glusterfs defaults,_netdev,backup-volfile-servers=${backups.join(":")},x-systemd.requires=glusterd.service 0 0`;
  return [
    `storage ${s.storage} is of type glusterfs (volume ${volume}), which PVE 9 no longer has: convert it before the major upgrade, with every node in service:`,
    `(1) on each of ${listed(nodes)}, add to /etc/fstab \`${fstab}\`, then \`systemctl daemon-reload\` and \`findmnt --verify\` (the volume stays mounted where PVE mounted it; the line mounts it at boot, from any server);`,
    `(2) once, in /etc/pve/storage.cfg, replace the \`glusterfs: ${s.storage}\` section by \`dir: ${s.storage}\` with \`path ${mountpoint}\`, \`shared 1\`, \`is_mountpoint yes\` and the same \`content\` line (the same id and layout, so every guest's disk references stay valid; a running guest keeps its open disks and uses the mount from its next start or migration);`,
    `(3) \`rollgate check\` to see it pass`,
  ].join(" ");
}

export const noGlusterfsStorageGate: Gate = {
  name: "no-glusterfs-storage",
  title: "No storage of type glusterfs (PVE 9 dropped it): the major upgrade can start",
  needs: () => ["storage"],
  preflightOnly: true,
  evaluate({ config, state }) {
    const storages = state.storage;
    if (!storages?.ok)
      return verdict(
        this,
        "storage unknown (API /storage not read)",
        [unobserved("storage definitions (API /storage)", storages?.ok === false ? storages.error : undefined)],
        [],
      );
    const { listed: all, gluster } = storages.value;
    // Every cluster has at least `local`: an empty list is a token that may not see the storages, not a cluster without one.
    if (all.length === 0)
      return verdict(
        this,
        "no storage listed",
        ["/storage lists no storage at all: does the token hold Datastore.Audit on /storage? Unknown means no"],
        [],
      );
    const reasons = gluster.map((s) => conversion(config, s));
    const summary =
      gluster.length === 0
        ? `no glusterfs storage (${listed(all.map((s) => `${s.storage} (${s.type})`))})`
        : `glusterfs storage ${listed(gluster.map((s) => s.storage))} to convert`;
    return verdict(
      this,
      summary,
      reasons,
      gluster.length === 0 ? [`storages: ${all.map((s) => `${s.storage} (${s.type})`).join(", ")}`] : [],
    );
  },
};
