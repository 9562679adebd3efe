// Every `gluster` command captured in the numbered folders (real three-node GlusterFS 10.3 pools),
// replayed against a view of the same state: stdout, stderr and exit code must be identical.

import { describe, expect, it } from "vitest";
import { runGluster } from "../../../src/lab/gluster/cli.js";
import { capturesIn, fixtureExists, readFixture, stdoutOf, type Capture } from "./fixtures.js";
import { labvolState, NUMBERED_FOLDERS } from "./labvol.js";
import { entriesSeenIn, nodeView } from "./views.js";

/** The heal info XML captured on the same node at the same stage, if any. */
function healInfoXmlBeside(capture: Capture): string {
  const path = `${capture.folder}/${capture.file.replace(/(\.extra)?\.heal-info.*$/, ".heal-info.xml")}`;
  return fixtureExists(path) ? readFixture(path) : "";
}

/**
 * glusterd lists the peers' self-heal daemons in the order their answers arrive, which changes from
 * one call to the next (3-node3-back: the text and XML status of the same node disagree); the view
 * carries that order, so it is taken from the capture.
 */
function shdOrderSeenIn(capture: Capture): number[] | undefined {
  const names = [...capture.stdout.matchAll(/Self-heal Daemon on (\S+)|<path>([^/<][^<]*)<\/path>/g)]
    .map((m) => m[1] ?? m[2]!)
    .filter((name) => name !== "localhost");
  if (names.length === 0) return undefined;
  const { peers } = labvolState(capture.folder, capture.node, capture.file);
  return names.map((name) => peers.find((peer) => peer.name === name)!.node);
}

describe.each(NUMBERED_FOLDERS)("captures in %s", (folder) => {
  it.each(capturesIn(folder).map((c) => [c.file, c] as const))("%s", (_file, capture) => {
    const state = { ...labvolState(folder, capture.node, capture.file), shdOrder: shdOrderSeenIn(capture) };
    const result = runGluster(capture.args, nodeView(state, entriesSeenIn(capture.args, capture.stdout, healInfoXmlBeside(capture))));
    expect(stdoutOf(result)).toBe(capture.stdout);
    expect(result.stderr).toBe(capture.stderr);
    expect(result.exitCode).toBe(capture.exitCode);
  });
});
