// `gluster volume info [all|VOL] [--xml]` and `gluster volume list [--xml]`
// (cli-rpc-ops.c gf_cli_get_volume_cbk / gf_cli_list_volume_cbk, cli-xml-output.c cli_xml_output_vol_info).

import { cliOutput, opResult } from "./cli-xml.js";
import { commandUsage } from "./messages.js";
import { commandResult, lines } from "./result.js";
import type { GlusterCommandResult, GlusterNodeView, VolumeView } from "./view.js";
import { brickName, findVolume, volumesInGlusterdOrder } from "./volumes.js";
import { element, mixedElement, textElement, xmlDocument, type XmlElement } from "./xml.js";

const INFO_PATTERN = "volume info [all|<VOLNAME>]";
/** glusterd-errno.h EG_NOVOL, with glusterd_get_volumes' fixed message. */
const NO_SUCH_VOLUME = { errno: 30806, message: "Volume does not exist" };

/** cli_vol_status_str, indexed by glusterd's volume status. */
const STATUS_CODES: Record<VolumeView["status"], number> = { Created: 0, Started: 1, Stopped: 2 };
/** libglusterfs vol_type_str: GF_CLUSTER_TYPE_REPLICATE, and get_vol_type's distributed variant. */
const REPLICATE = { code: 2, name: "Replicate" };
const DISTRIBUTED_REPLICATE = { code: 7, name: "Distributed-Replicate" };

interface VolumeFacts {
  subvolumes: number;
  arbiterCount: number;
  type: { code: number; name: string };
  bricks: Array<{ name: string; uuid: string; isArbiter: boolean }>;
}

function volumeFacts(volume: VolumeView): VolumeFacts {
  const arbiterCount = volume.arbiterCount ?? 0;
  const subvolumes = Math.floor(volume.bricks.length / volume.replicaCount);
  return {
    subvolumes,
    arbiterCount,
    type: subvolumes > 1 ? DISTRIBUTED_REPLICATE : REPLICATE,
    // glusterd_add_arbiter_info_to_bricks: with one arbiter per set, every replica_count-th brick.
    bricks: volume.bricks.map((brick, index) => ({
      name: brickName(brick),
      uuid: brick.peerUuid,
      isArbiter: arbiterCount === 1 && volume.replicaCount > 1 && (index + 1) % volume.replicaCount === 0,
    })),
  };
}

export function volumeInfo(view: GlusterNodeView, words: readonly string[], xml: boolean): GlusterCommandResult {
  const wantsAll = words.length === 2 || (words.length === 3 && words[2] === "all");
  if (!wantsAll && words.length !== 3) return commandResult({ stderr: commandUsage(INFO_PATTERN), exitCode: 1 });

  if (wantsAll) {
    const volumes = volumesInGlusterdOrder(view);
    if (xml) return commandResult({ stdout: () => volumeInfoXml(volumes, opResult(0, 0)), exitCode: 0 });
    if (volumes.length === 0) return commandResult({ stderr: "No volumes present\n", exitCode: 0 });
    return commandResult({ stdout: () => volumes.flatMap(volumeInfoText), exitCode: 0 });
  }

  const name = words[2]!;
  const volume = findVolume(view, name);
  if (!volume) {
    if (xml)
      return commandResult({ stdout: () => volumeInfoXml([], opResult(-1, NO_SUCH_VOLUME.errno, NO_SUCH_VOLUME.message)), exitCode: 0 });
    return commandResult({ stderr: `Volume ${name} does not exist\n`, exitCode: 1 });
  }
  if (xml) return commandResult({ stdout: () => volumeInfoXml([volume], opResult(0, 0)), exitCode: 0 });
  return commandResult({ stdout: () => volumeInfoText(volume), exitCode: 0 });
}

function volumeInfoText(volume: VolumeView): string[] {
  const facts = volumeFacts(volume);
  // gf_cli_print_number_of_bricks: subvolumes x bricks per subvolume (data + arbiter) = bricks.
  const perSubvolume = volume.replicaCount;
  const shape =
    facts.arbiterCount === 0
      ? `${facts.subvolumes} x ${perSubvolume} = ${volume.bricks.length}`
      : `${facts.subvolumes} x (${perSubvolume - facts.arbiterCount} + ${facts.arbiterCount}) = ${volume.bricks.length}`;
  return [
    ...lines(
      " ",
      `Volume Name: ${volume.name}`,
      `Type: ${facts.type.name}`,
      `Volume ID: ${volume.id}`,
      `Status: ${volume.status}`,
      "Snapshot Count: 0",
      `Number of Bricks: ${shape}`,
      "Transport-type: tcp",
      "Bricks:",
      ...facts.bricks.map((brick, index) => `Brick${index + 1}: ${brick.name}${brick.isArbiter ? " (arbiter)" : ""}`),
    ),
    // gf_cli_get_volume_cbk stops before the heading when no option is reconfigured.
    ...(volume.options.length > 0 ? lines("Options Reconfigured:", ...volume.options.map(([key, value]) => `${key}: ${value}`)) : []),
  ];
}

function volumeInfoXml(volumes: readonly VolumeView[], result: XmlElement[]): Generator<string> {
  return xmlDocument(
    cliOutput([...result, element("volInfo", [element("volumes", [...volumes.map(volumeXml), textElement("count", volumes.length)])])]),
  );
}

function volumeXml(volume: VolumeView): XmlElement {
  const facts = volumeFacts(volume);
  return element("volume", [
    textElement("name", volume.name),
    textElement("id", volume.id),
    textElement("status", STATUS_CODES[volume.status]),
    textElement("statusStr", volume.status),
    textElement("snapshotCount", 0),
    textElement("brickCount", volume.bricks.length),
    textElement("distCount", facts.subvolumes),
    textElement("replicaCount", volume.replicaCount),
    textElement("arbiterCount", facts.arbiterCount),
    textElement("disperseCount", 0),
    textElement("redundancyCount", 0),
    textElement("type", facts.type.code),
    textElement("typeStr", facts.type.name),
    textElement("transport", 0),
    element(
      "bricks",
      // cli_xml_output_vol_info writes the brick name as text before the child elements.
      facts.bricks.map((brick) =>
        mixedElement(
          "brick",
          [
            brick.name,
            textElement("name", brick.name),
            textElement("hostUuid", brick.uuid),
            textElement("isArbiter", brick.isArbiter ? 1 : 0),
          ],
          [["uuid", brick.uuid]],
        ),
      ),
    ),
    textElement("optCount", volume.options.length),
    element(
      "options",
      volume.options.map(([key, value]) => element("option", [textElement("name", key), textElement("value", value)])),
    ),
  ]);
}

/** cli_cmd_volume_list_cbk ignores any word after `list`. */
export function volumeList(view: GlusterNodeView, xml: boolean): GlusterCommandResult {
  const names = volumesInGlusterdOrder(view).map((volume) => volume.name);
  if (xml) {
    const volList = element("volList", [textElement("count", names.length), ...names.map((name) => textElement("volume", name))]);
    return commandResult({ stdout: () => xmlDocument(cliOutput([...opResult(0, 0), volList])), exitCode: 0 });
  }
  if (names.length === 0) return commandResult({ stderr: "No volumes present in cluster\n", exitCode: 0 });
  return commandResult({ stdout: () => lines(...names), exitCode: 0 });
}
