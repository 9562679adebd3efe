// latest-pve-8: the major upgrade starts from PVE 8.4 or later with nothing left to install on
// any node (pve8to9 itself refuses an older one: docs/domain/proxmox-api.md, "The major upgrade starts from 8.4"). A node
// already on 9 passes: the cluster is mixed while the major upgrade goes on, and resumes find it so.

import { majorMinorOf } from "../pve/pve-version.js";
import { listed, unobserved, verdict, type Gate } from "./types.js";

export const latestPve8Gate: Gate = {
  name: "latest-pve-8",
  title: "Every node runs PVE 8.4 or later, fully updated (where the major upgrade starts)",
  needs: () => ["packages"],
  preflightOnly: true,
  evaluate({ config, state }) {
    const reasons: string[] = [];
    const checked: string[] = [];
    const behind: string[] = [];
    const ready: string[] = [];
    const onNine: string[] = [];
    const unknown: string[] = [];
    for (const node of config.nodes.map((n) => n.name)) {
      const seen = state.packages?.[node];
      if (!seen?.ok) {
        reasons.push(unobserved(`${node}'s PVE version and pending packages`, seen?.ok === false ? seen.error : undefined));
        unknown.push(node);
        continue;
      }
      const { pveVersion, pending } = seen.value;
      const version = majorMinorOf(pveVersion);
      if (version === null) {
        reasons.push(
          `${node}: its PVE version is unknown (/nodes/${node}/version answered ${JSON.stringify(pveVersion)}); refusing until it is read`,
        );
        unknown.push(node);
      } else if (version[0] >= 9) {
        onNine.push(node);
        checked.push(`${node}: PVE ${pveVersion} already`);
      } else if (version[0] < 8 || version[1] < 4) {
        reasons.push(
          `${node} runs PVE ${pveVersion}: the major upgrade starts from 8.4 or later. Run the minor upgrade first (\`rollgate upgrade\`)`,
        );
        behind.push(node);
      } else if (pending.length > 0) {
        const named = listed(
          pending.map((p) => `${p.name} ${p.to}`),
          ", ",
          4,
        );
        reasons.push(
          `${node} runs PVE ${pveVersion} with ${pending.length} package${pending.length === 1 ? "" : "s"} to install (${named}): run the minor upgrade first (\`rollgate upgrade\`)`,
        );
        behind.push(node);
      } else {
        ready.push(node);
        checked.push(`${node}: PVE ${pveVersion}, up to date`);
      }
    }
    const summary = [
      ...(ready.length > 0 ? [`${listed(ready)} on 8.4, up to date`] : []),
      ...(onNine.length > 0 ? [`${listed(onNine)} on 9 already`] : []),
      ...(behind.length > 0 ? [`${listed(behind)} not ready`] : []),
      ...(unknown.length > 0 ? [`${listed(unknown)} unknown`] : []),
    ].join("; ");
    return verdict(this, summary, reasons, checked);
  },
};
