// maintenance-on: the node enters HA maintenance once it is empty, so the HA stack has nothing to
// move by its own placement (which ignores rollgate's spread rules) and places nothing back on it
// while it reboots.

import { done, targetOf, toDo, type Step } from "./contract.js";
import { awaitMaintenance, describeMaintenance, haStatusOf, nothingManaged, requestMaintenance } from "./ha-maintenance.js";
import { upgradeComplete } from "./upgrade-state.js";

export const maintenanceOn: Step<null> = {
  title: "Put the node in HA maintenance mode",
  needs: ["ha", "packages"],
  takesNodeDown: "drain",
  async satisfied(ctx) {
    const node = targetOf(ctx);
    const ha = await haStatusOf(ctx, node);
    if (ha.nothingManaged) return done(nothingManaged(node));
    if (ha.status === "maintenance") {
      ctx.facts.maintenanceOn.add(node);
      return done(`the HA manager already reports ${node} in maintenance`);
    }
    const complete = await upgradeComplete(ctx, node);
    return complete ? done(complete) : toDo(null);
  },
  describe: (ctx) => describeMaintenance(targetOf(ctx), "maintenance"),
  act: (ctx) => requestMaintenance(ctx, targetOf(ctx), "maintenance"),
  verify: (ctx) => awaitMaintenance(ctx, targetOf(ctx), "maintenance"),
  simulate(ctx) {
    ctx.simulation?.setMaintenance(targetOf(ctx), true);
    ctx.facts.maintenanceOn.add(targetOf(ctx));
  },
};
