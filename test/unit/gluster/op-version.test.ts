// cluster.op-version as a real GlusterFS 10.3 prints it (test/fixtures/op-version), read by
// rollgate and answered by the lab's gluster byte for byte.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseOpVersion } from "../../../src/gluster/index.js";
import { volumeGet, volumeSet } from "../../../src/lab/gluster/op-version.js";
import type { GlusterCommandResult, GlusterNodeView } from "../../../src/lab/gluster/view.js";

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/op-version/${name}`, import.meta.url), "utf8");
const view = (opVersion: number, maxOpVersion: number) =>
  ({ localHost: "node1", localUuid: "u", glusterdUp: true, peers: [], volumes: [], opVersion, maxOpVersion }) satisfies GlusterNodeView;
const stdoutOf = (r: GlusterCommandResult) => [...r.stdout].join("");
const words = (line: string) => line.split(" ");

describe("parseOpVersion", () => {
  it("reads the captures' values", () => {
    expect(parseOpVersion(fixture("10.3-op-version.txt"), "cluster.op-version")).toEqual({ ok: true, value: 100000 });
    expect(parseOpVersion(fixture("10.3-max-op-version.txt"), "cluster.max-op-version")).toEqual({ ok: true, value: 100000 });
  });

  it("unknown means no: another key's table, XML, an error, nothing", () => {
    expect(parseOpVersion(fixture("10.3-op-version.txt"), "cluster.max-op-version").ok).toBe(false);
    expect(parseOpVersion(fixture("10.3-op-version.xml"), "cluster.op-version").ok).toBe(false);
    expect(parseOpVersion("Connection failed. Please check if gluster daemon is operational.\n", "cluster.op-version")).toMatchObject({
      ok: false,
      error: expect.stringContaining("not its one-option table"),
    });
    expect(parseOpVersion("", "cluster.op-version").ok).toBe(false);
  });
});

describe("the lab's gluster volume get/set all cluster.op-version", () => {
  it("prints what a real 10.3 prints, text and XML", () => {
    const tenThree = view(100000, 100000);
    expect(stdoutOf(volumeGet(tenThree, words("volume get all cluster.op-version"), false))).toBe(fixture("10.3-op-version.txt"));
    expect(stdoutOf(volumeGet(tenThree, words("volume get all cluster.max-op-version"), false))).toBe(fixture("10.3-max-op-version.txt"));
    expect(stdoutOf(volumeGet(tenThree, words("volume get all cluster.op-version"), true))).toBe(fixture("10.3-op-version.xml"));
    expect(stdoutOf(volumeGet(tenThree, words("volume get all cluster.max-op-version"), true))).toBe(fixture("10.3-max-op-version.xml"));
  });

  it("refuses a raise to the current version or above the pool's maximum as 10.3 does, and raises within it", () => {
    const tenThree = view(100000, 100000);
    expect(volumeSet(tenThree, words("volume set all cluster.op-version 100000"), false)).toMatchObject({
      stderr: fixture("10.3-set-equal.err"),
      exitCode: 1,
    });
    expect(volumeSet(tenThree, words("volume set all cluster.op-version 110000"), false)).toMatchObject({
      stderr: fixture("10.3-set-higher.err"),
      exitCode: 1,
    });
    const upgraded = volumeSet(view(100000, 110000), words("volume set all cluster.op-version 110000"), false);
    expect(upgraded).toMatchObject({ exitCode: 0, effect: { kind: "op-version", to: 110000 } });
    expect(stdoutOf(upgraded)).toBe("volume set: success\n");
  });
});
