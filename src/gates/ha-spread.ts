// ha-spread: on PVE 9, every critical group cluster.yaml spreads is kept apart by HA itself, with
// a negative resource-affinity rule. PVE 8's HA groups cannot say "never on one node", and PVE 9's
// migration of groups makes node-affinity rules only (docs/domain/major-upgrade.md, "HA groups
// become rules"): after the major upgrade such a rule exists only if the admin adds one. Without
// it, HA's own placement (a node failing, maintenance) may put both routers on one node.

import { majorOf } from "../observe/permissions.js";
import { unkeptSpread } from "./ha-rules.js";
import { unobserved, verdict, type Gate } from "./types.js";

export const haSpreadGate: Gate = {
  name: "ha-spread",
  title: "HA keeps each spread critical group apart itself (a negative resource-affinity rule, PVE 9)",
  needs: () => ["haConfig", "packages"],
  evaluate({ config, state }) {
    // While some node runs 8, which HA answers (groups or rules) depends on the node asked: judged once every node runs 9.
    const versions = config.nodes.map((n) => [n.name, state.packages?.[n.name]] as const);
    const unread = versions.filter(([, p]) => !p?.ok);
    if (unread.length > 0)
      return verdict(
        this,
        `unknown on ${unread.map(([name]) => name).join(", ")}`,
        unread.map(([name, p]) => unobserved(`${name}'s PVE version`, p?.ok === false ? p.error : undefined)),
        [],
      );
    const older = versions.filter(([, p]) => p?.ok && majorOf(p.value.pveVersion ?? "") !== "9").map(([name]) => name);
    if (older.length > 0) return verdict(this, `judged once every node runs PVE 9 (${older.join(", ")} not yet)`, [], []);
    const seen = state.haConfig;
    if (!seen?.ok)
      return verdict(
        this,
        "HA's rules unknown",
        [unobserved("HA's rules (/cluster/ha/rules)", seen?.ok === false ? seen.error : undefined)],
        [],
      );
    const spread = config.critical.filter((g) => g.spread);
    // Groups seen with every node on 9: a dry run's simulated upgrade. PVE will migrate them to
    // node-affinity rules only (Groups.pm migrate_groups_to_rules): no rule will keep a group apart.
    const ha = seen.value.source === "groups" ? { ...seen.value, source: "rules" as const, affinityRules: [] } : seen.value;
    const unkept = spread.map((g) => [g, unkeptSpread(g, ha)] as const);
    const missing = unkept.flatMap(([, finding]) => (finding ? [finding] : []));
    return verdict(
      this,
      spread.length === 0
        ? "no critical group is spread"
        : `${spread.length - missing.length} of ${spread.length} spread group(s) kept apart by an HA rule`,
      missing,
      unkept.flatMap(([g, finding]) => (finding ? [] : [`group ${g.group}: HA keeps its members apart`])),
    );
  },
};
