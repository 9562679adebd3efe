// What `rollgate init` proposes from what it found on a live cluster: node addresses, the Gluster
// volumes to keep healed, critical groups and services to watch, each guess with the reason an
// admin reviews it by (docs/domain/init.md).

import { NAME } from "../config/patterns.js";
import { sidOf } from "../observe/ha-config.js";

export interface DiscoveredNode {
  name: string;
  /** The address pmxcfs resolved the node's name to (`/cluster/status` ip), null if it gave none. */
  ip: string | null;
  online: boolean;
  /** corosync's link addresses for the node (`ringN_addr`), link 0 first. */
  links: string[];
}

export interface DiscoveredGuest {
  vmid: number;
  name: string;
  type: "qemu" | "lxc";
  node: string;
  template: boolean;
}

export interface DiscoveredVolume {
  name: string;
  type: string;
  status: string;
  bricks: Array<{ host: string; path: string }>;
}

export interface Discovery {
  cluster: string;
  quorate: boolean;
  nodes: DiscoveredNode[];
  guests: DiscoveredGuest[];
  /** Enabled negative resource-affinity rules (PVE 9): guests HA keeps on different nodes. */
  apartRules: Array<{ rule: string; sids: string[] }>;
  volumes: DiscoveredVolume[];
  /** Where the volumes were read from. */
  glusterFrom: string;
  /** Running services per node (`systemctl list-units`), unit names. */
  runningUnits: Record<string, string[]>;
}

export interface ProposedNode {
  name: string;
  address: string;
  privateAddress: string | null;
  note: string;
}

export interface ProposedGroup {
  group: string;
  vms: number[];
  note: string;
}

export interface ProposedService {
  name: string;
  node: string;
  unit: string;
}

export interface Proposal {
  cluster: string;
  nodes: ProposedNode[];
  volumes: Array<{ name: string; note: string }>;
  /** Volumes seen but not proposed (not started), with why. */
  skippedVolumes: string[];
  critical: ProposedGroup[];
  services: ProposedService[];
  /** Said at the top of the file: what the admin must look at before the first run. */
  review: string[];
}

/** Names a router or firewall VM goes by: pfSense and OPNsense pairs are what the seed outage lost. */
const ROUTER_NAME = /(^|[^a-z])(router|rtr|firewall|fw|gw|gateway|pfsense|opnsense|vyos|openwrt)(\d*)([^a-z]|$)/i;

/**
 * Services a Debian + Proxmox VE + GlusterFS node runs of its own: the platform rollgate upgrades
 * and already watches through its gates, not the admin's own service that must come back
 * (pve-manager `PVE/CLI/pve8to9.pm` check_pve_packages and service checks; Debian's default units).
 */
const PLATFORM_UNIT =
  /^(pve|proxmox|spiceproxy|qmeventd|lxc|lxcfs|corosync|gluster|ceph|systemd-|getty@|serial-getty@|user@|dbus|cron|anacron|atd|ssh|sshd|chrony|ntp|rsyslog|postfix|exim|rpcbind|rrdcached|ksmtuned|watchdog-mux|smartmontools|smartd|zfs|iscsid|open-iscsi|lvm2|dm-event|multipathd|nfs|rpc-|networking|ifupdown|frr|nftables|iptables|unattended-upgrades|polkit|udisks2|accounts-daemon|irqbalance|qemu-guest-agent|fwupd|ModemManager|NetworkManager|wpa_supplicant|cloud-|apparmor|auditd|haveged|rng-tools|mdmonitor|mdadm|upower|thermald|kmod|blk-availability|console-setup|keyboard-setup|lm-sensors|sysstat)/i;

/** Each node's addresses: the one its name resolves to, and the corosync link between nodes, preferring the one `volumes`' bricks use. */
export function proposeNodes(nodes: readonly DiscoveredNode[], volumes: readonly DiscoveredVolume[]): ProposedNode[] {
  const brickHosts = new Set(volumes.flatMap((v) => v.bricks.map((b) => b.host)));
  return nodes.map((n) => addressesOf(n, brickHosts));
}

function addressesOf(node: DiscoveredNode, brickHosts: ReadonlySet<string>): ProposedNode {
  const address = node.ip ?? node.links[0] ?? node.name;
  // A corosync link on another network than the node's own name is the private network between
  // nodes; a Gluster brick host there is proof it carries the storage too.
  const apart = node.links.filter((link) => link !== address);
  const preferred = apart.find((link) => brickHosts.has(link)) ?? apart[0];
  if (preferred !== undefined)
    return {
      name: node.name,
      address,
      privateAddress: preferred,
      note: brickHosts.has(preferred) ? "corosync link and Gluster bricks" : "corosync link",
    };
  if (node.links[0] !== undefined)
    return {
      name: node.name,
      address,
      privateAddress: node.links[0],
      note: "corosync runs on the same address as SSH; if the nodes share a private network, put its address here",
    };
  return { name: node.name, address, privateAddress: null, note: "corosync lists no link address for it: add privateAddress" };
}

/** A group name the schema accepts, from a rule id or a word. */
function groupName(wanted: string, taken: ReadonlySet<string>): string {
  const base = NAME.test(wanted) ? wanted : `group-${wanted.replace(/[^A-Za-z0-9_.-]/g, "-").replace(/^[-_.]+/, "")}`;
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base}-${n}`;
  return name;
}

function criticalGroups(discovery: Discovery): ProposedGroup[] {
  const guests = discovery.guests.filter((g) => !g.template);
  const bySid = new Map(guests.map((g) => [sidOf(g.vmid, g.type), g]));
  const groups: ProposedGroup[] = [];
  const grouped = new Set<number>();
  const names = new Set<string>();
  for (const rule of discovery.apartRules) {
    const members = rule.sids.flatMap((sid) => bySid.get(sid) ?? []).filter((g) => !grouped.has(g.vmid));
    if (members.length < 2) continue;
    const group = groupName(rule.rule, names);
    names.add(group);
    for (const m of members) grouped.add(m.vmid);
    groups.push({
      group,
      vms: members.map((m) => m.vmid).sort((a, b) => a - b),
      note: `HA keeps them apart: negative resource-affinity rule ${rule.rule} (${members.map((m) => m.name).join(", ")})`,
    });
  }
  const routers = guests.filter((g) => ROUTER_NAME.test(g.name) && !grouped.has(g.vmid));
  if (routers.length >= 2) {
    const group = groupName("routers", names);
    groups.push({
      group,
      vms: routers.map((g) => g.vmid).sort((a, b) => a - b),
      note: `guessed from their names (${routers.map((g) => `${g.vmid} ${g.name}`).join(", ")}): routers or firewalls, never both down`,
    });
  }
  return groups;
}

function services(discovery: Discovery): ProposedService[] {
  return discovery.nodes.flatMap((node) =>
    (discovery.runningUnits[node.name] ?? [])
      .filter((unit) => unit.endsWith(".service") && !PLATFORM_UNIT.test(unit))
      .map((unit) => ({ name: unit.replace(/\.service$/, "").replace(/[^A-Za-z0-9_.-]/g, "-"), node: node.name, unit })),
  );
}

export function propose(discovery: Discovery): Proposal {
  const started = discovery.volumes.filter((v) => v.status === "Started");
  const nodes = proposeNodes(discovery.nodes, started);
  const critical = criticalGroups(discovery);
  const review: string[] = [];
  const offline = discovery.nodes.filter((n) => !n.online).map((n) => n.name);
  if (offline.length > 0) review.push(`offline when init ran: ${offline.join(", ")}; their services were not read`);
  if (!discovery.quorate) review.push("the cluster was not quorate when init ran: check every value below");
  if (critical.length === 0)
    review.push("no critical group was found (no negative HA affinity rule, no guest named like a router): declare yours under critical");
  if (started.length === 0) review.push(`gluster on ${discovery.glusterFrom} lists no started volume: declare the volumes guests live on`);
  return {
    cluster: discovery.cluster,
    nodes,
    volumes: started.map((v) => ({
      name: v.name,
      note: `${v.type}, ${v.bricks.length} bricks: ${v.bricks.map((b) => `${b.host}:${b.path}`).join(" ")}`,
    })),
    skippedVolumes: discovery.volumes.filter((v) => v.status !== "Started").map((v) => `${v.name} (${v.status})`),
    critical,
    services: services(discovery),
    review,
  };
}
