import { describe, expect, it } from "vitest";
import { checkGlusterInvocation, explainGlusterMessage } from "../../../src/gluster/index.js";
import { readGlusterFixture } from "../../helpers/fixtures.js";
import { readLoopbackRun } from "./captures.js";

const CONNECTION_FAILED = "Connection failed. Please check if gluster daemon is operational.";

describe("known gluster error lines", () => {
  it.each([
    [CONNECTION_FAILED, "glusterd on this node is not running"],
    ["Volume nosuchvol does not exist", "volume nosuchvol does not exist"],
    [
      "vmstore: Not able to fetch volfile from glusterd",
      "volume vmstore is not started, or none of its bricks is running (glusterd stops the bricks of a node that lost server quorum)",
    ],
    ["Volume sbvol is not started", "volume sbvol is not started"],
    ["Volume vmstore is not started (Or) All the bricks are not running.", "volume vmstore is not started"],
    [
      "This command is supported for only volumes of replicate/disperse type. Volume distvol is not of type replicate/disperse",
      "volume distvol is not replicated, so it has no self-heal",
    ],
    ["Volume distvol is not of type replicate/disperse", "volume distvol is not replicated, so it has no self-heal"],
    ["No volumes present", "this pool has no volumes"],
    [
      "Error : Request timed out",
      "glusterd did not answer within the gluster CLI's timeout: it is waiting for a peer that is powered off or hung",
    ],
    [
      "Another transaction is in progress for gv0. Please try again after some time.",
      "another gluster command still holds volume gv0's lock (glusterd is still waiting for it to finish, e.g. for a peer that does not answer)",
    ],
  ])("%s", (line, meaning) => {
    expect(explainGlusterMessage(line)).toBe(`${meaning} (gluster printed ${JSON.stringify(line)})`);
  });

  it("anything else is not explained", () => {
    expect(explainGlusterMessage("Brick node1:/srv/gluster/labvol/brick")).toBeNull();
  });
});

describe("checking a finished gluster invocation", () => {
  it("passes stdout on when gluster succeeded", () => {
    const stdout = readGlusterFixture("1-healthy/node1.heal-info.txt");
    expect(checkGlusterInvocation({ stdout, stderr: "", exitCode: 0 })).toEqual({ ok: true, value: stdout });
  });

  it.each([
    [
      "glusterd down (plain text even with --xml, exit 1)",
      { stdout: readGlusterFixture("2-node3-down/node3.heal-info.xml"), stderr: "", exitCode: 1 },
      `glusterd on this node is not running (gluster printed "${CONNECTION_FAILED}")`,
    ],
    [
      "a stopped volume's heal info (exit 251, with the `Volume heal failed.` trailer)",
      readLoopbackRun("loopback/stopped_heal_info.txt"),
      'volume sbvol is not started, or none of its bricks is running (glusterd stops the bricks of a node that lost server quorum) (gluster printed "sbvol: Not able to fetch volfile from glusterd")',
    ],
    [
      "the same with --xml: opRet -1 and the message in <opErrstr>",
      readLoopbackRun("loopback/stopped_heal_info_xml.txt"),
      'volume sbvol is not started, or none of its bricks is running (glusterd stops the bricks of a node that lost server quorum) (gluster printed "sbvol: Not able to fetch volfile from glusterd")',
    ],
    [
      "volume status --xml of a volume not started: opRet -1 with exit 0",
      readLoopbackRun("loopback/status_not_started_xml.txt"),
      'volume vmstore is not started (gluster printed "Volume vmstore is not started")',
    ],
    [
      "an XML error whose message is not one we know",
      {
        stdout:
          "<cliOutput><opRet>-1</opRet><opErrno>30800</opErrno>" +
          "<opErrstr>Another transaction is in progress &amp; locked</opErrstr></cliOutput>\n",
        stderr: "",
        exitCode: 0,
      },
      'gluster reported an error (opRet -1, opErrno 30800): "Another transaction is in progress & locked"',
    ],
    [
      "an unknown failure",
      { stdout: "", stderr: "Something went wrong\n", exitCode: 2 },
      'gluster exited with status 2: "Something went wrong"',
    ],
    ["a silent failure", { stdout: "", stderr: "", exitCode: 1 }, "gluster exited with status 1 and printed nothing"],
    ["nothing at all, with exit 0", { stdout: "", stderr: "", exitCode: 0 }, "gluster printed nothing (exit status 0)"],
    [
      "only stderr, with exit 0",
      { stdout: "", stderr: "peer status: No peers present\n", exitCode: 0 },
      'gluster printed nothing on stdout; on stderr: "peer status: No peers present"',
    ],
  ])("%s", (_case, run, error) => {
    expect(checkGlusterInvocation(run)).toEqual({ ok: false, error });
  });
});
