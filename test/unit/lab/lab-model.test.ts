// The lab model's real-cluster behaviours at exact model times: the CRM's rounds (with and without
// HA resources), HA failback, node_status of a powered-off node, the Gluster FUSE mount around a
// reboot, pvestatd's 5-minute memory, backup locks, and which scenario exists on which release.

import { afterEach, describe, expect, it } from "vitest";
import { LabCluster } from "../../../src/lab/model/cluster.js";
import { managerStatus, statusCurrent } from "../../../src/lab/model/ha-status.js";
import type { PveRelease } from "../../../src/lab/model/releases.js";
import {
  defaultRelease,
  faultsOf,
  healthyFaults,
  scenarioNames,
  scenarioRefusal,
  parseScenarioList,
  scenarios,
  type Faults,
  type ScenarioName,
} from "../../../src/lab/model/scenarios.js";
import { buildTopology } from "../../../src/lab/model/topology.js";
import { manualClock, type ManualClock } from "./manual-clock.js";

let clock: ManualClock;

function lab(release: PveRelease, faults: Partial<Faults> | ScenarioName = {}, nodes = 3): LabCluster {
  clock = manualClock();
  const all = typeof faults === "string" ? faultsOf(faults) : { ...healthyFaults, ...faults };
  return new LabCluster(buildTopology(nodes, release), all, clock);
}

afterEach(() => clock?.stop());

describe("the CRM without any HA resource", () => {
  it.each(["8.4", "9.1"] as const)(
    "%s (pve-ha-manager 4.0.7 / 5.0.8): manager_status stays {} until a CRM command makes a CRM active, which then processes it",
    (release) => {
      const c = lab(release, "no-ha-resources");
      clock.tick(60_000);
      expect(managerStatus(c, "pve1")).toEqual({ manager_status: {}, quorum: { node: "pve1", quorate: "1" } });
      expect(statusCurrent(c, "pve2")).toEqual([{ id: "quorum", type: "quorum", node: "pve2", status: "OK", quorate: 1 }]);
      c.setMaintenance("pve3", true, "test");
      // CRM.pm: a waiting CRM looks every 5 s; the active one works in 10 s rounds; the LRM picks the request up.
      clock.tick(30_000);
      const status = managerStatus(c, "pve1") as { manager_status: { master_node?: string; node_status?: Record<string, string> } };
      expect(status.manager_status.master_node).toBe("pve1");
      expect(status.manager_status.node_status).toEqual({ pve1: "online", pve2: "online", pve3: "maintenance" });
      expect(statusCurrent(c, "pve1").map((e) => e["status"])).toEqual([
        "OK",
        expect.stringMatching(/^pve1 \(active, /),
        expect.stringMatching(/^pve1 \(idle, /),
        expect.stringMatching(/^pve2 \(idle, /),
        expect.stringMatching(/^pve3 \(maintenance mode, /),
      ]);
    },
  );

  it("with nothing to manage the master goes idle after 90 rounds; status/current then reads idle", () => {
    const c = lab("9.1", "no-ha-resources");
    c.setMaintenance("pve3", true, "test");
    clock.tick(30_000);
    expect(c.crm.master).toBe("pve1");
    clock.tick(91 * 10_000);
    expect(c.crm.master).toBeNull();
    expect(statusCurrent(c, "pve1")[1]!["status"]).toMatch(/^pve1 \(idle, /);
    // A new command wakes a CRM up again.
    c.setMaintenance("pve3", false, "test");
    clock.tick(30_000);
    expect(c.node("pve3").haStatus).toBe("online");
  });

  it("ha-ignores-maintenance (pve-ha-manager < 4.0.6): the command is never processed", () => {
    const c = lab("8.4", "ha-ignores-maintenance");
    c.setMaintenance("pve3", true, "test");
    clock.tick(15 * 60_000);
    expect(managerStatus(c, "pve1").manager_status).toEqual({});
    expect(c.node("pve3").haStatus).toBe("online");
  });
});

describe("maintenance and failback", () => {
  it.each(["8.4", "9.1"] as const)(
    "%s: maintenance moves the HA guests off within a few rounds, and disable brings an ungrouped one back",
    (release) => {
      const c = lab(release);
      c.setMaintenance("pve3", true, "test");
      clock.tick(40_000);
      expect(c.node("pve3").haStatus).toBe("maintenance");
      expect(c.guest(103).node).not.toBe("pve3");
      c.setMaintenance("pve3", false, "test");
      clock.tick(40_000);
      expect(c.node("pve3").haStatus).toBe("online");
      expect(c.guest(103).node).toBe("pve3");
    },
  );

  it.each(["8.4", "9.1"] as const)(
    "%s: a powered-off node in maintenance keeps `maintenance` in node_status; one that is not turns unknown",
    (release) => {
      // Five nodes, so that two down still leave a quorum (without one the CRM updates nothing).
      const c = lab(release, {}, 5);
      c.setMaintenance("pve3", true, "test");
      clock.tick(40_000);
      c.powerCycle("pve3");
      c.powerCycle("pve2");
      clock.tick(20_000);
      expect(c.node("pve3").power).toBe("down");
      const nodeStatus = (managerStatus(c, "pve1").manager_status as { node_status: Record<string, string> }).node_status;
      expect(nodeStatus).toEqual({ pve1: "online", pve2: "unknown", pve3: "maintenance", pve4: "online", pve5: "online" });
      expect(statusCurrent(c, "pve1").find((e) => e["id"] === "lrm:pve3")!["status"]).toMatch(/^pve3 \(maintenance mode, /);
    },
  );

  it.each(["8.4", "9.1"] as const)(
    "%s ha-failback: HA pulls a router back to its preferred node within a round of it being moved; the healthy lab leaves it",
    (release) => {
      for (const scenario of ["ha-failback", "healthy"] as const) {
        const c = lab(release, scenario);
        c.migrate("pve1", 100, { target: "pve3", online: true, restart: false, user: "rollgate@pve!upgrade" }, "test");
        clock.tick(20_000);
        expect(c.guest(100).node).toBe("pve3");
        clock.tick(40_000);
        expect(c.guest(100).node).toBe(scenario === "ha-failback" ? "pve1" : "pve3");
      }
    },
  );
});

describe("the Gluster volume's FUSE mount", () => {
  it("is absent while its node is down and until glusterd runs after the boot", () => {
    const c = lab("9.1");
    expect(c.node("pve2").glusterMount).toEqual({ source: "pve1:/gv0" });
    c.powerCycle("pve2");
    clock.tick(5_000);
    expect(c.node("pve2").glusterMount).toBeNull();
    clock.tick(40_000 + 3_500);
    expect(c.node("pve2").power).toBe("up");
    expect(c.node("pve2").glusterMount).toBeNull();
    clock.tick(1_000);
    expect(c.node("pve2").glusterMount).toEqual({ source: "pve1:/gv0" });
  });

  it.each([
    ["healthy", { source: "pve1:/gv0" }],
    ["mount-without-backup-volfile", null],
  ] as const)("9.1 %s: a node that boots while pve1 is down mounts through a backup volfile server, or not at all", (scenario, mount) => {
    const c = lab("9.1", scenario);
    c.powerCycle("pve2");
    // pve1 goes down 35 s later: it is off when pve2's mount runs, 49 s after pve2's reboot began.
    clock.tick(35_000);
    c.powerCycle("pve1");
    clock.tick(15_000);
    expect(c.node("pve1").power).toBe("down");
    expect(c.node("pve2").glusterMount).toEqual(mount);
    // An fstab mount is not retried: it stays as it came up.
    clock.tick(60_000);
    expect(c.node("pve2").glusterMount).toEqual(mount);
  });

  it("8.4: PVE's glusterfs storage mounts server:volume, server2 when server's glusterd does not answer", () => {
    const c = lab("8.4");
    expect(c.node("pve3").glusterMount).toEqual({ source: "pve1:gv0" });
    c.powerCycle("pve3");
    clock.tick(35_000);
    c.powerCycle("pve1");
    clock.tick(15_000);
    expect(c.node("pve3").glusterMount).toEqual({ source: "pve2:gv0" });
  });
});

describe("pvestatd's broadcasts, kept by pmxcfs for 5 minutes", () => {
  it("a dead node's guests keep their last status for 5 minutes, then read unknown", () => {
    const c = lab("9.1", "node-never-returns");
    c.powerCycle("pve3");
    clock.tick(10_000);
    expect(c.broadcastStatus(c.guest(104))).toBe("stopped");
    clock.tick(290_000);
    expect(c.broadcastStatus(c.guest(104))).toBe("stopped");
    clock.tick(10_000);
    expect(c.broadcastStatus(c.guest(104))).toBe("unknown");
  });
});

describe("vm-locked-backup", () => {
  it("db holds lock backup for 15 minutes (a vzdump task), dns for one; then both are free", () => {
    const c = lab("9.1", "vm-locked-backup");
    expect([c.guest(103).lock, c.guest(200).lock]).toEqual(["backup", "backup"]);
    expect([...c.tasks.values()].filter((t) => t.type === "vzdump").map((t) => `${t.node}:${t.id}:${t.status}`)).toEqual([
      "pve3:103:running",
      "pve2:200:running",
    ]);
    clock.tick(61_000);
    expect([c.guest(103).lock, c.guest(200).lock]).toEqual(["backup", null]);
    clock.tick(780_000);
    expect(c.guest(103).lock).toBe("backup");
    clock.tick(60_000);
    expect(c.guest(103).lock).toBeNull();
    expect([...c.tasks.values()].filter((t) => t.type === "vzdump").every((t) => t.exitstatus === "OK")).toBe(true);
  });
});

describe("ha-state-null", () => {
  it("vm:103 has no CRM state until another CRM takes the lock (pmxcfs' 120 s), then the new master adds it", () => {
    const c = lab("9.1", "ha-state-null");
    expect(c.crm.known.has("vm:103")).toBe(false);
    clock.tick(115_000);
    expect(c.crm.known.has("vm:103")).toBe(false);
    clock.tick(15_000);
    expect(c.crm.known.has("vm:103")).toBe(true);
    expect(c.crm.master).toBe("pve1");
  });
});

describe("scenarios", () => {
  it("each new scenario sets its fault", () => {
    expect(faultsOf("no-ha-resources")).toMatchObject({ noHaResources: true, haIgnoresCommandsWithoutResources: false });
    expect(faultsOf("ha-ignores-maintenance")).toMatchObject({ noHaResources: true, haIgnoresCommandsWithoutResources: true });
    expect(faultsOf("ha-failback").haFailback).toBe(true);
    expect(faultsOf("ha-state-null").haStateNullFor).toBe(103);
    expect(faultsOf("task-warnings").taskWarnings).toBe(true);
    expect(faultsOf("token-missing-privileges").tokenMissingPrivileges).toBe(true);
    expect(faultsOf("vm-locked-backup").backupLocks).toEqual([
      { vmid: 103, forMs: 900_000 },
      { vmid: 200, forMs: 60_000 },
    ]);
    expect(faultsOf("enterprise-repo-401").enterpriseRepo401).toBe(true);
    expect(faultsOf("storage-restricted-nodes").storageRestrictedNodes).toBe(true);
    expect(faultsOf("mount-without-backup-volfile").mountWithoutBackupVolfile).toBe(true);
    expect(faultsOf("volume-status-hangs").volumeStatusHangs).toBe(true);
    expect(faultsOf("heal-info-slow")).toMatchObject({ healInfoDelayMs: 10_000, healRatePerSecond: 0.5 });
    expect(faultsOf("shd-down").shdDown).toBe(true);
    expect(faultsOf("just-back").brickStartsLateMs).toBe(20_000);
    expect(faultsOf("server-quorum-lost")).toMatchObject({ serverQuorum: true, storageNetworkDown: true });
    expect(faultsOf("all-bricks-down").allBricksDown).toBe(true);
    expect(faultsOf("peers-by-ip").peersByIp).toBe(true);
    expect(Object.keys(scenarios)).toEqual(scenarioNames);
  });

  it("release-bound scenarios: storage-without-server2 and ha-ignores-maintenance on 8.4, mount-without-backup-volfile on 9.1", () => {
    expect(defaultRelease(["healthy"])).toBe("9.1");
    expect(defaultRelease(["storage-without-server2"])).toBe("8.4");
    expect(defaultRelease(["heal-slow", "ha-ignores-maintenance"])).toBe("8.4");
    expect(defaultRelease(["mount-without-backup-volfile"])).toBe("9.1");
    expect(scenarioRefusal(["mount-without-backup-volfile"], "8.4")).toBe(
      "scenario mount-without-backup-volfile exists on PVE 9.1 only, not on 8.4",
    );
    expect(scenarioRefusal(["storage-without-server2"], "9.1")).toMatch(/exists on PVE 8.4 only/);
    expect(scenarioRefusal(["ha-failback"], "8.4")).toBeNull();
  });

  it("scenarios combine: their faults add up, and two that set the same fault differently are refused", () => {
    expect(faultsOf(["heal-slow", "api-flaky"])).toMatchObject({ healRatePerSecond: 0.5, apiFlaky: true, apiResetsForMs: 120_000 });
    expect(faultsOf(["vm-locked-backup", "task-warnings"])).toMatchObject({
      taskWarnings: true,
      backupLocks: faultsOf("vm-locked-backup").backupLocks,
    });
    // Any two combine without one undoing the other: none sets a fault another sets differently.
    for (const a of scenarioNames)
      for (const b of scenarioNames)
        for (const [fault, value] of Object.entries(scenarios[a]))
          if (fault !== "backupLocks" && Object.hasOwn(scenarios[b], fault))
            expect((scenarios[b] as Record<string, unknown>)[fault], `${a} and ${b} both set ${fault}`).toEqual(value);
    expect(parseScenarioList("heal-slow,api-flaky")).toEqual(["heal-slow", "api-flaky"]);
    expect(parseScenarioList("heal-slow,heal-slow")).toBe("scenario heal-slow is named twice");
    expect(parseScenarioList("healthy,split-brain")).toMatch(/does not combine/);
    expect(parseScenarioList("heal-slow,nope")).toMatch(/^unknown scenario "nope"; one of: healthy, heal-slow/);
  });
});
