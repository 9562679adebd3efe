import { unobserved, verdict, type Gate } from "./types.js";

export const privateNetworkGate: Gate = {
  name: "private-network",
  title: "Every node reaches every other over the private network",
  needs: (config) => (config.nodes.some((n) => n.privateAddress) ? ["privateNetwork"] : []),
  evaluate({ config, state }) {
    const reasons: string[] = [];
    const checked: string[] = [];
    const withPrivate = config.nodes.filter((n) => n.privateAddress);
    if (withPrivate.length === 0) return verdict(this, [], ["no privateAddress declared"]);
    for (const from of config.nodes) {
      for (const to of withPrivate) {
        if (from.name === to.name) continue;
        const path = state.privateNetwork?.find((p) => p.from === from.name && p.to === to.name);
        const label = `${from.name} → ${to.name} (${to.privateAddress})`;
        if (!path) reasons.push(unobserved(label, undefined));
        else if (!path.result.ok) reasons.push(unobserved(label, path.result.error));
        else if (!path.result.value.reachable) {
          reasons.push(`${label}: ${path.result.value.detail}: check the private interfaces and bridges of both nodes (interface names can change after a kernel update)`);
        } else checked.push(`${label}: ${path.result.value.detail}`);
      }
    }
    return verdict(this, reasons, checked);
  },
};
