// Cluster tools of a Proxmox VE node: ha-manager, pvecm, qm, and the private-network ping.

import { ctime } from "../../ctime.js";
import { statusCurrent } from "../../model/ha-status.js";
import { modelDelay, printLines, type LabCommand } from "../context.js";

export const haManager: LabCommand = async (ctx, args) => {
  const cluster = ctx.cluster;
  if (args[0] === "crm-command" && args[1] === "node-maintenance" && (args[2] === "enable" || args[2] === "disable") && args.length === 4) {
    const target = args[3]!;
    if (!cluster.nodes.has(target)) {
      ctx.out.stderr(`400 Parameter verification failed.\nnode: no such cluster node '${target}'\n`);
      return 255;
    }
    if (!cluster.quorate()) {
      ctx.out.stderr("cluster not ready - no quorum?\n");
      return 255;
    }
    cluster.setMaintenance(target, args[2] === "enable", ctx.source);
    return 0;
  }
  if (args[0] === "status" && args.length === 1) {
    // pve-ha-manager src/PVE/CLI/ha_manager.pm status: "TYPE STATUS" for each entry of the Status API.
    await printLines(
      ctx,
      statusCurrent(cluster, ctx.node).map((e) => `${String(e["type"])} ${String(e["status"])}`),
    );
    return 0;
  }
  if (args[0] === "rules" && args[1] === "add" && cluster.releaseOf(ctx.node) === "9.1") return addHaRule(ctx, args.slice(2));
  ctx.out.stderr(`ERROR: unknown command 'ha-manager ${args.join(" ")}'\n`);
  return 255;
};

/**
 * `ha-manager rules add resource-affinity RULE --resources SIDS --affinity negative|positive
 * [--comment TEXT]`, PVE 9 (pve-ha-manager src/PVE/CLI/ha_manager.pm → src/PVE/API2/HA/Rules.pm
 * create_rule): refused until the CRM has migrated the HA groups, and for a rule id in use. The
 * lab models resource-affinity rules only; a die in the API method exits 255.
 */
const addHaRule: LabCommand = async (ctx, args) => {
  const [type, rule, ...rest] = args;
  const options = new Map<string, string>();
  for (let i = 0; i + 1 < rest.length; i += 2) options.set(rest[i]!.replace(/^--/, ""), rest[i + 1]!);
  const resources = options.get("resources")?.split(",") ?? [];
  const affinity = options.get("affinity");
  if (
    type !== "resource-affinity" ||
    rule === undefined ||
    resources.length === 0 ||
    (affinity !== "negative" && affinity !== "positive")
  ) {
    ctx.out.stderr(
      "the lab models only 'ha-manager rules add resource-affinity RULE --resources SIDS --affinity negative|positive [--comment TEXT]'\n",
    );
    return 255;
  }
  const ha = ctx.cluster.ha;
  if (ha.groups.length > 0) {
    ctx.out.stderr("cannot create ha rule: ha groups have not been migrated yet\n");
    return 255;
  }
  if (ha.rules.some((r) => r.rule === rule)) {
    ctx.out.stderr(`create ha rule failed: HA rule '${rule}' already defined\n`);
    return 255;
  }
  const comment = options.get("comment");
  ctx.cluster.record.mutation(ctx.source, `ha-manager rules add ${type} ${rule}`);
  ha.rules.push({ rule, type, resources, affinity, ...(comment !== undefined ? { comment } : {}) });
  return 0;
};

export const pvecm: LabCommand = async (ctx, args) => {
  if (args[0] !== "status" || args.length !== 1) {
    ctx.out.stderr("the lab models only 'pvecm status'\n");
    return 255;
  }
  const cluster = ctx.cluster;
  const local = cluster.node(ctx.node);
  const members = cluster.faults.quorumLost ? [local] : [...cluster.nodes.values()].filter((n) => cluster.isOnline(n.spec.name));
  const expected = cluster.nodes.size;
  const quorum = Math.floor(expected / 2) + 1;
  const quorate = members.length >= quorum;
  const hex = (id: number) => `0x${id.toString(16).padStart(8, "0")}`;
  await printLines(ctx, [
    "Cluster information",
    "-------------------",
    `Name:             ${cluster.topology.clusterName}`,
    "Config Version:   3",
    "Transport:        knet",
    "Secure auth:      on",
    "",
    "Quorum information",
    "------------------",
    `Date:             ${ctime()}`,
    "Quorum provider:  corosync_votequorum",
    `Nodes:            ${members.length}`,
    `Node ID:          ${hex(local.spec.nodeId)}`,
    "Ring ID:          1.2c",
    `Quorate:          ${quorate ? "Yes" : "No"}`,
    "",
    "Votequorum information",
    "----------------------",
    `Expected votes:   ${expected}`,
    `Highest expected: ${expected}`,
    `Total votes:      ${members.length}`,
    // corosync tools/corosync-quorumtool.c: "Quorum: %d %s", a space when quorate.
    `Quorum:           ${quorum} ${quorate ? " " : "Activity blocked"}`,
    `Flags:            ${quorate ? "Quorate " : ""}`,
    "",
    "Membership information",
    "----------------------",
    "    Nodeid      Votes Name",
    ...members.map((n) => `${hex(n.spec.nodeId)}          1 ${n.spec.address}${n === local ? " (local)" : ""}`),
  ]);
  // pve-cluster src/PVE/CLI/pvecm.pm status execs `corosync-quorumtool -siH`, which exits
  // EXIT_NOT_QUORATE (2) without quorum (corosync tools/corosync-quorumtool.c).
  return quorate ? 0 : 2;
};

export const qm: LabCommand = async (ctx, args) => {
  const cluster = ctx.cluster;
  if (args[0] === "list" && args.length === 1) {
    const guests = [...cluster.guests.values()].filter((g) => g.node === ctx.node && g.spec.type === "qemu");
    await printLines(ctx, [
      "      VMID NAME                 STATUS     MEM(MB)    BOOTDISK(GB) PID       ",
      ...guests.map(
        (g) =>
          `${String(g.spec.vmid).padStart(10)} ${g.spec.name.padEnd(20)} ${g.status.padEnd(10)} ${String(g.spec.memoryBytes / 2 ** 20).padEnd(10)} ${"32.00".padStart(12)} ${String(g.status === "running" ? 1000 + g.spec.vmid : 0).padEnd(10)}`,
      ),
    ]);
    return 0;
  }
  if (args[0] === "status" && args.length === 2) {
    const guest = cluster.guests.get(Number(args[1]));
    if (!guest || guest.node !== ctx.node) {
      ctx.out.stderr(`Configuration file 'nodes/${ctx.node}/qemu-server/${args[1]}.conf' does not exist\n`);
      return 2;
    }
    await printLines(ctx, [`status: ${guest.status}`]);
    return 0;
  }
  ctx.out.stderr("the lab models only 'qm list' and 'qm status VMID'\n");
  return 255;
};

/** iputils ping, limited to what the private-network gate runs: `ping -c N -W S ADDR`. */
export const ping: LabCommand = async (ctx, args) => {
  let count = 1;
  let waitSeconds = 10;
  let address: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "-c") count = Number(args[++i]);
    else if (arg === "-W") waitSeconds = Number(args[++i]);
    else if (arg === "-q" || arg === "-n") continue;
    else if (arg.startsWith("-")) {
      ctx.out.stderr(`ping: invalid option -- '${arg.slice(1)}'\n`);
      return 2;
    } else address = arg;
  }
  if (!address || !(count > 0) || !(waitSeconds > 0)) {
    ctx.out.stderr("ping: usage error: Destination address required\n");
    return 2;
  }
  const cluster = ctx.cluster;
  const local = cluster.node(ctx.node);
  const target = cluster.nodeByAddress(address);
  const viaPrivate = target?.spec.privateAddress === address || /^10\.10\./.test(address);
  if (viaPrivate && !local.privateNetworkUp) {
    ctx.out.stderr("ping: connect: Network is unreachable\n");
    return 2;
  }
  const answers =
    target !== undefined && (viaPrivate ? cluster.privateReachable(ctx.node, target.spec.name) : cluster.isUp(target.spec.name));
  const lines = [`PING ${address} (${address}) 56(84) bytes of data.`];
  if (answers) {
    for (let seq = 1; seq <= count; seq++) lines.push(`64 bytes from ${address}: icmp_seq=${seq} ttl=64 time=0.0${40 + seq} ms`);
  } else {
    await modelDelay(ctx, waitSeconds * 1000 * count);
  }
  lines.push("", `--- ${address} ping statistics ---`);
  lines.push(
    `${count} packets transmitted, ${answers ? count : 0} received, ${answers ? 0 : 100}% packet loss, time ${(count - 1) * 1000}ms`,
  );
  if (answers) lines.push("rtt min/avg/max/mdev = 0.041/0.045/0.049/0.003 ms");
  else lines.push("");
  await printLines(ctx, lines);
  return answers ? 0 : 1;
};
