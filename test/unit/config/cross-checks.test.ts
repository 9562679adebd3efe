// Checks across keys, each pointing at the offending value.
import { expect, test } from "vitest";
import { parseConfig } from "../../../src/config/index.js";
import { configErrorOf, edit, EXAMPLE, FINGERPRINT } from "./example.js";

async function messageFor(text: string): Promise<string> {
  return (await configErrorOf(() => parseConfig(text, "cluster.yaml", "/etc/rollgate"))).message;
}

test("duplicate node names (and the order naming the node that no longer exists)", async () => {
  expect((await messageFor(edit(EXAMPLE, "name: pve3", "name: pve1"))).split("\n")).toEqual([
    'cluster.yaml:14:13: nodes[2].name: duplicate node name "pve1" (first at nodes[0].name); expected each node name once',
    'cluster.yaml:28:11: upgrade.order[0]: no node "pve3" in nodes (known: pve1, pve2)',
  ]);
});

test("duplicate node addresses, public or private", async () => {
  expect(await messageFor(edit(EXAMPLE, "address: 10.0.0.12", "address: 10.0.0.11"))).toBe(
    'cluster.yaml:13:28: nodes[1].address: duplicate node address "10.0.0.11" (first at nodes[0].address); expected each node address once',
  );
  expect(await messageFor(edit(EXAMPLE, "privateAddress: 10.10.0.13", "privateAddress: 10.0.0.11"))).toBe(
    'cluster.yaml:14:55: nodes[2].privateAddress: duplicate node address "10.0.0.11" (first at nodes[0].address); expected each node address once',
  );
});

test("a service on a node that is not declared", async () => {
  expect(await messageFor(edit(EXAMPLE, "node: pve1,", "node: pve9,"))).toBe(
    'cluster.yaml:24:27: services[0].node: no node "pve9" in nodes (known: pve1, pve2, pve3)',
  );
});

test("an upgrade order naming a node that is not declared, or one twice", async () => {
  expect(await messageFor(edit(EXAMPLE, "[pve3, pve2, pve1]", "[pve3, pve9, pve1]"))).toBe(
    'cluster.yaml:28:17: upgrade.order[1]: no node "pve9" in nodes (known: pve1, pve2, pve3)',
  );
  expect(await messageFor(edit(EXAMPLE, "[pve3, pve2, pve1]", "[pve3, pve2, pve3]"))).toBe(
    'cluster.yaml:28:23: upgrade.order[2]: duplicate node "pve3" (first at upgrade.order[0]); expected each node once',
  );
});

test("a VM in two critical groups", async () => {
  const text = edit(EXAMPLE, "services:\n", "  - { group: dns, vms: [200, 101] }\nservices:\n");
  expect(await messageFor(text)).toBe(
    "cluster.yaml:23:30: critical[1].vms[1]: duplicate VM id 101 (first at critical[0].vms[1]); expected each VM id once",
  );
});

test("duplicate group names and volumes", async () => {
  const text = edit(
    edit(EXAMPLE, "volumes: [gv0]", "volumes: [gv0, gv1, gv0]"),
    "services:\n",
    "  - { group: routers, vms: [200] }\nservices:\n",
  );
  expect((await messageFor(text)).split("\n")).toEqual([
    'cluster.yaml:16:23: gluster.volumes[2]: duplicate volume "gv0" (first at gluster.volumes[0]); expected each volume once',
    'cluster.yaml:23:14: critical[1].group: duplicate group name "routers" (first at critical[0].group); expected each group name once',
  ]);
});

test("a fingerprint for a node that is not declared points at its key", async () => {
  const text = edit(EXAMPLE, `fingerprint: "${FINGERPRINT}"`, `fingerprint:\n    pve1: "${FINGERPRINT}"\n    pve4: "${FINGERPRINT}"`);
  expect(await messageFor(text)).toBe('cluster.yaml:8:5: proxmox.fingerprint.pve4: no node "pve4" in nodes (known: pve1, pve2, pve3)');
});

test("upgrade.backup without a critical group to back up, and a storage ID PVE would refuse", async () => {
  const withBackup = (storage: string) => edit(EXAMPLE, "  guests: migrate", `  backup: { storage: ${storage} }\n  guests: migrate`);
  const groups = /critical:\n(?: {2}.*\n)+/.exec(EXAMPLE)![0];
  const noGroups = edit(withBackup("pbs"), groups, "critical: []\n");
  expect(await messageFor(noGroups)).toMatch(
    /^cluster\.yaml:\d+:3: upgrade\.backup: upgrade\.backup backs up the critical guests, and no critical group is declared; expected critical: groups, or no upgrade\.backup$/,
  );
  expect(await messageFor(withBackup("pbs-"))).toMatch(/upgrade\.backup\.storage: expected a PVE storage ID .*, got "pbs-"/);
  const loaded = parseConfig(withBackup("pbs"), "cluster.yaml", "/etc/rollgate");
  expect(loaded.upgrade.backup).toEqual({ storage: "pbs", mode: "snapshot", compress: "zstd", timeout: 3 * 3600_000 });
});
