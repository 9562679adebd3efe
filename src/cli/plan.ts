// `rollgate plan`: what an upgrade would do, from live state, changing nothing. Another run going
// on is said first, and advice about the node it is upgrading is not given.

import { Command } from "commander";
import { evaluateGates } from "../gates/evaluate.js";
import { loadPlaybook } from "../playbook/playbook.js";
import { collect } from "../observe/collect.js";
import { buildPlan, planFacets } from "../plan/plan.js";
import { lookForOtherRuns } from "../run/live-run.js";
import { println, type CliIo } from "./io.js";
import { BusyAdvice, otherRunLines } from "./render/live-run.js";
import { renderPlan } from "./render/plan.js";
import { styleFor } from "./render/style.js";
import { loadWithWarnings, openSession } from "./session.js";
import { nodeList } from "./options.js";
import { UsageError } from "../util/errors.js";

export function planCommand(io: CliIo): Command {
  return new Command("plan")
    .description("read the live cluster and print node order, packages, reboots, guest placements, gates and duration (changes nothing)")
    .option("-c, --config <file>", "cluster description", "cluster.yaml")
    .option("--nodes <a,b>", "plan only these nodes", nodeList)
    .option("--json", "one JSON document")
    .option("--no-color", "plain output")
    .action(async (opts: { config: string; nodes?: string[]; json?: boolean; color: boolean }) => {
      const loaded = await loadWithWarnings(opts.config, io);
      const { preflightGates } = await loadPlaybook(loaded.config.upgrade.playbook);
      const only = opts.nodes
        ? validNodes(
            opts.nodes,
            loaded.config.nodes.map((n) => n.name),
          )
        : null;
      const facets = planFacets(loaded.config, preflightGates);
      const session = await openSession(loaded, io, { readOnly: true, facets });
      try {
        const config = loaded.config;
        const [others, state] = await Promise.all([
          lookForOtherRuns(config.journal.dir, { config, shell: session.shell }),
          collect(session.observeContext(null), facets),
        ]);
        const plan = buildPlan(config, state, evaluateGates(config, state, preflightGates), only);
        const style = styleFor(io.stdout, io.env, opts.color);
        if (opts.json) println(io.stdout, JSON.stringify({ ...plan, otherRuns: others }, null, 2));
        else {
          const first = otherRunLines(others, style);
          println(io.stdout, [...first, ...(first.length > 0 ? [""] : []), renderPlan(BusyAdvice.of(others).plan(plan), style)].join("\n"));
        }
      } finally {
        await session.close();
      }
    });
}

function validNodes(asked: string[], known: string[]): string[] {
  const unknown = asked.filter((n) => !known.includes(n));
  if (unknown.length > 0) throw new UsageError(`--nodes: no node ${unknown.join(", ")} in cluster.yaml (known: ${known.join(", ")})`);
  return asked;
}
