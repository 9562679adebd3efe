// evacuate: every running guest leaves the node before it goes down, critical groups first,
// one at a time, each proved running where it went. The placement is computed from live state at
// this moment (not from the plan made at start), with the nodes upgraded so far preferred.

import { placeGuests, type GuestMove, type Placement } from "../plan/placement.js";
import { targetOf, type Step, type StepContext } from "../run/context.js";
import { Refusal, StopRequested } from "../run/failures.js";
import { migrateGuest, shutdownGuest } from "./guests.js";

async function placementFor(ctx: StepContext): Promise<Placement> {
  const node = targetOf(ctx);
  const state = await ctx.observe(["guests", "constraints", "pve", "ha"]);
  if (!state.guests?.ok) throw new Refusal(`cannot place ${node}'s guests: guests could not be read (${state.guests?.ok === false ? state.guests.error : "not collected"})`);
  if (!state.constraints?.ok) throw new Refusal(`cannot place ${node}'s guests: migration preconditions could not be read (${state.constraints?.ok === false ? state.constraints.error : "not collected"})`);
  const online = state.pve?.ok ? state.pve.value.nodes.filter((n) => n.online).map((n) => n.name) : [];
  const inMaintenance = state.ha?.ok ? Object.entries(state.ha.value.nodeStatus).filter(([, s]) => s !== "online").map(([n]) => n) : [];
  const unavailable = ctx.config.nodes.map((n) => n.name).filter((n) => !online.includes(n) || inMaintenance.includes(n));
  const guests = ctx.memory.simulatedGuests ?? state.guests.value.guests;
  return placeGuests({
    config: ctx.config,
    guests,
    capacity: state.guests.value.nodes,
    target: node,
    upgraded: ctx.memory.upgraded,
    unavailable,
    constraints: new Map(Object.entries(state.constraints.value).map(([vmid, c]) => [Number(vmid), c])),
  });
}

export function describeMove(move: GuestMove): string {
  const who = `${move.vmid} (${move.name})${move.group ? ` [${move.group}]` : ""}`;
  switch (move.action) {
    case "migrate":
    case "restart-migrate":
      return move.to ? `${move.action} ${who} ${move.from} → ${move.to}` : `cannot move ${who}: ${move.problem}`;
    case "shutdown":
      return `shut down ${who} on ${move.from} (${move.why}); start it again after the node returns`;
    case "leave":
      return `leave ${who} on ${move.from}: it goes down with the node`;
  }
}

export const evacuate: Step = {
  async describe(ctx) {
    const placement = await placementFor(ctx);
    ctx.memory.simulatedGuests = placement.after;
    return placement.moves.length === 0 ? ["no running guests to move"] : placement.moves.map(describeMove);
  },
  async execute(ctx) {
    const node = targetOf(ctx);
    const placement = await placementFor(ctx);
    const problems = placement.moves.flatMap((m) => (m.problem ? [m.problem] : []));
    // Nothing has moved yet: refusing here leaves the cluster exactly as it was.
    if (problems.length > 0) throw new Refusal(`cannot empty ${node}: ${problems.join("; ")}`);
    if (placement.moves.length === 0) return { status: "skipped", message: "no running guests on the node" };
    for (const move of placement.moves) {
      // Between two migrations is a safe point; a migration in flight is finished first.
      if (ctx.stop.aborted) throw new StopRequested();
      if ((move.action === "migrate" || move.action === "restart-migrate") && move.to) await migrateGuest(ctx, { ...move, to: move.to });
      else if (move.action === "shutdown") {
        await shutdownGuest(ctx, node, move);
        ctx.memory.shutdownGuests.set(node, [...(ctx.memory.shutdownGuests.get(node) ?? []), move.vmid]);
      } else ctx.progress(describeMove(move));
    }
    return { status: "ok", message: placement.moves.map(describeMove).join("; ") };
  },
};
