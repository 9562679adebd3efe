import { describe, expect, it } from "vitest";
import { checkGlusterInvocation, parseVolumeStatusText, parseVolumeStatusXml, type VolumeStatus } from "../../../src/gluster/index.js";
import { readGlusterFixture } from "../../helpers/fixtures.js";
import { readLoopbackRun } from "./captures.js";
import { error, value } from "./parsed.js";

const brick = (host: string) => ({ name: `${host}:/srv/gluster/labvol/brick`, host, path: "/srv/gluster/labvol/brick" });
const NODE1 = "a495121b-9fbd-4b9a-83f9-c78a56507751";
const NODE2 = "3df94155-c3c6-4c88-93cb-428187f1e17d";

describe("volume status --xml", () => {
  it("node3 down: only node1's and node2's bricks and self-heal daemons are listed", () => {
    const status = value(parseVolumeStatusXml(readGlusterFixture("2-node3-down/node1.volume-status.xml")));
    expect(status).toEqual({
      volume: "labvol",
      bricks: [
        { ...brick("node1"), peerId: NODE1, online: true, pid: 16426, port: 60370 },
        { ...brick("node2"), peerId: NODE2, online: true, pid: 16455, port: 56863 },
      ],
      selfHealDaemons: [
        { host: "localhost", peerId: NODE1, online: true, pid: 16443 },
        { host: "node2", peerId: NODE2, online: true, pid: 16487 },
      ],
    });
  });

  it("a volume that is not started: opRet -1 with exit status 0 is an error", () => {
    const { stdout, exitCode } = readLoopbackRun("loopback/stopped_status_xml.txt");
    expect(exitCode).toBe(0);
    const message = 'volume sbvol is not started (gluster printed "Volume sbvol is not started")';
    expect(error(parseVolumeStatusXml(stdout))).toBe(message);
    expect(checkGlusterInvocation(readLoopbackRun("loopback/stopped_status_xml.txt"))).toEqual({ ok: false, error: message });
  });

  it("glusterd down: the plain-text answer to --xml is explained", () => {
    expect(error(parseVolumeStatusXml("Connection failed. Please check if gluster daemon is operational.\n"))).toBe(
      'glusterd on this node is not running (gluster printed "Connection failed. Please check if gluster daemon is operational.")',
    );
  });

  it("a document cut in half is an error", () => {
    const xml = readGlusterFixture("1-healthy/node1.volume-status.xml");
    expect(error(parseVolumeStatusXml(xml.slice(0, xml.length / 2)))).toMatch(/^volume status --xml: malformed XML: /);
  });

  it("an element gluster does not write in plain status (here from `detail`) is an error", () => {
    const xml = readGlusterFixture("1-healthy/node1.volume-status.xml").replace(
      "<pid>16426</pid>",
      "<pid>16426</pid>\n          <sizeTotal>270549987328</sizeTotal>",
    );
    expect(error(parseVolumeStatusXml(xml))).toBe("volume status --xml labvol: <node>: unexpected element <sizeTotal> in <node>");
  });

  it("daemons other than self-heal are neither bricks nor self-heal daemons", () => {
    const xml = readGlusterFixture("1-healthy/node1.volume-status.xml").replace(
      "        <tasks/>",
      "        <node>\n          <hostname>NFS Server</hostname>\n          <path>localhost</path>\n" +
        `          <peerid>${NODE1}</peerid>\n          <status>1</status>\n          <port>2049</port>\n` +
        "          <ports>\n            <tcp>2049</tcp>\n            <rdma>N/A</rdma>\n          </ports>\n" +
        "          <pid>999</pid>\n        </node>\n        <tasks/>",
    );
    const status = value(parseVolumeStatusXml(xml));
    expect(status.bricks.map((brick) => brick.host)).toEqual(["node1", "node2", "node3"]);
    expect(status.selfHealDaemons).toHaveLength(3);
  });

  it("a brick that is down has no pid or port, not 0", () => {
    const xml = readGlusterFixture("1-healthy/node1.volume-status.xml").replace(
      /<status>1<\/status>\n {10}<port>60370<\/port>\n {10}<ports>\n {12}<tcp>60370<\/tcp>([\s\S]*?)<pid>16426<\/pid>/,
      "<status>0</status>\n          <port>N/A</port>\n          <ports>\n            <tcp>N/A</tcp>$1<pid>-1</pid>",
    );
    expect(value(parseVolumeStatusXml(xml)).bricks[0]).toMatchObject({ online: false, pid: null, port: null });
  });
});

/** A `volume status` row laid out as cli_print_brick_status does, long names cut into 43-character lines. */
function statusRow(name: string, port: string, rdma: string, online: string, pid: string): string {
  let rest = name;
  let row = "";
  for (; rest.length > 43; rest = rest.slice(43)) row += `${rest.slice(0, 43)}\n`;
  return `${row}${rest.padEnd(44)}${port.padEnd(10)}${rdma.padEnd(11)}${online.padEnd(8)}${pid.padEnd(5)}\n`;
}

const TEXT_HEADER =
  "Status of volume: vmstore\n" + "Gluster process                             TCP Port  RDMA Port  Online  Pid\n" + `${"-".repeat(78)}\n`;
const TEXT_TASKS = ` \nTask Status of Volume vmstore\n${"-".repeat(78)}\nThere are no active volume tasks\n \n`;

describe("volume status (text)", () => {
  it("one brick process killed: its row reads N, with no pid or port", () => {
    const status = value(parseVolumeStatusText(readLoopbackRun("loopback/brickdown_status.txt").stdout));
    expect(status.bricks.map((brick) => [brick.name, brick.online, brick.pid, brick.port])).toEqual([
      ["127.1.1.1:/data/gl/1/bricks/vmstore", true, 9060, 55026],
      ["127.1.1.2:/data/gl/2/bricks/vmstore", false, null, null],
      ["127.1.1.3:/data/gl/3/bricks/vmstore", true, 11553, 59384],
    ]);
    expect(status.selfHealDaemons).toEqual([
      { host: "localhost", peerId: null, online: true, pid: 9077 },
      { host: "127.1.1.2", peerId: null, online: true, pid: 11521 },
      { host: "127.1.1.3", peerId: null, online: true, pid: 11578 },
    ]);
  });

  it.each([
    ["1-healthy/node1.volume-status.xml", "1-healthy/node1.extra.volume-status.txt"],
    ["2-node3-down/node1.volume-status.xml", "2-node3-down/node1.extra.volume-status.txt"],
    ["3-node3-back/node3.volume-status.xml", "3-node3-back/node3.extra.volume-status.txt"],
    ["peers-by-ip/4-healed/node1.volume-status.xml", "peers-by-ip/4-healed/node1.extra.volume-status.txt"],
  ])("agrees with the XML taken a moment before (%s)", (xmlFile, textFile) => {
    const withoutPeerIds = (status: VolumeStatus) => ({
      bricks: status.bricks.map(({ peerId: _peerId, ...brick }) => brick),
      selfHealDaemons: status.selfHealDaemons.map(({ peerId: _peerId, ...daemon }) => daemon).sort((a, b) => a.host.localeCompare(b.host)),
    });
    const fromXml = value(parseVolumeStatusXml(readGlusterFixture(xmlFile)));
    const fromText = value(parseVolumeStatusText(readGlusterFixture(textFile)));
    expect(withoutPeerIds(fromText)).toEqual(withoutPeerIds(fromXml));
  });

  it("the row layout used below reproduces gluster's rows", () => {
    expect(statusRow("Brick node1:/srv/gluster/labvol/brick", "60370", "0", "Y", "16426")).toBe(
      "Brick node1:/srv/gluster/labvol/brick       60370     0          Y       16426\n",
    );
  });

  it("reads a brick name too long for its column, which gluster wraps", () => {
    const name = "Brick 10.70.47.68:/var/lib/heketi/mounts/vg_7fcd66fcfe10407a2c16f4283cf8611d/brick_30a2dd4d/brick";
    const text = TEXT_HEADER + statusRow(name, "49152", "0", "Y", "1234") + TEXT_TASKS;
    expect(value(parseVolumeStatusText(text)).bricks).toEqual([
      {
        name: name.slice("Brick ".length),
        host: "10.70.47.68",
        path: "/var/lib/heketi/mounts/vg_7fcd66fcfe10407a2c16f4283cf8611d/brick_30a2dd4d/brick",
        peerId: null,
        online: true,
        pid: 1234,
        port: 49152,
      },
    ]);
  });

  it("leaves out daemons other than self-heal", () => {
    const text = TEXT_HEADER + statusRow("NFS Server on localhost", "2049", "0", "Y", "999") + TEXT_TASKS;
    expect(value(parseVolumeStatusText(text))).toEqual({ volume: "vmstore", bricks: [], selfHealDaemons: [] });
  });

  it.each([
    [
      "a table without its end: output truncated",
      TEXT_HEADER + statusRow("Brick node1:/srv/b", "60370", "0", "Y", "16426"),
      "volume status vmstore: the process table has no end: output truncated",
    ],
    [
      "a row cut short",
      `${TEXT_HEADER}Brick node1:/srv/b      60370     0     \n${TEXT_TASKS}`,
      'volume status vmstore: unexpected line "Brick node1:/srv/b      60370     0     "',
    ],
    [
      "`volume status detail`, a layout this parser does not read",
      readLoopbackRun("loopback/status_detail.txt").stdout,
      `volume status vmstore: expected "Gluster process…", gluster printed "${"-".repeat(78)}"`,
    ],
    [
      "several volumes",
      TEXT_HEADER + TEXT_TASKS + TEXT_HEADER + TEXT_TASKS,
      "volume status: expected one volume, gluster reported several",
    ],
    ["nothing", "", "volume status printed nothing"],
    [
      "an error on stdout",
      "Volume nosuchvol does not exist\n",
      'volume nosuchvol does not exist (gluster printed "Volume nosuchvol does not exist")',
    ],
  ])("%s is an error", (_case, text, message) => {
    expect(error(parseVolumeStatusText(text))).toBe(message);
  });
});
