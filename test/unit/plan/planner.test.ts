// The planner's decisions: where guests go, in which order nodes are done, and when a reboot is due.

import { describe, expect, it } from "vitest";
import type { Guest, NodeCapacity, NodePackages } from "../../../src/observe/state.js";
import { upgradeOrder } from "../../../src/plan/order.js";
import { parseNodeList, type HaConfig } from "../../../src/observe/ha-config.js";
import { placeGuests, type PlacementInput } from "../../../src/plan/placement.js";
import { predictReboot } from "../../../src/plan/reboot.js";
import { capacity, fourNodeConfig, guest } from "./four-nodes.js";

const GiB = 2 ** 30;

const config = fourNodeConfig;

function place(overrides: Partial<PlacementInput> & Pick<PlacementInput, "guests" | "target">) {
  return placeGuests({ config: config(), capacity: capacity(), upgraded: [], unavailable: [], constraints: new Map(), ...overrides });
}

describe("placement", () => {
  it("never puts two members of a spread group on one node, and never on the node being upgraded", () => {
    const { moves } = place({ target: "pve1", guests: [guest(100, "pve1"), guest(101, "pve2")], capacity: capacity({ pve2: 4 }) });
    expect(moves).toHaveLength(1);
    expect(moves[0]!.to).not.toBe("pve2");
    expect(moves[0]!.to).not.toBe("pve1");
  });

  it("prefers a node that is already upgraded, even with less free memory", () => {
    const { moves } = place({ target: "pve2", guests: [guest(300, "pve2")], capacity: capacity({ pve3: 40 }), upgraded: ["pve3"] });
    expect(moves[0]!.to).toBe("pve3");
  });

  it("otherwise balances by free memory", () => {
    const { moves } = place({
      target: "pve1",
      guests: [guest(300, "pve1", 8), guest(301, "pve1", 8)],
      capacity: capacity({ pve2: 10, pve3: 20, pve4: 11 }),
    });
    expect(moves.map((m) => m.to)).toEqual(["pve2", "pve4"]);
  });

  it("moves critical groups first", () => {
    const { moves } = place({ target: "pve1", guests: [guest(300, "pve1", 32), guest(100, "pve1", 1)] });
    expect(moves.map((m) => m.vmid)).toEqual([100, 300]);
  });

  it("reports a guest that fits nowhere instead of overcommitting", () => {
    const { moves } = place({ target: "pve1", guests: [guest(300, "pve1", 60)] });
    expect(moves[0]).toMatchObject({ to: null, problem: expect.stringContaining("no other node has 61440 MiB free") });
  });

  it("reports a spread group with nowhere left to go", () => {
    const { moves } = place({ target: "pve1", guests: [guest(100, "pve1"), guest(101, "pve2")], unavailable: ["pve3", "pve4"] });
    expect(moves[0]!.problem).toContain("every other node already holds a member of group routers (spread: true)");
  });

  it("restart-migrates containers, shuts down VMs with local disks, honours overrides", () => {
    const cfg = config("upgrade: { guestOverrides: { 302: shutdown, 303: leave } }");
    const { moves } = placeGuests({
      config: cfg,
      capacity: capacity(),
      target: "pve1",
      upgraded: [],
      unavailable: [],
      guests: [guest(300, "pve1", 1, "lxc"), guest(301, "pve1"), guest(302, "pve1"), guest(303, "pve1")],
      constraints: new Map([[301, { localDisks: ["local-lvm:vm-301-disk-0"], localResources: [], notAllowed: {}, lock: null }]]),
    });
    const byId = new Map(moves.map((m) => [m.vmid, m]));
    expect(byId.get(300)).toMatchObject({ action: "restart-migrate", problem: null });
    expect(byId.get(301)).toMatchObject({ action: "shutdown", why: expect.stringContaining("local-lvm:vm-301-disk-0") });
    expect(byId.get(302)).toMatchObject({ action: "shutdown", to: null });
    expect(byId.get(303)).toMatchObject({ action: "leave", problem: null });
  });

  it("sends a guest only where PVE allows it, and says why when nowhere is left", () => {
    const cfg = config();
    const pinned = (notAllowed: Record<string, string>) => new Map([[300, { localDisks: [], localResources: [], notAllowed, lock: null }]]);
    const input = { config: cfg, capacity: capacity(), target: "pve1", upgraded: [], unavailable: [], guests: [guest(300, "pve1")] };
    const one = placeGuests({
      ...input,
      constraints: pinned({ pve2: "storage local-zfs not available there", pve3: "storage local-zfs not available there" }),
    });
    expect(one.moves[0]).toMatchObject({ action: "migrate", to: "pve4", problem: null });
    const none = placeGuests({
      ...input,
      constraints: pinned({
        pve2: "storage local-zfs not available there",
        pve3: "HA resource vm:101 blocks it (resource-affinity)",
        pve4: "storage local-zfs not available there",
      }),
    });
    expect(none.moves[0]!.to).toBeNull();
    expect(none.moves[0]!.problem).toBe(
      "nowhere to put 300 (vm300): PVE allows no other node (pve2: storage local-zfs not available there; pve3: HA resource vm:101 blocks it (resource-affinity); pve4: storage local-zfs not available there)",
    );
  });

  it("marks the move of a locked guest, which then waits for the lock", () => {
    const { moves } = placeGuests({
      config: config(),
      capacity: capacity(),
      target: "pve1",
      upgraded: [],
      unavailable: [],
      guests: [guest(300, "pve1")],
      constraints: new Map([[300, { localDisks: [], localResources: [], notAllowed: {}, lock: "backup" }]]),
    });
    expect(moves[0]).toMatchObject({ action: "migrate", lock: "backup", problem: null });
  });

  it("flags a critical guest left to go down with the node", () => {
    const cfg = config("upgrade: { guestOverrides: { 100: leave } }");
    const { moves } = placeGuests({
      config: cfg,
      capacity: capacity(),
      target: "pve1",
      upgraded: [],
      unavailable: [],
      guests: [guest(100, "pve1")],
      constraints: new Map(),
    });
    expect(moves[0]!.problem).toContain("critical guest of group routers set to leave");
  });
});

describe("order", () => {
  it("puts the node with the fewest critical guests first, then config order", () => {
    const guests = [guest(100, "pve1"), guest(101, "pve2"), guest(300, "pve3")];
    expect(upgradeOrder(config(), guests).nodes).toEqual(["pve4", "pve3", "pve1", "pve2"]);
  });

  it("follows upgrade.order, appending nodes it does not list", () => {
    const cfg = config("upgrade: { order: [pve2, pve1] }");
    expect(upgradeOrder(cfg, []).nodes).toEqual(["pve2", "pve1", "pve3", "pve4"]);
    expect(upgradeOrder(cfg, [], ["pve1", "pve4"]).nodes).toEqual(["pve1", "pve4"]);
  });
});

describe("reboot prediction", () => {
  const base: NodePackages = {
    runningKernel: "6.8.12-4-pve",
    installedKernels: ["6.8.8-4-pve", "6.8.12-4-pve"],
    pinnedKernel: null,
    pending: [],
    rebootRequiredFile: false,
    pveVersion: "8.2.4",
  };

  it("needs a reboot when a newer kernel package is pending", () => {
    const p = predictReboot({ ...base, pending: [{ name: "proxmox-kernel-6.8.12-5-pve-signed", from: null, to: "6.8.12-5" }] });
    expect(p).toEqual({ needed: true, reason: "new kernel 6.8.12-5-pve (running 6.8.12-4-pve)", kernelAfter: "6.8.12-5-pve" });
  });

  it("needs a reboot when a newer kernel is installed but not running (even without /run/reboot-required)", () => {
    const p = predictReboot({ ...base, installedKernels: [...base.installedKernels, "6.8.12-10-pve"] });
    expect(p.needed).toBe(true);
    expect(p.reason).toBe("kernel 6.8.12-10-pve is installed but 6.8.12-4-pve is running");
  });

  it("compares kernel versions numerically (6.8.12-10 is newer than 6.8.12-9)", () => {
    const p = predictReboot({ ...base, runningKernel: "6.8.12-10-pve", installedKernels: ["6.8.12-9-pve", "6.8.12-10-pve"] });
    expect(p.needed).toBe(false);
  });

  it("follows a pinned kernel instead of the newest one", () => {
    const newKernel = [{ name: "proxmox-kernel-6.8.12-5-pve-signed", from: null, to: "6.8.12-5" }];
    expect(predictReboot({ ...base, pinnedKernel: "6.8.12-4-pve", pending: newKernel })).toMatchObject({
      needed: false,
      kernelAfter: "6.8.12-4-pve",
    });
    expect(predictReboot({ ...base, pinnedKernel: "6.8.8-4-pve" })).toEqual({
      needed: true,
      reason: "kernel 6.8.8-4-pve is pinned but 6.8.12-4-pve is running",
      kernelAfter: "6.8.8-4-pve",
    });
  });

  it("honours /run/reboot-required, and needs none when the newest kernel runs", () => {
    expect(predictReboot({ ...base, rebootRequiredFile: true })).toMatchObject({ needed: true, reason: "/run/reboot-required exists" });
    expect(predictReboot(base)).toMatchObject({ needed: false });
  });
});

describe("placement agrees with HA's groups and rules", () => {
  const groups = (nodes: string, nofailback = false): HaConfig => ({
    source: "groups",
    resources: [{ sid: "vm:300", vmid: 300, state: "started", failback: !nofailback }],
    nodeRules: [{ name: "group db", nodes: parseNodeList(nodes), strict: false, resources: ["vm:300"], disabled: false, errors: [] }],
    affinityRules: [],
  });

  it("refuses to move a guest HA would fail back to the node being emptied, naming the command", () => {
    const { moves } = place({ target: "pve1", guests: [guest(300, "pve1")], ha: groups("pve1:2,pve2:1,pve3:1") });
    expect(moves[0]!.to).toBeNull();
    expect(moves[0]!.problem).toBe(
      "HA would move 300 (vm300) back to pve1 while pve1 runs (group db prefers pve1, failback on): for the upgrade, `ha-manager groupset db --nofailback 1`, or give pve1 a lower priority",
    );
  });

  it("moves it where rollgate likes when the group has nofailback", () => {
    const { moves } = place({
      target: "pve1",
      guests: [guest(300, "pve1")],
      ha: groups("pve1:2,pve2:1,pve3:1", true),
      capacity: capacity({ pve2: 40 }),
    });
    expect(moves[0]).toMatchObject({ to: "pve3", problem: null });
  });

  it("puts it on the node HA prefers next, even with less room elsewhere free", () => {
    const { moves } = place({
      target: "pve1",
      guests: [guest(300, "pve1")],
      ha: groups("pve2:2,pve1:1"),
      capacity: capacity({ pve2: 40 }),
    });
    // pve2 has the highest priority among the nodes left: HA would move it there from anywhere else.
    expect(moves[0]).toMatchObject({ to: "pve2", problem: null });
  });

  it("keeps members of a PVE 9 negative resource-affinity rule apart, spread or not", () => {
    const rules: HaConfig = {
      source: "rules",
      resources: [
        { sid: "vm:300", vmid: 300, state: "started", failback: true },
        { sid: "vm:301", vmid: 301, state: "started", failback: true },
      ],
      nodeRules: [],
      affinityRules: [{ name: "rule keep-apart", affinity: "negative", resources: ["vm:300", "vm:301"], disabled: false, errors: [] }],
    };
    const { moves } = place({
      target: "pve1",
      guests: [guest(300, "pve1"), guest(301, "pve3")],
      ha: rules,
      capacity: capacity({ pve2: 60, pve4: 60 }),
    });
    expect(moves[0]).toMatchObject({ vmid: 300, to: expect.not.stringMatching(/^pve3$/) });
    const crowded = place({
      target: "pve1",
      guests: [guest(300, "pve1"), guest(301, "pve2")],
      ha: {
        ...rules,
        nodeRules: [
          { name: "rule only-two", nodes: parseNodeList("pve1,pve2"), strict: true, resources: ["vm:300"], disabled: false, errors: [] },
        ],
      },
    });
    expect(crowded.moves[0]!.problem).toBe(
      "nowhere to put 300 (vm300): HA keeps it on pve2 (rule only-two, failback on); HA keeps it apart from vm:301 (negative resource-affinity) on pve2",
    );
  });

  it("leaves guests HA does not manage, or manages in no running state, to rollgate", () => {
    const ignored: HaConfig = { ...groups("pve1:2,pve2"), resources: [{ sid: "vm:300", vmid: 300, state: "ignored", failback: true }] };
    expect(place({ target: "pve1", guests: [guest(300, "pve1")], ha: ignored }).moves[0]!.problem).toBeNull();
  });
});
