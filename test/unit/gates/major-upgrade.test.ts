// The gates the major upgrade (PVE 8 → 9) starts behind: every node on 8.4 and up to date, and no
// storage of type glusterfs left (PVE 9 has none), Proxmox's own checklist clean, each refusal
// saying what to do for this cluster.

import { describe, expect, it } from "vitest";
import { bootNeeds, rootNeeds } from "../../../src/gates/disk-space.js";
import { roleAfterUpgrade } from "../../../src/gates/pve8to9.js";
import type { HaConfig } from "../../../src/observe/ha-config.js";
import type { PveRole } from "../../../src/pve/user-cfg.js";
import { failed, observed, type NodePackages } from "../../../src/observe/state.js";
import { allPrivileges, roleName } from "../../../src/pve/privileges.js";
import {
  diskSpace,
  bookwormSources,
  evaluate,
  expectPass,
  expectRefusal,
  healthyState,
  NODES,
  pve8to9Report,
  volumeRecord,
} from "./state-factory.js";

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

describe("pve8to9", () => {
  const rollgateOnPve8: PveRole = { roleid: roleName, privileges: allPrivileges("8"), builtIn: false };
  const builtIn: PveRole = { roleid: "PVEVMAdmin", privileges: ["VM.Audit", "VM.Monitor"], builtIn: true };
  /** Every node answers pve84-full.txt: two glusterfs FAILs and the VM.Monitor one. */
  const everyNode = (fixture: string, roles: PveRole[]) => {
    const state = healthyState();
    state.pve8to9 = Object.fromEntries(NODES.map((n) => [n, observed(pve8to9Report(fixture))]));
    state.roles = observed(roles);
    return state;
  };

  it("passes WARN-only reports, listing each WARN as a warning", () => {
    const verdict = evaluate("pve8to9", healthyState());
    expectPass(verdict);
    expect(verdict.summary).toBe("clean on pve1, pve2, pve3");
    expect(verdict.warnings).toContain(
      'pve2: pve8to9 WARN in "VIRTUAL GUEST CHECKS": 2 running guest(s) detected - consider migrating or stopping them.',
    );
  });

  it("the VM.Monitor FAIL about rollgate's own role alone is a warning with the command for after the upgrade; the others refuse, quoted", () => {
    const verdict = evaluate("pve8to9", everyNode("pve84-full.txt", [builtIn, rollgateOnPve8]));
    expect(verdict.pass).toBe(false);
    expect(verdict.reasons.filter((r) => r.startsWith("pve1: "))).toEqual([
      `pve1: pve8to9 FAIL in "CHECKING CONFIGURED STORAGES": found 'glusterfs' storage 'gv0'`,
      expect.stringMatching(
        /^pve1: pve8to9 FAIL in "CHECKING CONFIGURED STORAGES": Starting with Proxmox VE 9, native GlusterFS support will end\./,
      ),
      "pve1: pve8to9 counted 3 failure(s) (1 about rollgate's own role, see the warnings): fix each, then run `pve8to9 --full` again until it reports no other FAIL",
    ]);
    expect(verdict.warnings).toContain(
      `pve1: pve8to9 FAIL in "MISCELLANEOUS CHECKS": 1 custom role(s) use the to-be-dropped 'VM.Monitor' privilege and need to be adapted after the upgrade: that role is rollgate's own (RollgateUpgrade: PVE 8 checks VM.Monitor for the guest agent ping); once every node runs PVE 9, run \`${roleAfterUpgrade}\``,
    );
    expect(roleAfterUpgrade).toBe(`pveum role modify RollgateUpgrade --privs "${allPrivileges("9").join(",")}"`);
    expect(verdict.summary).toBe("failures on pve1, pve2, pve3");
  });

  it("another custom role holding VM.Monitor is the admin's to adapt: the FAIL refuses and names the roles", () => {
    const theirs: PveRole = { roleid: "Monitoring", privileges: ["VM.Audit", "VM.Monitor"], builtIn: false };
    const state = everyNode("pve84-full.txt", [builtIn, rollgateOnPve8, theirs]);
    // pve84-full.txt counts one role; with two holders the count no longer matches and nothing is excused.
    const verdict = evaluate("pve8to9", state);
    expect(verdict.reasons).toContain(
      `pve3: pve8to9 FAIL in "MISCELLANEOUS CHECKS": 1 custom role(s) use the to-be-dropped 'VM.Monitor' privilege and need to be adapted after the upgrade`,
    );
    expect(verdict.reasons).toContain(
      `pve3: pve8to9 counted 3 failure(s): fix each, then run \`pve8to9 --full\` again until it reports no other FAIL`,
    );
    expect(verdict.reasons).toContain(
      `custom roles holding VM.Monitor: RollgateUpgrade, Monitoring; adapt Monitoring yourself (VM.GuestAgent.* or Sys.Audit on PVE 9), and RollgateUpgrade with \`${roleAfterUpgrade}\` once every node runs 9`,
    );
  });

  it("refuses while rollgate's role lacks PVE 9's agent privilege and a group probes the agent, with the user.cfg line both majors read", () => {
    const verdict = evaluate("pve8to9", everyNode("pve84-warn-only.txt", [rollgateOnPve8]));
    expect(verdict.reasons).toEqual([
      "RollgateUpgrade lacks VM.GuestAgent.Audit, which PVE 9 nodes check for the guest agent probe of routers once the first node runs 9: PVE 8's pveum refuses that privilege, so edit /etc/pve/user.cfg on one node to make the role's line `role:RollgateUpgrade:Datastore.Audit,Sys.Audit,VM.Audit,VM.GuestAgent.Audit,VM.Migrate,VM.Monitor,VM.PowerMgmt:` (each major ignores the privilege it does not know)",
    ]);
    const both: PveRole = { ...rollgateOnPve8, privileges: [...rollgateOnPve8.privileges, "VM.GuestAgent.Audit"] };
    expectPass(evaluate("pve8to9", everyNode("pve84-warn-only.txt", [both])));
  });

  it("unknown means no: a node whose report did not parse, and roles not read", () => {
    const state = healthyState();
    state.pve8to9!["pve2"] = failed('pve2: pve8to9: no "= SUMMARY =" block: the checklist stopped before its end');
    state.roles = failed("`cat /etc/pve/user.cfg` on pve1 exited 1: cat: /etc/pve/user.cfg: Transport endpoint is not connected");
    const verdict = evaluate("pve8to9", state);
    expect(verdict.pass).toBe(false);
    expect(verdict.reasons[0]).toMatch(
      /^the roles of \/etc\/pve\/user\.cfg: could not be observed \(`cat \/etc\/pve\/user\.cfg` on pve1 exited 1/,
    );
    expect(verdict.reasons[1]).toMatch(/^pve8to9 --full on pve2: could not be observed \(pve2: pve8to9: no "= SUMMARY =" block/);
    expect(verdict.summary).toBe("clean on pve1, pve3; unknown on pve2");
  });

  it("without the roles, rollgate's own VM.Monitor FAIL is not excused", () => {
    const state = everyNode("pve84-full.txt", [builtIn, rollgateOnPve8]);
    state.roles = failed("timeout");
    expect(evaluate("pve8to9", state).reasons).toContain(
      `pve1: pve8to9 FAIL in "MISCELLANEOUS CHECKS": 1 custom role(s) use the to-be-dropped 'VM.Monitor' privilege and need to be adapted after the upgrade`,
    );
  });
});

describe("trixie-repositories", () => {
  const D = "/etc/apt/sources.list.d";
  /** What a lab or a real 8.4 node without a subscription uses after sources-trixie. */
  const noSubscription =
    "deb.debian.org/debian trixie trixie-updates main contrib; security.debian.org/debian-security trixie-security main contrib; download.proxmox.com/debian/pve trixie pve-no-subscription";

  it("passes, naming the repositories each node will use after the switch, nodes with the same ones together", () => {
    const state = healthyState();
    // pve3 switched already (a resumed run): its own deb822 files, planned as nothing to do.
    state.aptSources!["pve3"] = observed([
      {
        path: `${D}/debian.sources`,
        content:
          "Types: deb\nURIs: http://deb.debian.org/debian/\nSuites: trixie trixie-updates\nComponents: main non-free-firmware\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n",
      },
      {
        path: `${D}/proxmox.sources`,
        content:
          "Types: deb\nURIs: http://download.proxmox.com/debian/pve\nSuites: trixie\nComponents: pve-no-subscription\nSigned-By: /usr/share/keyrings/proxmox-archive-keyring.gpg\n",
      },
    ]);
    const verdict = evaluate("trixie-repositories", state);
    expectPass(verdict);
    expect(verdict.summary).toBe(
      `pve1, pve2: ${noSubscription} | pve3: deb.debian.org/debian trixie trixie-updates main non-free-firmware; download.proxmox.com/debian/pve trixie pve-no-subscription`,
    );
    expect(verdict.checked[0]).toBe(`pve1: ${noSubscription} (3 files to write, each original kept as .bookworm.bak)`);
    expect(verdict.checked[2]).toMatch(/^pve3: .* \(already on trixie\)$/);
  });

  it("an enabled enterprise repository stays pve-enterprise, said so: the step takes it for a subscription, and package-sources refuses it without one", () => {
    const state = healthyState();
    state.aptSources = Object.fromEntries(NODES.map((n) => [n, observed(bookwormSources({ enterprise: true }))]));
    const verdict = evaluate("trixie-repositories", state);
    expectPass(verdict);
    expect(verdict.summary).toBe(
      "pve1, pve2, pve3: deb.debian.org/debian trixie trixie-updates main contrib; security.debian.org/debian-security trixie-security main contrib; enterprise.proxmox.com/debian/pve trixie pve-enterprise (kept, taken for a subscription: package-sources checks it answers)",
    );
    // Without a subscription the repository answers 401: the run stops at package-sources, which names the no-subscription line.
    state.aptUpdate!["pve1"] = observed({
      errors: [
        "Failed to fetch https://enterprise.proxmox.com/debian/pve/dists/bookworm/InRelease 401 Unauthorized [IP: 212.224.123.70 443]",
      ],
      warnings: [],
    });
    expectRefusal(evaluate("package-sources", state), "deb http://download.proxmox.com/debian/pve bookworm pve-no-subscription");
  });

  it("refuses a node whose switch cannot be planned, or that would be left without a Proxmox VE repository, saying what to fix", () => {
    const state = healthyState();
    state.aptSources!["pve1"] = observed([
      ...bookwormSources(),
      { path: `${D}/zabbix.list`, content: "deb https://repo.zabbix.com/zabbix/7.0/debian bookworm main\n" },
    ]);
    state.aptSources!["pve2"] = observed([
      ...bookwormSources(),
      { path: `${D}/local.sources`, content: "Types: deb\nURIs: http://deb.debian.org/debian\nComponents: main\n" },
    ]);
    // Only Debian: nothing to give pve-manager 9.
    state.aptSources!["pve3"] = observed([
      { path: "/etc/apt/sources.list", content: "deb http://deb.debian.org/debian bookworm main contrib\n" },
    ]);
    const verdict = evaluate("trixie-repositories", state);
    expect(verdict.pass).toBe(false);
    expect(verdict.summary).toBe("pve1, pve2, pve3 refused");
    expectRefusal(
      verdict,
      "pve1: its APT sources cannot be switched to trixie:",
      `${D}/zabbix.list:1: https://repo.zabbix.com/zabbix/7.0/debian bookworm is a third-party repository pinned to Debian bookworm`,
    );
    expectRefusal(verdict, "pve2: its APT sources cannot be switched to trixie:", `${D}/local.sources:1: stanza 1 has no Suites`);
    expect(verdict.reasons).toContain(
      "pve3: after the switch to trixie it would have no enabled Proxmox VE repository (it would use: deb.debian.org/debian trixie main contrib), so its dist-upgrade could not reach PVE 9. Enable download.proxmox.com/debian/pve pve-no-subscription (or pve-enterprise with a subscription) on pve3 (a mirror counts as a third-party repository here), then run again",
    );
  });

  it("unknown means no: a node whose sources could not be read", () => {
    const state = healthyState();
    state.aptSources!["pve2"] = failed(
      "`cat /etc/apt/sources.list.d/ceph.list` on pve2 exited 1: cat: /etc/apt/sources.list.d/ceph.list: Permission denied",
    );
    const verdict = evaluate("trixie-repositories", state);
    expect(verdict.reasons).toEqual([
      "pve2's APT sources: could not be observed (`cat /etc/apt/sources.list.d/ceph.list` on pve2 exited 1: cat: /etc/apt/sources.list.d/ceph.list: Permission denied); refusing until it can be",
    ]);
    expect(verdict.summary).toBe(`pve1, pve3: ${noSubscription} | pve2 unknown`);
  });
});

describe("runs-pve-9", () => {
  const on9 = (node: string, over: Partial<NodePackages> = {}) =>
    observed({
      ...packages("9.1.4"),
      runningKernel: "6.17.4-2-pve",
      installedKernels: ["6.8.12-11-pve", "6.17.4-2-pve"],
      ...over,
      pveVersion: over.pveVersion ?? "9.1.4",
    });
  const upgraded = () => {
    const state = healthyState("pve3");
    state.packages = { ...state.packages, pve3: on9("pve3") };
    state.pve8to9 = { ...state.pve8to9, pve3: observed(pve8to9Report("pve91-clean.txt")) };
    return state;
  };

  it("passes the node just upgraded: PVE 9, its newest kernel running, pve8to9 clean there (the 8.4 nodes are not asked)", () => {
    const verdict = evaluate("runs-pve-9", upgraded());
    expectPass(verdict);
    expect(verdict.summary).toBe("pve3 on PVE 9, new kernel, pve8to9 clean");
  });

  it("refuses a node still on 8, or on its old kernel, saying what to do", () => {
    const state = upgraded();
    state.packages!["pve3"] = observed(packages("8.4.2"));
    expect(evaluate("runs-pve-9", state).reasons).toEqual([
      "pve3 runs PVE 8.4.2, not 9: its major upgrade is not done (`pveversion -v` on pve3)",
    ]);
    state.packages!["pve3"] = on9("pve3", { runningKernel: "6.8.12-11-pve" });
    expect(evaluate("runs-pve-9", state).reasons).toEqual([
      "pve3 runs kernel 6.8.12-11-pve, not its newest 6.17.4-2-pve: reboot it into the PVE 9 kernel",
    ]);
  });

  it("refuses pve8to9's post-upgrade FAILs on the node, quoted; unknown means no", () => {
    const state = upgraded();
    state.pve8to9!["pve3"] = observed(pve8to9Report("pve84-full.txt"));
    expect(evaluate("runs-pve-9", state).reasons[0]).toBe(
      `pve3: pve8to9 FAIL in "CHECKING CONFIGURED STORAGES": found 'glusterfs' storage 'gv0'`,
    );
    state.pve8to9!["pve3"] = failed("pve3: pve8to9: no output at all");
    expect(evaluate("runs-pve-9", state).reasons).toEqual([
      "pve8to9 --full on pve3: could not be observed (pve3: pve8to9: no output at all); refusing until it can be",
    ]);
  });

  it("without a node, asks it of every node: the whole cluster is on 9", () => {
    const verdict = evaluate("runs-pve-9", upgraded(), { target: null });
    expect(verdict.pass).toBe(false);
    expect(verdict.summary).toBe("pve3 on PVE 9, new kernel, pve8to9 clean; pve1, pve2 not (yet) on PVE 9 as it should be");
  });
});

describe("ha-spread", () => {
  const allOn9 = (state: ReturnType<typeof healthyState>) => {
    state.packages = Object.fromEntries(NODES.map((n) => [n, observed(packages("9.1.4"))]));
    return state;
  };
  const withRules = (affinityRules: HaConfig["affinityRules"]) => {
    const state = allOn9(healthyState());
    state.haConfig = observed({ source: "rules", resources: [], nodeRules: [], affinityRules });
    return state;
  };

  it("on PVE 9, refuses a spread group HA does not keep apart, with the rule to add", () => {
    const verdict = evaluate("ha-spread", withRules([]));
    expect(verdict.pass).toBe(false);
    expect(verdict.reasons[0]).toContain(
      "group routers is spread in cluster.yaml, but no HA rule keeps vm:100 and vm:101 apart: HA's own placement (maintenance, a failed node) may put them on one node. To agree: `ha-manager rules add resource-affinity routers-apart --resources vm:100,vm:101 --affinity negative`",
    );
    const apart = {
      name: "rule routers-apart",
      affinity: "negative" as const,
      resources: ["vm:100", "vm:101"],
      disabled: false,
      errors: [],
    };
    expectPass(evaluate("ha-spread", withRules([apart])));
  });

  it("is judged once every node runs 9: a mixed cluster's answer depends on the node asked", () => {
    const state = withRules([]);
    state.packages!["pve2"] = observed(packages("8.4.2"));
    const verdict = evaluate("ha-spread", state);
    expectPass(verdict);
    expect(verdict.summary).toBe("judged once every node runs PVE 9 (pve2 not yet)");
  });
});

describe("disk-space", () => {
  const GB = 1e9;
  const root = (availBytes: number) => ({ mountPoint: "/", availBytes, sizeBytes: 100_861_726_720 });

  it("passes with room on / and /boot on it (the capture of a real host: 85 GB free)", () => {
    const verdict = evaluate("disk-space", healthyState());
    expectPass(verdict);
    expect(verdict.summary).toBe("room on pve1, pve2, pve3");
    expect(verdict.checked[0]).toBe("pve1: / 85.0 GB free of 270.5 GB (/boot on it)");
  });

  it("refuses / below pve8to9's 5 GB, saying what is free, what is needed and how to make room", () => {
    const state = healthyState();
    state.diskSpace!["pve1"] = observed({ root: root(rootNeeds - 1), boot: null });
    state.diskSpace!["pve2"] = observed({ root: root(3.1 * GB), boot: null });
    state.diskSpace!["pve3"] = observed({ root: root(rootNeeds), boot: null });
    const verdict = evaluate("disk-space", state);
    expect(verdict.pass).toBe(false);
    expect(verdict.reasons[0]).toMatch(/^pve1: \/ has 4\.9 GB free of 100\.8 GB; the upgrade to PVE 9 needs 5\.0 GB/);
    expect(verdict.reasons.slice(1)).toEqual([
      "pve2: / has 3.1 GB free of 100.8 GB; the upgrade to PVE 9 needs 5.0 GB (apt downloads and unpacks the trixie packages there): free some with `apt-get clean` (downloaded packages), `apt autoremove --purge` (kernels no longer needed) and by moving ISO images and backups off /var/lib/vz",
    ]);
    expect(verdict.summary).toBe("room on pve3; too little free on pve1, pve2");
  });

  it("a /boot of its own needs room for one more kernel and its initrd", () => {
    const state = healthyState();
    state.diskSpace!["pve1"] = observed(diskSpace("separate-boot.txt"));
    state.diskSpace!["pve2"] = observed(diskSpace("boot-full.txt"));
    state.diskSpace!["pve3"] = observed({ root: root(80 * GB), boot: { mountPoint: "/boot", availBytes: bootNeeds, sizeBytes: 1e9 } });
    const verdict = evaluate("disk-space", state);
    expect(verdict.reasons).toEqual([
      "pve2: /boot, a file system of its own, has 127 MB free of 510 MB; the new kernel and its initrd need 200 MB: remove kernels no longer booted with `apt autoremove --purge` (`proxmox-boot-tool kernel list` shows those kept)",
    ]);
    expect(verdict.checked[0]).toBe("pve1: / 85.0 GB free of 270.5 GB, /boot 473 MB free of 510 MB");
  });

  it("a node on PVE 9 already is not asked for room; one whose version is unknown is", () => {
    const state = healthyState();
    state.packages!["pve1"] = observed(packages("9.1.4"));
    state.packages!["pve2"] = failed("pve2: no SSH answer within 10 s");
    for (const node of ["pve1", "pve2"]) state.diskSpace![node] = observed({ root: root(2 * GB), boot: null });
    const verdict = evaluate("disk-space", state);
    expect(verdict.reasons).toHaveLength(1);
    expect(verdict.reasons[0]).toMatch(/^pve2: \/ has 2\.0 GB free/);
    expect(verdict.summary).toBe("room on pve3; pve1 on 9 already; too little free on pve2");
  });

  it("unknown means no: a df that failed or printed something else refuses, quoted", () => {
    const state = healthyState();
    state.diskSpace!["pve3"] = failed(
      "`df -B1 --output=file,avail,size,target / /boot` on pve3 exited 1: df: /boot: No such file or directory",
    );
    delete state.diskSpace!["pve1"];
    const verdict = evaluate("disk-space", state);
    expect(verdict.reasons).toEqual([
      "the free space on / and /boot of pve1: could not be observed (not collected); refusing until it can be",
      "the free space on / and /boot of pve3: could not be observed (`df -B1 --output=file,avail,size,target / /boot` on pve3 exited 1: df: /boot: No such file or directory); refusing until it can be",
    ]);
    expect(verdict.summary).toBe("room on pve2; unknown on pve1, pve3");
  });
});

describe("gluster-records", () => {
  it("passes when no server's record holds a gNFS option (a real 11.1 record), naming each record it read", () => {
    const verdict = evaluate("gluster-records", healthyState());
    expectPass(verdict);
    expect(verdict.summary).toBe("no gNFS option in gv0 on pve1, pve2, pve3");
    expect(verdict.checked).toContain("pve2: /var/lib/glusterd/vols/gv0/info holds no gNFS option");
  });

  it("refuses a real 10.3 record, which holds nfs.disable=on, with the change to make on every server in turn", () => {
    const state = healthyState();
    state.glusterRecords!["pve2"] = observed({ gv0: volumeRecord("10.3.info") });
    const verdict = evaluate("gluster-records", state);
    expectRefusal(
      verdict,
      "pve2: /var/lib/glusterd/vols/gv0/info holds `nfs.disable=on`, which GlusterFS 11.1 drops when it starts",
      "remove the line from that file, `systemctl restart glusterd`",
      "`gluster volume reset` cannot do it",
    );
    expect(verdict.reasons).toHaveLength(1);
    expect(verdict.summary).toBe("gNFS options on pve2");
  });

  it("unknown means no: a record that could not be read refuses, and so does a node with none", () => {
    const state = healthyState();
    state.glusterRecords!["pve1"] = failed(
      "`cat /var/lib/glusterd/vols/gv0/info` on pve1 exited 1: cat: /var/lib/glusterd/vols/gv0/info: Permission denied",
    );
    delete state.glusterRecords!["pve3"];
    const verdict = evaluate("gluster-records", state);
    expectRefusal(verdict, "pve1's records of the Gluster volumes: could not be observed", "Permission denied");
    expectRefusal(verdict, "pve3's records of the Gluster volumes: could not be observed (not collected)");
    expect(verdict.summary).toBe("no gNFS option in gv0 on pve2; records unknown on pve1, pve3");
  });
});
