// What the HA stack will do with the guests it manages, as its configuration says: PVE 8's HA
// groups (nodes with priorities, restricted, nofailback) or PVE 9's HA rules (node-affinity with
// priorities and strict, resource-affinity positive or negative), read into one shape
// (docs/domain/proxmox-ha.md). PVE 9 refuses /cluster/ha/groups once groups are migrated to
// rules; PVE 8 has no /cluster/ha/rules.

import { z } from "zod";
import { PveHttpError } from "../transport/pve.js";
import { avoidTarget, type ObserveContext } from "./context.js";
import { validated } from "./pve-schemas.js";
import { attempt, type Observed } from "./state.js";

export interface NodePriority {
  node: string;
  priority: number;
}

/** Where HA wants some resources: a PVE 8 group or a PVE 9 node-affinity rule. */
export interface HaNodeRule {
  /** `group routers` or `rule routers-home`, as a sysadmin finds it. */
  name: string;
  nodes: NodePriority[];
  /** Only these nodes (PVE 8 restricted, PVE 9 strict). */
  strict: boolean;
  resources: string[];
  disabled: boolean;
  errors: string[];
}

/** Resources HA keeps together (positive) or apart (negative): PVE 9 resource-affinity rules. */
export interface HaAffinityRule {
  name: string;
  affinity: "positive" | "negative";
  resources: string[];
  disabled: boolean;
  errors: string[];
}

export interface HaResource {
  sid: string;
  /** The guest's id for `vm:100` / `ct:100`; null for other resource types. */
  vmid: number | null;
  state: string;
  /** Moved back to its highest-priority node when that node is online again (PVE 8: not nofailback). */
  failback: boolean;
}

export interface HaConfig {
  source: "groups" | "rules";
  resources: HaResource[];
  nodeRules: HaNodeRule[];
  affinityRules: HaAffinityRule[];
}

const flag = z.union([z.literal(0), z.literal(1)]).transform((v) => v === 1);
// A rule's errors: option → messages (index) or option → one joined message.
const errors = z
  .record(z.string(), z.union([z.string(), z.array(z.string())]))
  .optional()
  .transform((e) =>
    Object.entries(e ?? {}).map(([option, message]) => `${option}: ${Array.isArray(message) ? message.join(", ") : message}`),
  );

const resourcesSchema = z.array(
  z.looseObject({
    sid: z.string(),
    state: z.string().optional(),
    group: z.string().nullable().optional(),
    failback: flag.optional(),
  }),
);
const groupsSchema = z.array(
  z.looseObject({ group: z.string(), nodes: z.string(), restricted: flag.optional(), nofailback: flag.optional() }),
);
const rulesSchema = z.array(
  z.looseObject({
    rule: z.string(),
    type: z.string(),
    resources: z.string(),
    nodes: z.string().optional(),
    strict: flag.optional(),
    affinity: z.enum(["positive", "negative"]).optional(),
    disable: flag.optional(),
    errors,
  }),
);

/** `pve1:2,pve2,pve3:1`: nodes with an optional priority (0 when not given; higher wins). */
export function parseNodeList(text: string): NodePriority[] {
  return text
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "")
    .map((part) => {
      const [node, priority] = part.split(":");
      return { node: node!, priority: priority === undefined ? 0 : Number(priority) };
    });
}

/** HA's id for a guest: `vm:100` for a VM, `ct:100` for a container. */
export const sidOf = (vmid: number, type: "qemu" | "lxc") => `${type === "qemu" ? "vm" : "ct"}:${vmid}`;

const vmidOf = (sid: string) => {
  const m = /^(?:vm|ct):(\d+)$/.exec(sid);
  return m ? Number(m[1]) : null;
};

export function readHaConfig(ctx: ObserveContext): Promise<Observed<HaConfig>> {
  return attempt(async () => {
    const get = (path: string) => ctx.pve.get(path, {}, avoidTarget(ctx));
    const listed = validated(resourcesSchema, await get("/cluster/ha/resources"), "/cluster/ha/resources");
    const rules = await get("/cluster/ha/rules").then(
      (data) => validated(rulesSchema, data, "/cluster/ha/rules"),
      (error: unknown) => {
        // PVE 8 has no rules: pveproxy answers 501 for a path it does not know.
        if (error instanceof PveHttpError && error.status === 501) return null;
        throw error;
      },
    );
    if (rules !== null) {
      return {
        source: "rules",
        // PVE 9: failback is per resource and on by default (pve-ha-manager src/PVE/HA/Resources.pm).
        resources: listed.map((r) => ({ sid: r.sid, vmid: vmidOf(r.sid), state: r.state ?? "started", failback: r.failback ?? true })),
        nodeRules: rules
          .filter((r) => r.type === "node-affinity")
          .map((r) => ({
            name: `rule ${r.rule}`,
            nodes: parseNodeList(r.nodes ?? ""),
            strict: r.strict ?? false,
            resources: r.resources.split(","),
            disabled: r.disable ?? false,
            errors: r.errors,
          })),
        affinityRules: rules
          .filter((r) => r.type === "resource-affinity")
          .map((r) => ({
            name: `rule ${r.rule}`,
            affinity: r.affinity ?? "positive",
            resources: r.resources.split(","),
            disabled: r.disable ?? false,
            errors: r.errors,
          })),
      };
    }
    const groups = validated(groupsSchema, await get("/cluster/ha/groups"), "/cluster/ha/groups");
    const byGroup = new Map(groups.map((g) => [g.group, g]));
    return {
      source: "groups",
      resources: listed.map((r) => ({
        sid: r.sid,
        vmid: vmidOf(r.sid),
        state: r.state ?? "started",
        failback: !(r.group ? (byGroup.get(r.group)?.nofailback ?? false) : false),
      })),
      nodeRules: groups.map((g) => ({
        name: `group ${g.group}`,
        nodes: parseNodeList(g.nodes),
        strict: g.restricted ?? false,
        resources: listed.filter((r) => r.group === g.group).map((r) => r.sid),
        disabled: false,
        errors: [],
      })),
      affinityRules: [],
    };
  });
}
