// Verdicts as a person reads them: the root cause first and once. A powered-off node makes every
// gate refuse with its own consequence (SSH refused, bricks "Transport endpoint is not connected",
// peers disconnected, pings unanswered); those collapse into one line about the node. Reasons that
// differ only in the node they name are said once, with the other nodes listed after it.

import type { Config } from "../config/index.js";
import { isUnreachableError, type ClusterState } from "../observe/state.js";
import type { Verdict } from "./types.js";
import { saidOnce } from "../util/said-once.js";

/** What a reason says when it only follows from its node being unreachable. */
const CONSEQUENCE =
  /could not be observed|not reachable|disconnected|not listed by|no answer|offline in the cluster|HA node status is "unknown"|Transport endpoint is not connected/;

/** What glusterd and the CLI say on the live nodes while a peer is gone (docs/domain/gluster.md, "Volume status and peers"). */
const WAITS_FOR_A_PEER = /Request timed out|Another transaction is in progress|did not finish within/;

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Nodes SSH cannot reach and corosync does not see (or nobody can ask): powered off or cut off. */
export function unreachableNodes(config: Config, state: ClusterState): Map<string, string> {
  const found = new Map<string, string>();
  for (const { name } of config.nodes) {
    const ssh = state.ssh?.[name];
    if (!ssh || ssh.ok || !isUnreachableError(ssh.error)) continue;
    const member = state.pve?.ok ? state.pve.value.nodes.find((n) => n.name === name) : undefined;
    if (member?.online === true) continue;
    found.set(name, ssh.error.replace(new RegExp(`^${escape(name)}: `), ""));
  }
  return found;
}

/** The reason text with each node name and address replaced, to find reasons that differ only there. */
function shapeOf(reason: string, config: Config): { shape: string; node: string | null } {
  let node: string | null = null;
  let shape = reason;
  for (const n of config.nodes) {
    const names = [n.name, n.address, ...(n.privateAddress ? [n.privateAddress] : [])].map(escape).join("|");
    const pattern = new RegExp(`(?<![\\w.-])(?:${names})(?![\\w-]|\\.\\d)`, "g");
    if (!pattern.test(shape)) continue;
    // Only reasons about one node group: "pve1 sees peer pve3 as …" differs in two.
    if (node !== null) return { shape: reason, node: null };
    node = n.name;
    shape = shape.replace(pattern, "\u0000");
  }
  return { shape, node };
}

/** Reasons that differ only in the node they are about, said once: "… (the same for pve2, pve3)". */
export function groupRepeated(reasons: string[], config: Config): string[] {
  return saidOnce(
    reasons.map((text) => ({ text, ...shapeOf(text, config) })),
    "for",
  );
}

/** The verdicts with an unreachable node's consequences folded into one line about it, and repeats (warnings too) grouped. */
export function rootCausesFirst(config: Config, state: ClusterState, verdicts: Verdict[]): Verdict[] {
  const unreachable = unreachableNodes(config, state);
  const said = new Set<string>();
  return verdicts.map((v) => {
    if (v.warnings) v = { ...v, warnings: groupRepeated(v.warnings, config) };
    if (v.pass) return v;
    let reasons = v.reasons;
    const causes: string[] = [];
    const seenAbove: string[] = [];
    for (const [node, error] of unreachable) {
      const mentions = new RegExp(`(?<![\\w-])${escape(node)}(?![\\w-])`);
      const kept = reasons.filter((r) => !(mentions.test(r) && CONSEQUENCE.test(r)));
      if (kept.length === reasons.length) continue;
      if (said.has(node)) seenAbove.push(node);
      else
        causes.push(
          `${node}: unreachable (powered off or network down): ${/SSH/.test(error) ? error : `SSH: ${error}`}; corosync does not see it`,
        );
      said.add(node);
      reasons = kept;
    }
    if (seenAbove.length > 0) causes.push(`${seenAbove.join(", ")}: unreachable (see above)`);
    if (unreachable.size > 0) {
      const away = [...unreachable.keys()].join(", ");
      reasons = reasons.map((r) =>
        WAITS_FOR_A_PEER.test(r) ? `${r} (likely because ${away} is unreachable: glusterd waits for its peers)` : r,
      );
    }
    const faults = reasons.filter((r) => v.faults?.includes(r));
    const rest = reasons.filter((r) => !v.faults?.includes(r));
    return { ...v, reasons: [...faults, ...groupRepeated(causes, config), ...groupRepeated(rest, config)] };
  });
}
