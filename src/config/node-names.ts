// Node names are hostnames, which ignore case (RFC 4343; pve-cluster's Setup.pm lowercases them for ssh, which
// does the same): `pve1` and `PVE1` are one node. Gluster volume names, by contrast, are case-sensitive.
import type { Config } from "./schema.js";

/** The form two node names are compared in. */
export function nodeKey(name: string): string {
  return name.toLowerCase();
}

/** The config with every reference to a node (services, upgrade.order, fingerprints) spelt as `nodes` spells it. */
export function withDeclaredNodeSpelling(config: Config): Config {
  const declared = new Map(config.nodes.map((node) => [nodeKey(node.name), node.name]));
  const spelt = (name: string) => declared.get(nodeKey(name)) ?? name;
  const { fingerprint } = config.proxmox;
  return {
    ...config,
    proxmox: {
      ...config.proxmox,
      ...(typeof fingerprint === "object" && {
        fingerprint: Object.fromEntries(Object.entries(fingerprint).map(([name, value]) => [spelt(name), value])),
      }),
    },
    services: config.services.map((service) => (service.node === undefined ? service : { ...service, node: spelt(service.node) })),
    upgrade: { ...config.upgrade, ...(config.upgrade.order && { order: config.upgrade.order.map(spelt) }) },
  };
}
