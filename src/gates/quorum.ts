import type { ClusterState } from "../observe/state.js";
import { unobserved, verdict, type Gate } from "./types.js";

/** "quorate, 3/3 votes" or "2/3 votes, not quorate": the stricter of PVE's cluster status and pvecm status. */
function summaryOf({ pve, votes }: ClusterState): string {
  const counted = votes?.ok ? `${votes.value.total}/${votes.value.expected} votes` : "votes unknown (pvecm status not read)";
  if (!pve?.ok) {
    if (!votes?.ok) return "quorum unknown (cluster status and pvecm status not read)";
    return `${counted}, ${votes.value.quorate ? "quorate" : "not quorate"} per pvecm status; cluster status not read`;
  }
  if (!pve.value.quorate)
    return `not quorate (cluster status: ${pve.value.nodes.filter((n) => n.online).length}/${pve.value.nodeCount} nodes online), ${counted}`;
  return votes?.ok && !votes.value.quorate ? `${counted}, not quorate` : `quorate, ${counted}`;
}

export const quorumGate: Gate = {
  name: "quorum",
  title: "Cluster is quorate with every expected vote",
  needs: () => ["pve", "votes"],
  evaluate({ state }) {
    const reasons: string[] = [];
    const checked: string[] = [];
    const pve = state.pve;
    if (!pve?.ok) reasons.push(unobserved("cluster status (API /cluster/status)", pve?.ok === false ? pve.error : undefined));
    else if (!pve.value.quorate) {
      const online = pve.value.nodes.filter((n) => n.online).map((n) => n.name);
      reasons.push(
        `cluster ${pve.value.name} is not quorate (online: ${online.join(", ") || "none"} of ${pve.value.nodeCount}): restore corosync connectivity before upgrading anything`,
      );
    } else checked.push(`cluster ${pve.value.name} is quorate`);

    const votes = state.votes;
    if (!votes?.ok) reasons.push(unobserved("corosync votes (pvecm status)", votes?.ok === false ? votes.error : undefined));
    else if (!votes.value.quorate || votes.value.total < votes.value.expected) {
      // One node down already uses the whole margin of a 3-node cluster: the upgrade would take the next.
      reasons.push(
        `pvecm status on ${votes.value.from}: ${votes.value.total} of ${votes.value.expected} expected votes${votes.value.quorate ? "" : ", not quorate"}: bring every node's corosync back before taking one down`,
      );
    } else checked.push(`${votes.value.total} of ${votes.value.expected} expected votes present (pvecm status on ${votes.value.from})`);
    return verdict(this, summaryOf(state), reasons, checked);
  },
};
