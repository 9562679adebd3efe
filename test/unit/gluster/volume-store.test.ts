// glusterd's record of a volume (/var/lib/glusterd/vols/VOL/info) from a real pool: 10.3's and the
// one 11.1 wrote over it (test/fixtures/volume-info). They differ in `nfs.disable=on` only, in
// another order; the lab writes the record in 10.3's form.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { onlyGnfsDiffers, parseVolumeStore, storeDifference } from "../../../src/gluster/index.js";
import { volumeRecord } from "../../../src/lab/gluster/volume-record.js";
import type { VolumeView } from "../../../src/lab/gluster/view.js";

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/volume-info/${name}`, import.meta.url), "utf8");
const lines = (text: string) => {
  const read = parseVolumeStore(text, "info");
  if (!read.ok) throw new Error(read.error);
  return read.lines;
};

describe("parseVolumeStore and storeDifference", () => {
  it("tells the real 10.3 and 11.1 records apart by nfs.disable=on alone, whatever the order of the lines", () => {
    const difference = storeDifference(lines(fixture("11.1-rewritten.info")), lines(fixture("10.3.info")));
    expect(difference).toEqual({ onlyHere: [], onlyThere: ["nfs.disable=on"] });
    expect(onlyGnfsDiffers(difference)).toBe(true);
  });

  it("a difference beyond gNFS options, or none, is not the gNFS case", () => {
    const other = new Set(
      [...lines(fixture("10.3.info"))].map((l) => (l === "performance.client-io-threads=off" ? "performance.client-io-threads=on" : l)),
    );
    expect(onlyGnfsDiffers(storeDifference(lines(fixture("11.1-rewritten.info")), other))).toBe(false);
    expect(onlyGnfsDiffers(storeDifference(lines(fixture("10.3.info")), lines(fixture("10.3.info"))))).toBe(false);
  });

  it("unknown means no: an error message, an empty file, a file that is no volume's record", () => {
    expect(parseVolumeStore("cat: /var/lib/glusterd/vols/gv0/info: No such file or directory\n", "info")).toMatchObject({ ok: false });
    expect(parseVolumeStore("", "info")).toMatchObject({ ok: false });
    expect(parseVolumeStore("type=2\ncount=3\n", "info")).toEqual({
      ok: false,
      error: "info has no volume-id line: not a volume's record",
    });
  });
});

describe("the lab's record", () => {
  it("has the lines of the real 10.3 record, but for the credentials glusterd makes up at volume create", () => {
    const real = fixture("10.3.info");
    const view: VolumeView = {
      name: "labvol",
      id: /^volume-id=(.*)$/m.exec(real)![1]!,
      type: "Replicate",
      status: "Started",
      replicaCount: 3,
      // The options are the record's own, between its fixed keys and its bricks.
      options: real
        .split("\n")
        .slice(real.split("\n").indexOf("snap-max-hard-limit=256") + 1)
        .filter((line) => line !== "" && !line.startsWith("brick-"))
        .map((line) => line.split("=") as [string, string]),
      bricks: ["node1", "node2", "node3"].map((host) => ({
        host,
        path: "/srv/gluster/labvol/brick",
        peerUuid: host,
        port: 49152,
        pid: 1,
        online: true,
        reachable: true,
        listed: true,
        entries: {
          count: 0,
          at: () => {
            throw new Error("no entries");
          },
        },
      })),
      selfHealDaemons: [],
    };
    const credentials = /^(username|password)=/;
    const withoutCredentials = (text: string) => text.split("\n").filter((l) => !credentials.test(l));
    expect(withoutCredentials(volumeRecord(view))).toEqual(withoutCredentials(real));
    expect(volumeRecord(view)).toMatch(/^username=[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/m);
  });
});
