// summary: what the run did, as the last step's message.

import { done, type Step } from "./contract.js";

export const summary: Step<never> = {
  title: "Summary",
  needs: [],
  takesNodeDown: null,
  satisfied: async (ctx) => done(ctx.facts.upgraded.length === 0 ? "no node needed an upgrade" : `upgraded ${ctx.facts.upgraded.join(", ")}`),
  describe: () => [],
  act: async () => {},
  verify: async () => "",
  simulate: () => {},
};
