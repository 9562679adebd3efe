// The Gluster mounts of /etc/fstab as findmnt reports them.

import { describe, expect, it } from "vitest";
import { parseGlusterFstab } from "../../../src/observe/parsers/findmnt.js";

const json = (options: string | null, source = "pve1:/gv0", fstype = "glusterfs") =>
  JSON.stringify({ filesystems: [{ target: "/mnt/pve/gv0", source, fstype, options }] }, null, 3);

describe("findmnt --fstab -J -t glusterfs", () => {
  it("reads the server, the volume and the backup volfile servers", () => {
    expect(parseGlusterFstab(json("defaults,_netdev,backup-volfile-servers=pve2:pve3"), 0)).toEqual([
      {
        target: "/mnt/pve/gv0",
        server: "pve1",
        volume: "gv0",
        backupServers: ["pve2", "pve3"],
        line: "pve1:/gv0 /mnt/pve/gv0 glusterfs defaults,_netdev,backup-volfile-servers=pve2:pve3 0 0",
      },
    ]);
  });

  it("reads the older single backupvolfile-server option, and a mount without any", () => {
    expect(parseGlusterFstab(json("defaults,backupvolfile-server=10.10.0.2"), 0)[0]!.backupServers).toEqual(["10.10.0.2"]);
    expect(parseGlusterFstab(json("defaults,_netdev"), 0)[0]!.backupServers).toEqual([]);
    expect(parseGlusterFstab(json(null, "localhost:gv0"), 0)[0]).toMatchObject({ server: "localhost", volume: "gv0", backupServers: [] });
  });

  it("no matching entry is an empty list (findmnt exits 1 and prints nothing)", () => {
    expect(parseGlusterFstab("", 1)).toEqual([]);
  });

  it.each([
    ["not JSON", "TARGET SOURCE\n/mnt/pve/gv0 pve1:/gv0", 0, "not JSON"],
    ["another shape", '{"fs": []}', 0, "unexpected shape"],
    ["another exit", "", 2, "findmnt exited 2"],
  ])("refuses %s", (_, stdout, exit, message) => {
    expect(() => parseGlusterFstab(stdout, exit)).toThrow(message);
  });
});
