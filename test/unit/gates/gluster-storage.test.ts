// gluster-storage-failover: a node whose reboot would leave a PVE Gluster storage without any
// volfile server is not taken down.

import { describe, expect, it } from "vitest";
import { gates } from "../../../src/gates/index.js";
import { failed, observed, type ClusterState } from "../../../src/observe/state.js";
import { clusterConfig, healthyState } from "./state-factory.js";

const config = clusterConfig();
const evaluate = (state: ClusterState, target: string | null) =>
  gates["gluster-storage-failover"].evaluate({ config, state: { ...state, target }, target });

describe("gluster-storage-failover", () => {
  it("passes when the storage names a second server, whichever node goes down", () => {
    for (const target of ["pve1", "pve2", "pve3", null]) expect(evaluate(healthyState(), target).pass).toBe(true);
    expect(evaluate(healthyState(), "pve1").summary).toBe("storage gv0: server pve1, server2 pve2");
  });

  it("refuses to take down the only volfile server, and says how to add a second", () => {
    const state = healthyState();
    state.storage = observed({
      listed: [{ storage: "gv0", type: "glusterfs" }],
      gluster: [{ storage: "gv0", volume: "gv0", server: "pve1", server2: null }],
    });
    expect(evaluate(state, "pve2").pass).toBe(true);
    expect(evaluate(state, "pve2").summary).toBe("storage gv0: server pve1 only");
    const v = evaluate(state, "pve1");
    expect(v.summary).toBe("storage gv0: server pve1 only, the node going down");
    expect(v.reasons).toEqual([
      "storage gv0 (volume gv0) fetches its volfile only from pve1: while it reboots, guests on gv0 cannot start or migrate. Add a second server first: `pvesm set gv0 --server2 pve2`",
    ]);
  });

  it("recognises a server written as the node's address", () => {
    const state = healthyState();
    state.storage = observed({
      listed: [{ storage: "gv0", type: "glusterfs" }],
      gluster: [{ storage: "gv0", volume: "gv0", server: config.nodes[2]!.address, server2: null }],
    });
    expect(evaluate(state, "pve3").pass).toBe(false);
  });

  // PVE 9: no glusterfs storage; every node mounts the volume and PVE uses the mount as dir storage.
  const pve9 = (fstab: Record<string, string>): ClusterState => {
    const state = healthyState();
    state.storage = observed({
      listed: [
        { storage: "local", type: "dir" },
        { storage: "gv0", type: "dir" },
      ],
      gluster: [],
    });
    state.mounts = Object.fromEntries(
      Object.entries(fstab).map(([node, options]) => [
        node,
        observed([
          {
            target: "/mnt/pve/gv0",
            server: "pve1",
            volume: "gv0",
            backupServers: /backup-volfile-servers=([^,]*)/.exec(options)?.[1]?.split(":") ?? [],
            line: `pve1:/gv0 /mnt/pve/gv0 glusterfs ${options} 0 0`,
          },
        ]),
      ]),
    );
    return state;
  };

  it("on PVE 9 reads each node's mount: backup volfile servers let pve1 go down", () => {
    const all = "defaults,_netdev,backup-volfile-servers=pve2:pve3";
    for (const target of ["pve1", "pve2", "pve3"]) expect(evaluate(pve9({ pve1: all, pve2: all, pve3: all }), target).pass).toBe(true);
    expect(evaluate(pve9({ pve1: all, pve2: all, pve3: all }), "pve1").summary).toBe(
      "pve1, pve2, pve3 mount gv0 with backup volfile servers",
    );
  });

  it("on PVE 9 refuses to take down the only volfile server of another node's mount, with the fstab line to use", () => {
    const bare = "defaults,_netdev";
    const v = evaluate(pve9({ pve1: bare, pve2: bare, pve3: bare }), "pve1");
    expect(v.summary).toBe("pve1 mounts gv0 from pve1 only; pve2, pve3 mount gv0 from pve1 only, the node going down");
    expect(v.reasons).toEqual([
      "pve2 mounts gv0 from pve1 only (/etc/fstab: `pve1:/gv0 /mnt/pve/gv0 glusterfs defaults,_netdev 0 0`): while pve1 reboots, pve2 cannot remount it. Name the other servers first, in pve2's /etc/fstab: `pve1:/gv0 /mnt/pve/gv0 glusterfs defaults,_netdev,backup-volfile-servers=pve2:pve3 0 0`",
      "pve3 mounts gv0 from pve1 only (/etc/fstab: `pve1:/gv0 /mnt/pve/gv0 glusterfs defaults,_netdev 0 0`): while pve1 reboots, pve3 cannot remount it. Name the other servers first, in pve3's /etc/fstab: `pve1:/gv0 /mnt/pve/gv0 glusterfs defaults,_netdev,backup-volfile-servers=pve2:pve3 0 0`",
    ]);
    // Its own mount goes down with it anyway; the others' volfile server stays up.
    expect(evaluate(pve9({ pve1: bare, pve2: bare, pve3: bare }), "pve2").pass).toBe(true);
  });

  it("never passes because it found nothing: says where it looked", () => {
    const state = healthyState();
    state.storage = observed({ listed: [], gluster: [] });
    const v = evaluate(state, "pve1");
    expect(v.pass).toBe(false);
    expect(v.summary).toBe("no Gluster storage or mount found for gv0");
    expect(v.reasons[0]).toBe(
      "no Gluster storage found for gv0: /storage lists no storage at all (does the token hold Datastore.Audit on /storage?), and no node's /etc/fstab mounts it (pve1, pve2, pve3 read). Check gluster.volumes in cluster.yaml and how PVE reaches the volume",
    );
  });

  it("says which part it could not read", () => {
    const noStorage = healthyState();
    delete noStorage.storage;
    expect(evaluate(noStorage, "pve1").summary).toBe("storage unknown (API /storage not read)");
    const noMount = healthyState();
    noMount.mounts = { ...noMount.mounts, pve2: failed("`findmnt --fstab` on pve2 exited 255") };
    const v = evaluate(noMount, "pve1");
    expect(v.pass).toBe(false);
    expect(v.summary).toBe("storage gv0: server pve1, server2 pve2; mounts on pve2 not read");
  });
});
