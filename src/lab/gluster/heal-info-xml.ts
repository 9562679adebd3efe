// `--xml` output of `gluster volume heal VOL info [summary|split-brain]` (glfs-heal.c glfsh_xml_output:
// glfsh_print_xml_brick_from_xl, glfsh_print_xml_file_status, glfsh_print_xml_heal_op_status / _summary).

import { cliOutput, opResult } from "./cli-xml.js";
import type { HealInfoMode } from "./heal-command.js";
import { eachEntry, NOT_CONNECTED, walkBricks, type BrickWalk, type HealTally } from "./heal-info-walk.js";
import type { VolumeView } from "./view.js";
import { element, textElement, xmlDocument, type XmlElement } from "./xml.js";

export function healInfoXml(volume: VolumeView, mode: HealInfoMode): Generator<string> {
  return healInfoDocument(bricksXml(volume, mode), opResult(0, 0));
}

/** glfsh_xml_end after a failure: no bricks, the error in `<opErrstr>`. */
export function healInfoErrorXml(errno: number, message: string): Generator<string> {
  return healInfoDocument([], opResult(-1, errno, message));
}

function healInfoDocument(bricks: Iterable<XmlElement>, result: XmlElement[]): Generator<string> {
  return xmlDocument(cliOutput([element("healInfo", [element("bricks", bricks)]), ...result]));
}

function* bricksXml(volume: VolumeView, mode: HealInfoMode): Generator<XmlElement> {
  for (const walk of walkBricks(volume, mode)) yield element("brick", brickContent(walk, mode), [["hostUuid", walk.hostUuid]]);
}

/** name, the listed files (without their state: XML cannot tell split-brain from healing), then the counts. */
function* brickContent(walk: BrickWalk, mode: HealInfoMode): Generator<XmlElement> {
  yield textElement("name", walk.name);
  const tally = yield* eachEntry(walk, (entry) => textElement("file", entry.path, [["gfid", entry.gfid]]));
  yield* mode === "summary" ? summaryElements(walk.connected ? tally : undefined) : countElements(walk.connected ? tally : undefined);
}

function countElements(tally: HealTally | undefined): XmlElement[] {
  if (!tally) return [textElement("status", NOT_CONNECTED), textElement("numberOfEntries", "-")];
  return [textElement("status", "Connected"), textElement("numberOfEntries", tally.listed)];
}

function summaryElements(tally: HealTally | undefined): XmlElement[] {
  // glfsh_print_xml_heal_op_summary tests the counts pointer (never NULL) instead of the count, so an
  // unreachable brick falls through to the "failed" branch and its counts run into the status text.
  if (!tally) return [textElement("status", `Failed to process entries completely. (${NOT_CONNECTED})totalNumberOfEntries0`)];
  return [
    textElement("status", "Connected"),
    textElement("totalNumberOfEntries", tally.total),
    textElement("numberOfEntriesInHealPending", tally.pending),
    textElement("numberOfEntriesInSplitBrain", tally.splitBrain),
    textElement("numberOfEntriesPossiblyHealing", tally.possiblyHealing),
  ];
}
