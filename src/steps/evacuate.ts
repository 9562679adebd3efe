// evacuate: every running guest leaves the node before it goes down, critical groups first, one
// at a time, each proved running where it went. The placement is computed from live state at this
// moment (not from the plan made at start), with the nodes upgraded so far preferred, and a VM sent
// to no node whose QEMU is older than the one it runs on. On resume a guest that is back on the node
// (moved back by hand, or by HA) is moved again.

import { placeGuests, type GuestMove, type Placement } from "../plan/placement.js";
import { formatDuration } from "../config/index.js";
import { done, targetOf, toDo, type Step, type StepContext } from "./contract.js";
import { Refusal, resumeCommand, StepFailure } from "./failures.js";
import { label, migrateGuest, migrateRequest, powerRequest, requestLine, shutdownGuest } from "./guests.js";
import { upgradeComplete } from "./upgrade-state.js";
import type { ClusterState } from "../observe/state.js";
import { stopIfAsked, waitUntil } from "./wait.js";

const PLACEMENT_FACETS = ["guests", "constraints", "qemu", "pve", "ha", "haConfig"] as const;

/** Where each guest is, as one observation saw it. */
function whereGuests(state: ClusterState): string | null {
  return state.guests?.ok ? JSON.stringify(state.guests.value.guests.map((g) => [g.vmid, g.node])) : null;
}

/**
 * One observation whose reads agree. A migration that ends between the guest list and a VM's status
 * read (a resumed run, whose killed predecessor's migration task runs on) makes that read fail with
 * "Configuration file … does not exist": the guests are listed again, and only when they moved is
 * the whole observation made again (twice at most); any other failure stands.
 */
async function consistentObservation(ctx: StepContext): Promise<ClusterState> {
  let state = await ctx.observe(PLACEMENT_FACETS);
  for (let again = 0; again < 2 && state.qemu?.ok === false; again++) {
    const listed = whereGuests(await ctx.observe(["guests"]));
    if (listed === null || listed === whereGuests(state)) break;
    state = await ctx.observe(PLACEMENT_FACETS);
  }
  return state;
}

async function placementFor(ctx: StepContext, node: string): Promise<Placement> {
  const state = await consistentObservation(ctx);
  if (!state.haConfig?.ok)
    throw new Refusal(
      `cannot place ${node}'s guests: HA's groups or rules could not be read (${state.haConfig?.ok === false ? state.haConfig.error : "not collected"}), and a placement against them is undone by HA`,
    );
  if (!state.guests?.ok)
    throw new Refusal(
      `cannot place ${node}'s guests: guests could not be read (${state.guests?.ok === false ? state.guests.error : "not collected"})`,
    );
  if (!state.constraints?.ok)
    throw new Refusal(
      `cannot place ${node}'s guests: migration preconditions could not be read (${state.constraints?.ok === false ? state.constraints.error : "not collected"})`,
    );
  if (!state.qemu?.ok)
    throw new Refusal(
      `cannot place ${node}'s guests: the QEMU versions of VMs and nodes could not be read (${state.qemu?.ok === false ? state.qemu.error : "not collected"}), and a VM cannot live-migrate to an older QEMU`,
    );
  const online = state.pve?.ok ? state.pve.value.nodes.filter((n) => n.online).map((n) => n.name) : [];
  const inMaintenance = state.ha?.ok
    ? Object.entries(state.ha.value.nodeStatus)
        .filter(([, s]) => s !== "online")
        .map(([n]) => n)
    : [];
  const unavailable = ctx.config.nodes.map((n) => n.name).filter((n) => !online.includes(n) || inMaintenance.includes(n));
  return placeGuests({
    config: ctx.config,
    guests: state.guests.value.guests,
    capacity: state.guests.value.nodes,
    target: node,
    upgraded: ctx.facts.upgraded,
    unavailable,
    constraints: new Map(Object.entries(state.constraints.value).map(([vmid, c]) => [Number(vmid), c])),
    ha: state.haConfig.value,
    qemu: state.qemu.value,
  });
}

/**
 * A locked guest (a backup running, a snapshot) cannot be migrated: PVE refuses it until the lock
 * lifts (docs/domain/proxmox-api.md, "Where a guest may go"). The wait is bounded by `migrate` and
 * says why it waits.
 */
async function lockLifted(ctx: StepContext, move: GuestMove): Promise<void> {
  const limit = ctx.config.timeouts.migrate;
  let lock = move.lock;
  await waitUntil(
    ctx,
    limit,
    () =>
      new StepFailure(
        `${label(move)} stayed locked (${lock}) for ${formatDuration(limit)}: it cannot be migrated off ${move.from}`,
        `See what holds the lock (\`qm config ${move.vmid} | grep lock\`, the task list of ${move.from}); when it is gone, ${resumeCommand(ctx.upgradesTo)}.`,
      ),
    async () => {
      const state = await ctx.observe(["guests"]);
      lock = state.guests?.ok ? (state.guests.value.guests.find((g) => g.vmid === move.vmid)?.lock ?? null) : lock;
      return lock === null
        ? true
        : `waiting for ${label(move)} on ${move.from} to be unlocked: locked (${lock})${lock === "backup" ? ", a backup is running" : ""}`;
    },
  );
}

export function describeMove(move: GuestMove): string {
  const who = `${move.vmid} (${move.name})${move.group ? ` [${move.group}]` : ""}`;
  const waits = move.lock ? ` once its lock (${move.lock}) lifts` : "";
  switch (move.action) {
    case "migrate":
    case "restart-migrate":
      return move.to ? `${move.action} ${who} ${move.from} → ${move.to}${waits}` : `cannot move ${who}: ${move.problem}`;
    case "shutdown":
      return `shut down ${who} on ${move.from} (${move.why}); start it again after the node returns`;
    case "leave":
      return `leave ${who} on ${move.from}: it goes down with the node`;
  }
}

/** The API request a move sends, for the dry run's text. */
function requestOf(move: GuestMove): string | null {
  if ((move.action === "migrate" || move.action === "restart-migrate") && move.to)
    return requestLine(migrateRequest({ ...move, to: move.to }));
  if (move.action === "shutdown") return requestLine(powerRequest(move.from, move, "shutdown"));
  return null;
}

const moving = (move: GuestMove) => move.action !== "leave";

export const evacuate: Step<GuestMove[]> = {
  title: "Move running guests off the node (critical groups first)",
  needs: ["guests", "constraints", "qemu", "pve", "ha", "haConfig", "packages"],
  takesNodeDown: "drain",
  async satisfied(ctx) {
    const node = targetOf(ctx);
    const complete = await upgradeComplete(ctx, node);
    if (complete) return done(complete);
    const placement = await placementFor(ctx, node);
    const problems = placement.moves.flatMap((m) => (m.problem ? [m.problem] : []));
    // Nothing has moved yet: refusing here leaves the cluster exactly as it was.
    if (problems.length > 0) throw new Refusal(`cannot empty ${node}: ${problems.join("; ")}`);
    const moves = placement.moves.filter(moving);
    if (moves.length === 0) {
      const left = placement.moves.map((m) => label(m));
      return done(left.length === 0 ? `no running guests on ${node}` : `only guests set to stay remain on ${node}: ${left.join(", ")}`);
    }
    return toDo(placement.moves);
  },
  describe: (_ctx, moves) => moves.map((move) => [describeMove(move), requestOf(move)].filter((part) => part !== null).join(": ")),
  async act(ctx) {
    const node = targetOf(ctx);
    // One move at a time, each planned from live state: a lock lifts, HA moves something, each
    // migration changes the room left elsewhere.
    const moved = new Set<number>();
    for (;;) {
      // Between two migrations is a safe point; a migration in flight is finished first.
      stopIfAsked(ctx.stop);
      const placement = await placementFor(ctx, node);
      const problems = placement.moves.flatMap((m) => (m.problem ? [m.problem] : []));
      if (problems.length > 0) throw new Refusal(`cannot go on emptying ${node}: ${problems.join("; ")}`);
      const next = placement.moves.find(moving);
      if (!next) return;
      if (moved.has(next.vmid))
        throw new Refusal(`${label(next)} runs on ${node} again after it was moved away (moved back by HA?): ${node} is not taken down`);
      if (next.lock) {
        await lockLifted(ctx, next);
        continue;
      }
      moved.add(next.vmid);
      if ((next.action === "migrate" || next.action === "restart-migrate") && next.to) await migrateGuest(ctx, { ...next, to: next.to });
      else if (next.action === "shutdown") {
        await shutdownGuest(ctx, node, next);
        ctx.facts.shutdownGuests.set(node, [...(ctx.facts.shutdownGuests.get(node) ?? []), next.vmid]);
      }
    }
  },
  async verify(ctx, moves) {
    const node = targetOf(ctx);
    // Proved again as a whole: HA may have placed a guest back on the node meanwhile.
    const placement = await placementFor(ctx, node);
    const back = placement.moves.filter(moving);
    if (back.length > 0) {
      throw new Refusal(
        `${back.map((m) => label(m)).join(", ")} ${back.length === 1 ? "runs" : "run"} on ${node} again after the evacuation (moved back by HA?): ${node} is not taken down`,
      );
    }
    return moves.map(describeMove).join("; ");
  },
  simulate(ctx, moves) {
    const node = targetOf(ctx);
    for (const move of moves) {
      if ((move.action === "migrate" || move.action === "restart-migrate") && move.to) ctx.simulation?.moveGuest(move.vmid, move.to);
      if (move.action === "shutdown") {
        ctx.simulation?.setGuestStatus(move.vmid, "stopped");
        ctx.facts.shutdownGuests.set(node, [...(ctx.facts.shutdownGuests.get(node) ?? []), move.vmid]);
      }
    }
  },
};
