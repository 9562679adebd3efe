// backup-critical (upgrade.backup): before the first node is touched, a vzdump of every critical
// guest to a named storage, one backup job per node holding them, each proved twice: its task
// ended OK with a "Finished Backup" line per guest, and the storage lists an archive of each guest
// made since the run began. The task log goes to the journal. A node answers a backup request for
// guests that are not on it with a plain "OK" and starts nothing; that is a failure here, never a
// backup (docs/domain/backup.md).

import { formatDuration } from "../config/index.js";
import { readGuestList } from "../observe/pve.js";
import { storageContentSchema, storageListSchema, taskLogSchema, upidSchema, validated } from "../observe/pve-schemas.js";
import type { Guest } from "../observe/state.js";
import { taskOutcome } from "../pve/tasks.js";
import { done, observeContextOf, toDo, type Step, type StepContext } from "./contract.js";
import { Refusal, StepFailure } from "./failures.js";
import { label, reportWarnings, requestLine, taskEnd, type ApiRequest, type GuestRef } from "./guests.js";

export interface BackupJob {
  node: string;
  guests: GuestRef[];
}

export interface BackupPlan {
  storage: string;
  jobs: BackupJob[];
}

type BackupConfig = NonNullable<StepContext["config"]["upgrade"]["backup"]>;

/** Left on every archive, so an admin browsing the storage knows why it is there. */
const notesTemplate = "rollgate: {{guestname}} before a rolling upgrade";

export function vzdumpRequest(job: BackupJob, backup: BackupConfig): ApiRequest {
  return {
    path: `/nodes/${job.node}/vzdump`,
    params: {
      vmid: job.guests.map((g) => g.vmid).join(","),
      storage: backup.storage,
      mode: backup.mode,
      compress: backup.compress,
      "notes-template": notesTemplate,
    },
  };
}

function backupOf(ctx: StepContext): BackupConfig {
  const backup = ctx.config.upgrade.backup;
  if (!backup) throw new Error(`programming error: ${ctx.entry} runs without upgrade.backup`);
  return backup;
}

const refusedBecause = (what: string, storage: string) =>
  `${what}; no node was touched. Fix it, or take upgrade.backup out of cluster.yaml to upgrade without a backup to ${storage} first`;

/** The storage, as storage.cfg has it: usable for backups on every node holding a critical guest. */
async function checkStorage(ctx: StepContext, storage: string, nodes: string[]): Promise<void> {
  const listed = validated(storageListSchema, await ctx.pve.get("/storage"), "/storage").find((s) => s.storage === storage);
  // A storage the token may not see is missing from the list, as one that does not exist.
  if (!listed) throw new Refusal(refusedBecause(`storage ${storage} (upgrade.backup) is not in /storage`, storage));
  if (listed.disable) throw new Refusal(refusedBecause(`storage ${storage} is disabled (storage.cfg disable)`, storage));
  const content = (listed.content ?? "").split(",");
  if (!content.includes("backup"))
    throw new Refusal(
      refusedBecause(`storage ${storage} does not take backups (content: ${listed.content ?? "none"}); add backup to its content`, storage),
    );
  const only = listed.nodes?.split(",");
  const outside = only ? nodes.filter((n) => !only.includes(n)) : [];
  if (outside.length > 0)
    throw new Refusal(refusedBecause(`storage ${storage} is restricted to ${only!.join(", ")}: not on ${outside.join(", ")}`, storage));
}

/** The newest archive of the guest on the storage made at or after `sinceSeconds`, or null. */
async function archiveSince(ctx: StepContext, storage: string, guest: Guest, sinceSeconds: number): Promise<string | null> {
  const path = `/nodes/${guest.node}/storage/${storage}/content`;
  const volumes = validated(storageContentSchema, await ctx.pve.get(path, { content: "backup", vmid: guest.vmid }), path);
  const fresh = volumes
    .filter((v) => v.vmid === guest.vmid && (v.ctime ?? 0) >= sinceSeconds)
    .sort((a, b) => (b.ctime ?? 0) - (a.ctime ?? 0));
  return fresh[0]?.volid ?? null;
}

async function criticalGuests(ctx: StepContext): Promise<Guest[]> {
  const list = await readGuestList(observeContextOf(ctx));
  return ctx.config.critical.flatMap((group) =>
    group.vms.map((vmid) => {
      const guest = list.find((g) => g.vmid === vmid);
      if (!guest)
        throw new Refusal(
          refusedBecause(
            `critical guest ${vmid} (group ${group.group}) is not in /cluster/resources: nothing to back up it from`,
            "the storage",
          ),
        );
      return guest;
    }),
  );
}

/** The archives made since the run began, one per critical guest, or the guests still without one. */
async function archives(ctx: StepContext, storage: string, sinceSeconds: number) {
  const guests = await criticalGuests(ctx);
  const found = await Promise.all(guests.map(async (guest) => ({ guest, volid: await archiveSince(ctx, storage, guest, sinceSeconds) })));
  return { guests, found };
}

/** The backup step of a run that began at `runStartedAt` (ms; a resumed run's first start): an archive since then counts. */
export function backupCritical(runStartedAt: number): Step<BackupPlan> {
  const sinceSeconds = Math.floor(runStartedAt / 1000);
  return {
    title: "Back up every critical guest before the first node",
    needs: [],
    takesNodeDown: null,
    async satisfied(ctx) {
      const { storage } = backupOf(ctx);
      const { guests, found } = await archives(ctx, storage, sinceSeconds);
      await checkStorage(ctx, storage, [...new Set(guests.map((g) => g.node))]);
      const missing = found.filter((f) => f.volid === null).map((f) => f.guest);
      if (missing.length === 0) return done(`already backed up in this run: ${found.map((f) => f.volid).join(", ")}`);
      const nodes = [...new Set(missing.map((g) => g.node))];
      return toDo({ storage, jobs: nodes.map((node) => ({ node, guests: missing.filter((g) => g.node === node) })) });
    },
    describe(ctx, plan) {
      return plan.jobs.map(
        (job) =>
          `${requestLine(vzdumpRequest(job, backupOf(ctx)))}, then wait for the task and find an archive of each guest on ${plan.storage}`,
      );
    },
    async act(ctx, plan) {
      const backup = backupOf(ctx);
      for (const job of plan.jobs) await runJob(ctx, job, backup);
    },
    async verify(ctx, plan) {
      const { found } = await archives(ctx, plan.storage, sinceSeconds);
      const missing = found.filter((f) => f.volid === null);
      if (missing.length > 0)
        throw new Refusal(
          refusedBecause(
            `the backup tasks ended OK, yet ${plan.storage} lists no archive made since the run began of ${missing.map((f) => label(f.guest)).join(", ")}`,
            plan.storage,
          ),
        );
      return `backed up to ${plan.storage}: ${found.map((f) => `${label(f.guest)} → ${f.volid}`).join(", ")}`;
    },
    // Nothing later in the dry run reads the backups.
    simulate() {},
  };
}

async function runJob(ctx: StepContext, job: BackupJob, backup: BackupConfig): Promise<void> {
  const request = vzdumpRequest(job, backup);
  const what = `the backup of ${job.guests.map(label).join(", ")} on ${job.node}`;
  const refuse = (problem: string) => new Refusal(refusedBecause(problem, backup.storage));
  const upid = await ctx.action("backup", { node: job.node, vmids: job.guests.map((g) => g.vmid), storage: backup.storage }, async () => {
    let answer: unknown;
    try {
      answer = await ctx.pve.post(request.path, request.params);
    } catch (error) {
      throw refuse(`${what} was refused: ${(error as Error).message}`);
    }
    // PVE/API2/VZDump.pm: "silent exit if specified VMs run on other nodes".
    if (answer === "OK") throw refuse(`${what} started nothing: ${job.node} answered OK, which it does when none of the guests runs on it`);
    return validated(upidSchema, answer, `vzdump on ${job.node}`);
  });
  ctx.progress(`backing up ${job.guests.map(label).join(", ")} on ${job.node} to ${backup.storage} (task ${upid})`);
  const task = await taskEnd(ctx, job.node, upid, what, "", backup.timeout).catch((error: unknown) => {
    throw error instanceof StepFailure
      ? refuse(`${error.message}; the job may still run: see Datacenter → Tasks on ${job.node} (timeout ${formatDuration(backup.timeout)})`)
      : error;
  });
  const log = validated(
    taskLogSchema,
    await ctx.pve.get(`/nodes/${job.node}/tasks/${encodeURIComponent(upid)}/log`, { start: 0, limit: 100_000 }),
    `log of ${upid}`,
  ).map((l) => l.t);
  ctx.output("stdout", `${log.join("\n")}\n`);
  const outcome = taskOutcome(task.exitstatus);
  const errors = log.filter((line) => line.startsWith("ERROR:"));
  if (!outcome.ok)
    throw refuse(
      `${what} failed: task ended "${outcome.error}"${errors.length > 0 ? ` (${errors.join(" / ")})` : ""}; its log is in the journal`,
    );
  const unfinished = job.guests.filter((g) => !log.some((line) => line.startsWith(`INFO: Finished Backup of VM ${g.vmid} `)));
  if (unfinished.length > 0)
    throw refuse(`${what} ended "${task.exitstatus ?? ""}" without a "Finished Backup" line for ${unfinished.map(label).join(", ")}`);
  await reportWarnings(ctx, job.node, upid, outcome.warnings);
}
