// The CLI around the commands: options, command words, glusterd down, usage errors, and the cases
// the captures lack but /work/shared/notes/gluster.md records (sbvol split-brain, a self-heal daemon down).

import { describe, expect, it } from "vitest";
import { runGluster } from "../../../src/lab/gluster/cli.js";
import { stdoutOf } from "./fixtures.js";
import { LOOPBACK } from "./loopback.js";
import { entryList, nodeView } from "./views.js";

const USAGE =
  " Usage: gluster [options] <help> <peer> <pool> <volume>\n" +
  " Options:\n" +
  " --help  Shows the help information\n" +
  " --version  Shows the version\n" +
  " --print-logdir  Shows the log directory\n" +
  " --print-statedumpdir Shows the state dump directory\n\n";

const HEAL_USAGE =
  "\nUsage:\nvolume heal <VOLNAME> [enable | disable | full |statistics [heal-count [replica <HOSTNAME:BRICKNAME>]] |" +
  "info [summary | split-brain] |split-brain {bigger-file <FILE> | latest-mtime <FILE> |" +
  "source-brick <HOSTNAME:BRICKNAME> [<FILE>]} |granular-entry-heal {enable | disable}]\n\n";

const run = (command: string, view = nodeView(LOOPBACK.healthy)) => {
  const result = runGluster(command === "" ? [] : command.split(" "), view);
  return { stdout: stdoutOf(result), stderr: result.stderr, exitCode: result.exitCode, effect: result.effect };
};

describe("when the local glusterd is down", () => {
  const down = nodeView({ ...LOOPBACK.healthy, glusterdDown: true });
  it.each([
    "volume heal vmstore info",
    "volume heal vmstore info --xml",
    "volume status vmstore --xml",
    "peer status",
    "volume heal vmstore",
  ])("`gluster %s` cannot connect", (command) => {
    expect(run(command, down)).toEqual({
      stdout: "Connection failed. Please check if gluster daemon is operational.\n",
      stderr: "",
      exitCode: 1,
      effect: undefined,
    });
  });

  it("still reports an unknown word first, as the CLI parses before it connects", () => {
    expect(run("frobnicate", down).stdout).toBe(`unrecognized word: frobnicate (position 0)\n\n${USAGE}`);
  });
});

describe("options and command words", () => {
  it("takes --xml and --mode=script wherever they stand", () => {
    const plain = run("volume heal vmstore info --xml");
    expect(run("--mode=script --xml volume heal vmstore info")).toEqual(plain);
    expect(run("volume --xml heal vmstore --mode=script info")).toEqual(plain);
  });

  it("rejects an unknown option before anything else (cli.c parse_cmdline)", () => {
    expect(run("--bogus volume list")).toEqual({
      stdout: `unrecognized option --bogus\n\n${USAGE}`,
      stderr: "",
      exitCode: 255,
      effect: undefined,
    });
  });

  it("reports an unknown word with its position among the command words", () => {
    expect(run("volume frobnicate vmstore")).toEqual({
      stdout: `unrecognized word: frobnicate (position 1)\n\n${USAGE}`,
      stderr: "",
      exitCode: 1,
      effect: undefined,
    });
  });

  it("accepts unambiguous abbreviations and refuses ambiguous ones (registry.c cli_getunamb)", () => {
    expect(run("vol hea vmstore info")).toEqual(run("volume heal vmstore info"));
    expect(run("vol he vmstore info").stdout).toBe(`unrecognized word: he (position 1)\n\n${USAGE}`);
    expect(run("volume stat vmstore").stdout).toBe(`unrecognized word: stat (position 1)\n\n${USAGE}`);
  });

  it("needs a whole command", () => {
    expect(run("volume")).toEqual({ stdout: `unrecognized command\n\n${USAGE}`, stderr: "", exitCode: 1, effect: undefined });
    expect(run("")).toEqual({ stdout: "", stderr: "", exitCode: 0, effect: undefined });
  });

  it("prints a command's usage for words its parser refuses", () => {
    expect(run("volume heal")).toEqual({ stdout: "", stderr: HEAL_USAGE, exitCode: 1, effect: undefined });
    expect(run("volume heal vmstore bogus").stderr).toBe(HEAL_USAGE);
    expect(run("volume heal vmstore info bogus").stderr).toBe(HEAL_USAGE);
    expect(run("peer status now").stderr).toBe("\nUsage:\npeer status\n\n");
    expect(run("volume info a b").stderr).toBe("\nUsage:\nvolume info [all|<VOLNAME>]\n\n");
  });

  it("says plainly which real commands the lab does not answer", () => {
    expect(run("volume heal vmstore full")).toEqual({
      stdout: "",
      stderr: "rollgate lab: 'gluster volume heal vmstore full' is not emulated\n",
      exitCode: 1,
      effect: undefined,
    });
    expect(run("volume create x replica 3 a:/b c:/d e:/f").exitCode).toBe(1);
    expect(run("volume status vmstore detail").stderr).toContain("is not emulated");
  });
});

describe("heal trigger", () => {
  it("asks the model to heal only when it succeeds", () => {
    expect(run("volume heal vmstore")).toMatchObject({ exitCode: 0, effect: { kind: "heal-trigger", volume: "vmstore" } });
    expect(run("volume heal vmstore", nodeView(LOOPBACK.node3Down)).effect).toBeUndefined();
  });

  it("is refused while a peer's self-heal daemon is down (notes §1.7)", () => {
    expect(run("volume heal vmstore", nodeView(LOOPBACK.shdOf2Down))).toEqual({
      stdout: "",
      stderr:
        "Launching heal operation to perform index self heal on volume vmstore has been unsuccessful:\n" +
        "Staging failed on 127.1.1.2. Error: Self-heal daemon is not running. Check self-heal daemon log file.\n",
      exitCode: 1,
      effect: undefined,
    });
  });

  it("is refused by the local glusterd itself when the local self-heal daemon is down", () => {
    expect(run("volume heal vmstore", nodeView({ ...LOOPBACK.healthy, shdDown: [0] })).stderr).toBe(
      "Launching heal operation to perform index self heal on volume vmstore has been unsuccessful:\n" +
        "Self-heal daemon is not running. Check self-heal daemon log file.\n",
    );
  });

  it("names a volume that does not exist", () => {
    expect(run("volume heal nosuchvol").stderr).toBe(
      "Launching heal operation to perform index self heal on volume nosuchvol has been unsuccessful:\nVolume nosuchvol does not exist\n",
    );
  });

  it("prints text even with --xml (the XML branch is commented out in 10.3)", () => {
    expect(run("volume heal vmstore --xml").stdout).toBe(run("volume heal vmstore").stdout);
  });
});

describe("heal-count with a local brick down", () => {
  it("keeps the local brick's status line (unverified against a capture)", () => {
    expect(run("volume heal vmstore statistics heal-count", nodeView(LOOPBACK.brickDown, [[], [], []])).stdout).toContain(
      "\nBrick 127.1.1.2:/data/gl/2/bricks/vmstore\nNo gathered input for this brick\n",
    );
    const localDown = run("volume heal vmstore statistics heal-count", nodeView({ ...LOOPBACK.healthy, brickDown: [0] }));
    expect(localDown.stdout).toContain(
      "\nBrick 127.1.1.1:/data/gl/1/bricks/vmstore\nStatus: Brick is not connected\nNo gathered input for this brick\n",
    );
  });
});

describe("split-brain on sbvol (notes §1.2, §1.3, §1.5)", () => {
  const gfid1 = "28ef8ead-4861-48dd-8b31-5a154279703a";
  const gfid2 = "1936a04d-de9f-4cb9-a839-45a2c644abbf";
  const view = nodeView(LOOPBACK.sbvolStarted, [
    [
      { path: `<gfid:${gfid1}>`, gfid: gfid1, state: "split-brain" },
      { path: `<gfid:${gfid2}>`, gfid: gfid2, state: "split-brain" },
    ],
    [
      { path: "/f2", gfid: "6b0e2d4a-3f5c-4e7a-9b1d-2c8f4a6e0b13", state: "split-brain" },
      { path: "/f1", gfid: "9d4c1a7e-5b2f-4c8d-a3e6-7f0b1d2c4e58", state: "split-brain" },
    ],
  ]);

  it("marks every entry in heal info", () => {
    expect(run("volume heal sbvol info", view).stdout).toBe(
      "Brick 127.1.1.1:/data/gl/1/bricks/sbvol\n" +
        `<gfid:${gfid1}> - Is in split-brain\n<gfid:${gfid2}> - Is in split-brain\n` +
        "Status: Connected\nNumber of entries: 2\n\n" +
        "Brick 127.1.1.2:/data/gl/2/bricks/sbvol\n/f2 - Is in split-brain\n/f1 - Is in split-brain\n" +
        "Status: Connected\nNumber of entries: 2\n\n",
    );
  });

  it("lists bare paths in info split-brain", () => {
    expect(run("volume heal sbvol info split-brain", view).stdout).toBe(
      `Brick 127.1.1.1:/data/gl/1/bricks/sbvol\n<gfid:${gfid1}>\n<gfid:${gfid2}>\nStatus: Connected\nNumber of entries in split-brain: 2\n\n` +
        "Brick 127.1.1.2:/data/gl/2/bricks/sbvol\n/f2\n/f1\nStatus: Connected\nNumber of entries in split-brain: 2\n\n",
    );
  });

  it("counts them in the summary", () => {
    expect(run("volume heal sbvol info summary", view).stdout).toContain(
      "Status: Connected\nTotal Number of entries: 2\nNumber of entries in heal pending: 0\n" +
        "Number of entries in split-brain: 2\nNumber of entries possibly healing: 0\n\n",
    );
  });

  it("escapes the gfid form in XML", () => {
    expect(run("volume heal sbvol info --xml", view).stdout).toContain(`        <file gfid="${gfid1}">&lt;gfid:${gfid1}&gt;</file>\n`);
  });
});

describe("volume status", () => {
  it("cuts a brick name longer than the column into lines of 43 characters (cli_print_brick_status)", () => {
    const state = {
      ...LOOPBACK.healthy,
      volume: { ...LOOPBACK.healthy.volume, brickPath: () => "/srv/gluster/a-rather-long-volume-name/brick" },
    };
    const rows = run("volume status vmstore", nodeView(state)).stdout.split("\n").slice(3, 5);
    expect(rows).toEqual([
      "Brick 127.1.1.1:/srv/gluster/a-rather-long-",
      "volume-name/brick                           55026     0          Y       9060 ",
    ]);
  });

  it("shows each started volume for `all`, and only the error of one that is not", () => {
    const view = nodeView(LOOPBACK.healthy);
    const stopped = { ...view.volumes[0]!, name: "avol", status: "Stopped" as const };
    view.volumes.push(stopped);
    const all = run("volume status", view);
    expect(all.stdout).toBe(` \n${run("volume status vmstore").stdout}`);
    expect(all.stderr).toBe("Volume avol is not started\n");
    expect(all.exitCode).toBe(0);
    expect(run("volume status all --xml", view).stdout).toBe(run("volume status vmstore --xml").stdout);
  });
});

describe("volume info and list", () => {
  it("writes the XML of cli_xml_output_vol_info, brick name as text beside its elements", () => {
    // Same shape as a real 10.x capture quoted in kadalu/glusterd_plus (glustercli/volumes.d).
    const brick = (n: number, uuid: string) =>
      `          <brick uuid="${uuid}">127.1.1.${n}:/data/gl/${n}/bricks/vmstore<name>127.1.1.${n}:/data/gl/${n}/bricks/vmstore</name>` +
      `<hostUuid>${uuid}</hostUuid><isArbiter>0</isArbiter></brick>\n`;
    const option = (name: string, value: string) =>
      `          <option>\n            <name>${name}</name>\n            <value>${value}</value>\n          </option>\n`;
    expect(run("volume info vmstore --xml").stdout).toBe(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<cliOutput>\n  <opRet>0</opRet>\n  <opErrno>0</opErrno>\n  <opErrstr/>\n' +
        "  <volInfo>\n    <volumes>\n      <volume>\n        <name>vmstore</name>\n        <id>3dc84784-7f9c-4d1e-a34c-6cc486276bf1</id>\n" +
        "        <status>1</status>\n        <statusStr>Started</statusStr>\n        <snapshotCount>0</snapshotCount>\n" +
        "        <brickCount>3</brickCount>\n        <distCount>1</distCount>\n        <replicaCount>3</replicaCount>\n" +
        "        <arbiterCount>0</arbiterCount>\n        <disperseCount>0</disperseCount>\n        <redundancyCount>0</redundancyCount>\n" +
        "        <type>2</type>\n        <typeStr>Replicate</typeStr>\n        <transport>0</transport>\n        <bricks>\n" +
        brick(1, "910e85d5-5cec-4f32-ba92-c3fdfd9f363d") +
        brick(2, "b251206a-2470-495d-8289-797c94b9fc4c") +
        brick(3, "21eaeb9d-50d3-46b5-be00-9b4c461fb109") +
        "        </bricks>\n        <optCount>5</optCount>\n        <options>\n" +
        option("cluster.granular-entry-heal", "on") +
        option("storage.fips-mode-rchecksum", "on") +
        option("transport.address-family", "inet") +
        option("nfs.disable", "on") +
        option("performance.client-io-threads", "off") +
        "        </options>\n      </volume>\n      <count>1</count>\n    </volumes>\n  </volInfo>\n</cliOutput>\n",
    );
  });

  it("marks the arbiter brick in XML", () => {
    expect(run("volume info vmshard --xml", nodeView(LOOPBACK.vmshard)).stdout).toContain(
      "<hostUuid>21eaeb9d-50d3-46b5-be00-9b4c461fb109</hostUuid><isArbiter>1</isArbiter></brick>\n",
    );
  });

  it("answers for a volume that does not exist", () => {
    expect(run("volume info nosuchvol")).toEqual({
      stdout: "",
      stderr: "Volume nosuchvol does not exist\n",
      exitCode: 1,
      effect: undefined,
    });
    expect(run("volume info nosuchvol --xml").stdout).toBe(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<cliOutput>\n  <opRet>-1</opRet>\n  <opErrno>30806</opErrno>\n' +
        "  <opErrstr>Volume does not exist</opErrstr>\n  <volInfo>\n    <volumes>\n      <count>0</count>\n    </volumes>\n  </volInfo>\n</cliOutput>\n",
    );
  });

  it("lists volumes in glusterd's order (sorted by name)", () => {
    const view = nodeView(LOOPBACK.healthy);
    view.volumes.unshift({ ...view.volumes[0]!, name: "zvol" }, { ...view.volumes[0]!, name: "avol" });
    expect(run("volume list", view).stdout).toBe("avol\nvmstore\nzvol\n");
    expect(run("volume list --xml", view).stdout).toBe(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<cliOutput>\n  <opRet>0</opRet>\n  <opErrno>0</opErrno>\n  <opErrstr/>\n' +
        "  <volList>\n    <count>3</count>\n    <volume>avol</volume>\n    <volume>vmstore</volume>\n    <volume>zvol</volume>\n  </volList>\n</cliOutput>\n",
    );
    const info = run("volume info", view).stdout;
    expect(info.indexOf("Volume Name: avol")).toBeLessThan(info.indexOf("Volume Name: vmstore"));
    expect(info.startsWith(" \nVolume Name: avol\n")).toBe(true);
  });

  it("says when there is no volume", () => {
    const view = { ...nodeView(LOOPBACK.healthy), volumes: [] };
    expect(run("volume list", view)).toMatchObject({ stdout: "", stderr: "No volumes present in cluster\n", exitCode: 0 });
    expect(run("volume info", view)).toMatchObject({ stdout: "", stderr: "No volumes present\n", exitCode: 0 });
    expect(run("volume status", view)).toMatchObject({ stdout: "", stderr: "No volumes present\n", exitCode: 0 });
  });
});

describe("pool list", () => {
  it("widens the Hostname column to the longest name", () => {
    const view = nodeView({
      ...LOOPBACK.healthy,
      peers: [
        { node: 1, name: "storage-node-2.example" },
        { node: 2, name: "n3" },
      ],
    });
    expect(run("pool list", view).stdout).toBe(
      "UUID\t\t\t\t\tHostname              \tState\n" +
        "b251206a-2470-495d-8289-797c94b9fc4c\tstorage-node-2.example\tConnected \n" +
        "21eaeb9d-50d3-46b5-be00-9b4c461fb109\tn3                    \tConnected \n" +
        "910e85d5-5cec-4f32-ba92-c3fdfd9f363d\tlocalhost             \tConnected \n",
    );
  });

  it("gives a rejected peer's state as glusterd names it", () => {
    const view = nodeView(LOOPBACK.healthy);
    view.peers[0]!.state = "Peer Rejected";
    expect(run("peer status", view).stdout).toContain(
      "Hostname: 127.1.1.2\nUuid: b251206a-2470-495d-8289-797c94b9fc4c\nState: Peer Rejected (Connected)\n",
    );
    expect(run("peer status --xml", view).stdout).toContain("<state>6</state>\n      <stateStr>Peer Rejected</stateStr>");
  });
});

describe("entry lists", () => {
  it("are read once per output", () => {
    let reads = 0;
    const list = entryList([{ path: "/a", gfid: "00000000-0000-0000-0000-00000000000a", state: "pending" }]);
    const counted = { count: list.count, at: (i: number) => (reads++, list.at(i)) };
    const view = nodeView(LOOPBACK.healthy);
    view.volumes[0]!.bricks[0]!.entries = counted;
    run("volume heal vmstore info", view);
    expect(reads).toBe(1);
  });
});
