// maintenance-off: once the node is back and verified, HA may place guests on it again.

import { done, targetOf, toDo, type Step } from "./contract.js";
import { awaitMaintenance, describeMaintenance, haStatusOf, nothingManaged, requestMaintenance } from "./ha-maintenance.js";

export const maintenanceOff: Step<null> = {
  title: "Take the node out of HA maintenance mode",
  needs: ["ha"],
  takesNodeDown: null,
  async satisfied(ctx) {
    const node = targetOf(ctx);
    const ha = await haStatusOf(ctx, node);
    if (ha.nothingManaged && !ctx.facts.maintenanceOn.has(node)) return done(nothingManaged(node));
    if (ha.status !== "online") return toDo(null);
    ctx.facts.maintenanceOn.delete(node);
    return done(`the HA manager reports ${node} online`);
  },
  describe: (ctx) => describeMaintenance(targetOf(ctx), "online"),
  act: (ctx) => requestMaintenance(ctx, targetOf(ctx), "online"),
  verify: (ctx) => awaitMaintenance(ctx, targetOf(ctx), "online"),
  simulate(ctx) {
    ctx.simulation?.setMaintenance(targetOf(ctx), false);
    ctx.facts.maintenanceOn.delete(targetOf(ctx));
  },
};
