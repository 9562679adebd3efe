// Moving, stopping and starting one guest through the API, each proved by the guest's own state
// afterwards: a migrate task that ends OK does not prove an HA guest moved (its task is only the
// request to the HA manager), and migrateall ends OK even when guests failed
// (docs/domain/proxmox-api.md, "Tasks prove little"). Each request is built once, as data, for
// the dry run's text and for the POST itself.

import { formatDuration } from "../config/index.js";
import { readGuestList } from "../observe/pve.js";
import { taskLogSchema, taskStatusSchema, tasksListSchema, upidSchema, validated, vmStatusSchema } from "../observe/pve-schemas.js";
import type { GuestMove } from "../plan/placement.js";
import { taskOutcome } from "../pve/tasks.js";
import type { PveParams } from "../transport/pve.js";
import { observeContextOf, type StepContext } from "./contract.js";
import { resumeCommand, StepFailure } from "./failures.js";
import { waitUntil } from "./wait.js";

export type GuestRef = Pick<GuestMove, "vmid" | "name" | "type">;

export interface ApiRequest {
  path: string;
  params: PveParams;
}

export const label = (g: GuestRef) => `${g.vmid} (${g.name})`;

/** `POST /nodes/pve1/qemu/100/migrate target=pve3 online=1`, as the dry run shows a request. */
export function requestLine(request: ApiRequest): string {
  const params = Object.entries(request.params).map(([k, v]) => `${k}=${String(v)}`);
  return ["POST", request.path, ...params].join(" ");
}

export function migrateRequest(move: GuestRef & { from: string; to: string }): ApiRequest {
  // Containers cannot live-migrate: PVE stops, moves and starts them (restart migration).
  const params = move.type === "qemu" ? { target: move.to, online: 1 } : { target: move.to, restart: 1 };
  return { path: `/nodes/${move.from}/${move.type}/${move.vmid}/migrate`, params };
}

export function powerRequest(node: string, guest: GuestRef, action: "shutdown" | "start"): ApiRequest {
  return { path: `/nodes/${node}/${guest.type}/${guest.vmid}/status/${action}`, params: {} };
}

async function taskStatus(ctx: StepContext, node: string, upid: string) {
  return validated(taskStatusSchema, await ctx.pve.get(`/nodes/${node}/tasks/${encodeURIComponent(upid)}/status`), `task ${upid}`);
}

/** The guest's status as its (new) node reports it. */
async function currentStatus(ctx: StepContext, node: string, guest: GuestRef) {
  return validated(
    vmStatusSchema,
    await ctx.pve.get(`/nodes/${node}/${guest.type}/${guest.vmid}/status/current`),
    `status of ${label(guest)} on ${node}`,
  );
}

function runningProperly(status: { status: string; qmpstatus?: string | undefined }, type: GuestRef["type"]): boolean {
  return status.status === "running" && (type === "lxc" || status.qmpstatus === "running");
}

type TaskStatus = Awaited<ReturnType<typeof taskStatus>>;

/** A task that ended with warnings succeeded: its WARN lines are shown, not treated as a failure. */
export async function reportWarnings(ctx: StepContext, node: string, upid: string, warnings: number): Promise<void> {
  if (warnings === 0) return;
  // The warnings themselves are only in the task log; without it the count is still said.
  const log = await ctx.pve.get(`/nodes/${node}/tasks/${encodeURIComponent(upid)}/log`).then(
    (data) => validated(taskLogSchema, data, `log of ${upid}`),
    () => [],
  );
  const lines = log.flatMap((l) => (/^WARN/.test(l.t) ? [l.t] : []));
  ctx.progress(
    `warning: task ${upid.split(":")[5]} on ${node} ended with ${warnings} warning${warnings === 1 ? "" : "s"}${lines.length > 0 ? `: ${lines.join(" / ")}` : ""}`,
  );
}

/** Waits for a task to stop (at most `limit`, default timeouts.migrate); a change in flight is finished before the run may stop. */
export async function taskEnd(
  ctx: StepContext,
  node: string,
  upid: string,
  what: string,
  humanAction: string,
  limit = ctx.config.timeouts.migrate,
): Promise<TaskStatus> {
  let end: TaskStatus | null = null;
  await waitUntil(
    ctx,
    limit,
    () => new StepFailure(`${what} did not finish within ${formatDuration(limit)} (task ${upid})`, humanAction),
    async () => {
      const task = await taskStatus(ctx, node, upid);
      if (task.status !== "stopped") return `${what}: task ${task.type} running`;
      end = task;
      return true;
    },
    { finishFirst: true },
  );
  return end!;
}

export async function migrateGuest(ctx: StepContext, move: GuestMove & { to: string }): Promise<void> {
  const from = move.from;
  const requestedAt = Math.floor(ctx.clock.now() / 1000) - 1;
  const stillOnSource = `${label(move)} should still be running on ${from}; check the task log on ${from} (Datacenter → Tasks) and the HA state (\`ha-manager status\`), then ${resumeCommand(ctx.upgradesTo)}.`;
  const request = migrateRequest({ ...move, to: move.to });
  // One POST, never retried: a second request could start a second migration.
  const upid = await ctx.action("migrate", { vmid: move.vmid, name: move.name, from, to: move.to, type: move.type }, async () => {
    try {
      return validated(upidSchema, await ctx.pve.post(request.path, request.params), `migrate ${label(move)}`);
    } catch (error) {
      throw new StepFailure(`migrating ${label(move)} from ${from} to ${move.to} was refused: ${(error as Error).message}`, stillOnSource);
    }
  });
  ctx.progress(`migrating ${label(move)} ${from} → ${move.to} (task ${upid.split(":")[5]})`);
  const first = await taskEnd(ctx, from, upid, `migration of ${label(move)}`, stillOnSource);
  const outcome = taskOutcome(first.exitstatus);
  if (!outcome.ok)
    throw new StepFailure(
      `migration of ${label(move)} from ${from} to ${move.to} failed: task ${upid} ended "${outcome.error}"`,
      stillOnSource,
    );
  await reportWarnings(ctx, from, upid, outcome.warnings);
  // For an HA guest that task only handed the request to the HA manager: follow the real
  // migration task (started by the HA stack as root@pam) and the guest itself.
  const limit = ctx.config.timeouts.migrate;
  await waitUntil(
    ctx,
    limit,
    () => new StepFailure(`${label(move)} was not running on ${move.to} within ${formatDuration(limit)}`, stillOnSource),
    async () => {
      if (first.type === "hamigrate") {
        const tasks = validated(tasksListSchema, await ctx.pve.get(`/nodes/${from}/tasks`, { vmid: move.vmid }), `tasks of ${from}`);
        const failed = tasks.find(
          (t) =>
            t.starttime >= requestedAt &&
            /migrate$/.test(t.type) &&
            t.type !== "hamigrate" &&
            t.endtime !== undefined &&
            t.status !== undefined &&
            !taskOutcome(t.status).ok,
        );
        if (failed)
          throw new StepFailure(
            `HA migration of ${label(move)} from ${from} to ${move.to} failed: task ${failed.upid} ended "${failed.status}"`,
            stillOnSource,
          );
      }
      const guest = (await readGuestList(observeContextOf(ctx))).find((g) => g.vmid === move.vmid);
      if (!guest || guest.node !== move.to)
        return `waiting for ${label(move)} to run on ${move.to} (PVE places it on ${guest?.node ?? "no node"})`;
      if (guest.lock !== null) return `waiting for ${label(move)} on ${move.to}: still locked (${guest.lock})`;
      const status = await currentStatus(ctx, move.to, move);
      return runningProperly(status, move.type)
        ? true
        : `waiting for ${label(move)} to run on ${move.to} (${status.status}${status.qmpstatus ? `, QEMU ${status.qmpstatus}` : ""})`;
    },
    { finishFirst: true },
  );
  ctx.progress(`${label(move)} runs on ${move.to}`);
}

async function powerAction(ctx: StepContext, node: string, guest: GuestRef, action: "shutdown" | "start"): Promise<void> {
  const want = action === "shutdown" ? "stopped" : "running";
  const humanAction = `Check ${label(guest)} on ${node} (\`qm status ${guest.vmid}\`) and the task log, then ${resumeCommand(ctx.upgradesTo)}.`;
  const request = powerRequest(node, guest, action);
  const upid = await ctx.action(action, { vmid: guest.vmid, name: guest.name, node, type: guest.type }, async () => {
    try {
      return validated(upidSchema, await ctx.pve.post(request.path, request.params), `${action} ${label(guest)}`);
    } catch (error) {
      throw new StepFailure(`${action} of ${label(guest)} on ${node} was refused: ${(error as Error).message}`, humanAction);
    }
  });
  ctx.progress(`${action === "shutdown" ? "shutting down" : "starting"} ${label(guest)} on ${node}`);
  const task = await taskEnd(ctx, node, upid, `${action} of ${label(guest)}`, humanAction);
  const outcome = taskOutcome(task.exitstatus);
  if (!outcome.ok) throw new StepFailure(`${action} of ${label(guest)} on ${node} failed: "${outcome.error}"`, humanAction);
  await reportWarnings(ctx, node, upid, outcome.warnings);
  const limit = ctx.config.timeouts.migrate;
  await waitUntil(
    ctx,
    limit,
    () => new StepFailure(`${label(guest)} was not ${want} on ${node} within ${formatDuration(limit)}`, humanAction),
    async () => {
      const status = await currentStatus(ctx, node, guest);
      const reached = want === "running" ? runningProperly(status, guest.type) : status.status === "stopped";
      return reached ? true : `waiting for ${label(guest)} to be ${want} (${status.status})`;
    },
    { finishFirst: true },
  );
}

export function shutdownGuest(ctx: StepContext, node: string, guest: GuestRef): Promise<void> {
  return powerAction(ctx, node, guest, "shutdown");
}

export function startGuest(ctx: StepContext, node: string, guest: GuestRef): Promise<void> {
  return powerAction(ctx, node, guest, "start");
}
