// trixie-repositories: before the first node, the repositories each node will use once
// sources-trixie has switched it to trixie, planned as that step plans it (src/pve/trixie-switch.ts,
// from the same files). A node whose switch cannot be planned, or which would be left without a
// Debian or a Proxmox VE repository, is refused here, while every node is in service, instead of
// after its guests were moved away (docs/domain/apt-sources.md, "What the preflight shows").

import { classify, type Repository, type SourceEntry } from "../pve/apt-sources.js";
import { enabledEntries, planNodeSwitch } from "../pve/trixie-switch.js";
import { count, listed, unobserved, verdict, type Gate } from "./types.js";

const ENTERPRISE_NOTE = " (kept, taken for a subscription: package-sources checks it answers)";

/** Without Debian's, apt has no trixie base; without Proxmox VE's, it never offers pve-manager 9. */
const REQUIRED: ReadonlyArray<{ name: string; is: (repo: Repository) => boolean; enable: string }> = [
  {
    name: "Debian",
    is: (repo) => repo.kind === "debian" && !repo.security,
    enable: "deb.debian.org/debian main contrib (with its -updates, and security.debian.org/debian-security)",
  },
  {
    name: "Proxmox VE",
    is: (repo) => repo.kind === "proxmox" && repo.product === "pve",
    enable: "download.proxmox.com/debian/pve pve-no-subscription (or pve-enterprise with a subscription)",
  },
];

/** `deb.debian.org/debian trixie trixie-updates main contrib`: entries of one URI and the same components share a line. */
function repositoryList(entries: readonly SourceEntry[]): string {
  const lines = new Map<string, { where: string; suites: string[]; components: string[]; note: string }>();
  for (const e of entries) {
    for (const uri of e.uris) {
      const repo = classify(uri);
      // The one assumption in the list: the step takes an enabled enterprise repository for a subscription.
      const note = (repo.kind === "proxmox" || repo.kind === "ceph") && repo.enterprise ? ENTERPRISE_NOTE : "";
      const where = uri.replace(/^[a-z]+:\/\//, "").replace(/\/+$/, "");
      const key = `${where} ${e.components.join(" ")}`;
      const line = lines.get(key) ?? { where, suites: [], components: e.components, note };
      line.suites.push(...e.suites.filter((s) => !line.suites.includes(s)));
      lines.set(key, line);
    }
  }
  return [...lines.values()].map((l) => `${l.where} ${[...l.suites, ...l.components].join(" ")}${l.note}`).join("; ");
}

export const trixieRepositoriesGate: Gate = {
  name: "trixie-repositories",
  title: "Every node's APT sources can be switched to trixie, keeping a Debian and a Proxmox VE repository",
  needs: () => ["aptSources"],
  preflightOnly: true,
  evaluate({ config, state }) {
    const reasons: string[] = [];
    const checked: string[] = [];
    // Nodes that will use the same repositories are said once.
    const byList = new Map<string, string[]>();
    const refused: string[] = [];
    const unknown: string[] = [];
    for (const node of config.nodes.map((n) => n.name)) {
      const seen = state.aptSources?.[node];
      if (!seen?.ok) {
        reasons.push(unobserved(`${node}'s APT sources`, seen?.ok === false ? seen.error : undefined));
        unknown.push(node);
        continue;
      }
      const plan = planNodeSwitch(seen.value);
      if (!plan.ok) {
        reasons.push(...plan.refusals.map((r) => `${node}: its APT sources cannot be switched to trixie: ${r}`));
        refused.push(node);
        continue;
      }
      // deb-src entries bring no packages.
      const after = enabledEntries(plan.files).filter((e) => e.types.includes("deb"));
      const list = repositoryList(after);
      const repos = after.flatMap((e) => e.uris.map(classify));
      const missing = REQUIRED.filter((required) => !repos.some(required.is));
      if (missing.length > 0) {
        reasons.push(
          `${node}: after the switch to trixie it would have no enabled ${missing.map((m) => m.name).join(" and no ")} repository (it would use: ${list || "none"}), so its dist-upgrade could not reach PVE 9. Enable ${missing.map((m) => m.enable).join(" and ")} on ${node} (a mirror counts as a third-party repository here), then run again`,
        );
        refused.push(node);
        continue;
      }
      byList.set(list, [...(byList.get(list) ?? []), node]);
      const work =
        plan.writes.length === 0
          ? "already on trixie"
          : `${count(plan.writes.length, "file")} to write, each original kept as .bookworm.bak`;
      checked.push(`${node}: ${list} (${work})`);
    }
    const summary = [
      ...[...byList].map(([list, nodes]) => `${listed(nodes)}: ${list}`),
      ...(refused.length > 0 ? [`${listed(refused)} refused`] : []),
      ...(unknown.length > 0 ? [`${listed(unknown)} unknown`] : []),
    ].join(" | ");
    return verdict(this, summary, reasons, checked);
  },
};
