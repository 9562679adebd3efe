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
}

export class LabRecord {
  private readonly mutations: MutationEntry[] = [];
  private readonly pmxcfsOperations: PmxcfsOperation[] = [];
  private readonly takeDowns: TakeDown[] = [];
  private readonly refreshList: Refresh[] = [];
  private readonly breaches: CriticalBreach[] = [];
  private readonly openBreaches = new Set<string>();
  private readonly struck: StruckFault[] = [];
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
    };
  }
}
