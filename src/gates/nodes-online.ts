import type { Config } from "../config/index.js";
import type { ClusterState } from "../observe/state.js";
import { listed, unobserved, verdict, type Gate } from "./types.js";

/** "3/3 nodes online (corosync, SSH, HA)", or per source what it sees: "corosync: 2/3 online (pve2 offline), SSH: 3/3 answer, HA: 3/3 online". */
function summaryOf(config: Config, state: ClusterState, target: string | null): string {
  const declared = config.nodes.map((n) => n.name);
  const all = declared.length;
  const notes: string[] = [];

  let corosync: string | null = null;
  const pve = state.pve;
  if (!pve?.ok) corosync = "corosync: unknown (cluster status not read)";
  else {
    const known = new Map(pve.value.nodes.map((n) => [n.name, n]));
    const problemOf = (name: string) => {
      const node = known.get(name);
      if (!node) return [`${name} not a member`];
      return node.online ? [] : [`${name} offline`];
    };
    const problems = [
      ...declared.flatMap(problemOf),
      ...pve.value.nodes.filter((n) => !declared.includes(n.name)).map((n) => `${n.name} not in cluster.yaml`),
    ];
    const online = declared.filter((name) => known.get(name)?.online === true).length;
    if (problems.length > 0) corosync = `corosync: ${online}/${all} online (${listed(problems)})`;
  }

  const unread = declared.filter((name) => !state.ssh?.[name]);
  const unreached = declared.filter((name) => state.ssh?.[name]?.ok === false);
  const sshProblems = [
    ...(unreached.length > 0 ? [`${listed(unreached)} not reached`] : []),
    ...(unread.length > 0 ? [`${listed(unread)} not read`] : []),
  ];
  const ssh = sshProblems.length === 0 ? null : `SSH: ${all - unread.length - unreached.length}/${all} answer (${sshProblems.join(", ")})`;

  // haLine: what HA sees when it is not "every node online"; vouches: HA itself says every node is online.
  let haLine: string | null = null;
  let vouches = false;
  const ha = state.ha;
  if (!ha?.ok) haLine = "HA: unknown (manager status not read)";
  else if (ha.value.resourceCount === 0) notes.push("HA manages no resource");
  else if (!ha.value.managerActive) haLine = `HA: manager inactive (${ha.value.resourceCount} resources configured)`;
  else {
    const status = (name: string) => ha.value.nodeStatus[name];
    const fine = declared.filter((name) => status(name) === "online" || (status(name) === "maintenance" && name === target));
    const problems = declared.flatMap((name) => {
      const s = status(name);
      return s === undefined || fine.includes(name) ? [] : [`${name} ${s === "maintenance" ? "in maintenance" : s}`];
    });
    const unlisted = declared.filter((name) => status(name) === undefined);
    if (target && status(target) === "maintenance") notes.push(`${target} in HA maintenance, as the node being upgraded`);
    if (unlisted.length > 0) notes.push(`${listed(unlisted)} not listed by HA`);
    if (problems.length > 0) haLine = `HA: ${fine.length}/${all} online (${listed(problems)})`;
    vouches = fine.length === all;
  }

  if (corosync === null && ssh === null && haLine === null)
    return [`${all}/${all} nodes online (corosync, SSH${vouches ? ", HA" : ""})`, ...notes].join("; ");
  const haPart = haLine ?? (vouches ? `HA: ${all}/${all} online` : null);
  const parts = [corosync ?? `corosync: ${all}/${all} online`, ssh ?? `SSH: ${all}/${all} answer`, ...(haPart ? [haPart] : [])];
  return [parts.join(", "), ...notes].join("; ");
}

export const nodesOnlineGate: Gate = {
  name: "nodes-online",
  title: "Every node online in PVE, reachable over SSH, none in maintenance",
  needs: () => ["pve", "ssh", "ha"],
  evaluate({ config, state, target }) {
    const reasons: string[] = [];
    const checked: string[] = [];
    const declared = config.nodes.map((n) => n.name);

    const pve = state.pve;
    if (!pve?.ok) reasons.push(unobserved("cluster status (API /cluster/status)", pve?.ok === false ? pve.error : undefined));
    else {
      const known = new Map(pve.value.nodes.map((n) => [n.name, n]));
      for (const name of declared) {
        const node = known.get(name);
        if (!node) reasons.push(`${name}: listed in cluster.yaml but not a member of cluster ${pve.value.name}: fix nodes in cluster.yaml`);
        else if (!node.online) reasons.push(`${name}: offline in the cluster (corosync): bring it back before upgrading any node`);
        else checked.push(`${name} online in the cluster`);
      }
      for (const node of pve.value.nodes) {
        if (!declared.includes(node.name))
          reasons.push(
            `${node.name}: a member of the cluster that cluster.yaml does not list: add it to nodes, so rollgate can check and upgrade it`,
          );
      }
    }

    for (const name of declared) {
      const reach = state.ssh?.[name];
      if (!reach?.ok) reasons.push(unobserved(`${name} over SSH`, reach?.ok === false ? reach.error : undefined));
      else checked.push(`${name} answers over SSH`);
    }

    const ha = state.ha;
    if (!ha?.ok)
      reasons.push(unobserved("HA manager status (API /cluster/ha/status/manager_status)", ha?.ok === false ? ha.error : undefined));
    else if (ha.value.resourceCount === 0) {
      // Nothing to manage: the CRM never becomes active, and that is no fault (docs/domain/proxmox-ha.md).
      checked.push("HA manages no resource: no HA master needed, maintenance mode is not used");
    } else if (!ha.value.managerActive) {
      // A missing manager status must fail closed: without a CRM master nobody acknowledges maintenance.
      reasons.push(
        `HA manager reports no status although ${ha.value.resourceCount} HA resources are configured (is pve-ha-crm running on any node?): start it before upgrading`,
      );
    } else {
      for (const name of declared) {
        const status = ha.value.nodeStatus[name];
        // The node being taken down may already be in maintenance (put there by this run); any other may not.
        if (status === "maintenance" && name === target) checked.push(`${name}: in HA maintenance, as the node being upgraded`);
        else if (status === "maintenance")
          reasons.push(
            `${name}: in HA maintenance mode (left by an earlier run?): check the node, then \`ha-manager crm-command node-maintenance disable ${name}\``,
          );
        else if (status !== undefined && status !== "online") reasons.push(`${name}: HA node status is "${status}", expected "online"`);
      }
      if (reasons.length === 0) checked.push(target ? `no node but ${target} in HA maintenance` : "no node in HA maintenance");
    }
    return verdict(this, summaryOf(config, state, target), reasons, checked);
  },
};
