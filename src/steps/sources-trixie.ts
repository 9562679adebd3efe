// sources-trixie: switches one node's APT sources from Debian bookworm (PVE 8) to trixie (PVE 9),
// the first move of the major upgrade. The plan is planTrixieSources' (src/pve/apt-sources.ts);
// this step reads the files over SSH, applies the plan in the order docs/domain/apt-sources.md
// gives ("How the step applies the plan"), and reads them back.

import {
  aptReads,
  BACKUP_SUFFIX,
  classify,
  parseSources,
  planTrixieSources,
  SOURCES_DIR,
  type SourceEntry,
  type SourceFile,
  type TrixiePlan,
  type TrixiePlanOptions,
} from "../pve/apt-sources.js";
import { changeCommand, commandLine, readCommand, type CommandResult, type RemoteCommand } from "../transport/remote-command.js";
import { RemoteError } from "../transport/ssh.js";
import { done, targetOf, toDo, type Step, type StepContext } from "./contract.js";
import { StepFailure } from "./failures.js";

type SwitchPlan = Extract<TrixiePlan, { ok: true }>;

const APT_DIR = "/etc/apt";
const TMP_SUFFIX = ".rollgate-tmp";

const listDir = (dir: string) => readCommand("ls", "-1", dir);
const readFile = (path: string) => readCommand("cat", path);
const writeDraft = (path: string) => changeCommand(["dd", `of=${path}${TMP_SUFFIX}`, "status=none"]);
const installDraft = (path: string) => changeCommand(["mv", "-f", `${path}${TMP_SUFFIX}`, path]);
const removeFile = (path: string) => changeCommand(["rm", "-f", path]);

interface Send {
  command: RemoteCommand;
  stdin?: string;
}

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

/** Every file apt reads, and the backup of each where one exists (the planner refuses to overwrite a different one). */
async function readSourceFiles(ctx: StepContext, node: string): Promise<SourceFile[]> {
  const unreadable = (what: string, problem: string) =>
    new StepFailure(
      `cannot read ${what} on ${node}, so its sources cannot be planned (${problem}): fix that, then run again`,
      `Nothing was changed on ${node}. Fix the read, then \`rollgate upgrade --resume\`.`,
    );
  const paths: string[] = [];
  for (const dir of [APT_DIR, SOURCES_DIR]) {
    const listing = await send(ctx, node, { command: listDir(dir) });
    if (typeof listing === "string") throw unreadable(dir, listing);
    paths.push(...listing.stdout.split("\n").flatMap((name) => (name === "" ? [] : [`${dir}/${name}`])));
  }
  const read = paths.filter((path) => aptReads(path) !== null);
  const files: SourceFile[] = [];
  for (const path of [...read, ...read.map((p) => `${p}${BACKUP_SUFFIX}`).filter((p) => paths.includes(p))]) {
    const content = await send(ctx, node, { command: readFile(path) });
    if (typeof content === "string") throw unreadable(path, content);
    files.push({ path, content: content.stdout });
  }
  return files;
}

const enabledEntries = (files: readonly SourceFile[]): SourceEntry[] =>
  files.flatMap((file) => {
    const parsed = aptReads(file.path) ? parseSources(file) : null;
    return parsed?.ok ? parsed.entries.filter((e) => e.enabled) : [];
  });

/**
 * The enterprise repositories answer only with a subscription, and the preflight gate
 * package-sources has proved every enabled repository answers: an enabled one means the node has one.
 */
function subscriptionOf(files: readonly SourceFile[]): TrixiePlanOptions {
  const enterprise = (uri: string) => {
    const repo = classify(uri);
    return (repo.kind === "proxmox" || repo.kind === "ceph") && repo.enterprise;
  };
  return { subscription: enabledEntries(files).some((e) => e.uris.some(enterprise)) };
}

/**
 * The plan, resuming a switch that stopped after writing a `.sources` file but before removing the
 * `.list` file it replaces: the planner sees both and refuses the collision. A `.sources` file that
 * is exactly what the plan writes from the file still there is that run's work, not the admin's: it
 * is planned again without it (and written again, the same).
 */
function planSwitch(files: readonly SourceFile[], options: TrixiePlanOptions): TrixiePlan {
  const plan = planTrixieSources(files, options);
  if (plan.ok) return plan;
  const fromOneLine = planTrixieSources(
    files.filter((f) => aptReads(f.path) !== "deb822"),
    options,
  );
  if (!fromOneLine.ok) return plan;
  const ours = new Set(
    files.filter((f) => fromOneLine.writes.some((w) => w.path === f.path && w.content === f.content)).map((f) => f.path),
  );
  if (ours.size === 0) return plan;
  const resumed = planTrixieSources(
    files.filter((f) => !ours.has(f.path)),
    options,
  );
  return resumed.ok ? resumed : plan;
}

/**
 * Backups first, so that every original is kept before anything apt reads changes; each file
 * written under a temporary name and renamed over (rename(2) is atomic: apt, and the next run,
 * see the old file or the new one, never half of one; a half-written backup would read as a
 * different one and refuse the next run); the replaced one-line files last, once their `.sources`
 * files are in place.
 */
function changesOf(plan: SwitchPlan): FileChange[] {
  const atomically = (file: SourceFile): Send[] => [
    { command: writeDraft(file.path), stdin: file.content },
    { command: installDraft(file.path) },
  ];
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
          `${state} Fix the cause, then \`rollgate upgrade --resume\` finishes the switch (or, to stay on bookworm, move each backup back over its original and remove the new .sources files).`,
        );
    }
  });
}

/** trixie and its -security, -updates, -backports… suites. */
const TRIXIE_SUITE = /^trixie(-[a-z-]+)?$/;

export const sourcesTrixie: Step<SwitchPlan> = {
  title: "Switch the APT sources from Debian bookworm to trixie (deb822, originals kept as .bookworm.bak)",
  needs: [],
  takesNodeDown: null,
  async satisfied(ctx) {
    const node = targetOf(ctx);
    const files = await readSourceFiles(ctx, node);
    const plan = planSwitch(files, subscriptionOf(files));
    if (!plan.ok)
      throw new StepFailure(
        `cannot switch the APT sources of ${node} to trixie: ${plan.refusals.join("; ")}`,
        `Nothing was changed on ${node}. Fix each file named above, then \`rollgate upgrade --resume\`.`,
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
    const humanAction = `The originals are kept on ${node} as ${plan.backups.map((b) => b.path).join(", ")}. Fix the files named above by hand, then \`rollgate upgrade --resume\`.`;
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
  // Nothing later in the dry run reasons over a node's sources (the simulated state has no facet for them).
  simulate() {},
};
