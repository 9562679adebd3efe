// Checks that relate one part of the config to another; each problem points at the offending value.
import { someNames } from "./messages.js";
import { nodeKey } from "./node-names.js";
import { formatKeyPath, type KeyPath, type Problem } from "./positions.js";
import type { Config } from "./schema.js";

interface Located<T> {
  value: T;
  path: KeyPath;
}

/** How values are told apart, and the words a duplicate's message adds when two that differ count as one. */
interface Identity<T> {
  key: (value: T) => string;
  /** e.g. `node names ignore case`: said when the earlier value is written differently. */
  rule?: string;
}

const nodeIdentity: Identity<string> = { key: nodeKey, rule: "node names are hostnames, which ignore case" };

/** Every value after the first that repeats an earlier one (compared by `identity`). */
function repeats<T>(items: Located<T>[], what: string, identity: Identity<T> = { key: String }): Problem[] {
  const first = new Map<string, Located<T>>();
  const problems: Problem[] = [];
  for (const item of items) {
    const earlier = first.get(identity.key(item.value));
    if (earlier) {
      const spelt = earlier.value !== item.value && identity.rule ? ` as ${JSON.stringify(earlier.value)}: ${identity.rule}` : "";
      problems.push({
        path: item.path,
        anchor: "value",
        problem: `duplicate ${what} ${JSON.stringify(item.value)} (first at ${formatKeyPath(earlier.path)}${spelt}); expected each ${what} once`,
      });
    } else {
      first.set(identity.key(item.value), item);
    }
  }
  return problems;
}

function unknownNodes(items: Located<string>[], nodeNames: readonly string[], anchor: Problem["anchor"] = "value"): Problem[] {
  const known = new Set(nodeNames.map(nodeKey));
  return items
    .filter(({ value }) => !known.has(nodeKey(value)))
    .map(({ value, path }) => ({
      path,
      anchor,
      problem: `no node ${JSON.stringify(value)} in nodes (known: ${someNames([...new Set(nodeNames)])})`,
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
      nodeIdentity,
    ),
    ...repeats(addresses, "node address", { key: (address) => address.toLowerCase() }),
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
    ...repeats(order, "node", nodeIdentity),
    ...(config.upgrade.backup && config.critical.length === 0
      ? [
          {
            path: ["upgrade", "backup"],
            anchor: "key" as const,
            problem:
              "upgrade.backup backs up the critical guests, and no critical group is declared; expected critical: groups, or no upgrade.backup",
          },
        ]
      : []),
    ...unknownNodes(fingerprintNodes, nodeNames, "key"),
    ...repeats(fingerprintNodes, "node", nodeIdentity).map((problem): Problem => ({ ...problem, anchor: "key" })),
  ];
}
