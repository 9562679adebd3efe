// The changelogs of what a plan would install: each package version once, read over SSH on the
// first node that lists it as pending (src/plan/changelog.ts says why not through the API).

import { changelogCommand, entriesSince, parseChangelog, type ChangelogEntry } from "../plan/changelog.js";
import type { Plan } from "../plan/plan.js";
import type { ObserveContext } from "./context.js";

export interface PackageChangelog {
  name: string;
  from: string | null;
  to: string;
  /** The node it was read on. */
  node: string;
  /** The entries newer than `from`, newest first; `complete` false when `from`'s entry was not found. */
  changes: { ok: true; entries: ChangelogEntry[]; complete: boolean } | { ok: false; error: string };
}

export async function readChangelogs(ctx: ObserveContext, plan: Plan): Promise<PackageChangelog[]> {
  const wanted = new Map<string, Omit<PackageChangelog, "changes">>();
  for (const node of plan.nodes)
    for (const p of node.pending ?? []) {
      const key = `${p.name}=${p.to}`;
      if (!wanted.has(key)) wanted.set(key, { name: p.name, from: p.from, to: p.to, node: node.node });
    }
  return Promise.all(
    [...wanted.values()].map(async (w): Promise<PackageChangelog> => {
      try {
        const run = await ctx.shell.run(w.node, changelogCommand(w.name, w.to));
        if (run.exitCode !== 0)
          return {
            ...w,
            changes: { ok: false, error: (run.stderr.trim() || run.stdout.trim() || `exit ${run.exitCode}`).split("\n")[0]! },
          };
        const parsed = parseChangelog(run.stdout);
        return { ...w, changes: parsed.ok ? { ok: true, ...entriesSince(parsed.entries, w.from) } : parsed };
      } catch (error) {
        return { ...w, changes: { ok: false, error: (error as Error).message } };
      }
    }),
  );
}
