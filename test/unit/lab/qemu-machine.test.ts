// The lab's live migrations across QEMU versions, at exact model times, as qemu-server has them:
// a VM keeps the machine type it started with, so one started on 8.4 (QEMU 9.2) still goes to 9.1
// (QEMU 10.1) and back, but one started on 9.1 runs pc-i440fx-10.1, which the 8.4 target's
// `qm start` refuses: the migration task fails, the VM runs on where it was, for a direct
// migration and for one the HA manager makes alike.

import { afterEach, describe, expect, it } from "vitest";
import { LabCluster, timings } from "../../../src/lab/model/cluster.js";
import { faultsOf } from "../../../src/lab/model/scenarios.js";
import { buildTopology } from "../../../src/lab/model/topology.js";
import { matchRoute } from "../../../src/lab/pve/routes.js";
import { manualClock, type ManualClock } from "./manual-clock.js";

let clock: ManualClock;
afterEach(() => clock?.stop());

/** A ready-for-9 lab whose pve3 has installed PVE 9.1 (its QEMU 10.1), still running what it ran. */
function mixedLab(): LabCluster {
  clock = manualClock();
  const c = new LabCluster(buildTopology(3, "8.4"), faultsOf("ready-for-9"), clock);
  c.aptListsFetched("pve3", "trixie");
  c.finishDistUpgrade("pve3");
  return c;
}

const get = (c: LabCluster, path: string) =>
  matchRoute(c, {
    method: "GET",
    path,
    query: new URLSearchParams(),
    body: new URLSearchParams(),
    via: "pve1",
    may: () => true,
    user: "root@pam",
  })!.handler();

const running = (c: LabCluster, node: string, vmid: number) => {
  const status = get(c, `/nodes/${node}/qemu/${vmid}/status/current`) as Record<string, unknown>;
  return [status["running-qemu"], status["running-machine"]];
};

const migrate = (c: LabCluster, from: string, vmid: number, target: string) =>
  c.migrate(from, vmid, { target, online: true, restart: false, user: "rollgate@pve!upgrade" }, "test");

/** Stops and starts a VM rollgate's way (the API), on the node it is on. */
function restart(c: LabCluster, node: string, vmid: number): void {
  c.setGuestPower(node, vmid, "shutdown", "root@pam", "test");
  clock.tick(60_000);
  c.setGuestPower(node, vmid, "start", "root@pam", "test");
  clock.tick(60_000);
}

describe("live migration between QEMU versions", () => {
  it("a VM keeps its machine type across a migration to a newer QEMU, and may go back to one that runs it", () => {
    const c = mixedLab();
    expect(running(c, "pve1", 102)).toEqual(["9.2.0", "pc-i440fx-9.2+pve1"]);
    const upid = migrate(c, "pve1", 102, "pve3");
    clock.tick(timings.migration);
    expect(c.tasks.get(upid)!.exitstatus).toBe("OK");
    expect(running(c, "pve3", 102)).toEqual(["10.1.2", "pc-i440fx-9.2+pve1"]);
    migrate(c, "pve3", 102, "pve2");
    clock.tick(timings.migration);
    expect(c.guest(102).node).toBe("pve2");
  });

  it("started on 9.1, it runs pc-i440fx-10.1+pve0, which a migration to 8.4 fails on, as qemu-server logs it", () => {
    const c = mixedLab();
    migrate(c, "pve1", 102, "pve3");
    clock.tick(timings.migration);
    restart(c, "pve3", 102);
    expect(running(c, "pve3", 102)).toEqual(["10.1.2", "pc-i440fx-10.1+pve0"]);
    const upid = migrate(c, "pve3", 102, "pve1");
    clock.tick(timings.migration);
    const task = c.tasks.get(upid)!;
    expect(task).toMatchObject({ status: "stopped", exitstatus: "migration problems" });
    expect(task.log.map((line) => line.replace(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d /, ""))).toEqual([
      "starting migration of VM 102 to node 'pve1' (10.10.0.1)",
      "starting VM 102 on remote node 'pve1'",
      "[pve1] Installed QEMU version '9.2.0' is too old to run machine type 'pc-i440fx-10.1+pve0', please upgrade node 'pve1'",
      "ERROR: online migrate failure - remote command failed with exit code 255",
      "aborting phase 2 - cleanup resources",
      "migrate_cancel",
      "ERROR: migration finished with problems (duration 00:00:03)",
      "TASK ERROR: migration problems",
    ]);
    expect(c.guest(102)).toMatchObject({ node: "pve3", status: "running", lock: null });
  });

  it("the HA manager's migration of such a VM fails the same way, and the VM stays", () => {
    const c = mixedLab();
    // db (103, HA) runs on pve3: started again there, it gets QEMU 10.1's machine.
    restart(c, "pve3", 103);
    expect(running(c, "pve3", 103)).toEqual(["10.1.2", "pc-i440fx-10.1+pve0"]);
    const request = c.tasks.get(migrate(c, "pve3", 103, "pve2"))!;
    expect(request).toMatchObject({ type: "hamigrate", exitstatus: "OK" });
    clock.tick(timings.crmRound + timings.guestStart);
    const crm = [...c.tasks.values()].find((t) => t.type === "qmigrate" && t.id === "103")!;
    expect(crm).toMatchObject({ user: "root@pam", exitstatus: "migration problems" });
    expect(crm.log).toContainEqual(expect.stringContaining("is too old to run machine type 'pc-i440fx-10.1+pve0'"));
    expect(c.guest(103)).toMatchObject({ node: "pve3", status: "running", haState: "started" });
  });

  it("capabilities/qemu/machines lists the installed QEMU's machine types, newest first", () => {
    const c = mixedLab();
    const versions = (node: string) => (get(c, `/nodes/${node}/capabilities/qemu/machines`) as Array<{ version: string }>)[0]!.version;
    expect([versions("pve1"), versions("pve3")]).toEqual(["9.2+pve1", "10.1"]);
  });
});
