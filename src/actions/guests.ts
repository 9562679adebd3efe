// Moving, stopping and starting one guest through the API, each proved by the guest's own state
// afterwards: a migrate task that ends OK does not prove an HA guest moved (its task is only the
// request to the HA manager), and migrateall ends OK even when guests failed (notes/proxmox.md §0.2).

import { readGuestList } from "../observe/pve.js";
import { taskStatusSchema, tasksListSchema, upidSchema, validated, vmStatusSchema } from "../observe/pve-schemas.js";
import type { GuestMove } from "../plan/placement.js";
import { observeContextOf, type StepContext } from "../run/context.js";
import { StepFailure } from "../run/failures.js";
import { formatDuration } from "../config/index.js";

type GuestRef = Pick<GuestMove, "vmid" | "name" | "type">;

const label = (g: GuestRef) => `${g.vmid} (${g.name})`;

async function pollUntil<T>(ctx: StepContext, limitMs: number, what: string, humanAction: string, check: () => Promise<T | null>): Promise<T> {
  const deadline = ctx.clock.now() + limitMs;
  for (;;) {
    const done = await check();
    if (done !== null) return done;
    if (ctx.clock.now() >= deadline) throw new StepFailure(`${what} did not happen within ${formatDuration(limitMs)}`, humanAction);
    // A migration already running is finished before stopping: only the wait is interruptible.
    await ctx.clock.sleep(ctx.config.timeouts.poll);
  }
}

async function taskStatus(ctx: StepContext, node: string, upid: string) {
  return validated(taskStatusSchema, await ctx.pve.get(`/nodes/${node}/tasks/${encodeURIComponent(upid)}/status`), `task ${upid}`);
}

/** The guest's status as its (new) node reports it. */
async function currentStatus(ctx: StepContext, node: string, guest: GuestRef) {
  return validated(vmStatusSchema, await ctx.pve.get(`/nodes/${node}/${guest.type}/${guest.vmid}/status/current`), `status of ${label(guest)} on ${node}`);
}

function runningProperly(status: { status: string; qmpstatus?: string | undefined }, type: GuestRef["type"]): boolean {
  return status.status === "running" && (type === "lxc" || status.qmpstatus === "running");
}

export async function migrateGuest(ctx: StepContext, move: GuestMove & { to: string }): Promise<void> {
  const from = move.from;
  const requestedAt = Math.floor(ctx.clock.now() / 1000) - 1;
  const stillOnSource = `${label(move)} should still be running on ${from}; check the task log on ${from} (Datacenter → Tasks) and the HA state (\`ha-manager status\`), then \`rollgate upgrade --resume\`.`;
  // One POST, never retried: a second request could start a second migration.
  const upid = await ctx.action("migrate", { vmid: move.vmid, name: move.name, from, to: move.to, type: move.type }, async () => {
    const params = move.type === "qemu" ? { target: move.to, online: 1 } : { target: move.to, restart: 1 };
    try {
      return validated(upidSchema, await ctx.pve.post(`/nodes/${from}/${move.type}/${move.vmid}/migrate`, params), `migrate ${label(move)}`);
    } catch (error) {
      throw new StepFailure(`migrating ${label(move)} from ${from} to ${move.to} was refused: ${(error as Error).message}`, stillOnSource);
    }
  });
  ctx.progress(`migrating ${label(move)} ${from} → ${move.to} (task ${upid.split(":")[5]})`);
  const limit = ctx.config.timeouts.migrate;
  const first = await pollUntil(ctx, limit, `migration of ${label(move)}`, stillOnSource, async () => {
    const task = await taskStatus(ctx, from, upid);
    return task.status === "stopped" ? task : null;
  });
  if (first.exitstatus !== "OK") {
    throw new StepFailure(`migration of ${label(move)} from ${from} to ${move.to} failed: task ${upid} ended "${first.exitstatus ?? "without exit status"}"`, stillOnSource);
  }
  // For an HA guest that task only handed the request to the HA manager: follow the real
  // migration task (started by the HA stack as root@pam) and the guest itself.
  await pollUntil(ctx, limit, `${label(move)} running on ${move.to}`, stillOnSource, async () => {
    if (first.type === "hamigrate") {
      const tasks = validated(tasksListSchema, await ctx.pve.get(`/nodes/${from}/tasks`, { vmid: move.vmid }), `tasks of ${from}`);
      const failed = tasks.find((t) => t.starttime >= requestedAt && /migrate$/.test(t.type) && t.type !== "hamigrate" && t.endtime !== undefined && t.status !== undefined && t.status !== "OK");
      if (failed) throw new StepFailure(`HA migration of ${label(move)} from ${from} to ${move.to} failed: task ${failed.upid} ended "${failed.status}"`, stillOnSource);
    }
    const guest = (await readGuestList(observeContextOf(ctx))).find((g) => g.vmid === move.vmid);
    if (!guest || guest.node !== move.to || guest.lock !== null) return null;
    const status = await currentStatus(ctx, move.to, move);
    return runningProperly(status, move.type) ? true : null;
  });
  ctx.progress(`${label(move)} runs on ${move.to}`);
}

async function powerAction(ctx: StepContext, node: string, guest: GuestRef, action: "shutdown" | "start"): Promise<void> {
  const want = action === "shutdown" ? "stopped" : "running";
  const humanAction = `Check ${label(guest)} on ${node} (\`qm status ${guest.vmid}\`) and the task log, then \`rollgate upgrade --resume\`.`;
  const upid = await ctx.action(action, { vmid: guest.vmid, name: guest.name, node, type: guest.type }, async () => {
    try {
      return validated(upidSchema, await ctx.pve.post(`/nodes/${node}/${guest.type}/${guest.vmid}/status/${action}`), `${action} ${label(guest)}`);
    } catch (error) {
      throw new StepFailure(`${action} of ${label(guest)} on ${node} was refused: ${(error as Error).message}`, humanAction);
    }
  });
  ctx.progress(`${action === "shutdown" ? "shutting down" : "starting"} ${label(guest)} on ${node}`);
  await pollUntil(ctx, ctx.config.timeouts.migrate, `${action} of ${label(guest)}`, humanAction, async () => {
    const task = await taskStatus(ctx, node, upid);
    if (task.status !== "stopped") return null;
    if (task.exitstatus !== "OK") throw new StepFailure(`${action} of ${label(guest)} on ${node} failed: "${task.exitstatus}"`, humanAction);
    const status = await currentStatus(ctx, node, guest);
    return (want === "running" ? runningProperly(status, guest.type) : status.status === "stopped") ? true : null;
  });
}

export function shutdownGuest(ctx: StepContext, node: string, guest: GuestRef): Promise<void> {
  return powerAction(ctx, node, guest, "shutdown");
}

export function startGuest(ctx: StepContext, node: string, guest: GuestRef): Promise<void> {
  return powerAction(ctx, node, guest, "start");
}
