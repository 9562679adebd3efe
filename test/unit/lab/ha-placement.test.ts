// Where the lab's CRM wants a started service, as pve-ha-manager computes it: PVE 8's groups
// (4.0.7 select_service_node) and PVE 9's rules (5.0.8 select_service_node with the affinity rules).

import { describe, expect, it } from "vitest";
import { haConfigFor, selectServiceNode, type HaConfig, type PlacementInput, type ServicePlacement } from "../../../src/lab/model/ha.js";
import { faultsOf } from "../../../src/lab/model/scenarios.js";
import { buildTopology } from "../../../src/lab/model/topology.js";

const nodes = ["pve1", "pve2", "pve3"];
const fwA: ServicePlacement = { sid: "vm:100", node: "pve1", target: null, state: "started" };
const fwB: ServicePlacement = { sid: "vm:101", node: "pve2", target: null, state: "started" };
const db: ServicePlacement = { sid: "vm:103", node: "pve3", target: null, state: "started" };

function input(
  release: PlacementInput["release"],
  config: HaConfig,
  sid: string,
  current: string,
  extra: Partial<PlacementInput> = {},
): PlacementInput {
  return {
    release,
    config,
    sid,
    current,
    online: nodes,
    maintenanceFallback: null,
    services: [{ ...fwA }, { ...fwB }, { ...db }].map((s) => (s.sid === sid ? { ...s, node: current } : s)),
    ...extra,
  };
}

const pve8 = (nofailback: boolean, restricted = false): HaConfig => ({
  resources: [
    { sid: "vm:100", vmid: 100, group: "routers" },
    { sid: "vm:101", vmid: 101, group: "routers" },
    { sid: "vm:103", vmid: 103 },
  ],
  groups: [
    {
      group: "routers",
      nodes: [
        { node: "pve1", priority: 2 },
        { node: "pve2", priority: 2 },
        { node: "pve3", priority: 1 },
      ],
      restricted,
      nofailback,
    },
  ],
  rules: [],
});

describe("PVE 8: HA groups", () => {
  it("with nofailback a service stays where it was moved, on any group member", () => {
    expect(selectServiceNode(input("8.4", pve8(true), "vm:100", "pve3"))).toBe("pve3");
  });

  it("without nofailback the top-priority nodes pull it back, the least used first", () => {
    // pve2 runs fw-b, pve1 nothing HA: fw-a goes home to pve1.
    expect(selectServiceNode(input("8.4", pve8(false), "vm:100", "pve3"))).toBe("pve1");
    // Already on a top-priority node: it stays.
    expect(selectServiceNode(input("8.4", pve8(false), "vm:101", "pve2"))).toBe("pve2");
  });

  it("maintenance takes the node out of the group: the other top node, even where the other router runs", () => {
    const online = ["pve2", "pve3"];
    expect(selectServiceNode(input("8.4", pve8(false), "vm:100", "pve1", { online, maintenanceFallback: "pve1" }))).toBe("pve2");
    // nofailback and the current node offline: it is no member any more, so HA picks by priority too.
    expect(selectServiceNode(input("8.4", pve8(true), "vm:100", "pve1", { online, maintenanceFallback: "pve1" }))).toBe("pve2");
  });

  it("an ungrouped service goes back to its maintenance node; with nofailback a grouped one does not", () => {
    expect(selectServiceNode(input("8.4", pve8(true), "vm:103", "pve2", { maintenanceFallback: "pve3" }))).toBe("pve3");
    expect(selectServiceNode(input("8.4", pve8(true), "vm:100", "pve3", { maintenanceFallback: "pve1" }))).toBe("pve3");
  });

  it("a restricted group with no member online leaves the service where it is (no node)", () => {
    const config = pve8(false, true);
    config.groups[0]!.nodes = [{ node: "pve1", priority: 1 }];
    expect(selectServiceNode(input("8.4", config, "vm:100", "pve1", { online: ["pve2", "pve3"] }))).toBeNull();
  });
});

describe("PVE 9: HA rules", () => {
  const apart: HaConfig = {
    resources: [
      { sid: "vm:100", vmid: 100 },
      { sid: "vm:101", vmid: 101 },
      { sid: "vm:103", vmid: 103 },
    ],
    groups: [],
    rules: [{ rule: "routers-apart", type: "resource-affinity", resources: ["vm:100", "vm:101"], affinity: "negative" }],
  };

  it("a negative resource affinity keeps a router off the node of the other, and moves it off if it shares one", () => {
    expect(selectServiceNode(input("9.1", apart, "vm:100", "pve1"))).toBe("pve1");
    // Both on pve2: fw-a leaves for the least used node without fw-b.
    expect(selectServiceNode(input("9.1", apart, "vm:100", "pve2"))).toBe("pve1");
    // Evacuating pve1 for maintenance: never to pve2, where fw-b runs.
    expect(selectServiceNode(input("9.1", apart, "vm:100", "pve1", { online: ["pve2", "pve3"], maintenanceFallback: "pve1" }))).toBe(
      "pve3",
    );
  });

  it("a migrating service blocks its target too", () => {
    const services = [{ ...fwA, state: "migrate", target: "pve3" }, fwB, db];
    expect(
      selectServiceNode({ ...input("9.1", apart, "vm:101", "pve2"), online: ["pve1", "pve3"], services, maintenanceFallback: "pve2" }),
    ).toBeNull();
  });

  it("a node-affinity rule with priorities pulls a service home (failback defaults to 1), failback 0 leaves it", () => {
    const home: HaConfig = {
      resources: apart.resources,
      groups: [],
      rules: [
        {
          rule: "routers-home",
          type: "node-affinity",
          resources: ["vm:100", "vm:101"],
          nodes: [
            { node: "pve1", priority: 2 },
            { node: "pve2", priority: 2 },
            { node: "pve3", priority: 1 },
          ],
          strict: false,
        },
      ],
    };
    expect(selectServiceNode(input("9.1", home, "vm:100", "pve3"))).toBe("pve1");
    const noFailback: HaConfig = { ...home, resources: [{ sid: "vm:100", vmid: 100, failback: false }, ...home.resources.slice(1)] };
    expect(selectServiceNode(input("9.1", noFailback, "vm:100", "pve3"))).toBe("pve3");
  });

  it("a strict node-affinity rule allows only its nodes, a non-strict one the others at -1", () => {
    const rule = (strict: boolean): HaConfig => ({
      resources: apart.resources,
      groups: [],
      rules: [{ rule: "r", type: "node-affinity", resources: ["vm:103"], nodes: [{ node: "pve3", priority: 1 }], strict }],
    });
    expect(selectServiceNode(input("9.1", rule(true), "vm:103", "pve3", { online: ["pve1", "pve2"] }))).toBeNull();
    expect(selectServiceNode(input("9.1", rule(false), "vm:103", "pve3", { online: ["pve1", "pve2"] }))).toBe("pve1");
  });
});

describe("the lab's HA configuration per release and scenario", () => {
  it("PVE 8: the routers in group `routers` (pve1:2, pve2:2, pve3:1) with nofailback; ha-failback drops nofailback", () => {
    const healthy = haConfigFor(buildTopology(3, "8.4"), faultsOf("healthy"));
    expect(healthy.groups).toEqual([
      {
        group: "routers",
        nodes: [
          { node: "pve1", priority: 2 },
          { node: "pve2", priority: 2 },
          { node: "pve3", priority: 1 },
        ],
        restricted: false,
        nofailback: true,
      },
    ]);
    expect(healthy.resources).toEqual([
      { sid: "vm:100", vmid: 100, group: "routers" },
      { sid: "vm:101", vmid: 101, group: "routers" },
      { sid: "vm:103", vmid: 103 },
    ]);
    expect(healthy.rules).toEqual([]);
    expect(haConfigFor(buildTopology(3, "8.4"), faultsOf("ha-failback")).groups[0]!.nofailback).toBe(false);
  });

  it("PVE 9: a negative resource-affinity rule over the routers; ha-failback a node-affinity rule instead; no groups", () => {
    const healthy = haConfigFor(buildTopology(3, "9.1"), faultsOf("healthy"));
    expect(healthy.rules).toEqual([
      expect.objectContaining({ rule: "routers-apart", type: "resource-affinity", resources: ["vm:100", "vm:101"], affinity: "negative" }),
    ]);
    expect(healthy.groups).toEqual([]);
    expect(healthy.resources.every((r) => r.group === undefined)).toBe(true);
    expect(haConfigFor(buildTopology(3, "9.1"), faultsOf("ha-failback")).rules).toEqual([
      expect.objectContaining({ type: "node-affinity", resources: ["vm:100", "vm:101"], strict: false }),
    ]);
  });

  it("no-ha-resources configures nothing", () => {
    expect(haConfigFor(buildTopology(3, "9.1"), faultsOf("no-ha-resources"))).toEqual({ resources: [], groups: [], rules: [] });
  });
});
