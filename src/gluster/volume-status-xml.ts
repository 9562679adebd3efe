// `gluster volume status VOL --xml` (glusterfs v10.3 cli-xml-output.c, cli_xml_output_vol_status*).
import { parseFlag, parseOptionalNumber } from "./fields.js";
import { fail, parsing } from "./output-error.js";
import type { Parsed, VolumeStatus } from "./types.js";
import { statusNodeKind } from "./volume-status-nodes.js";
import { childrenNamed, readCliOutput, rejectUnknownChildren, requiredChild, requiredText, type XmlElement } from "./xml-tree.js";

const COMMAND = "volume status --xml";
const NODE_ELEMENTS = ["hostname", "path", "peerid", "status", "port", "ports", "pid"] as const;

function readNumberOrNA(node: XmlElement, name: string, where: string): number | null {
  const text = requiredText(node, name, where);
  return parseOptionalNumber(text, `<${name}>${text}</${name}>`, where);
}

function addNode(node: XmlElement, into: VolumeStatus): void {
  const where = `${COMMAND} ${into.volume}: <node>`;
  rejectUnknownChildren(node, NODE_ELEMENTS, where);
  const hostname = requiredText(node, "hostname", where);
  const path = requiredText(node, "path", where);
  const status = requiredText(node, "status", where);
  const process = {
    peerId: requiredText(node, "peerid", where),
    online: parseFlag(status, `<status>${status}</status>`, `${where} ${hostname} ${path}`),
    pid: readNumberOrNA(node, "pid", where),
  };
  switch (statusNodeKind(hostname)) {
    case "self-heal-daemon":
      // For a daemon, <path> holds the host it runs on: `localhost` or the peer's name.
      into.selfHealDaemons.push({ host: path, ...process });
      return;
    case "brick":
      into.bricks.push({
        name: `${hostname}:${path}`,
        host: hostname,
        path,
        port: readNumberOrNA(node, "port", where),
        ...process,
      });
      return;
    case "other-daemon":
      return;
  }
}

/**
 * Errors come back with exit status 0 and `<opRet>-1</opRet>`. The bricks and self-heal daemon of a node whose
 * glusterd is unreachable are simply absent: compare against the brick list of `volume info`.
 */
export function parseVolumeStatusXml(xml: string): Parsed<VolumeStatus> {
  return parsing(() => {
    const root = readCliOutput(xml, COMMAND);
    rejectUnknownChildren(root, ["opRet", "opErrno", "opErrstr", "volStatus"], COMMAND);
    const volumesElement = requiredChild(requiredChild(root, "volStatus", COMMAND), "volumes", COMMAND);
    rejectUnknownChildren(volumesElement, ["volume"], COMMAND);
    const volumes = childrenNamed(volumesElement, "volume");
    const volume = volumes.length === 1 ? volumes[0] : undefined;
    if (volume === undefined) fail(`${COMMAND}: expected one volume, gluster reported ${volumes.length}`);
    rejectUnknownChildren(volume, ["volName", "nodeCount", "node", "tasks"], COMMAND);
    const name = requiredText(volume, "volName", COMMAND);
    const status: VolumeStatus = { volume: name, bricks: [], selfHealDaemons: [] };
    for (const node of childrenNamed(volume, "node")) addNode(node, status);
    return status;
  });
}
