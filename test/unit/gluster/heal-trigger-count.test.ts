import { describe, expect, it } from "vitest";
import { parseHealCount, parseHealTrigger, type Parsed } from "../../../src/gluster/index.js";
import { readGlusterFixture } from "../../helpers/fixtures.js";
import { readLoopbackRun } from "./captures.js";

function error<T>(parsed: Parsed<T>): string {
  if (parsed.ok) throw new Error(`expected an error, got ${JSON.stringify(parsed.value)}`);
  return parsed.error;
}

const LAUNCHED =
  "Launching heal operation to perform index self heal on volume labvol has been successful \n" +
  "Use heal info commands to check status.\n";

describe("gluster volume heal VOL", () => {
  it("launched", () => {
    expect(parseHealTrigger({ stdout: LAUNCHED, stderr: "", exitCode: 0 })).toEqual({ ok: true, value: { volume: "labvol" } });
  });

  it("refused while node3 is down: the reason is on stderr, exit 1", () => {
    const run = {
      stdout: readGlusterFixture("2-node3-down/node1.heal-trigger.txt"),
      stderr: readGlusterFixture("2-node3-down/node1.heal-trigger.txt.stderr"),
      exitCode: 1,
    };
    expect(run.stdout).toBe("");
    expect(error(parseHealTrigger(run))).toBe(
      "a brick or self-heal daemon of volume labvol is down, so gluster would not launch the heal" +
        " (gluster printed \"Glusterd Syncop Mgmt brick op 'Heal' failed. Please check glustershd log file for details.\")",
    );
  });

  it.each([
    [
      "a self-heal daemon down elsewhere (notes/gluster.md §1.7)",
      "Staging failed on 127.1.1.2. Error: Self-heal daemon is not running. Check self-heal daemon log file.",
      'the self-heal daemon on 127.1.1.2 is not running (gluster printed "Staging failed on 127.1.1.2. Error:' +
        ' Self-heal daemon is not running. Check self-heal daemon log file.")',
    ],
    ["a reason nobody has seen yet", "Something new.", 'gluster refused to launch the heal of volume vmstore: "Something new."'],
  ])("refused because of %s", (_case, reason, message) => {
    const stderr = `Launching heal operation to perform index self heal on volume vmstore has been unsuccessful:\n${reason}\n`;
    expect(error(parseHealTrigger({ stdout: "", stderr, exitCode: 1 }))).toBe(message);
  });

  it.each([
    [
      "glusterd down",
      { stdout: "Connection failed. Please check if gluster daemon is operational.\n", stderr: "", exitCode: 1 },
      'glusterd on this node is not running (gluster printed "Connection failed. Please check if gluster daemon is operational.")',
    ],
    [
      "success without its second line",
      { stdout: LAUNCHED.split("\n")[0] ?? "", stderr: "", exitCode: 0 },
      'volume heal: expected "Launching heal operation … has been successful", gluster printed' +
        ' "Launching heal operation to perform index self heal on volume labvol has been successful "',
    ],
    [
      "the success line with a failing exit status",
      { stdout: LAUNCHED, stderr: "", exitCode: 1 },
      'gluster exited with status 1: "Launching heal operation to perform index self heal on volume labvol has been' +
        ' successful Use heal info commands to check status."',
    ],
  ])("%s is an error", (_case, run, message) => {
    expect(error(parseHealTrigger(run))).toBe(message);
  });
});

describe("gluster volume heal VOL statistics heal-count", () => {
  it("an unreachable brick has no count: unknown, not 0", () => {
    expect(parseHealCount(readLoopbackRun("loopback/n3down_heal_count.txt").stdout)).toEqual({
      ok: true,
      value: {
        volume: "vmstore",
        bricks: [
          { name: "127.1.1.1:/data/gl/1/bricks/vmstore", host: "127.1.1.1", path: "/data/gl/1/bricks/vmstore", entries: 5 },
          { name: "127.1.1.2:/data/gl/2/bricks/vmstore", host: "127.1.1.2", path: "/data/gl/2/bricks/vmstore", entries: 5 },
          { name: "127.1.1.3:/data/gl/3/bricks/vmstore", host: "127.1.1.3", path: "/data/gl/3/bricks/vmstore", entries: null },
        ],
      },
    });
  });

  it.each([
    [
      "a brick cut before its count",
      readGlusterFixture("2-node3-down/node1.extra.heal-statistics-heal-count.txt").split("\n").slice(0, 6).join("\n") + "\n",
      'brick node2:/srv/gluster/labvol/brick: output ends before "Number of entries: N": output truncated',
    ],
    [
      "a count that is not a number",
      "Gathering count of entries to be healed on volume v has been successful \n\nBrick a:/b\nNumber of entries: x\n",
      'brick a:/b: gluster printed "Number of entries: x", which is not a count',
    ],
    [
      "no brick",
      "Gathering count of entries to be healed on volume v has been successful \n",
      "heal statistics heal-count v listed no bricks",
    ],
  ])("%s is an error", (_case, text, message) => {
    expect(error(parseHealCount(text))).toBe(message);
  });
});
