import { describe, expect, it } from "vitest";
import { parseVolumeInfoText, parseVolumeInfoXml } from "../../../src/gluster/index.js";
import { readLoopbackRun } from "./captures.js";
import { error, value } from "./parsed.js";

const VOL_INFO = readLoopbackRun("loopback/vol_info.txt").stdout;
const ARB_INFO = readLoopbackRun("loopback/arb_info.txt").stdout;

const VMSTORE = {
  name: "vmstore",
  type: "Replicate",
  status: "Started",
  bricks: [1, 2, 3].map((n) => ({
    name: `127.1.1.${n}:/data/gl/${n}/bricks/vmstore`,
    host: `127.1.1.${n}`,
    path: `/data/gl/${n}/bricks/vmstore`,
    arbiter: false,
  })),
  options: {
    "cluster.granular-entry-heal": "on",
    "storage.fips-mode-rchecksum": "on",
    "transport.address-family": "inet",
    "nfs.disable": "on",
    "performance.client-io-threads": "off",
  },
};

/**
 * No `volume info --xml` was captured. This is vol_info.txt's volume written the way glusterfs v10.3 writes it
 * (cli-xml-output.c cli_xml_output_vol_info*, element for element; libxml2 does not indent inside <brick>,
 * whose text and children are mixed). Options come in dict order, not the text's.
 */
const VMSTORE_XML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cliOutput>
  <opRet>0</opRet>
  <opErrno>0</opErrno>
  <opErrstr/>
  <volInfo>
    <volumes>
      <volume>
        <name>vmstore</name>
        <id>3dc84784-7f9c-4d1e-a34c-6cc486276bf1</id>
        <status>1</status>
        <statusStr>Started</statusStr>
        <snapshotCount>0</snapshotCount>
        <brickCount>3</brickCount>
        <distCount>1</distCount>
        <replicaCount>3</replicaCount>
        <arbiterCount>0</arbiterCount>
        <disperseCount>0</disperseCount>
        <redundancyCount>0</redundancyCount>
        <type>2</type>
        <typeStr>Replicate</typeStr>
        <transport>0</transport>
        <bricks>
          <brick uuid="910e85d5-5cec-4f32-ba92-c3fdfd9f363d">127.1.1.1:/data/gl/1/bricks/vmstore<name>127.1.1.1:/data/gl/1/bricks/vmstore</name><hostUuid>910e85d5-5cec-4f32-ba92-c3fdfd9f363d</hostUuid><isArbiter>0</isArbiter></brick>
          <brick uuid="b251206a-2470-495d-8289-797c94b9fc4c">127.1.1.2:/data/gl/2/bricks/vmstore<name>127.1.1.2:/data/gl/2/bricks/vmstore</name><hostUuid>b251206a-2470-495d-8289-797c94b9fc4c</hostUuid><isArbiter>0</isArbiter></brick>
          <brick uuid="21eaeb9d-50d3-46b5-be00-9b4c461fb109">127.1.1.3:/data/gl/3/bricks/vmstore<name>127.1.1.3:/data/gl/3/bricks/vmstore</name><hostUuid>21eaeb9d-50d3-46b5-be00-9b4c461fb109</hostUuid><isArbiter>0</isArbiter></brick>
        </bricks>
        <optCount>5</optCount>
        <options>
          <option>
            <name>performance.client-io-threads</name>
            <value>off</value>
          </option>
          <option>
            <name>nfs.disable</name>
            <value>on</value>
          </option>
          <option>
            <name>transport.address-family</name>
            <value>inet</value>
          </option>
          <option>
            <name>storage.fips-mode-rchecksum</name>
            <value>on</value>
          </option>
          <option>
            <name>cluster.granular-entry-heal</name>
            <value>on</value>
          </option>
        </options>
      </volume>
      <count>1</count>
    </volumes>
  </volInfo>
</cliOutput>
`;

describe("volume info (text)", () => {
  it("replica 3: three bricks, and the options set on the volume", () => {
    expect(value(parseVolumeInfoText(VOL_INFO))).toEqual([VMSTORE]);
  });

  it("replica 3 arbiter 1: the third brick is the arbiter", () => {
    const [vmshard] = value(parseVolumeInfoText(ARB_INFO));
    expect(vmshard?.bricks.map((brick) => [brick.host, brick.arbiter])).toEqual([
      ["127.1.1.1", false],
      ["127.1.1.2", false],
      ["127.1.1.3", true],
    ]);
    expect(vmshard?.bricks[2]?.path).toBe("/data/gl/3/bricks/vmshard");
    expect(vmshard?.options).toMatchObject({ "features.shard": "on", "cluster.quorum-type": "auto", "network.ping-timeout": "20" });
  });

  it("several volumes, one after the other", () => {
    expect(value(parseVolumeInfoText(VOL_INFO + ARB_INFO)).map((volume) => volume.name)).toEqual(["vmstore", "vmshard"]);
  });

  it.each([
    [
      "a brick list cut short",
      VOL_INFO.slice(0, VOL_INFO.indexOf("Brick3:")),
      "volume info vmstore: gluster announced 3 bricks but listed 2: output truncated",
    ],
    [
      "output cut before the bricks",
      VOL_INFO.slice(0, VOL_INFO.indexOf("\nBricks:") + 1),
      'volume info: output ends before "Bricks:": output truncated',
    ],
    [
      "output cut in the middle of a line",
      VOL_INFO.slice(0, VOL_INFO.indexOf("Bricks:")),
      'volume info: the output stops in the middle of a line ("Number of "): output truncated',
    ],
    ["nothing", "", "volume info printed nothing"],
    [
      "an error",
      "Volume nosuchvol does not exist\n",
      'volume nosuchvol does not exist (gluster printed "Volume nosuchvol does not exist")',
    ],
    ["an unknown header line", VOL_INFO.replace("Snapshot Count: 0", "Hot Tier: yes"), 'volume info: unexpected line "Hot Tier: yes"'],
  ])("%s is an error", (_case, text, message) => {
    expect(error(parseVolumeInfoText(text))).toBe(message);
  });
});

describe("volume info --xml", () => {
  it("reads the same volume as the text form", () => {
    expect(value(parseVolumeInfoXml(VMSTORE_XML))).toEqual(value(parseVolumeInfoText(VOL_INFO)));
  });

  it("marks an arbiter brick", () => {
    const xml = VMSTORE_XML.replace(
      /<isArbiter>0<\/isArbiter><\/brick>\n {8}<\/bricks>/,
      "<isArbiter>1</isArbiter></brick>\n        </bricks>",
    );
    expect(value(parseVolumeInfoXml(xml))[0]?.bricks.map((brick) => brick.arbiter)).toEqual([false, false, true]);
  });

  it.each([
    [
      "a brick missing from the list",
      VMSTORE_XML.replace(/ {10}<brick uuid="b251206a[^\n]*\n/, ""),
      "volume info --xml vmstore: <brickCount> is 3 but 2 bricks are listed",
    ],
    [
      "an error envelope",
      VMSTORE_XML.replace("<opRet>0</opRet>", "<opRet>-1</opRet>").replace(
        "<opErrstr/>",
        "<opErrstr>Volume vmstore does not exist</opErrstr>",
      ),
      'volume vmstore does not exist (gluster printed "Volume vmstore does not exist")',
    ],
    [
      "a volume count that disagrees",
      VMSTORE_XML.replace("<count>1</count>", "<count>2</count>"),
      "volume info --xml: <count> is 2 but 1 volumes are listed",
    ],
    ["a document cut in half", VMSTORE_XML.slice(0, VMSTORE_XML.length / 2), expect.stringMatching(/^volume info --xml: malformed XML: /)],
  ])("%s is an error", (_case, xml, message) => {
    expect(error(parseVolumeInfoXml(xml))).toEqual(message);
  });
});
