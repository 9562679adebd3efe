// The gates' names, in the order `check --gate` lists them: apart from the registry (index.ts),
// whose gates bring their observers' dependencies (zod, proxmox-api, saxes), so that the command
// line can name and validate gates without loading them. The registry is keyed by GateName, so
// the compiler refuses a gate missing here or one too many.

export const gateNames = [
  "permissions",
  "package-sources",
  "quorum",
  "nodes-online",
  "gluster-healed",
  "gluster-storage-failover",
  "critical-healthy",
  "critical-healthy-elsewhere",
  "services",
  "private-network",
  "latest-pve-8",
  "no-glusterfs-storage",
  "pve8to9",
  "disk-space",
  "gluster-records",
  "trixie-repositories",
  "runs-pve-9",
  "ha-spread",
] as const;

export type GateName = (typeof gateNames)[number];

export function isGateName(name: string): name is GateName {
  return (gateNames as readonly string[]).includes(name);
}
