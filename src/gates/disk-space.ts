// disk-space: every node still to upgrade has room for the dist-upgrade to trixie, checked before
// the first node goes: a disk that fills up halfway leaves dpkg interrupted on a node out of
// service. / needs 5 GB free, where pve8to9 warns "upgrade may fail"; a /boot of its own needs
// room for one more kernel and its initrd (docs/domain/major-upgrade.md, "Free space"). A node
// already on 9 is not asked for room: its upgrade is done, and apt's cache of it may fill its disk.

import type { FileSystemSpace } from "../observe/parsers/df.js";
import { reachedMajor } from "../pve/pve-version.js";
import { listed, unobserved, verdict, type Gate } from "./types.js";

// Decimal units, as pve8to9 counts its 5 GB (pve-manager PVE/CLI/pve8to9.pm: 5 * 1000 * 1000 * 1000).
const GB = 1000 ** 3;
const MB = 1000 ** 2;
export const rootNeeds = 5 * GB;
export const bootNeeds = 200 * MB;

// Rounded down: 4,999,999,999 bytes free is not shown as the 5.0 GB it falls short of.
const amount = (bytes: number): string =>
  bytes >= GB ? `${(Math.floor((bytes / GB) * 10) / 10).toFixed(1)} GB` : `${Math.floor(bytes / MB)} MB`;
const free = (fs: FileSystemSpace): string => `${amount(fs.availBytes)} free of ${amount(fs.sizeBytes)}`;

export const diskSpaceGate: Gate = {
  name: "disk-space",
  title: "Every node has room for the upgrade to PVE 9: 5 GB free on /, 200 MB on a /boot of its own",
  needs: () => ["diskSpace", "packages"],
  preflightOnly: true,
  evaluate({ config, state }) {
    const reasons: string[] = [];
    const checked: string[] = [];
    const roomy: string[] = [];
    const full: string[] = [];
    const onNine: string[] = [];
    const unknown: string[] = [];
    for (const node of config.nodes.map((n) => n.name)) {
      // A version not read is not a reason to skip the node: it is checked like one on 8.
      const packages = state.packages?.[node];
      const version = packages?.ok ? packages.value.pveVersion : null;
      if (reachedMajor(version, 9)) {
        onNine.push(node);
        checked.push(`${node}: PVE ${version} already, its upgrade done`);
        continue;
      }
      const seen = state.diskSpace?.[node];
      if (!seen?.ok) {
        reasons.push(unobserved(`the free space on / and /boot of ${node}`, seen?.ok === false ? seen.error : undefined));
        unknown.push(node);
        continue;
      }
      const { root, boot } = seen.value;
      const before = reasons.length;
      if (root.availBytes < rootNeeds)
        reasons.push(
          `${node}: / has ${free(root)}; the upgrade to PVE 9 needs ${amount(rootNeeds)} (apt downloads and unpacks the trixie packages there): free some with \`apt-get clean\` (downloaded packages), \`apt autoremove --purge\` (kernels no longer needed) and by moving ISO images and backups off /var/lib/vz`,
        );
      if (boot !== null && boot.availBytes < bootNeeds)
        reasons.push(
          `${node}: ${boot.mountPoint}, a file system of its own, has ${free(boot)}; the new kernel and its initrd need ${amount(bootNeeds)}: remove kernels no longer booted with \`apt autoremove --purge\` (\`proxmox-boot-tool kernel list\` shows those kept)`,
        );
      if (reasons.length > before) full.push(node);
      else {
        roomy.push(node);
        checked.push(`${node}: / ${free(root)}${boot === null ? " (/boot on it)" : `, ${boot.mountPoint} ${free(boot)}`}`);
      }
    }
    const summary = [
      ...(roomy.length > 0 ? [`room on ${listed(roomy)}`] : []),
      ...(onNine.length > 0 ? [`${listed(onNine)} on 9 already`] : []),
      ...(full.length > 0 ? [`too little free on ${listed(full)}`] : []),
      ...(unknown.length > 0 ? [`unknown on ${listed(unknown)}`] : []),
    ].join("; ");
    return verdict(this, summary, reasons, checked);
  },
};
