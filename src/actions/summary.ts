// summary: what the run did, as the last step's message.

import type { Step } from "../run/context.js";

export const summary: Step = {
  describe: async (ctx) => [`upgrade ${ctx.memory.upgraded.length > 0 ? ctx.memory.upgraded.join(", ") : "the nodes in order"}, then report`],
  async execute(ctx) {
    const done = ctx.memory.upgraded;
    return { status: "ok", message: done.length === 0 ? "no node needed an upgrade" : `upgraded ${done.join(", ")}` };
  },
};
