// Whether a node still needs its upgrade, from live state: the steps that take a node out of
// service ask this first, so a run resumed after the upgrade itself never takes the node down
// again to redo a job that is done.

import { upToDate } from "../plan/plan.js";
import { predictReboot } from "../plan/reboot.js";
import type { StepContext } from "./contract.js";

/** What shows the node is fully upgraded (nothing pending, the kernel it should run, the playbook's release), or null. */
export async function upgradeComplete(ctx: StepContext, node: string): Promise<string | null> {
  const state = await ctx.observe(["packages"], { nodes: [node] });
  const packages = state.packages?.[node];
  // Unknown is not complete: the step goes on, and the take-down gates guard what it does.
  if (!packages?.ok || !upToDate(packages.value, ctx.upgradesTo)) return null;
  const release = ctx.upgradesTo === null ? "" : `; PVE ${packages.value.pveVersion}`;
  return `${node} is already upgraded (no packages pending; ${predictReboot(packages.value).reason}${release})`;
}
