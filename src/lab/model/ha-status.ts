// What the HA API and `ha-manager status` read from the lab's HA stack: manager_status as the CRM
// last wrote it, the LRMs' status files, and the verbose texts of pve-ha-manager's Status API.

import { ctime } from "../ctime.js";
import type { LabCluster } from "./cluster.js";
import { sidOf } from "./ha.js";
import type { GuestState, NodeState } from "./state.js";

const flag = (value: boolean): 0 | 1 => (value ? 1 : 0);

/** A model-time moment as the wall-clock epoch seconds a status file would hold. */
function epochAt(cluster: LabCluster, modelMs: number): number {
  return Math.floor(Date.now() / 1000 - (cluster.clock.now() - modelMs) / 1000);
}

// pve-ha-manager src/PVE/API2/HA/Status.pm $timestamp_to_status: older than 30 s reads dead.
function timestampStatus(cluster: LabCluster, modelMs: number): "active" | "old timestamp - dead?" {
  return cluster.clock.now() - modelMs > 30_000 ? "old timestamp - dead?" : "active";
}

/** When a node's LRM last wrote its status: every round while it runs in the quorate partition. */
function lrmWrittenAt(cluster: LabCluster, node: NodeState): number {
  if (cluster.isOnline(node.spec.name)) return cluster.clock.now();
  return node.downSince ?? 0;
}

function haGuests(cluster: LabCluster): GuestState[] {
  return [...cluster.guests.values()].filter((g) => g.spec.haManaged).sort((a, b) => (sidOf(a.spec) < sidOf(b.spec) ? -1 : 1));
}

const known = (cluster: LabCluster, guest: GuestState) => cluster.crm.known.has(sidOf(guest.spec));

function nodeNames(cluster: LabCluster): string[] {
  return cluster.crm.written ? [...cluster.nodes.keys()].sort() : [];
}

/** `GET /cluster/ha/status/manager_status` (Status.pm manager_status): `{}` and no lrm_status before any CRM was active. */
export function managerStatus(cluster: LabCluster, via: string) {
  const crm = cluster.crm;
  const quorum = { node: via, quorate: cluster.quorate() ? "1" : "" };
  if (!crm.written) return { manager_status: {}, quorum };
  const requests = [...crm.maintenanceRequests].sort();
  return {
    manager_status: {
      master_node: crm.statusMaster,
      timestamp: epochAt(cluster, crm.writtenAt ?? 0),
      node_status: Object.fromEntries(nodeNames(cluster).map((n) => [n, cluster.node(n).haStatus])),
      ...(requests.length > 0 ? { node_request: Object.fromEntries(requests.map((n) => [n, { maintenance: 1 }])) } : {}),
      service_status: Object.fromEntries(
        haGuests(cluster)
          .filter((g) => known(cluster, g))
          .map((g) => [
            sidOf(g.spec),
            {
              node: g.node,
              state: g.haState,
              uid: `lab${g.spec.vmid}`,
              ...(g.haState === "started" && g.status === "running" ? { running: 1 } : {}),
              ...(g.migrateTarget ? { target: g.migrateTarget } : {}),
              ...(g.maintenanceFallback ? { maintenance_node: g.maintenanceFallback } : {}),
            },
          ]),
      ),
    },
    lrm_status: Object.fromEntries(
      nodeNames(cluster).map((n) => {
        const node = cluster.node(n);
        return [n, { mode: node.lrmMode, state: node.lrmState, timestamp: epochAt(cluster, lrmWrittenAt(cluster, node)), results: {} }];
      }),
    ),
    quorum,
  };
}

/** pve-ha-manager src/PVE/HA/Tools.pm get_verbose_service_state. */
function verboseState(cluster: LabCluster, guest: GuestState): string {
  if (!known(cluster, guest)) return "queued";
  const requested = cluster.crm.requested.get(sidOf(guest.spec)) ?? "started";
  if (guest.haState === "stopped") return requested === "started" ? "starting" : "stopped";
  if (guest.haState === "started") {
    if (requested === "stopped") return "stopping";
    return guest.status === "running" ? "started" : "starting";
  }
  return guest.haState;
}

/** `GET /cluster/ha/status/current` and `ha-manager status`: pve-ha-manager 4.0.7 / 5.0.8 src/PVE/API2/HA/Status.pm status. */
export function statusCurrent(cluster: LabCluster, via: string): Array<Record<string, unknown>> {
  const crm = cluster.crm;
  const quorate = cluster.quorate();
  const entries: Array<Record<string, unknown>> = [
    { id: "quorum", type: "quorum", node: via, status: quorate ? "OK" : `No quorum on node '${via}'!`, quorate: flag(quorate) },
  ];
  if (crm.written && crm.statusMaster) {
    const writtenAt = crm.writtenAt ?? 0;
    let status: string = timestampStatus(cluster, writtenAt);
    // "mark crm idle if it has no service configured and is not active"
    if (quorate && status !== "active" && cluster.ha.resources.length === 0) status = "idle";
    const timestamp = epochAt(cluster, writtenAt);
    entries.push({
      id: "master",
      type: "master",
      node: crm.statusMaster,
      status: `${crm.statusMaster} (${status}, ${ctime(new Date(timestamp * 1000))})`,
      timestamp,
    });
  }
  for (const name of nodeNames(cluster)) {
    const node = cluster.node(name);
    const writtenAt = lrmWrittenAt(cluster, node);
    const timestamp = epochAt(cluster, writtenAt);
    let status: string = timestampStatus(cluster, writtenAt);
    if (status === "active") {
      const activeServices = haGuests(cluster).some(
        (g) => known(cluster, g) && g.node === name && g.haState !== "stopped" && g.haState !== "freeze",
      );
      if (node.lrmMode !== "active") status = `${node.lrmMode} mode`;
      else status = node.lrmState === "wait_for_agent_lock" && !activeServices ? "idle" : node.lrmState;
    } else if (node.lrmMode === "maintenance") status = "maintenance mode";
    entries.push({
      id: `lrm:${name}`,
      type: "lrm",
      node: name,
      status: `${name} (${status}, ${ctime(new Date(timestamp * 1000))})`,
      timestamp,
    });
  }
  const release = cluster.releaseOf(via);
  const services = [...haGuests(cluster).filter((g) => known(cluster, g)), ...haGuests(cluster).filter((g) => !known(cluster, g))];
  for (const guest of services) {
    const sid = sidOf(guest.spec);
    const resource = cluster.ha.resources.find((r) => r.sid === sid);
    const state = verboseState(cluster, guest);
    entries.push({
      id: `service:${sid}`,
      type: "service",
      sid,
      node: guest.node,
      ...(known(cluster, guest) ? { crm_state: guest.haState } : {}),
      state,
      status: `${sid} (${guest.node}, ${state})`,
      request_state: cluster.crm.requested.get(sid) ?? "started",
      // Config.pm read_and_check_resources_config fills in max_restart, max_relocate and (PVE 9) failback.
      ...(resource?.group ? { group: resource.group } : {}),
      max_restart: 1,
      max_relocate: 1,
      ...(release === "9.1" ? { failback: flag(resource?.failback ?? true) } : {}),
    });
  }
  return entries;
}

/**
 * `ha` of a guest's status/current (pve-ha-manager src/PVE/HA/Config.pm get_service_status): the
 * CRM's state, null while it has no entry for the service; PVE 8 adds the group, null without one.
 */
export function guestHaStatus(cluster: LabCluster, guest: GuestState) {
  if (!guest.spec.haManaged) return { managed: 0 };
  const state = known(cluster, guest) ? guest.haState : null;
  // status/current is proxied to the guest's node: its own pve-ha-manager answers.
  if (cluster.releaseOf(guest.node) === "9.1") return { managed: 1, state };
  const group = cluster.ha.resources.find((r) => r.sid === sidOf(guest.spec))?.group ?? null;
  return { managed: 1, group, state };
}
