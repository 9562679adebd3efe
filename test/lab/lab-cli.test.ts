// `rollgate lab up|status|down` as a user drives them: up serves until asked to stop, status
// reports what the lab saw, down stops it and frees its ports.

import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { LabStatus } from "../../src/lab/lab.js";
import { runCli } from "../helpers/cli.js";
import { eventually } from "../helpers/lab.js";

let dir = "";
afterEach(async () => {
  await runCli(["lab", "down", "--dir", dir]);
  await rm(dir, { recursive: true, force: true });
});

describe("rollgate lab", () => {
  it("up writes the files and serves; status reports; down stops it", async () => {
    dir = await mkdtemp(path.join(tmpdir(), "rollgate-labcli-"));
    const up = runCli(["lab", "up", "--dir", dir, "--scenario", "heal-slow", "--time-scale", "50"]);
    await eventually("the lab to answer", async () => (await runCli(["lab", "status", "--dir", dir, "--json"])).exitCode === 0);
    for (const file of ["cluster.yaml", "id_ed25519", "known_hosts", "pve-token", "pve-root-ca.pem"]) {
      expect((await stat(path.join(dir, file))).mode & 0o777).toBe(0o600);
    }
    const status = JSON.parse((await runCli(["lab", "status", "--dir", dir, "--json"])).stdout) as LabStatus;
    expect(status.scenario).toBe("heal-slow");
    expect(status.release).toBe("9.1");
    expect(status.nodes.map((n) => n.name)).toEqual(["pve1", "pve2", "pve3"]);
    expect(status.record).toEqual({
      mutations: [],
      pmxcfs: [],
      refreshes: [],
      takeDowns: [],
      unsafeTakeDowns: [],
      maxOutOfService: 0,
      maxOutOfServiceAt: null,
      maxOutOfServiceByRollgate: 0,
      criticalBreaches: [],
      criticalBreachesByRollgate: [],
      faults: [],
      milestones: [],
      busy: [],
    });
    expect((await runCli(["lab", "status", "--dir", dir])).stdout).toContain("take-downs by rollgate: 0, unsafe: never");
    const check = await runCli(["check", "-c", path.join(dir, "cluster.yaml"), "--gate", "gluster-healed"]);
    expect(check.exitCode).toBe(0);

    const again = await runCli(["lab", "up", "--dir", dir]);
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toContain("a lab is already running in");

    const down = await runCli(["lab", "down", "--dir", dir]);
    expect(down.exitCode).toBe(0);
    const served = await up;
    expect(served.exitCode).toBe(0);
    expect(served.stdout).toBe(`lab ready: ${path.join(dir, "cluster.yaml")}\n`);
    const gone = await runCli(["lab", "status", "--dir", dir]);
    expect(gone.exitCode).toBe(2);
    expect(gone.stderr).toContain("no lab is running in");
  });

  it("stops on SIGTERM", async () => {
    dir = await mkdtemp(path.join(tmpdir(), "rollgate-labcli-"));
    let signal: (name: NodeJS.Signals) => void = () => {};
    const up = runCli(["lab", "up", "--dir", dir], { onStart: (send) => (signal = send) });
    await eventually("the lab to answer", async () => (await runCli(["lab", "status", "--dir", dir])).exitCode === 0);
    signal("SIGTERM");
    expect((await up).exitCode).toBe(0);
  });

  it("up --pve-version 8.4 serves PVE 8.4", async () => {
    dir = await mkdtemp(path.join(tmpdir(), "rollgate-labcli-"));
    const up = runCli(["lab", "up", "--dir", dir, "--pve-version", "8.4", "--time-scale", "50"]);
    await eventually("the lab to answer", async () => (await runCli(["lab", "status", "--dir", dir, "--json"])).exitCode === 0);
    const status = JSON.parse((await runCli(["lab", "status", "--dir", dir, "--json"])).stdout) as LabStatus;
    expect(status.release).toBe("8.4");
    expect(status.nodes[0]!.runningKernel).toBe("6.8.12-9-pve");
    expect((await runCli(["lab", "status", "--dir", dir])).stdout).toMatch(/^PVE 8\.4, scenario healthy, /);
    await runCli(["lab", "down", "--dir", dir]);
    expect((await up).exitCode).toBe(0);
  });

  it("rejects a PVE version it does not model, and a scenario the version does not have, with exit 2", async () => {
    dir = await mkdtemp(path.join(tmpdir(), "rollgate-labcli-"));
    const unknown = await runCli(["lab", "up", "--dir", dir, "--pve-version", "7.4"]);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain("the lab models PVE 8.4 and 9.1, not '7.4'");
    const mismatch = await runCli(["lab", "up", "--dir", dir, "--pve-version", "8.4", "--scenario", "mount-without-backup-volfile"]);
    expect(mismatch.exitCode).toBe(2);
    expect(mismatch.stderr).toContain("scenario mount-without-backup-volfile exists on PVE 9.1 only, not on 8.4");
  });

  it("rejects an unknown scenario with the list of known ones", async () => {
    dir = await mkdtemp(path.join(tmpdir(), "rollgate-labcli-"));
    const run = await runCli(["lab", "up", "--dir", dir, "--scenario", "meteor"]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('unknown scenario "meteor"; one of: healthy, heal-slow');
  });

  it("combines scenarios and strikes a chosen node at a chosen point; a node it does not have is refused", async () => {
    dir = await mkdtemp(path.join(tmpdir(), "rollgate-labcli-"));
    const wrongNode = await runCli(["lab", "up", "--dir", dir, "--scenario", "peer-power-cycle", "--fault-node", "pve7"]);
    expect(wrongNode.exitCode).toBe(2);
    expect(wrongNode.stderr).toContain("--fault-node pve7: the lab's nodes are pve1, pve2, pve3");
    const wrongPoint = await runCli(["lab", "up", "--dir", dir, "--scenario", "api-flaky", "--fault-at", "lunch"]);
    expect(wrongPoint.exitCode).toBe(2);
    expect(wrongPoint.stderr).toContain("Allowed choices are take-down, during-migration, before-apt, during-reboot, during-heal");
    const twice = await runCli(["lab", "up", "--dir", dir, "--scenario", "heal-slow,heal-slow"]);
    expect(twice.stderr).toContain("scenario heal-slow is named twice");

    const up = runCli([
      "lab",
      "up",
      "--dir",
      dir,
      "--scenario",
      "heal-slow,api-flaky",
      "--fault-node",
      "pve2",
      "--fault-at",
      "during-heal",
    ]);
    await eventually("the lab to answer", async () => (await runCli(["lab", "status", "--dir", dir, "--json"])).exitCode === 0);
    const status = JSON.parse((await runCli(["lab", "status", "--dir", dir, "--json"])).stdout) as LabStatus;
    expect(status.scenario).toBe("heal-slow,api-flaky");
    // api-flaky striking at a point: until then the API answers every request.
    expect((await runCli(["check", "-c", path.join(dir, "cluster.yaml")])).exitCode).toBe(0);
    await runCli(["lab", "down", "--dir", dir]);
    expect((await up).exitCode).toBe(0);
  });
});
