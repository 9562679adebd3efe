// Whether a node still needs its upgrade, from live state: the steps that take a node out of
// service ask this first, so a run resumed after the upgrade itself never takes the node down
// again to redo a job that is done.

import { predictReboot } from "../plan/reboot.js";
import type { StepContext } from "./contract.js";

/** What shows the node is fully upgraded (nothing pending, the kernel it should run), or null. */
export async function upgradeComplete(ctx: StepContext, node: string): Promise<string | null> {
  const state = await ctx.observe(["packages"], { nodes: [node] });
  const packages = state.packages?.[node];
  // Unknown is not complete: the step goes on, and the take-down gates guard what it does.
  if (!packages?.ok) return null;
  const reboot = predictReboot(packages.value);
  if (packages.value.pending.length > 0 || reboot.needed) return null;
  return `${node} is already upgraded (no packages pending; ${reboot.reason})`;
}
