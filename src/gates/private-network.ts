import { listed, unobserved, verdict, type Gate } from "./types.js";

export const privateNetworkGate: Gate = {
  name: "private-network",
  title: "Every node reaches every other over the private network",
  needs: (config) => (config.nodes.some((n) => n.privateAddress) ? ["privateNetwork"] : []),
  evaluate({ config, state }) {
    const reasons: string[] = [];
    const checked: string[] = [];
    const withPrivate = config.nodes.filter((n) => n.privateAddress);
    if (withPrivate.length === 0) return verdict(this, "no privateAddress declared", [], ["no privateAddress declared"]);
    let paths = 0;
    const silent: string[] = [];
    const unknown: string[] = [];
    for (const from of config.nodes) {
      for (const to of withPrivate) {
        if (from.name === to.name) continue;
        const path = state.privateNetwork?.find((p) => p.from === from.name && p.to === to.name);
        const label = `${from.name} → ${to.name} (${to.privateAddress})`;
        paths += 1;
        if (!path || !path.result.ok) {
          reasons.push(unobserved(label, path?.result.ok === false ? path.result.error : undefined));
          unknown.push(`${from.name} → ${to.name}`);
        } else if (!path.result.value.reachable) {
          reasons.push(
            `${label}: ${path.result.value.detail}: check the private interfaces and bridges of both nodes (interface names can change after a kernel update)`,
          );
          silent.push(`${from.name} → ${to.name}`);
        } else checked.push(`${label}: ${path.result.value.detail}`);
      }
    }
    const summary = [
      `${paths - silent.length - unknown.length}/${paths} private paths answer`,
      ...(silent.length > 0 ? [`no answer on ${listed(silent)}`] : []),
      ...(unknown.length > 0 ? [`unknown: ${listed(unknown)}`] : []),
    ].join("; ");
    return verdict(this, summary, reasons, checked);
  },
};
