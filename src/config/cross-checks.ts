// Checks that relate one part of the config to another; each problem points at the offending value.
import { formatKeyPath, type KeyPath, type Problem } from "./positions.js";
import type { Config } from "./schema.js";

interface Located<T> {
  value: T;
  path: KeyPath;
}

/** Every value after the first that repeats an earlier one (compared by `identity`). */
function repeats<T>(items: Located<T>[], what: string, identity: (value: T) => string = String): Problem[] {
  const first = new Map<string, KeyPath>();
  const problems: Problem[] = [];
  for (const { value, path } of items) {
    const earlier = first.get(identity(value));
    if (earlier) {
      problems.push({
        path,
        anchor: "value",
        problem: `duplicate ${what} ${JSON.stringify(value)} (first at ${formatKeyPath(earlier)}); expected each ${what} once`,
      });
    } else {
      first.set(identity(value), path);
    }
  }
  return problems;
}

function unknownNodes(items: Located<string>[], nodeNames: readonly string[], anchor: Problem["anchor"] = "value"): Problem[] {
  return items
    .filter(({ value }) => !nodeNames.includes(value))
    .map(({ value, path }) => ({
      path,
      anchor,
      problem: `no node ${JSON.stringify(value)} in nodes (known: ${[...new Set(nodeNames)].join(", ")})`,
    }));
}

export function crossFieldProblems(config: Config): Problem[] {
  const nodeNames = config.nodes.map((node) => node.name);
  const addresses = config.nodes.flatMap((node, index): Located<string>[] => [
    { value: node.address, path: ["nodes", index, "address"] },
    ...(node.privateAddress !== undefined && node.privateAddress !== node.address
      ? [{ value: node.privateAddress, path: ["nodes", index, "privateAddress"] }]
      : []),
  ]);
  const fingerprintNodes =
    typeof config.proxmox.fingerprint === "object"
      ? Object.keys(config.proxmox.fingerprint).map((name) => ({ value: name, path: ["proxmox", "fingerprint", name] }))
      : [];
  const order = (config.upgrade.order ?? []).map((name, index) => ({ value: name, path: ["upgrade", "order", index] }));

  return [
    ...repeats(
      config.nodes.map((node, index) => ({ value: node.name, path: ["nodes", index, "name"] })),
      "node name",
    ),
    ...repeats(addresses, "node address", (address) => address.toLowerCase()),
    ...repeats(
      config.gluster.volumes.map((volume, index) => ({ value: volume, path: ["gluster", "volumes", index] })),
      "volume",
    ),
    ...repeats(
      config.critical.map((group, index) => ({ value: group.group, path: ["critical", index, "group"] })),
      "group name",
    ),
    ...repeats(
      config.critical.flatMap((group, groupIndex) =>
        group.vms.map((vmid, index) => ({ value: vmid, path: ["critical", groupIndex, "vms", index] })),
      ),
      "VM id",
    ),
    ...repeats(
      config.services.map((service, index) => ({ value: service.name, path: ["services", index, "name"] })),
      "service name",
    ),
    ...unknownNodes(
      config.services.flatMap((service, index) =>
        service.node !== undefined ? [{ value: service.node, path: ["services", index, "node"] }] : [],
      ),
      nodeNames,
    ),
    ...unknownNodes(order, nodeNames),
    ...repeats(order, "node"),
    ...unknownNodes(fingerprintNodes, nodeNames, "key"),
  ];
}
