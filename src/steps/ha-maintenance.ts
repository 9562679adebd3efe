// HA maintenance mode, for maintenance-on and maintenance-off. There is no REST endpoint for it
// (docs/domain/proxmox-api.md, "Maintenance mode"): it is asked over SSH with `ha-manager
// crm-command node-maintenance`, and confirmed through the HA manager's own status, since the
// request only takes effect once the CRM picks it up.

import { formatDuration } from "../config/index.js";
import { changeCommand, commandLine, type RemoteCommand } from "../transport/remote-command.js";
import type { StepContext } from "./contract.js";
import { StepFailure } from "./failures.js";
import { waitUntil } from "./wait.js";

export type MaintenanceWish = "maintenance" | "online";

export function maintenanceCommand(node: string, want: MaintenanceWish): RemoteCommand {
  return changeCommand(["ha-manager", "crm-command", "node-maintenance", want === "maintenance" ? "enable" : "disable", node]);
}

/** What the HA manager reports for the node now: its node status, or why there is none. */
export async function haStatusOf(
  ctx: StepContext,
  node: string,
): Promise<{ status: string | null; nothingManaged: boolean; noMaster: boolean }> {
  const state = await ctx.observe(["ha"]);
  if (!state.ha?.ok) return { status: null, nothingManaged: false, noMaster: false };
  const ha = state.ha.value;
  return {
    status: ha.managerActive ? (ha.nodeStatus[node] ?? null) : null,
    nothingManaged: ha.resourceCount === 0,
    noMaster: !ha.managerActive,
  };
}

/** Maintenance only tells HA what to do with its resources: with none, there is nothing to ask for. */
export const nothingManaged = (node: string) =>
  `HA manages no resource: maintenance mode is not used for ${node} (it would have nothing to move or keep off it)`;

export const humanActionFor = (node: string) =>
  `Check the HA stack (\`ha-manager status\` on any node). To clear maintenance by hand: \`ha-manager crm-command node-maintenance disable ${node}\`.`;

export function describeMaintenance(node: string, want: MaintenanceWish): string[] {
  return [`${commandLine(maintenanceCommand(node, want))} (on ${node}); wait until the HA manager reports ${node} ${want}`];
}

/** Sends the request (journaled) and keeps the run's record of where maintenance is on. */
export async function requestMaintenance(ctx: StepContext, node: string, want: MaintenanceWish): Promise<void> {
  const command = maintenanceCommand(node, want);
  const action = want === "maintenance" ? "maintenance-on" : "maintenance-off";
  // Recorded before the request: an attempt that reports an error may still have worked.
  if (want === "maintenance") ctx.facts.maintenanceOn.add(node);
  await ctx.action(action, { node }, async () => {
    const run = await ctx.shell.run(node, command);
    if (run.exitCode !== 0)
      throw new StepFailure(`${commandLine(command)} exited ${run.exitCode}: ${run.stderr.trim()}`, humanActionFor(node));
  });
  if (want === "online") ctx.facts.maintenanceOn.delete(node);
}

/**
 * The CRM takes a request up on its next round (every 10 s): a request it has not taken up within
 * timeouts.haPickup never will be (pve-ha-manager before 4.0.6 ignored commands with no resource
 * configured; a CRM without a master processes nothing), so the wait for it is short, and said so.
 */
export async function awaitMaintenance(ctx: StepContext, node: string, want: MaintenanceWish): Promise<string> {
  const limit = ctx.config.timeouts.haPickup;
  let last: Awaited<ReturnType<typeof haStatusOf>> | null = null;
  await waitUntil(
    ctx,
    limit,
    () =>
      new StepFailure(
        `the HA manager did not take up \`${commandLine(maintenanceCommand(node, want))}\` within ${formatDuration(limit)} (${last?.noMaster ? "no CRM master is active" : `it reports ${node} ${last?.status ?? "nothing"}`}): its CRM runs every 10 s, so it will not`,
        humanActionFor(node),
      ),
    async () => {
      last = await haStatusOf(ctx, node);
      return last.status === want
        ? true
        : `waiting for the HA manager to report ${node} ${want} (now: ${last.status ?? (last.noMaster ? "no CRM master" : "unknown")})`;
    },
  );
  return `HA manager reports ${node} ${want}`;
}
