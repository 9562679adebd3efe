// Everything the lab saw, so a test can prove what rollgate did: every change it asked for, the
// most nodes that were ever out of service at once, and every moment a critical group had fewer
// healthy members than its minimum. Writes to /etc/pve (rollgate's cluster lock) are a list of
// their own: they change no service, and a refused run still takes and releases the lock.

export interface MutationEntry {
  /** Wall-clock time the lab received it. */
  time: string;
  /** Model seconds since the lab started. */
  modelSeconds: number;
  /** `ssh pve1` or `api pve2` (the node whose server received it). */
  source: string;
  action: string;
}

export interface PmxcfsOperation {
  time: string;
  modelSeconds: number;
  source: string;
  /** `mkdir`, `rmdir`, `create`, `truncate`, `write`, `utime`, `rename`, `unlink`. */
  op: string;
  path: string;
  /** `rename` only: the new name. */
  to?: string;
  /** `ok`, or the errno pmxcfs answered (`EEXIST`, `EACCES`, …). */
  outcome: string;
}

/** A node rollgate took out of service, and what was unsafe at that moment (nothing, if all went well). */
export interface TakeDown {
  time: string;
  modelSeconds: number;
  source: string;
  node: string;
  how: "maintenance" | "dist-upgrade" | "reboot";
  unsafe: string[];
}

/** `apt-get update`: it refreshes the package lists and changes nothing a service depends on. */
export interface Refresh {
  time: string;
  modelSeconds: number;
  source: string;
  action: string;
}

export interface CriticalBreach {
  time: string;
  modelSeconds: number;
  group: string;
  healthy: number;
  minHealthy: number;
  detail: string;
  /** Nodes the lab's faults had cut the power of at that moment (a breach they caused is not rollgate's). */
  faultCut: string[];
}

/** A timed fault the lab struck (a peer's power cut at a node's strike point). */
export interface StruckFault {
  time: string;
  modelSeconds: number;
  what: string;
}

/**
 * A moment rollgate waits for, as the lab made it happen: a node answering again after its boot,
 * a volume healed, a migration finished. Its model time is exact, even where the lab computes it
 * after the fact (a heal drains between two requests).
 */
export interface Milestone {
  modelSeconds: number;
  what: string;
}

/**
 * A span the cluster itself took, whoever waits for it: a migration, a dist-upgrade, a reboot until
 * the node rejoined, HA picking up a maintenance request, a heal. Their union is the least time an
 * upgrade can take; what a run takes beyond it is the waiting of its own (BENCHMARKS.md).
 */
export interface BusySpan {
  kind: "migration" | "dist-upgrade" | "reboot" | "maintenance" | "heal";
  subject: string;
  fromSeconds: number;
  toSeconds: number;
}

export interface OutOfServiceMoment {
  time: string;
  modelSeconds: number;
  nodes: string[];
}

export interface LabRecordSnapshot {
  mutations: MutationEntry[];
  pmxcfs: PmxcfsOperation[];
  /** Package list refreshes (plan and preflight run them while changing nothing). */
  refreshes: Refresh[];
  /** Every time rollgate took a node out of service. */
  takeDowns: TakeDown[];
  /** Those that happened while another node was out, a brick healed, or guests still ran on it. */
  unsafeTakeDowns: TakeDown[];
  maxOutOfService: number;
  /** When the maximum was first reached, and which nodes. */
  maxOutOfServiceAt: OutOfServiceMoment | null;
  /** The most nodes out of service at once, not counting those the lab's faults cut the power of. */
  maxOutOfServiceByRollgate: number;
  criticalBreaches: CriticalBreach[];
  /** Breaches while no fault had cut a node's power: those rollgate must answer for. */
  criticalBreachesByRollgate: CriticalBreach[];
  faults: StruckFault[];
  milestones: Milestone[];
  busy: BusySpan[];
}

export class LabRecord {
  private readonly mutations: MutationEntry[] = [];
  private readonly pmxcfsOperations: PmxcfsOperation[] = [];
  private readonly takeDowns: TakeDown[] = [];
  private readonly refreshList: Refresh[] = [];
  private readonly breaches: CriticalBreach[] = [];
  private readonly openBreaches = new Set<string>();
  private readonly struck: StruckFault[] = [];
  private readonly milestoneList: Milestone[] = [];
  private readonly busyList: BusySpan[] = [];
  private readonly busySince = new Map<string, number>();
  private maxOutOfService = 0;
  private maxOutOfServiceByRollgate = 0;
  private maxOutOfServiceAt: OutOfServiceMoment | null = null;

  constructor(private readonly modelNow: () => number) {}

  private stamp() {
    return { time: new Date().toISOString(), modelSeconds: Math.round(this.modelNow()) / 1000 };
  }

  mutation(source: string, action: string): void {
    this.mutations.push({ ...this.stamp(), source, action });
  }

  pmxcfs(source: string, operation: Pick<PmxcfsOperation, "op" | "path" | "to" | "outcome">): void {
    this.pmxcfsOperations.push({ ...this.stamp(), source, ...operation });
  }

  refresh(source: string, action: string): void {
    this.refreshList.push({ ...this.stamp(), source, action });
  }

  takeDown(source: string, node: string, how: TakeDown["how"], unsafe: string[]): void {
    this.takeDowns.push({ ...this.stamp(), source, node, how, unsafe });
  }

  fault(what: string): void {
    this.struck.push({ ...this.stamp(), what });
  }

  milestone(what: string, atModelMs: number = this.modelNow()): void {
    this.milestoneList.push({ modelSeconds: atModelMs / 1000, what });
  }

  /** The cluster starts something that takes its time; `atModelMs` where the lab learns of it later. */
  busyFrom(kind: BusySpan["kind"], subject: string, atModelMs: number = this.modelNow()): void {
    const key = `${kind} ${subject}`;
    if (!this.busySince.has(key)) this.busySince.set(key, atModelMs);
  }

  busyUntil(kind: BusySpan["kind"], subject: string, atModelMs: number = this.modelNow()): void {
    const key = `${kind} ${subject}`;
    const from = this.busySince.get(key);
    if (from === undefined) return;
    this.busySince.delete(key);
    this.busyList.push({ kind, subject, fromSeconds: from / 1000, toSeconds: atModelMs / 1000 });
  }

  outOfService(nodes: string[], faultCut: ReadonlySet<string>): void {
    this.maxOutOfServiceByRollgate = Math.max(this.maxOutOfServiceByRollgate, nodes.filter((n) => !faultCut.has(n)).length);
    if (nodes.length > this.maxOutOfService) {
      this.maxOutOfService = nodes.length;
      this.maxOutOfServiceAt = { ...this.stamp(), nodes: [...nodes] };
    }
  }

  /** Records a breach once when it starts; a breach that persists is one entry, a new one is another. */
  criticalHealth(group: string, healthy: number, minHealthy: number, detail: string, faultCut: ReadonlySet<string>): void {
    if (healthy >= minHealthy) {
      this.openBreaches.delete(group);
      return;
    }
    if (this.openBreaches.has(group)) return;
    this.openBreaches.add(group);
    this.breaches.push({ ...this.stamp(), group, healthy, minHealthy, detail, faultCut: [...faultCut] });
  }

  snapshot(): LabRecordSnapshot {
    return {
      mutations: [...this.mutations],
      pmxcfs: [...this.pmxcfsOperations],
      refreshes: [...this.refreshList],
      takeDowns: [...this.takeDowns],
      unsafeTakeDowns: this.takeDowns.filter((t) => t.unsafe.length > 0),
      maxOutOfService: this.maxOutOfService,
      maxOutOfServiceAt: this.maxOutOfServiceAt,
      maxOutOfServiceByRollgate: this.maxOutOfServiceByRollgate,
      criticalBreaches: [...this.breaches],
      criticalBreachesByRollgate: this.breaches.filter((b) => b.faultCut.length === 0),
      faults: [...this.struck],
      milestones: [...this.milestoneList],
      busy: [...this.busyList],
    };
  }
}
