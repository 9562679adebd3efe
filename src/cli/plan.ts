// `rollgate plan`: what an upgrade would do, from live state, changing nothing. Another run going
// on is said first, and advice about the node it is upgrading is not given.

import { evaluateGates, facetsFor } from "../gates/evaluate.js";
import { loadPlaybook, majorPlaybook } from "../playbook/playbook.js";
import { collect } from "../observe/collect.js";
import { buildPlan, planFacets } from "../plan/plan.js";
import { lookForOtherRuns } from "../run/live-run.js";
import { println, type CliIo } from "./io.js";
import { BusyAdvice, otherRunLines } from "./render/live-run.js";
import { renderChangelogs, renderPlan } from "./render/plan.js";
import { readChangelogs } from "../observe/changelogs.js";
import { renderVerdicts } from "./render/verdicts.js";
import type { GateName } from "../gates/index.js";
import { styleFor } from "./render/style.js";
import { loadWithWarnings } from "./load-config.js";
import { openSession } from "./session.js";
import { UsageError } from "../util/errors.js";

export interface PlanOptions {
  config: string;
  nodes?: string[];
  to?: "9";
  packages?: boolean;
  changelog?: boolean;
  json?: boolean;
  color: boolean;
}

/** `rollgate plan`, its flags parsed (commands/plan.ts). */
export async function runPlanCommand(io: CliIo, opts: PlanOptions): Promise<void> {
  const loaded = await loadWithWarnings(opts.config, io);
  if (opts.to) return planMajor(io, loaded, (await loadPlaybook(majorPlaybook)).preflightGates, opts);
  const playbook = await loadPlaybook(loaded.config.upgrade.playbook);
  const { preflightGates } = playbook;
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
    const changelogs = opts.changelog ? await readChangelogs(session.observeContext(null), plan) : null;
    const style = styleFor(io.stdout, io.env, opts.color);
    if (opts.json) println(io.stdout, JSON.stringify({ ...plan, otherRuns: others, ...(changelogs ? { changelogs } : {}) }, null, 2));
    else {
      const first = otherRunLines(others, style);
      const shown = renderPlan(BusyAdvice.of(others).plan(plan), style, { packages: Boolean(opts.packages || opts.changelog) });
      const notes = changelogs ? ["", renderChangelogs(changelogs, style)] : [];
      println(io.stdout, [...first, ...(first.length > 0 ? [""] : []), shown, ...notes].join("\n"));
    }
  } finally {
    await session.close();
  }
}

async function planMajor(
  io: CliIo,
  loaded: Awaited<ReturnType<typeof loadWithWarnings>>,
  gates: GateName[],
  opts: { json?: boolean; color: boolean },
): Promise<void> {
  const config = loaded.config;
  const facets = facetsFor(config, gates);
  const session = await openSession(loaded, io, { readOnly: true, facets });
  try {
    const state = await collect(session.observeContext(null), facets);
    const verdicts = evaluateGates(config, state, gates);
    const ready = verdicts.every((v) => v.pass);
    if (opts.json) return println(io.stdout, JSON.stringify({ to: "9", ready, observedAt: state.observedAt, gates: verdicts }, null, 2));
    const style = styleFor(io.stdout, io.env, opts.color);
    println(
      io.stdout,
      [
        style.bold(`Major upgrade of cluster ${config.cluster} to PVE 9: ${ready ? "ready to start" : "fix these first"}`) +
          style.dim(` (observed ${state.observedAt})`),
        "",
        renderVerdicts(verdicts, style, false),
        "",
        `\`rollgate upgrade --to 9\` runs it (playbook ${majorPlaybook.name}), one node at a time, behind these gates.`,
      ].join("\n"),
    );
  } finally {
    await session.close();
  }
}

function validNodes(asked: string[], known: string[]): string[] {
  const unknown = asked.filter((n) => !known.includes(n));
  if (unknown.length > 0) throw new UsageError(`--nodes: no node ${unknown.join(", ")} in cluster.yaml (known: ${known.join(", ")})`);
  return asked;
}
