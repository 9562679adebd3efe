// start-guests: the guests this run shut down before the reboot run again once the node is back.

import type { Guest } from "../observe/state.js";
import { done, targetOf, toDo, type Step } from "./contract.js";
import { label, powerRequest, requestLine, startGuest } from "./guests.js";

export const startGuests: Step<Guest[]> = {
  title: "Start the guests that were shut down for the upgrade",
  needs: ["guests"],
  takesNodeDown: null,
  async satisfied(ctx) {
    const node = targetOf(ctx);
    const vmids = ctx.facts.shutdownGuests.get(node) ?? [];
    if (vmids.length === 0) return done("no guests were shut down");
    const state = await ctx.observe(["guests"]);
    if (!state.guests?.ok)
      throw new Error(`cannot see whether ${vmids.join(", ")} run again: ${state.guests?.ok === false ? state.guests.error : "not read"}`);
    const stopped = state.guests.value.guests.filter((g) => vmids.includes(g.vmid) && g.status !== "running");
    return stopped.length === 0 ? done(`${vmids.join(", ")} already running`) : toDo(stopped);
  },
  describe: (_ctx, guests) => guests.map((g) => `start ${label(g)} on ${g.node}: ${requestLine(powerRequest(g.node, g, "start"))}`),
  async act(ctx, guests) {
    for (const guest of guests) await startGuest(ctx, guest.node, guest);
  },
  async verify(ctx, guests) {
    ctx.facts.shutdownGuests.delete(targetOf(ctx));
    return `started ${guests.map(label).join(", ")}`;
  },
  simulate(ctx, guests) {
    for (const guest of guests) ctx.simulation?.setGuestStatus(guest.vmid, "running");
    ctx.facts.shutdownGuests.delete(targetOf(ctx));
  },
};
