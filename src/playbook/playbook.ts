// Playbooks: the ordered steps and gates run once before all nodes, for each node, and once at
// the end. A playbook only composes named building blocks (and `run:` commands); the blocks live
// in code, and the gates that guard taking a node down belong to the engine: a playbook can add
// gates, never remove those. Orders that cannot be safe are refused when the playbook is read.

import path from "node:path";
import * as z from "zod";
import { parseDuration, type PlaybookRef, type TimeoutsConfig } from "../config/index.js";
import { MAX_YAML_BYTES } from "../config/limits.js";
import { describeIssue } from "../config/messages.js";
import { readAtMost } from "../config/read-at-most.js";
import { readYaml, tooLargeError, validateYaml, type YamlSource } from "../config/yaml-source.js";
import { gateNames, type GateName } from "../gates/index.js";
import { stepNames, steps, type RunCommandEntry, type StepName } from "../steps/index.js";
import { ConfigError } from "../util/errors.js";
import { packageRoot } from "../util/package-root.js";

export type TimeoutName = "heal" | "nodeOnline" | "migrate" | "apt" | "reboot";
const timeoutNames = ["heal", "nodeOnline", "migrate", "apt", "reboot"] as const;

/** A wait is a named timeout of cluster.yaml or a duration written in the playbook. */
export type WaitLimit = { timeout: TimeoutName } | { ms: number };

type EntryBody =
  | { kind: "gate"; gate: GateName; wait: WaitLimit | null }
  /** Every gate of the playbook's preflight list, about the rest of the cluster, now. */
  | { kind: "preflight-gates" }
  | { kind: "step"; step: StepName }
  | ({ kind: "run"; title: string } & RunCommandEntry);

/** An entry and its id, from its position (`node[3]`): what the journal records it as. */
export type PlaybookEntry = EntryBody & { id: string };

export interface Playbook {
  name: string;
  description: string;
  preflight: PlaybookEntry[];
  node: PlaybookEntry[];
  finally: PlaybookEntry[];
  /** The gates the preflight list names, in order: what `gates: preflight` means. */
  preflightGates: GateName[];
  /** The PVE major release a node must run to be done (a major upgrade's playbook); null: any, once nothing is pending. */
  upgradesTo: number | null;
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
  .union([z.enum(timeoutNames), durationText], {
    error: `expected a timeout of cluster.yaml (${timeoutNames.join(", ")}) or a duration such as 5m`,
  })
  .transform((v): WaitLimit => (typeof v === "string" ? { timeout: v } : { ms: v }));

const gateEntry = strict({ gate: z.enum(gateNames), wait: waitLimit.optional() }).transform((e): EntryBody => ({
  kind: "gate",
  gate: e.gate,
  wait: e.wait ?? null,
}));
const preflightGatesEntry = strict({ gates: z.literal("preflight") }).transform((): EntryBody => ({ kind: "preflight-gates" }));
const stepEntry = strict({ step: z.enum(stepNames) }).transform((e): EntryBody => ({ kind: "step", step: e.step }));
const runEntry = strict({
  run: z.string().min(1),
  on: z.enum(["node", "local"]).default("node"),
  title: z.string().min(1).optional(),
  timeout: durationText.optional(),
  unless: z.string().min(1).optional(),
  takesNodeDown: z.boolean().default(false),
}).transform((e): EntryBody => ({
  kind: "run",
  command: e.run,
  on: e.on,
  title: e.title ?? `run: ${e.run}`,
  timeoutMs: e.timeout ?? null,
  unless: e.unless ?? null,
  takesNodeDown: e.takesNodeDown,
}));

/**
 * An entry is told apart by its key (gate:, gates:, step:, run:), and then validated by that
 * kind's schema, so an error speaks of the kind the author meant ("node[1].step: expected one
 * of …"), not of a union no member of which matched.
 */
function entry(kinds: Partial<Record<"gate" | "gates" | "step" | "run", z.ZodType<EntryBody>>>) {
  const keys = Object.keys(kinds) as Array<keyof typeof kinds>;
  return z.unknown().transform((value, ctx): EntryBody => {
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

const preflightGate = strict({ gate: z.enum(gateNames) }).transform((e): EntryBody => ({ kind: "gate", gate: e.gate, wait: null }));

const playbookSchema = strict({
  description: z.string().default(""),
  upgradesTo: z.literal(9).optional(),
  preflight: z.array(entry({ gate: preflightGate, run: runEntry })).default([]),
  node: z.array(entry({ gate: gateEntry, gates: preflightGatesEntry, step: stepEntry, run: runEntry })).min(1),
  finally: z.array(entry({ gate: preflightGate, step: stepEntry, run: runEntry })).default([]),
});

const withIds = (phase: string, entries: EntryBody[]): PlaybookEntry[] => entries.map((e, index) => ({ ...e, id: `${phase}[${index}]` }));

const isStep = (e: EntryBody, name: StepName) => e.kind === "step" && e.step === name;
/** Entries that take the node down with whatever still runs on it. */
const stopsTheNode = (e: EntryBody) =>
  (e.kind === "step" && steps[e.step].takesNodeDown === "stop") || (e.kind === "run" && e.takesNodeDown);

/** Orders that cannot be safe, whatever the cluster: refused with the entry's position. */
function checkOrder(node: EntryBody[], yaml: YamlSource): void {
  const first = (name: StepName) => node.findIndex((e) => isStep(e, name));
  const at = (index: number, message: string) => yaml.source.error(["node", index], message);
  const reboot = first("reboot-if-needed");
  const waitOnline = first("wait-online");
  if (waitOnline >= 0 && reboot >= 0 && waitOnline < reboot) {
    throw at(
      waitOnline,
      "wait-online comes before reboot-if-needed: it would wait for a reboot that has not been asked for; move it after reboot-if-needed",
    );
  }
  if (reboot >= 0 && waitOnline < 0)
    throw at(reboot, "a playbook that reboots must wait for the node afterwards: add `- step: wait-online` after reboot-if-needed");
  const emptied = Math.min(...["evacuate", "maintenance-on"].map((n) => first(n as StepName)).filter((i) => i >= 0), Infinity);
  node.forEach((e, index) => {
    if (stopsTheNode(e) && !(emptied < index)) {
      const what = e.kind === "step" ? e.step : "a run: entry with takesNodeDown";
      throw at(
        index,
        `${what} takes the node down with its guests still on it: put \`- step: evacuate\` (and \`- step: maintenance-on\`) before it`,
      );
    }
  });
  const on = first("maintenance-on");
  if (on >= 0 && !node.some((e, index) => index > on && isStep(e, "maintenance-off"))) {
    throw at(
      on,
      "maintenance-on without a maintenance-off after it would leave every node in HA maintenance: add `- step: maintenance-off` after wait-online",
    );
  }
}

export function parsePlaybook(text: string, file: string, name: string): Playbook {
  const yaml = readYaml(text, file, "a playbook", " (preflight:, node:, finally:)");
  const parsed = validateYaml(playbookSchema, yaml);
  checkOrder(parsed.node, yaml);
  const preflight = withIds("preflight", parsed.preflight);
  return {
    name,
    description: parsed.description,
    preflight,
    node: withIds("node", parsed.node),
    finally: withIds("finally", parsed.finally),
    preflightGates: preflight.flatMap((e) => (e.kind === "gate" ? [e.gate] : [])),
    upgradesTo: parsed.upgradesTo ?? null,
  };
}

/** The playbook of the major upgrade to PVE 9 (`upgrade --to 9`, `plan --to 9`). */
export const majorPlaybook = { kind: "builtin", name: "proxmox-major-9" } as const satisfies PlaybookRef;

export async function loadPlaybook(ref: PlaybookRef): Promise<Playbook> {
  const file = ref.kind === "builtin" ? path.join(packageRoot(), "playbooks", `${ref.name}.yaml`) : ref.path;
  let text: string | null;
  let bytes: number | null;
  try {
    ({ text, bytes } = await readAtMost(file, MAX_YAML_BYTES));
  } catch (error) {
    const known = ref.kind === "builtin" ? ` (built-in playbooks: proxmox-gluster, proxmox-only, proxmox-major-9)` : "";
    throw new ConfigError(
      null,
      "upgrade.playbook",
      `cannot read playbook ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}${known}`,
    );
  }
  if (text === null) throw tooLargeError(file, bytes, "a playbook", "upgrade.playbook");
  return parsePlaybook(
    text,
    ref.kind === "builtin" ? `playbooks/${ref.name}.yaml` : file,
    ref.kind === "builtin" ? ref.name : path.basename(file, ".yaml"),
  );
}

export function waitMs(limit: WaitLimit, timeouts: TimeoutsConfig): number {
  return "ms" in limit ? limit.ms : timeouts[limit.timeout];
}

/** The name an entry goes by in events and the journal. */
export function entryName(entry: PlaybookEntry): string {
  switch (entry.kind) {
    case "gate":
      return entry.gate;
    case "preflight-gates":
      return "preflight-gates";
    case "step":
      return entry.step;
    case "run":
      return "run";
  }
}

export function entryTitle(entry: PlaybookEntry): string {
  switch (entry.kind) {
    case "gate":
      return entry.wait ? `Wait for gate ${entry.gate}` : `Gate ${entry.gate}`;
    case "preflight-gates":
      return "Every preflight gate passes now";
    case "step":
      return steps[entry.step].title;
    case "run":
      return entry.title;
  }
}
