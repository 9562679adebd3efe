// `gluster volume info [VOL] --xml`. No capture of it exists in fixtures/; the element names and order are those of
// glusterfs v10.3 cli-xml-output.c (cli_xml_output_vol_info*), identical in 11.1. A brick element mixes text and
// children: `<brick uuid="…">HOST:PATH<name>HOST:PATH</name><hostUuid>…</hostUuid><isArbiter>0</isArbiter>`.
import { parseBrickName, parseFlag } from "./fields.js";
import { fail, parsing } from "./output-error.js";
import type { Parsed, VolumeInfo } from "./types.js";
import {
  childrenNamed,
  readCliOutput,
  rejectUnknownChildren,
  requiredChild,
  requiredInteger,
  requiredText,
  type XmlElement,
} from "./xml-tree.js";

const COMMAND = "volume info --xml";
const VOLUME_ELEMENTS = [
  "name",
  "id",
  "status",
  "statusStr",
  "snapshotCount",
  "brickCount",
  "distCount",
  "replicaCount",
  "arbiterCount",
  "disperseCount",
  "redundancyCount",
  "type",
  "typeStr",
  "transport",
  "bricks",
  "optCount",
  "options",
] as const;

/** The lists carry their own counts: a list shorter than its count was cut. */
function checkCount(container: XmlElement, countElement: string, listed: number, what: string, where: string): void {
  const announced = requiredInteger(container, countElement, where);
  if (listed !== announced) fail(`${where}: <${countElement}> is ${announced} but ${listed} ${what} are listed`);
}

function readBricks(volume: XmlElement, where: string): VolumeInfo["bricks"] {
  const list = requiredChild(volume, "bricks", where);
  rejectUnknownChildren(list, ["brick"], where);
  const bricks = childrenNamed(list, "brick").map((brick) => {
    rejectUnknownChildren(brick, ["name", "hostUuid", "isArbiter"], where);
    const isArbiter = requiredText(brick, "isArbiter", where);
    return {
      ...parseBrickName(requiredText(brick, "name", where), where),
      arbiter: parseFlag(isArbiter, `<isArbiter>${isArbiter}</isArbiter>`, where),
    };
  });
  checkCount(volume, "brickCount", bricks.length, "bricks", where);
  return bricks;
}

function readOptions(volume: XmlElement, where: string): Record<string, string> {
  const list = requiredChild(volume, "options", where);
  rejectUnknownChildren(list, ["option"], where);
  const options = childrenNamed(list, "option");
  checkCount(volume, "optCount", options.length, "options", where);
  return Object.fromEntries(
    options.map((option) => {
      rejectUnknownChildren(option, ["name", "value"], where);
      return [requiredText(option, "name", where), requiredText(option, "value", where)];
    }),
  );
}

function readVolume(volume: XmlElement): VolumeInfo {
  rejectUnknownChildren(volume, VOLUME_ELEMENTS, COMMAND);
  const name = requiredText(volume, "name", COMMAND);
  const where = `${COMMAND} ${name}`;
  return {
    name,
    type: requiredText(volume, "typeStr", where),
    status: requiredText(volume, "statusStr", where),
    bricks: readBricks(volume, where),
    options: readOptions(volume, where),
  };
}

export function parseVolumeInfoXml(xml: string): Parsed<VolumeInfo[]> {
  return parsing(() => {
    const root = readCliOutput(xml, COMMAND);
    rejectUnknownChildren(root, ["opRet", "opErrno", "opErrstr", "volInfo"], COMMAND);
    const list = requiredChild(requiredChild(root, "volInfo", COMMAND), "volumes", COMMAND);
    rejectUnknownChildren(list, ["volume", "count"], COMMAND);
    const volumes = childrenNamed(list, "volume").map(readVolume);
    checkCount(list, "count", volumes.length, "volumes", COMMAND);
    return volumes;
  });
}
