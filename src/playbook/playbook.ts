// Playbooks: the ordered steps and gates run once before all nodes, for each node, and once at
// the end. A playbook only composes named building blocks from the registry (and `run:` commands);
// the blocks themselves live in code.

import { readFile } from "node:fs/promises";
import path from "node:path";
import * as z from "zod";
import { parseDuration, type PlaybookRef, type TimeoutsConfig } from "../config/index.js";
import { describeIssue } from "../config/messages.js";
import { readYaml, validateYaml } from "../config/yaml-source.js";
import { gateNames, type GateName } from "../gates/index.js";
import { ConfigError } from "../util/errors.js";
import { packageRoot } from "../util/package-root.js";
import { stepNames, type StepName } from "./registry.js";

export type TimeoutName = "heal" | "nodeOnline" | "migrate" | "apt" | "reboot";
const timeoutNames = ["heal", "nodeOnline", "migrate", "apt", "reboot"] as const;

/** A wait is a named timeout of cluster.yaml or a duration written in the playbook. */
export type WaitLimit = { timeout: TimeoutName } | { ms: number };

export type PlaybookEntry =
  | { kind: "gate"; gate: GateName; wait: WaitLimit | null }
  | { kind: "preflight-gates" }
  | { kind: "step"; step: StepName }
  | { kind: "run"; command: string; on: "node" | "local"; title: string; timeoutMs: number | null };

export interface Playbook {
  name: string;
  description: string;
  preflight: PlaybookEntry[];
  node: PlaybookEntry[];
  finally: PlaybookEntry[];
}

const strict = <S extends z.ZodRawShape>(shape: S) => z.strictObject(shape);
const durationText = z.string().transform((text, ctx) => {
  try {
    return parseDuration(text);
  } catch (error) {
    ctx.issues.push({ code: "custom", input: text, message: (error as Error).message });
    return z.NEVER;
  }
});
const waitLimit = z
  .union([z.enum(timeoutNames), durationText], { error: `expected a timeout of cluster.yaml (${timeoutNames.join(", ")}) or a duration such as 5m` })
  .transform((v): WaitLimit => (typeof v === "string" ? { timeout: v } : { ms: v }));

const gateEntry = strict({ gate: z.enum(gateNames), wait: waitLimit.optional() }).transform((e): PlaybookEntry => ({ kind: "gate", gate: e.gate, wait: e.wait ?? null }));
const preflightGatesEntry = strict({ gates: z.literal("preflight") }).transform((): PlaybookEntry => ({ kind: "preflight-gates" }));
const stepEntry = strict({ step: z.enum(stepNames) }).transform((e): PlaybookEntry => ({ kind: "step", step: e.step }));
const runEntry = strict({
  run: z.string().min(1),
  on: z.enum(["node", "local"]).default("node"),
  title: z.string().min(1).optional(),
  timeout: durationText.optional(),
}).transform((e): PlaybookEntry => ({ kind: "run", command: e.run, on: e.on, title: e.title ?? `run: ${e.run}`, timeoutMs: e.timeout ?? null }));

/**
 * An entry is told apart by its key (gate:, gates:, step:, run:), and then validated by that
 * kind's schema, so an error speaks of the kind the author meant ("node[1].step: expected one
 * of …"), not of a union no member of which matched.
 */
function entry(kinds: Partial<Record<"gate" | "gates" | "step" | "run", z.ZodType<PlaybookEntry>>>) {
  const keys = Object.keys(kinds) as Array<keyof typeof kinds>;
  return z.unknown().transform((value, ctx): PlaybookEntry => {
    const key = typeof value === "object" && value !== null ? keys.find((k) => k in value) : undefined;
    const schema = key ? kinds[key] : undefined;
    if (!schema) {
      ctx.issues.push({ code: "custom", input: value, message: `expected a mapping with ${keys.map((k) => `${k}:`).join(", ")}` });
      return z.NEVER;
    }
    const result = schema.safeParse(value, { error: describeIssue, reportInput: true });
    if (result.success) return result.data;
    for (const issue of result.error.issues) ctx.issues.push(issue as never);
    return z.NEVER;
  });
}

const preflightGate = strict({ gate: z.enum(gateNames) }).transform((e): PlaybookEntry => ({ kind: "gate", gate: e.gate, wait: null }));

const playbookSchema = strict({
  description: z.string().default(""),
  preflight: z.array(entry({ gate: preflightGate, run: runEntry })).default([]),
  node: z.array(entry({ gate: gateEntry, gates: preflightGatesEntry, step: stepEntry, run: runEntry })).min(1),
  finally: z.array(entry({ step: stepEntry, run: runEntry })).default([]),
});

export function parsePlaybook(text: string, file: string, name: string): Playbook {
  const yaml = readYaml(text, file, "a playbook (preflight:, node:, finally:)");
  const parsed = validateYaml(playbookSchema, yaml);
  if (!parsed.node.some((e) => e.kind === "step" && e.step === "wait-online") && parsed.node.some((e) => e.kind === "step" && e.step === "reboot-if-needed")) {
    throw yaml.source.error(["node"], "a playbook that reboots must wait for the node afterwards: add `- step: wait-online` after reboot-if-needed");
  }
  return { name, ...parsed };
}


export async function loadPlaybook(ref: PlaybookRef): Promise<Playbook> {
  const file = ref.kind === "builtin" ? path.join(packageRoot(), "playbooks", `${ref.name}.yaml`) : ref.path;
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const known = ref.kind === "builtin" ? ` (built-in playbooks: proxmox-gluster, proxmox-only)` : "";
    throw new ConfigError(null, "upgrade.playbook", `cannot read playbook ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}${known}`);
  }
  return parsePlaybook(text, ref.kind === "builtin" ? `playbooks/${ref.name}.yaml` : file, ref.kind === "builtin" ? ref.name : path.basename(file, ".yaml"));
}

export function waitMs(limit: WaitLimit, timeouts: TimeoutsConfig): number {
  return "ms" in limit ? limit.ms : timeouts[limit.timeout];
}
