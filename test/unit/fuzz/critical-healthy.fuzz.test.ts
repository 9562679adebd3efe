// critical-healthy over random member lists (members missing, statuses garbled, nodes shared, the
// target holding one): it passes only when every member runs, healthy, on its own node (and, for
// critical-healthy-elsewhere, off the target).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { failed, observed, type CriticalMember, type Guest, type Observed } from "../../../src/observe/state.js";
import { clusterConfig, evaluate, healthyState, NODES, ROUTER_VIP } from "../gates/state-factory.js";
import { check, garbage } from "./fuzz.js";

const CONFIG = clusterConfig();
const VMIDS = [100, 101] as const;

/** Mostly `good`, sometimes anything `bad` makes: passes must be common enough to test them. */
const mostly = <T>(good: T, bad: fc.Arbitrary<T>): fc.Arbitrary<T> =>
  fc.oneof({ weight: 6, arbitrary: fc.constant(good) }, { weight: 1, arbitrary: bad });

const status = mostly(
  "running",
  fc.oneof(fc.constantFrom("stopped", "paused", "unknown", "suspended", "prelaunch", "Running", "running ", ""), garbage),
);
const node = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...NODES) },
  { weight: 1, arbitrary: fc.constantFrom("pve4", "PVE1", "", "pve1 ") },
);
const outcome = <T>(value: T): fc.Arbitrary<Observed<T>> =>
  mostly<Observed<T>>(
    observed(value),
    garbage.map((error) => failed(error || "timeout")),
  );

interface MemberShape {
  present: boolean;
  member: CriticalMember;
}

const memberOf = (vmid: number): fc.Arbitrary<MemberShape> =>
  fc
    .record({
      present: mostly(true, fc.constant(false)),
      inCluster: mostly(true, fc.constant(false)),
      node,
      guestStatus: status,
      current: fc.oneof(
        { weight: 1, arbitrary: fc.constant(null) },
        {
          weight: 8,
          arbitrary: fc
            .record({ status, qmpStatus: fc.oneof(fc.constant(null), status) })
            .chain((s) => outcome({ ...s, agentConfigured: true })),
        },
      ),
      agent: fc.oneof({ weight: 8, arbitrary: outcome(true as const) }, { weight: 1, arbitrary: fc.constant(null) }),
      tcp: fc.array(outcome(true as const), { maxLength: 2 }),
    })
    .map(({ present, inCluster, node, guestStatus, current, agent, tcp }) => {
      const guest: Guest = {
        vmid,
        name: `fw${vmid}`,
        type: "qemu",
        node,
        status: guestStatus,
        maxmem: 2 ** 31,
        haState: "started",
        lock: null,
        template: false,
      };
      const member: CriticalMember = {
        vmid,
        guest: inCluster ? guest : null,
        current,
        agent,
        tcp: tcp.map((result) => ({ target: ROUTER_VIP, result })),
      };
      return { present, member };
    });

const scenario = fc.record({
  members: fc.tuple(...VMIDS.map(memberOf)),
  order: fc.boolean(),
  target: fc.oneof(fc.constant(null), fc.constantFrom(...NODES)),
});

/** What health means, written out again: every member present, running and proved so, each on its own node, none on the target. */
function healthy(members: CriticalMember[], target: string | null): boolean {
  const nodes = members.map((m) => m.guest?.node);
  return (
    VMIDS.every((vmid) => members.some((m) => m.vmid === vmid)) &&
    new Set(nodes).size === members.length &&
    members.every((m) => {
      const g = m.guest;
      const current = m.current;
      return (
        g !== null &&
        g.status === "running" &&
        g.node !== target &&
        current?.ok === true &&
        current.value.status === "running" &&
        (current.value.qmpStatus === null || current.value.qmpStatus === "running") &&
        m.agent?.ok !== false &&
        m.tcp.every((t) => t.result.ok)
      );
    })
  );
}

describe("critical-healthy over random guest lists", () => {
  it("passes only when every member runs healthy, spread, off the target", async () => {
    let passes = 0;
    await check("critical-healthy: random members", 400, scenario, ({ members, order, target }) => {
      const state = healthyState(target);
      const kept = members.filter((m) => m.present).map((m) => m.member);
      if (order) kept.reverse();
      const view = state.guests;
      if (!view?.ok) throw new Error("state factory: no guests");
      view.value.critical.routers = kept;
      view.value.guests = [
        ...view.value.guests.filter((g) => !VMIDS.some((v) => v === g.vmid)),
        ...kept.flatMap((m) => (m.guest ? [m.guest] : [])),
      ];
      for (const gate of ["critical-healthy", ...(target ? (["critical-healthy-elsewhere"] as const) : [])] as const) {
        const verdict = evaluate(gate, state, { config: CONFIG, target });
        if (verdict.pass) {
          passes += 1;
          // critical-healthy is about health now; only critical-healthy-elsewhere leaves the target out.
          expect(
            healthy(kept, gate === "critical-healthy" ? null : target),
            `${gate} passed on ${JSON.stringify(kept)} (target ${target})`,
          ).toBe(true);
        } else {
          expect(verdict.reasons.length).toBeGreaterThan(0);
        }
      }
    });
    // A property that never sees a pass proves nothing about passing.
    console.log(`fuzz critical-healthy: ${passes} verdicts passed`);
    expect(passes).toBeGreaterThan(0);
  });

  it("refuses two healthy members on one node, and a member that is not running", async () => {
    const broken = fc.record({
      shared: fc.boolean(),
      node: fc.constantFrom(...NODES),
      other: fc.constantFrom(...NODES),
      which: fc.constantFrom(...VMIDS),
      status: fc.oneof(
        fc.constantFrom("stopped", "paused", "unknown", "", "Running"),
        garbage.filter((g) => g !== "running"),
      ),
      qemu: fc.boolean(),
    });
    await check("critical-healthy: shared node or not running", 200, broken, ({ shared, node, other, which, status, qemu }) => {
      const state = healthyState();
      const view = state.guests;
      if (!view?.ok) throw new Error("state factory: no guests");
      const members = view.value.critical.routers!;
      const [first, second] = members;
      if (shared || node === other) {
        first!.guest!.node = node;
        second!.guest!.node = node;
      } else {
        const member = members.find((m) => m.vmid === which)!;
        if (qemu) member.current = observed({ status: "running", qmpStatus: status, agentConfigured: true });
        else member.guest!.status = status;
      }
      const verdict = evaluate("critical-healthy", state, { config: CONFIG });
      expect(verdict.pass, JSON.stringify(members)).toBe(false);
      expect(verdict.reasons.length).toBeGreaterThan(0);
    });
  });
});
