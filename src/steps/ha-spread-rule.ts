// ha-spread-rule: after the major upgrade, a negative resource-affinity rule for each critical
// group cluster.yaml spreads. PVE 8's HA groups cannot say "never on one node", and PVE 9's
// migration of them makes node-affinity rules only (docs/domain/major-upgrade.md, "HA groups
// become rules"), so without this HA's own placement (a failed node, maintenance) may put both
// routers on one node. `spread: true` is the admin's declaration; the rule is how PVE 9's HA keeps
// it by itself. Added only after a run that succeeded, once every node runs 9 and PVE has migrated
// the groups (its API refuses a rule before: pve-ha-manager src/PVE/API2/HA/Rules.pm create_rule);
// the gate ha-spread then verifies it.

import { formatDuration } from "../config/index.js";
import { spreadRule, unkeptSpread } from "../gates/ha-rules.js";
import { vantageNodes } from "../observe/context.js";
import type { HaConfig } from "../observe/ha-config.js";
import { reachedMajor } from "../pve/pve-version.js";
import { changeCommand, commandLine } from "../transport/remote-command.js";
import { done, observeContextOf, toDo, type Step, type StepContext } from "./contract.js";
import { StepFailure } from "./failures.js";
import { waitUntil } from "./wait.js";

interface Addition {
  group: string;
  rule: string;
  argv: string[];
}

const COMMENT = "kept apart by rollgate: cluster.yaml spreads this critical group";

const commandOf = (a: Addition) => changeCommand([...a.argv, "--comment", COMMENT]);

/** HA's configuration as PVE 9 will hold it: groups not migrated yet become node-affinity rules only (Groups.pm migrate_groups_to_rules). */
const asRules = (ha: HaConfig): HaConfig => (ha.source === "groups" ? { ...ha, source: "rules", affinityRules: [] } : ha);

async function haConfigOf(ctx: StepContext): Promise<HaConfig> {
  const seen = (await ctx.observe(["haConfig"])).haConfig;
  if (seen?.ok) return seen.value;
  throw new StepFailure(
    `cannot read HA's rules to keep the spread groups apart: ${seen?.ok === false ? seen.error : "not read"}`,
    "Every node is upgraded. Add the rules `rollgate check --gate ha-spread` names by hand.",
  );
}

export const haSpreadRule: Step<Addition[]> = {
  title: "Keep each spread critical group apart with a negative HA resource-affinity rule (PVE 9)",
  needs: ["haConfig", "packages"],
  takesNodeDown: null,
  async satisfied(ctx) {
    if (!ctx.simulation && ctx.facts.ending?.outcome !== "success") return done("not added: the run did not finish");
    const packages = (await ctx.observe(["packages"])).packages ?? {};
    const older = ctx.config.nodes.filter((n) => {
      const seen = packages[n.name];
      return !seen?.ok || !reachedMajor(seen.value.pveVersion, 9);
    });
    if (older.length > 0) return done(`not yet: ${older.map((n) => n.name).join(", ")} not on PVE 9 (or not read)`);
    const ha = asRules(await haConfigOf(ctx));
    const additions = ctx.config.critical
      .filter((g) => unkeptSpread(g, ha) !== null)
      .map((g) => ({ group: g.group, ...spreadRule(g, ha) }));
    return additions.length === 0 ? done("every spread group is kept apart by an HA rule") : toDo(additions);
  },
  describe(ctx, additions) {
    const on = vantageNodes(observeContextOf(ctx))[0]!;
    return additions.map((a) => `${commandLine(commandOf(a))} on ${on}, once PVE has migrated the HA groups (group ${a.group})`);
  },
  async act(ctx, additions) {
    const on = vantageNodes(observeContextOf(ctx))[0]!;
    // The API refuses a rule while groups.cfg has groups; PVE's CRM migrates them a few rounds after the last node runs 9.
    await waitUntil(
      ctx,
      ctx.config.timeouts.nodeOnline,
      () =>
        new StepFailure(
          `PVE has not migrated the HA groups to rules within ${formatDuration(ctx.config.timeouts.nodeOnline)}, so no rule can be added yet`,
          "Every node is upgraded. Look at `ha-manager status` (every node online, its LRM active?); once /etc/pve/ha/groups.cfg is gone, add the rules `rollgate check --gate ha-spread` names.",
        ),
      async () => ((await haConfigOf(ctx)).source === "rules" ? true : "waiting for PVE to migrate the HA groups to rules"),
    );
    for (const addition of additions) {
      await ctx.action("add ha rule", { group: addition.group, rule: addition.rule, on }, async () => {
        const run = await ctx.shell.run(on, commandOf(addition));
        if (run.exitCode !== 0)
          throw new StepFailure(
            `\`${commandLine(commandOf(addition))}\` on ${on} exited ${run.exitCode}: ${(run.stderr.trim() || run.stdout.trim()).slice(0, 300)}`,
            `Every node is upgraded; only HA's rule for group ${addition.group} is left. Fix what ha-manager said, then add it by hand.`,
          );
      });
    }
  },
  async verify(ctx, additions) {
    const ha = await haConfigOf(ctx);
    const unkept = ctx.config.critical.map((g) => unkeptSpread(g, ha)).filter((f): f is string => f !== null);
    if (unkept.length > 0)
      throw new StepFailure(
        `added, but HA does not keep the group apart: ${unkept.join("; ")}`,
        "Read `ha-manager rules config` for the rule's state.",
      );
    return `added ${additions.map((a) => `${a.rule} (group ${a.group})`).join(", ")}`;
  },
  simulate(ctx, additions) {
    ctx.simulation?.addAffinityRules(additions.map((a) => ({ rule: a.rule, sids: a.argv[a.argv.indexOf("--resources") + 1]!.split(",") })));
  },
};
