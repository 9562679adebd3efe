// Since when each gate has passed at every observation, without a break: what lets a gate wait
// count the time a gate was already watched passing by an earlier wait of the same node. After a
// node returns, its waits come one after another (private network, heal, services, routers); each
// also watches the gates of the waits still to come, so a service that stayed healthy through a
// ten-minute heal is not watched for another settle window once the heal is done. Any change the
// run makes ends every streak: what held before it proves nothing after it (docs/domain/watching.md).

import type { GateName, Verdict } from "../gates/index.js";

interface Streak {
  /** When the gate was first seen passing in this streak. */
  since: number;
  /** When it was last observed (passing). */
  lastSeen: number;
}

export class SteadyWatch {
  private readonly streaks = new Map<GateName, Streak>();
  /** The gates the node's later gate waits will wait for: each wait watches them too. */
  ahead: readonly GateName[] = [];

  /**
   * Records an observation that began at `startedAt` and ended at `at`. A refusal ends its gate's
   * streak; so does a pause longer than `maxGapMs` between the gate's last observation and the
   * start of this one (nobody saw what happened in between). The observation's own time is not a
   * pause: its reads are in flight, and heal info over a large backlog takes seconds to answer.
   */
  seen(startedAt: number, at: number, verdicts: readonly Verdict[], maxGapMs: number): void {
    for (const verdict of verdicts) {
      const streak = this.streaks.get(verdict.gate);
      if (!verdict.pass) this.streaks.delete(verdict.gate);
      else if (!streak || startedAt - streak.lastSeen > maxGapMs) this.streaks.set(verdict.gate, { since: at, lastSeen: at });
      else streak.lastSeen = at;
    }
  }

  /** Since when every one of `gates` has passed without a break, or null if one does not pass now. */
  steadySince(gates: readonly GateName[]): number | null {
    let since = Number.NEGATIVE_INFINITY;
    for (const gate of gates) {
      const streak = this.streaks.get(gate);
      if (!streak) return null;
      since = Math.max(since, streak.since);
    }
    return gates.length === 0 ? null : since;
  }

  /** A change was made, or another node begins: nothing seen so far counts for what comes next. */
  forget(): void {
    this.streaks.clear();
  }
}
