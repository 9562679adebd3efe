// Reads over SSH from the nodes themselves: reachability (boot id), corosync votes, systemd
// units, private-network paths, and what an upgrade would install.

import { readCommand, type CommandResult, type RemoteCommand } from "../transport/remote-command.js";
import { pvePaths } from "../transport/pve-paths.js";
import { avoidTarget, vantageNodes, type ObserveContext } from "./context.js";
import { parseAptSimulation } from "./parsers/apt.js";
import { parseAptUpdate, type AptUpdate } from "./parsers/apt-update.js";
import { parseGlusterFstab, type GlusterMount } from "./parsers/findmnt.js";
import { parseKernelList } from "./parsers/kernels.js";
import { interpretPing } from "./parsers/ping.js";
import { parsePvecmStatus } from "./parsers/pvecm.js";
import {
  attempt,
  type CorosyncVotes,
  type NodePackages,
  type NodeReach,
  type Observed,
  type PathCheck,
  type ServiceCheck,
} from "./state.js";

const bootIdPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Runs a read-only command and insists on exit status 0 (or one of `accepted`). */
export async function runChecked(
  ctx: ObserveContext,
  node: string,
  argv: string[],
  accepted: readonly number[] = [0],
): Promise<CommandResult> {
  const result = await ctx.shell.run(node, readCommand(...argv));
  if (result.exitCode === null || !accepted.includes(result.exitCode)) {
    const said = (result.stderr.trim() || result.stdout.trim()).split("\n").slice(0, 3).join(" / ");
    throw new Error(`\`${argv.join(" ")}\` on ${node} exited ${result.exitCode ?? `by signal ${result.signal}`}${said ? `: ${said}` : ""}`);
  }
  return result;
}

export function readBootId(ctx: ObserveContext, node: string): Promise<Observed<NodeReach>> {
  return attempt(async () => {
    const { stdout } = await runChecked(ctx, node, ["cat", "/proc/sys/kernel/random/boot_id"]);
    const bootId = stdout.trim();
    if (!bootIdPattern.test(bootId)) throw new Error(`${node}: boot_id "${bootId.slice(0, 60)}" is not a UUID`);
    return { bootId };
  });
}

export async function readReach(
  ctx: ObserveContext,
  nodes: readonly string[] = ctx.config.nodes.map((n) => n.name),
): Promise<Record<string, Observed<NodeReach>>> {
  const entries = await Promise.all(nodes.map(async (node) => [node, await readBootId(ctx, node)] as const));
  return Object.fromEntries(entries);
}

/** Votes as corosync counts them, asked of the first node (not the target) that answers. */
export async function readVotes(ctx: ObserveContext): Promise<Observed<CorosyncVotes>> {
  const errors: string[] = [];
  for (const node of vantageNodes(ctx)) {
    // Without quorum pvecm status still prints the votes, and exits 2 (corosync-quorumtool's
    // EXIT_NOT_QUORATE): that is an answer, not an error.
    const votes = await attempt(async () => parsePvecmStatus((await runChecked(ctx, node, ["pvecm", "status"], [0, 2])).stdout, node));
    if (votes.ok) return votes;
    errors.push(votes.error);
  }
  return { ok: false, error: errors.join("; ") };
}

export function readServices(ctx: ObserveContext): Promise<ServiceCheck[]> {
  return Promise.all(
    ctx.config.services.map(async (service): Promise<ServiceCheck> => {
      if (service.kind === "unit") {
        const result = await attempt(async () => {
          const run = await ctx.shell.run(service.node, readCommand("systemctl", "is-active", service.unit));
          const state = run.stdout.trim();
          // is-active exits 0 for active and 3 for every other state; anything else is not an answer.
          if (run.exitCode !== 0 && run.exitCode !== 3) throw new Error(`systemctl is-active exited ${run.exitCode}: ${run.stderr.trim()}`);
          if (!/^[a-z-]+$/.test(state)) throw new Error(`systemctl is-active printed "${state.slice(0, 60)}"`);
          return { healthy: run.exitCode === 0 && state === "active", detail: state };
        });
        return { name: service.name, what: `${service.unit} on ${service.node}`, node: service.node, result };
      }
      const result = await attempt(async () => {
        const status = await ctx.probes.http(service.url, ctx.config.proxmox.timeout);
        return { healthy: status >= 200 && status < 300, detail: `HTTP ${status}` };
      });
      return { name: service.name, what: service.url, node: service.node ?? null, result };
    }),
  );
}

export function readPrivateNetwork(ctx: ObserveContext): Promise<PathCheck[]> {
  const pairs = ctx.config.nodes.flatMap((from) =>
    ctx.config.nodes
      .filter((to) => to.name !== from.name && to.privateAddress)
      .map((to) => ({ from: from.name, to: to.name, address: to.privateAddress! })),
  );
  return Promise.all(
    pairs.map(async (pair) => ({
      ...pair,
      result: await attempt(async () =>
        interpretPing(await ctx.shell.run(pair.from, readCommand("ping", "-c", "1", "-W", "2", pair.address))),
      ),
    })),
  );
}

export function readPackages(ctx: ObserveContext, node: string): Promise<Observed<NodePackages>> {
  return attempt(async () => {
    const [simulation, uname, kernels, rebootFlag, version] = await Promise.all([
      runChecked(ctx, node, ["apt-get", "-s", "dist-upgrade"]),
      runChecked(ctx, node, ["uname", "-r"]),
      runChecked(ctx, node, ["proxmox-boot-tool", "kernel", "list"]),
      ctx.shell.run(node, readCommand("test", "-e", "/run/reboot-required")),
      attempt(async () => (await pvePaths(ctx.pve, avoidTarget(ctx)).nodes.$(node).version.$get()) as { version?: string }),
    ]);
    if (rebootFlag.exitCode !== 0 && rebootFlag.exitCode !== 1)
      throw new Error(`test -e /run/reboot-required on ${node} exited ${rebootFlag.exitCode}`);
    const bootable = parseKernelList(kernels.stdout);
    return {
      runningKernel: uname.stdout.trim(),
      installedKernels: bootable.kernels,
      pinnedKernel: bootable.pinned,
      pending: parseAptSimulation(simulation.stdout),
      rebootRequiredFile: rebootFlag.exitCode === 0,
      pveVersion: version.ok && typeof version.value.version === "string" ? version.value.version : null,
    };
  });
}

/**
 * The Gluster mounts of each node's /etc/fstab (`findmnt --fstab`, which exits 1 when there is
 * none). The node being upgraded is not asked: its own mount goes down with it, and it may be down.
 */
export async function readGlusterMounts(ctx: ObserveContext): Promise<Record<string, Observed<GlusterMount[]>>> {
  const entries = await Promise.all(
    ctx.config.nodes
      .filter((n) => n.name !== ctx.target)
      .map(
        async (n) =>
          [
            n.name,
            await attempt(async () => {
              const run = await ctx.shell.run(n.name, readCommand("findmnt", "--fstab", "-J", "-t", "glusterfs"));
              return parseGlusterFstab(run.stdout, run.exitCode);
            }),
          ] as const,
      ),
  );
  return Object.fromEntries(entries);
}

/**
 * `apt-get update` on every node. It refreshes the package lists and changes nothing else, which
 * is why plan and a dry run may run it: a repository that fails must be found while every node is
 * in service, not after one was emptied for its upgrade.
 */
export async function readAptUpdate(ctx: ObserveContext): Promise<Record<string, Observed<AptUpdate>>> {
  const refresh: RemoteCommand = readCommand("apt-get", "update");
  const entries = await Promise.all(
    ctx.config.nodes.map(
      async (n) =>
        [
          n.name,
          await attempt(async () => {
            const run = await ctx.shell.run(n.name, refresh, { timeoutMs: ctx.config.timeouts.apt });
            return parseAptUpdate(run.stdout, run.stderr, run.exitCode);
          }),
        ] as const,
    ),
  );
  return Object.fromEntries(entries);
}
