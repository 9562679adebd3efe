// Where evacuate sends a running VM while the cluster's nodes run different QEMU versions (a major
// upgrade under way): never to an older QEMU than the one it runs on, nodes further along first,
// and, when no node can take it, a refusal before anything moves that says which guest, where it
// could go, why not, and what to do.

import { describe, expect, it } from "vitest";
import type { ClusterState, Guest, NodeCapacity, QemuView } from "../../../src/observe/state.js";
import { placeGuests, type PlacementInput } from "../../../src/plan/placement.js";
import { qemuVersion, type QemuVersion } from "../../../src/pve/qemu-version.js";
import { emptyFacts, type StepContext } from "../../../src/steps/contract.js";
import { evacuate } from "../../../src/steps/evacuate.js";
import { Refusal } from "../../../src/steps/failures.js";
import { capacity, fourNodeConfig, guest } from "../plan/four-nodes.js";

const GiB = 2 ** 30;

const config = fourNodeConfig();

const vm = (vmid: number, node: string, gib = 2): Guest => guest(vmid, node, gib);

const v = (text: string): QemuVersion => qemuVersion(text)!;
/** PVE 8.4 ships QEMU 9.2, PVE 9.1 QEMU 10.1; a VM runs on its node's QEMU with the machine it started with. */
const on9 = { qemu: v("10.1.2"), machine: "pc-i440fx-10.1+pve0" };
const movedTo9 = { qemu: v("10.1.2"), machine: "pc-i440fx-9.2+pve1" };
const on8 = { qemu: v("9.2.0"), machine: "pc-i440fx-9.2+pve1" };

function qemuView(nodes: Record<string, string>, guests: QemuView["guests"]): QemuView {
  return { guests, nodes: Object.fromEntries(Object.entries(nodes).map(([n, q]) => [n, { ok: true, value: v(q) }])) };
}

function place(overrides: Partial<PlacementInput> & Pick<PlacementInput, "guests" | "target">) {
  return placeGuests({ config, capacity: capacity(), upgraded: [], unavailable: [], constraints: new Map(), ...overrides });
}

describe("evacuation targets across QEMU versions", () => {
  it("a VM on a 9 node goes only to another 9 node, however much room the 8 nodes have", () => {
    for (const running of [on9, movedTo9]) {
      const { moves } = place({
        target: "pve1",
        guests: [vm(300, "pve1")],
        capacity: capacity({ pve3: 60 }),
        qemu: qemuView({ pve2: "9.2", pve3: "10.1", pve4: "9.2" }, { 300: running }),
      });
      expect(moves[0]).toMatchObject({ to: "pve3", problem: null });
    }
  });

  it("a VM on an 8 node prefers a node already on 9, even one not upgraded by this run and with less room", () => {
    const { moves } = place({
      target: "pve2",
      guests: [vm(300, "pve2")],
      capacity: capacity({ pve4: 40 }),
      upgraded: ["pve1"],
      qemu: qemuView({ pve1: "9.2", pve3: "9.2", pve4: "10.1" }, { 300: on8 }),
    });
    expect(moves[0]!.to).toBe("pve4");
  });

  it("with every node on one QEMU (a minor upgrade), the placement is the same as without the view", () => {
    const guests = [vm(100, "pve1"), vm(101, "pve2"), vm(300, "pve1", 8), vm(301, "pve1", 8)];
    const input = { target: "pve1", guests, capacity: capacity({ pve2: 10, pve3: 20, pve4: 11 }), upgraded: ["pve3"] };
    const same = qemuView({ pve2: "9.2", pve3: "9.2", pve4: "9.2" }, { 100: on8, 101: on8, 300: on8, 301: on8 });
    expect(place({ ...input, qemu: same })).toEqual(place(input));
  });

  it("a node whose QEMU could not be read takes no VM, and the refusal says so", () => {
    const view = qemuView({ pve2: "9.2", pve3: "9.2" }, { 300: on8 });
    view.nodes["pve4"] = { ok: false, error: "HTTP 595 No route to host" };
    const none = place({ target: "pve1", guests: [vm(300, "pve1")], unavailable: ["pve2", "pve3"], qemu: view });
    expect(none.moves[0]!.problem).toBe(
      "nowhere to put 300 (vm300): PVE allows no other node (pve4: its QEMU could not be read (HTTP 595 No route to host))",
    );
  });

  it("a spread router on the only 9 node besides its peer's has nowhere to go: guest, nodes, why and what to do", () => {
    const { moves } = place({
      target: "pve1",
      guests: [vm(100, "pve1"), vm(101, "pve2")],
      qemu: qemuView({ pve2: "10.1", pve3: "9.2", pve4: "9.2" }, { 100: on9, 101: on9 }),
    });
    expect(moves[0]).toMatchObject({ vmid: 100, to: null });
    expect(moves[0]!.problem).toBe(
      "nowhere to put 100 (vm100): every other node PVE allows already holds a member of group routers (spread: true); not allowed: " +
        'pve3: QEMU 9.2 there cannot run its machine type pc-i440fx-10.1+pve0 ("too old to run machine type"); ' +
        'pve4: QEMU 9.2 there cannot run its machine type pc-i440fx-10.1+pve0 ("too old to run machine type"); ' +
        "to move it: upgrade pve3 or pve4 first (`--nodes`), or shut it down, migrate it offline to pve3 or pve4 and start it there (started there, it gets that node's machine type)",
    );
  });

  it("the step refuses before it moves anything", async () => {
    const state: ClusterState = {
      observedAt: "2026-01-01T00:00:00Z",
      target: "pve1",
      pve: {
        ok: true,
        value: { name: "lab", quorate: true, nodeCount: 4, nodes: config.nodes.map((n) => ({ name: n.name, online: true })) },
      },
      ha: { ok: true, value: { managerActive: true, nodeStatus: {}, resourceCount: 0 } },
      haConfig: { ok: true, value: { source: "groups", resources: [], nodeRules: [], affinityRules: [] } },
      guests: { ok: true, value: { guests: [vm(100, "pve1"), vm(101, "pve2")], nodes: capacity(), critical: {} } },
      constraints: { ok: true, value: {} },
      qemu: { ok: true, value: qemuView({ pve2: "10.1", pve3: "9.2", pve4: "9.2" }, { 100: movedTo9, 101: on9 }) },
      packages: {},
    };
    const sent: string[] = [];
    const ctx = {
      config,
      node: "pve1",
      upgradesTo: 9,
      facts: emptyFacts(),
      observe: () => Promise.resolve(state),
      pve: { post: (path: string) => void sent.push(path) },
    } as unknown as StepContext;
    const refusal = await evacuate.satisfied(ctx).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(Refusal);
    expect((refusal as Refusal).message).toMatch(
      /^cannot empty pve1: nowhere to put 100 \(vm100\): every other node PVE allows already holds a member of group routers \(spread: true\); not allowed: pve3: QEMU 9\.2 there is older than the QEMU 10\.1 it runs on \(live migration goes to the same or a newer QEMU only\); .* to move it: upgrade pve3 or pve4 first/,
    );
    expect(sent).toEqual([]);
  });
});
