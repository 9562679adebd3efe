// The whole plan, from one observation: order, per node what apt will install and whether it
// will reboot, where every running guest goes, which gates pass now, and how long it may take.
// Pure: the same state gives the same plan, and nothing here can change the cluster.

import type { Config } from "../config/index.js";
import { glusterStorageGate } from "../gates/gluster-storage.js";
import { haRuleFindings } from "../gates/ha-rules.js";
import type { GateName, Verdict } from "../gates/index.js";
import { facetsFor } from "../gates/evaluate.js";
import type { ClusterState, Facet, Guest, MigrationConstraints, NodePackages, PendingPackage } from "../observe/state.js";
import { upgradeOrder } from "./order.js";
import { placeGuests, type GuestMove } from "./placement.js";
import { predictReboot, type RebootPrediction } from "./reboot.js";
import { reachedMajor } from "../pve/pve-version.js";

export interface NodePlan {
  node: string;
  /** Null when what apt would do could not be read (the reason is in `notes`). */
  pending: PendingPackage[] | null;
  reboot: RebootPrediction | null;
  pveVersion: { now: string | null; after: string | null };
  moves: GuestMove[];
  /** Nothing pending and no reboot needed: the node is skipped. */
  upToDate: boolean;
  estimateSeconds: number;
  notes: string[];
}

export interface Plan {
  cluster: string;
  observedAt: string;
  order: string[];
  orderReason: string;
  nodes: NodePlan[];
  gates: Verdict[];
  /** Everything gates pass and every guest has somewhere to go. */
  ready: boolean;
  warnings: string[];
  estimateSeconds: number;
}

/** Rough durations of a real cluster, for the estimate only (the run waits on gates, not on these). */
export const estimates = {
  migrationBaseSeconds: 20,
  migrationSecondsPerGiB: 8,
  aptBaseSeconds: 60,
  aptSecondsPerPackage: 6,
  rebootSeconds: 150,
  healAfterRebootSeconds: 120,
} as const;

function estimateNode(
  config: Config,
  moves: GuestMove[],
  guests: Guest[],
  pending: PendingPackage[] | null,
  reboot: RebootPrediction | null,
): number {
  const memory = new Map(guests.map((g) => [g.vmid, g.maxmem]));
  const memoryOf = (vmid: number) => (memory.get(vmid) ?? 0) / 2 ** 30;
  const migrations = moves
    .filter((m) => m.action !== "leave")
    .reduce((sum, m) => sum + estimates.migrationBaseSeconds + estimates.migrationSecondsPerGiB * memoryOf(m.vmid), 0);
  const apt = estimates.aptBaseSeconds + estimates.aptSecondsPerPackage * (pending?.length ?? 0);
  const back = reboot?.needed
    ? estimates.rebootSeconds + estimates.healAfterRebootSeconds + config.timeouts.settle / 1000
    : config.timeouts.settle / 1000;
  return Math.round(migrations + apt + back);
}

function pveVersionAfter(pending: PendingPackage[] | null): string | null {
  return pending?.find((p) => p.name === "pve-manager")?.to ?? null;
}

/** What a plan is built from: everything the playbook's preflight gates read, and what placements and packages need. */
export function planFacets(config: Config, preflightGates: readonly GateName[]): Set<Facet> {
  return new Set<Facet>([
    ...facetsFor(config, [...preflightGates, "gluster-storage-failover"]),
    "guests",
    "packages",
    "constraints",
    "qemu",
    "haConfig",
  ]);
}

/**
 * Nothing left to do on the node: nothing pending, the newest kernel running, and for a major
 * upgrade (`upgradesTo`) the release reached. An 8.4 node fully updated is not done with the upgrade to 9.
 */
/** The pending packages a pin (upgrade.sameVersions: package → the first node's version) installs: named by it and not yet at its version. */
export function pinnedPending(pending: readonly PendingPackage[], pins: Readonly<Record<string, string>>): PendingPackage[] {
  return pending.filter((p) => pins[p.name] !== undefined && p.from !== pins[p.name]);
}

/** Nothing to install (with pins: nothing they name), no reboot due, on the major asked for. */
export function upToDate(packages: NodePackages, upgradesTo: number | null, pins: Readonly<Record<string, string>> | null = null): boolean {
  return (
    (pins ? pinnedPending(packages.pending, pins) : packages.pending).length === 0 &&
    !predictReboot(packages).needed &&
    (upgradesTo === null || reachedMajor(packages.pveVersion, upgradesTo))
  );
}

export function buildPlan(
  config: Config,
  state: ClusterState,
  verdicts: Verdict[],
  only: readonly string[] | null = null,
  upgradesTo: number | null = null,
): Plan {
  const warnings: string[] = [];
  const guestsView = state.guests?.ok ? state.guests.value : null;
  if (!guestsView)
    warnings.push(`guests could not be read (${state.guests?.ok === false ? state.guests.error : "not collected"}): placements unknown`);
  const constraints = new Map<number, MigrationConstraints>(
    state.constraints?.ok ? Object.entries(state.constraints.value).map(([vmid, c]) => [Number(vmid), c]) : [],
  );
  if (state.constraints && !state.constraints.ok)
    warnings.push(`migration preconditions could not be read (${state.constraints.error}): local disks unknown`);
  if (state.haConfig && !state.haConfig.ok)
    warnings.push(`HA's groups or rules could not be read (${state.haConfig.error}): placements may disagree with HA's`);
  if (state.haConfig?.ok) warnings.push(...haRuleFindings(config, state.haConfig.value));
  if (state.qemu && !state.qemu.ok)
    warnings.push(`QEMU versions could not be read (${state.qemu.error}): placements may send a VM to an older QEMU`);

  const order = upgradeOrder(config, guestsView?.guests ?? [], only);
  let guests = guestsView?.guests ?? [];
  const upgraded: string[] = [];
  const nodes: NodePlan[] = [];
  for (const node of order.nodes) {
    const notes: string[] = [];
    const packages = state.packages?.[node];
    const known = packages?.ok ? packages.value : null;
    if (packages && !packages.ok) notes.push(`packages unknown: ${packages.error}`);
    const pending = known?.pending ?? null;
    const reboot = known ? predictReboot(known) : null;
    const done = known !== null && upToDate(known, upgradesTo);
    const placement =
      guestsView && !done
        ? placeGuests({
            config,
            guests,
            capacity: guestsView.nodes,
            target: node,
            upgraded,
            unavailable: [],
            constraints,
            ha: state.haConfig?.ok ? state.haConfig.value : null,
            qemu: state.qemu?.ok ? state.qemu.value : null,
          })
        : { moves: [], after: guests };
    for (const move of placement.moves) if (move.problem) notes.push(move.problem);
    if (state.storage) notes.push(...glusterStorageGate.evaluate({ config, state, target: node }).reasons);
    const after = pveVersionAfter(pending);
    // Only a node crossing from 8 to 9 with a glusterfs storage still defined: a 9.x minor upgrade is not that.
    const glusterfsStorage = !state.storage?.ok || state.storage.value.gluster.length > 0;
    if (after && /^9\./.test(after) && !/^9\./.test(known?.pveVersion ?? "") && glusterfsStorage && config.gluster.volumes.length > 0) {
      warnings.push(
        `${node}: pve-manager ${after} is PVE 9, which removed the GlusterFS storage plugin (pve8to9 fails on glusterfs: storages): move to a FUSE mount with dir storage first`,
      );
    }
    nodes.push({
      node,
      pending,
      reboot,
      pveVersion: { now: known?.pveVersion ?? null, after },
      moves: placement.moves,
      upToDate: done,
      estimateSeconds: done ? 0 : estimateNode(config, placement.moves, guests, pending, reboot),
      notes,
    });
    guests = placement.after;
    upgraded.push(node);
  }
  const majors = new Set(nodes.map((n) => n.pveVersion.now?.split(".")[0]).filter((m): m is string => m !== undefined));
  if (majors.size > 1)
    warnings.push(
      `nodes run different PVE major versions (${[...majors].join(", ")}): finish the major upgrade first (\`rollgate upgrade --to 9\`)`,
    );
  const movable = nodes.every((n) => n.moves.every((m) => m.problem === null) && n.notes.length === 0);
  return {
    cluster: config.cluster,
    observedAt: state.observedAt,
    order: order.nodes,
    orderReason: order.reason,
    nodes,
    gates: verdicts,
    ready: verdicts.every((v) => v.pass) && movable,
    warnings,
    estimateSeconds: nodes.reduce((sum, n) => sum + n.estimateSeconds, 0),
  };
}
