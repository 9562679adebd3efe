// summary: what the run did, as the last step's message: the nodes done, those already up to
// date, and for a run that stopped, the node and step where it stopped and what is left.

import { done, type RunFacts, type Step } from "./contract.js";

const list = (nodes: string[]) => nodes.join(", ");

export function describeRun(facts: RunFacts): string {
  const { upgraded, upToDate, ending, lastStep } = facts;
  const parts: string[] = [];
  if (upgraded.length > 0) parts.push(`upgraded ${list(upgraded)}`);
  if (upToDate.length > 0) parts.push(`${list(upToDate)} already up to date`);
  if (ending === null || ending.outcome === "success") {
    if (upgraded.length === 0 && upToDate.length > 0)
      return `no node needed an upgrade: ${list(upToDate)} ${upToDate.length === 1 ? "is" : "are"} up to date`;
    return parts.length > 0 ? parts.join("; ") : "no node was walked";
  }
  const left = ending.order.filter((n) => !upgraded.includes(n) && !upToDate.includes(n));
  const where = lastStep?.node
    ? `${ending.outcome} on ${lastStep.node} at ${lastStep.step}`
    : `${ending.outcome} before any node${lastStep ? ` (at ${lastStep.step})` : ""}`;
  return [
    where,
    ...parts,
    ...(left.length > 0 ? [`left to upgrade: ${list(left)}`] : []),
    ...(upgraded.length === 0 ? ["no node was upgraded"] : []),
  ].join("; ");
}

export const summary: Step<never> = {
  title: "Summary",
  needs: [],
  takesNodeDown: null,
  satisfied: async (ctx) => done(describeRun(ctx.facts)),
  describe: () => [],
  act: async () => {},
  verify: async () => "",
  simulate: () => {},
};
