// package-sources: every node can refresh its package lists. A repository that fails (the
// enterprise repository without a subscription answers 401) would fail the node's apt-get update
// after it was emptied for the upgrade; found here, while every node is in service, it refuses
// cleanly, with the repository line to fix (docs/domain/proxmox-api.md, "Package repositories").

import { enterpriseRepository } from "../observe/parsers/apt-update.js";
import { listed, unobserved, verdict, type Gate } from "./types.js";

function advice(error: string): string {
  const repo = enterpriseRepository(error);
  if (!repo) return error;
  const line = `deb ${repo.url} ${repo.codename} ${repo.component}`;
  const noSubscription = repo.url.replace("https://enterprise.proxmox.com", "http://download.proxmox.com");
  const free =
    repo.component === "pve-enterprise"
      ? `deb ${noSubscription} ${repo.codename} pve-no-subscription`
      : `deb ${noSubscription} ${repo.codename} no-subscription`;
  const where =
    repo.codename === "bookworm"
      ? "/etc/apt/sources.list.d/pve-enterprise.list, comment it out"
      : "/etc/apt/sources.list.d/pve-enterprise.sources, set Enabled: false";
  return `${error}: the enterprise repository needs a subscription. Without one, disable \`${line}\` (by default in ${where}) and add \`${free}\``;
}

export const packageSourcesGate: Gate = {
  name: "package-sources",
  title: "Every node can refresh its package lists (apt-get update)",
  needs: () => ["aptUpdate"],
  preflightOnly: true,
  evaluate({ config, state }) {
    const reasons: string[] = [];
    const checked: string[] = [];
    // The same failure on every node is one finding, said once.
    const failures = new Map<string, string[]>();
    const works: string[] = [];
    const fails: string[] = [];
    const unknown: string[] = [];
    const warned: string[] = [];
    for (const node of config.nodes.map((n) => n.name)) {
      const seen = state.aptUpdate?.[node];
      if (!seen?.ok) {
        reasons.push(unobserved(`apt-get update on ${node}`, seen?.ok === false ? seen.error : undefined));
        unknown.push(node);
        continue;
      }
      for (const error of seen.value.errors) failures.set(error, [...(failures.get(error) ?? []), node]);
      if (seen.value.errors.length > 0) fails.push(node);
      else {
        works.push(node);
        if (seen.value.warnings.length > 0) warned.push(node);
        checked.push(
          `${node}: package lists refreshed${seen.value.warnings.length > 0 ? ` (with warnings: ${seen.value.warnings.join(" / ")})` : ""}`,
        );
      }
    }
    for (const [error, nodes] of failures) reasons.push(`apt-get update fails on ${nodes.join(", ")}: ${advice(error)}`);
    const summary = [
      ...(works.length > 0 ? [`works on ${listed(works)}${warned.length > 0 ? ` (warnings on ${listed(warned)})` : ""}`] : []),
      ...(fails.length > 0 ? [`fails on ${listed(fails)}`] : []),
      ...(unknown.length > 0 ? [`unknown on ${listed(unknown)} (not read)`] : []),
    ];
    return verdict(this, `apt-get update ${summary.join("; ") || "run on no node"}`, reasons, checked);
  },
};
