// The gates the major upgrade (PVE 8 → 9) starts behind: every node on 8.4 and up to date, and no
// storage of type glusterfs left (PVE 9 has none), each refusal saying what to do for this cluster.

import { describe, expect, it } from "vitest";
import { failed, observed, type NodePackages } from "../../../src/observe/state.js";
import { evaluate, expectPass, healthyState, NODES } from "./state-factory.js";

const packages = (pveVersion: string | null, pending: NodePackages["pending"] = []): NodePackages => ({
  runningKernel: "6.8.12-11-pve",
  installedKernels: ["6.8.12-11-pve"],
  pinnedKernel: null,
  pending,
  rebootRequiredFile: false,
  pveVersion,
});

describe("latest-pve-8", () => {
  it("passes with every node on 8.4, nothing pending; a node already on 9 belongs to an upgrade under way", () => {
    const state = healthyState();
    state.packages = { pve1: observed(packages("9.1.1")), pve2: observed(packages("8.4.14")), pve3: observed(packages("8.4.1")) };
    const verdict = evaluate("latest-pve-8", state);
    expectPass(verdict);
    expect(verdict.summary).toBe("pve2, pve3 on 8.4, up to date; pve1 on 9 already");
  });

  it("refuses a node older than 8.4, or on 8.4 with packages to install: the minor upgrade comes first", () => {
    const state = healthyState();
    state.packages = {
      pve1: observed(packages("8.3.5")),
      pve2: observed(packages("8.4.1", [{ name: "pve-manager", from: "8.4.1", to: "8.4.14" }])),
      pve3: observed(packages("8.4.14")),
    };
    const verdict = evaluate("latest-pve-8", state);
    expect(verdict.pass).toBe(false);
    expect(verdict.reasons).toEqual([
      "pve1 runs PVE 8.3.5: the major upgrade starts from 8.4 or later. Run the minor upgrade first (`rollgate upgrade`)",
      "pve2 runs PVE 8.4.1 with 1 package to install (pve-manager 8.4.14): run the minor upgrade first (`rollgate upgrade`)",
    ]);
    expect(verdict.summary).toBe("pve3 on 8.4, up to date; pve1, pve2 not ready");
  });

  it("unknown means no: a node not read, or a version that is no PVE version", () => {
    const state = healthyState();
    state.packages = {
      pve1: failed("pve1: no SSH answer within 10 s"),
      pve2: observed(packages(null)),
      pve3: observed(packages("8.4.14")),
    };
    const verdict = evaluate("latest-pve-8", state);
    expect(verdict.pass).toBe(false);
    expect(verdict.reasons[0]).toMatch(/^pve1's PVE version and pending packages: could not be observed \(pve1: no SSH answer/);
    expect(verdict.reasons[1]).toBe("pve2: its PVE version is unknown (/nodes/pve2/version answered null); refusing until it is read");
    delete state.packages;
    expect(evaluate("latest-pve-8", state).reasons).toHaveLength(NODES.length);
  });
});

describe("no-glusterfs-storage", () => {
  it("refuses a glusterfs storage with the conversion written out for this cluster's storage, volume and nodes", () => {
    const verdict = evaluate("no-glusterfs-storage", healthyState());
    expect(verdict.pass).toBe(false);
    expect(verdict.summary).toBe("glusterfs storage gv0 to convert");
    expect(verdict.reasons).toHaveLength(1);
    const [reason] = verdict.reasons;
    expect(reason).toContain("storage gv0 is of type glusterfs (volume gv0), which PVE 9 no longer has");
    expect(reason).toContain(
      "on each of pve1, pve2, pve3, add to /etc/fstab `pve1:/gv0 /mnt/pve/gv0 glusterfs defaults,_netdev,backup-volfile-servers=pve2:pve3,x-systemd.requires=glusterd.service 0 0`",
    );
    expect(reason).toContain(
      "replace the `glusterfs: gv0` section by `dir: gv0` with `path /mnt/pve/gv0`, `shared 1`, `is_mountpoint yes`",
    );
  });

  it("mounts from the storage's own first server, the others as backups", () => {
    const state = healthyState();
    state.storage = observed({
      listed: [{ storage: "vmdata", type: "glusterfs" }],
      gluster: [{ storage: "vmdata", volume: "gv0", server: "pve3", server2: "pve1" }],
    });
    expect(evaluate("no-glusterfs-storage", state).reasons[0]).toContain(
      "`pve3:/gv0 /mnt/pve/vmdata glusterfs defaults,_netdev,backup-volfile-servers=pve1:pve2,",
    );
  });

  it("passes without one, naming the storages it saw", () => {
    const state = healthyState();
    state.storage = observed({
      listed: [
        { storage: "local", type: "dir" },
        { storage: "gv0", type: "dir" },
      ],
      gluster: [],
    });
    const verdict = evaluate("no-glusterfs-storage", state);
    expectPass(verdict);
    expect(verdict.summary).toBe("no glusterfs storage (local (dir), gv0 (dir))");
  });

  it("never passes on an empty list or an unread one", () => {
    const state = healthyState();
    state.storage = observed({ listed: [], gluster: [] });
    expect(evaluate("no-glusterfs-storage", state).reasons).toEqual([
      "/storage lists no storage at all: does the token hold Datastore.Audit on /storage? Unknown means no",
    ]);
    state.storage = failed("GET /storage: HTTP 403 Permission check failed");
    expect(evaluate("no-glusterfs-storage", state).pass).toBe(false);
  });
});
