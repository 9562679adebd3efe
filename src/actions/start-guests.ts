// start-guests: the guests shut down before the reboot run again once the node is back.

import type { Step } from "../run/context.js";
import { observeContextOf, targetOf } from "../run/context.js";
import { readGuestList } from "../observe/pve.js";
import { startGuest } from "./guests.js";

export const startGuests: Step = {
  describe: async (ctx) => {
    const vmids = ctx.memory.shutdownGuests.get(targetOf(ctx)) ?? [];
    return vmids.length === 0 ? ["no guests to start"] : vmids.map((vmid) => `start ${vmid} on ${targetOf(ctx)}`);
  },
  async execute(ctx) {
    const node = targetOf(ctx);
    const vmids = ctx.memory.shutdownGuests.get(node) ?? [];
    if (vmids.length === 0) return { status: "skipped", message: "no guests were shut down" };
    const guests = await readGuestList(observeContextOf(ctx));
    for (const vmid of vmids) {
      const guest = guests.find((g) => g.vmid === vmid);
      if (!guest || guest.status === "running") continue;
      await startGuest(ctx, guest.node, guest);
    }
    ctx.memory.shutdownGuests.delete(node);
    return { status: "ok", message: `started ${vmids.join(", ")}` };
  },
};
