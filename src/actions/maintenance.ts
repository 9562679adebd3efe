// HA maintenance mode. There is no REST endpoint for it (notes/proxmox.md §0.3): it is asked over
// SSH with `ha-manager crm-command node-maintenance`, and confirmed through the HA manager's own
// status, since the request only takes effect once the LRM picks it up.

import { readHa } from "../observe/pve.js";
import { changeCommand } from "../transport/remote-command.js";
import { observeContextOf, targetOf, waitUntil, type Step, type StepContext } from "../run/context.js";
import { StepFailure } from "../run/failures.js";
import { formatDuration } from "../config/index.js";

async function haStatusOf(ctx: StepContext, node: string): Promise<string | null> {
  const ha = await readHa(observeContextOf(ctx));
  if (!ha.ok) return null;
  return ha.value.managerActive ? (ha.value.nodeStatus[node] ?? null) : null;
}

async function setMaintenance(ctx: StepContext, enable: boolean) {
  const node = targetOf(ctx);
  const want = enable ? "maintenance" : "online";
  const verb = enable ? "enable" : "disable";
  if ((await haStatusOf(ctx, node)) === want) {
    if (enable) ctx.memory.maintenanceOn.add(node);
    else ctx.memory.maintenanceOn.delete(node);
    return { status: "skipped" as const, message: `${node} is already ${want} for the HA manager` };
  }
  const humanAction = `Check the HA stack (\`ha-manager status\` on any node). To clear maintenance by hand: \`ha-manager crm-command node-maintenance disable ${node}\`.`;
  await ctx.action(`maintenance-${enable ? "on" : "off"}`, { node }, async () => {
    const run = await ctx.shell.run(node, changeCommand(["ha-manager", "crm-command", "node-maintenance", verb, node]));
    if (run.exitCode !== 0) throw new StepFailure(`ha-manager crm-command node-maintenance ${verb} ${node} exited ${run.exitCode}: ${run.stderr.trim()}`, humanAction);
  });
  if (enable) ctx.memory.maintenanceOn.add(node);
  else ctx.memory.maintenanceOn.delete(node);
  const limit = ctx.config.timeouts.nodeOnline;
  let last: string | null = null;
  await waitUntil(
    ctx,
    limit,
    () => new StepFailure(`the HA manager did not report ${node} ${want} within ${formatDuration(limit)} (last: ${last ?? "no manager status"})`, humanAction),
    async () => {
      last = await haStatusOf(ctx, node);
      return last === want ? true : `waiting for the HA manager to report ${node} ${want} (now: ${last ?? "unknown"})`;
    },
  );
  return { status: "ok" as const, message: `HA manager reports ${node} ${want}` };
}

export const maintenanceOn: Step = {
  describe: async (ctx) => [`ha-manager crm-command node-maintenance enable ${targetOf(ctx)}`],
  execute: (ctx) => setMaintenance(ctx, true),
};

export const maintenanceOff: Step = {
  describe: async (ctx) => [`ha-manager crm-command node-maintenance disable ${targetOf(ctx)}`],
  execute: (ctx) => setMaintenance(ctx, false),
};
