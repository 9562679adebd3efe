// sources-trixie: switches one node's APT sources from Debian bookworm (PVE 8) to trixie (PVE 9),
// the first move of the major upgrade. The plan is planTrixieSources' (src/pve/apt-sources.ts);
// this step plans with planNodeSwitch (src/pve/trixie-switch.ts, which the preflight gate
// trixie-repositories shares) from the files the facet aptSources reads, applies the plan in the
// order docs/domain/apt-sources.md gives ("How the step applies the plan"), and reads them back.

import { aptReads, BACKUP_SUFFIX, classify, parseSources, type SourceFile, type TrixiePlan } from "../pve/apt-sources.js";
import { enabledEntries, planNodeSwitch } from "../pve/trixie-switch.js";
import { changeCommand, commandLine, type CommandResult } from "../transport/remote-command.js";
import { writeAtomically, type Send } from "../transport/remote-file.js";
import { RemoteError } from "../transport/ssh.js";
import { done, targetOf, toDo, type Step, type StepContext } from "./contract.js";
import { resumeCommand, StepFailure } from "./failures.js";

type SwitchPlan = Extract<TrixiePlan, { ok: true }>;

const removeFile = (path: string) => changeCommand(["rm", "-f", path]);

/** One file's change: what the journal and the dry run call it, and the commands that make it. */
interface FileChange {
  verb: "back up" | "write" | "remove";
  path: string;
  sends: Send[];
}

const said = (result: CommandResult) => result.stderr.trim() || `exit ${result.exitCode ?? result.signal}`;

async function send(ctx: StepContext, node: string, { command, stdin }: Send): Promise<CommandResult | string> {
  try {
    const result = await ctx.shell.run(node, command, stdin === undefined ? {} : { stdin });
    return result.exitCode === 0 ? result : `\`${commandLine(command)}\` failed: ${said(result)}`;
  } catch (error) {
    if (error instanceof RemoteError) return `\`${commandLine(command)}\`: ${error.message}`;
    throw error;
  }
}

/** Every file apt reads, and the backup of each where one exists. */
async function readSourceFiles(ctx: StepContext, node: string): Promise<SourceFile[]> {
  const seen = (await ctx.observe(["aptSources"], { nodes: [node] })).aptSources?.[node];
  if (seen?.ok) return seen.value;
  throw new StepFailure(
    `cannot read the APT sources of ${node}, so they cannot be planned (${seen?.ok === false ? seen.error : "not read"}): fix that, then run again`,
    `Nothing was changed on ${node}. Fix the read, then ${resumeCommand(ctx.upgradesTo)}.`,
  );
}

/**
 * Backups first, so that every original is kept before anything apt reads changes; each file
 * written under a temporary name and renamed over (rename(2) is atomic: apt, and the next run,
 * see the old file or the new one, never half of one; a half-written backup would read as a
 * different one and refuse the next run); the replaced one-line files last, once their `.sources`
 * files are in place.
 */
function changesOf(plan: SwitchPlan): FileChange[] {
  const atomically = (file: SourceFile): Send[] => writeAtomically(file.path, file.content);
  return [
    ...plan.backups.map((file): FileChange => ({ verb: "back up", path: file.path, sends: atomically(file) })),
    ...plan.writes.map((file): FileChange => ({ verb: "write", path: file.path, sends: atomically(file) })),
    ...plan.removes.map((path): FileChange => ({ verb: "remove", path, sends: [{ command: removeFile(path) }] })),
  ];
}

function lines(content: string): string {
  const count = content.split("\n").length - (content.endsWith("\n") ? 1 : 0);
  return count === 1 ? "1 line" : `${count} lines`;
}

function describeChange(change: FileChange, node: string): string {
  const commands = change.sends.map((s) => commandLine(s.command)).join(" && ");
  const content = change.sends.find((s) => s.stdin !== undefined)?.stdin;
  const what =
    change.verb === "back up"
      ? `back up ${change.path.slice(0, -BACKUP_SUFFIX.length)} as ${change.path}`
      : `${change.verb} ${change.path}`;
  return `${what}${content === undefined ? "" : ` (${lines(content)})`} on ${node}: ${commands}`;
}

async function apply(ctx: StepContext, node: string, change: FileChange, plan: SwitchPlan): Promise<void> {
  const backups = plan.backups.map((b) => b.path).join(", ");
  const state =
    change.verb === "back up"
      ? `No file apt reads on ${node} was changed: only its backups (${backups}) were being written.`
      : `The originals are kept on ${node} as ${backups}.`;
  await ctx.action(`${change.verb} apt source`, { node, path: change.path }, async () => {
    for (const s of change.sends) {
      const problem = await send(ctx, node, s);
      if (typeof problem === "string")
        throw new StepFailure(
          `could not ${change.verb} ${change.path} on ${node}: ${problem}`,
          `${state} Fix the cause, then ${resumeCommand(ctx.upgradesTo)} finishes the switch (or, to stay on bookworm, move each backup back over its original and remove the new .sources files).`,
        );
    }
  });
}

/** trixie and its -security, -updates, -backports… suites. */
const TRIXIE_SUITE = /^trixie(-[a-z-]+)?$/;

export const sourcesTrixie: Step<SwitchPlan> = {
  title: "Switch the APT sources from Debian bookworm to trixie (deb822, originals kept as .bookworm.bak)",
  needs: ["aptSources"],
  takesNodeDown: null,
  async satisfied(ctx) {
    const node = targetOf(ctx);
    const files = await readSourceFiles(ctx, node);
    const plan = planNodeSwitch(files);
    if (!plan.ok)
      throw new StepFailure(
        `cannot switch the APT sources of ${node} to trixie: ${plan.refusals.join("; ")}`,
        `Nothing was changed on ${node}. Fix each file named above, then ${resumeCommand(ctx.upgradesTo)}.`,
      );
    return plan.writes.length === 0 ? done(`sources of ${node} already name trixie`) : toDo(plan);
  },
  describe(ctx, plan) {
    const node = targetOf(ctx);
    return [...changesOf(plan).map((change) => describeChange(change, node)), ...plan.changes];
  },
  async act(ctx, plan) {
    const node = targetOf(ctx);
    for (const change of changesOf(plan)) await apply(ctx, node, change, plan);
  },
  async verify(ctx, plan) {
    const node = targetOf(ctx);
    const files = await readSourceFiles(ctx, node);
    const broken = files.flatMap((file) => {
      const parsed = aptReads(file.path) ? parseSources(file) : null;
      return parsed && !parsed.ok ? [parsed.error] : [];
    });
    const own = enabledEntries(files).filter((e) => classify(e.uris[0] ?? "").kind !== "other");
    const stale = own.filter((e) => !e.suites.every((s) => TRIXIE_SUITE.test(s)));
    const seen = own.map((e) => `${e.file}:${e.line} ${e.suites.join(" ")}`).join(", ");
    const humanAction = `The originals are kept on ${node} as ${plan.backups.map((b) => b.path).join(", ")}. Fix the files named above by hand, then ${resumeCommand(ctx.upgradesTo)}.`;
    if (broken.length > 0)
      throw new StepFailure(`after the switch, apt cannot read the sources of ${node}: ${broken.join("; ")}`, humanAction);
    if (own.length === 0) throw new StepFailure(`after the switch, ${node} has no enabled Debian or Proxmox repository`, humanAction);
    if (stale.length > 0)
      throw new StepFailure(
        `after the switch, sources of ${node} still name other suites: ${stale.map((e) => `${e.file}:${e.line} ${e.suites.join(" ")}`).join(", ")}`,
        humanAction,
      );
    return `every enabled Debian and Proxmox repository of ${node} names trixie: ${seen}`;
  },
  // Nothing later in the dry run reads this node's sources again (trixie-repositories is a preflight gate only).
  simulate() {},
};
