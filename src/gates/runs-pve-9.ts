// runs-pve-9: after its major upgrade and reboot, the node runs PVE 9 on the newest kernel it has
// installed, and pve8to9 (run again: on PVE 9 it checks the upgraded system, docs/domain/pve8to9.md
// "On PVE 9") finds nothing to fix there. About the node just upgraded; without one (`rollgate
// check`), about every node: the whole cluster is on 9.

import { newestKernel } from "../util/kernel-version.js";
import { pve8to9Verdict } from "../pve/pve8to9.js";
import { majorOf } from "../observe/permissions.js";
import { ownRoleExcuse, rolesUnobserved } from "./pve8to9.js";
import { listed, unobserved, verdict, type Gate } from "./types.js";

export const runsPve9Gate: Gate = {
  name: "runs-pve-9",
  title: "The node runs PVE 9 on its new kernel, and pve8to9 finds nothing to fix on it",
  needs: () => ["packages", "pve8to9", "roles"],
  evaluate({ config, state, target }) {
    const nodes = target ? [target] : config.nodes.map((n) => n.name);
    const reasons: string[] = [];
    const checked: string[] = [];
    const warnings: string[] = [];
    const ready: string[] = [];
    const unknown: string[] = [];
    const roles = state.roles;
    if (!roles?.ok) reasons.push(rolesUnobserved(roles));
    for (const node of nodes) {
      const seen = state.packages?.[node];
      const report = state.pve8to9?.[node];
      if (!seen?.ok) {
        reasons.push(unobserved(`${node}'s PVE version and kernels`, seen?.ok === false ? seen.error : undefined));
        unknown.push(node);
        continue;
      }
      const { pveVersion, runningKernel, installedKernels } = seen.value;
      const before = reasons.length;
      if (majorOf(pveVersion ?? "") !== "9")
        reasons.push(`${node} runs PVE ${pveVersion ?? "unknown"}, not 9: its major upgrade is not done (\`pveversion -v\` on ${node})`);
      const newest = newestKernel(installedKernels);
      if (newest !== undefined && newest !== runningKernel)
        reasons.push(`${node} runs kernel ${runningKernel}, not its newest ${newest}: reboot it into the PVE 9 kernel`);
      if (!report?.ok) reasons.push(unobserved(`pve8to9 --full on ${node}`, report?.ok === false ? report.error : undefined));
      else {
        const v = pve8to9Verdict(node, report.value, roles?.ok ? ownRoleExcuse(roles.value) : () => null);
        reasons.push(...v.reasons);
        warnings.push(...v.warnings);
      }
      if (reasons.length === before) {
        ready.push(node);
        checked.push(`${node}: PVE ${pveVersion}, kernel ${runningKernel}, pve8to9 clean`);
      }
    }
    const behind = nodes.filter((n) => !ready.includes(n) && !unknown.includes(n));
    const summary = [
      ...(ready.length > 0 ? [`${listed(ready)} on PVE 9, new kernel, pve8to9 clean`] : []),
      ...(behind.length > 0 ? [`${listed(behind)} not (yet) on PVE 9 as it should be`] : []),
      ...(unknown.length > 0 ? [`unknown on ${listed(unknown)}`] : []),
    ].join("; ");
    return { ...verdict(this, summary, reasons, checked), ...(warnings.length > 0 ? { warnings } : {}) };
  },
};
