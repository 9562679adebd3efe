import { unobserved, verdict, type Gate } from "./types.js";

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
        if (!declared.includes(node.name)) reasons.push(`${node.name}: a member of the cluster that cluster.yaml does not list: add it to nodes, so rollgate can check and upgrade it`);
      }
    }

    for (const name of declared) {
      const reach = state.ssh?.[name];
      if (!reach?.ok) reasons.push(unobserved(`${name} over SSH`, reach?.ok === false ? reach.error : undefined));
      else checked.push(`${name} answers over SSH`);
    }

    const ha = state.ha;
    if (!ha?.ok) reasons.push(unobserved("HA manager status (API /cluster/ha/status/manager_status)", ha?.ok === false ? ha.error : undefined));
    else if (ha.value.resourceCount === 0) {
      // Nothing to manage: the CRM never becomes active, and that is no fault (docs/domain/proxmox-ha.md).
      checked.push("HA manages no resource: no HA master needed, maintenance mode is not used");
    } else if (!ha.value.managerActive) {
      // A missing manager status must fail closed: without a CRM master nobody acknowledges maintenance.
      reasons.push(`HA manager reports no status although ${ha.value.resourceCount} HA resources are configured (is pve-ha-crm running on any node?): start it before upgrading`);
    } else {
      for (const name of declared) {
        const status = ha.value.nodeStatus[name];
        // The node being taken down may already be in maintenance (put there by this run); any other may not.
        if (status === "maintenance" && name === target) checked.push(`${name}: in HA maintenance, as the node being upgraded`);
        else if (status === "maintenance") reasons.push(`${name}: in HA maintenance mode (left by an earlier run?): check the node, then \`ha-manager crm-command node-maintenance disable ${name}\``);
        else if (status !== undefined && status !== "online") reasons.push(`${name}: HA node status is "${status}", expected "online"`);
      }
      if (reasons.length === 0) checked.push(target ? `no node but ${target} in HA maintenance` : "no node in HA maintenance");
    }
    return verdict(this, reasons, checked);
  },
};
