// `gluster volume status [all|VOL [shd]] [--xml]` (cli-rpc-ops.c gf_cli_status_cbk,
// cli-cmd-volume.c cli_print_brick_status, cli-xml-output.c cli_xml_output_vol_status).

import { cliOutput, opResult } from "./cli-xml.js";
import { anotherTransaction, commandUsage, REQUEST_TIMED_OUT } from "./messages.js";
import { commandResult, lines, notEmulated } from "./result.js";
import type { GlusterCommandResult, GlusterNodeView, VolumeView } from "./view.js";
import { NAME_WIDTH, processRows, rowText, rowXml, type ProcessRow } from "./status-rows.js";
import { findVolume, isStarted, volumesInGlusterdOrder } from "./volumes.js";
import { element, textElement, xmlDocument, type XmlElement } from "./xml.js";

const STATUS_PATTERN = "volume status [all | <VOLNAME> [nfs|shd|<BRICK>|quotad]] [detail|clients|mem|inode|fd|callpool|tasks|client-list]";
const STATUS_OPS = ["detail", "clients", "mem", "inode", "fd", "callpool", "tasks", "client-list"];
/** cli.h CLI_BRICK_STATUS_LINE_LEN. */
const RULE = "-".repeat(78);
/** glusterd-errno.h EG_INTRNL: what a failed status transaction reports. */
const STATUS_ERRNO = 30800;
/** glusterd-errno.h EG_ANOTRANS: the volume lock is held by another transaction. */
const ANOTHER_TRANSACTION_ERRNO = 30802;
/** libglusterfs common-utils.h GF_LOCK_TIMER: a lock whose transaction never ends is dropped after 180 s. */
const LOCK_TIMER_SECONDS = 180;

type StatusScope = { kind: "volume"; name: string; shdOnly: boolean } | { kind: "all" };

export function volumeStatus(view: GlusterNodeView, words: readonly string[], xml: boolean, timeoutSeconds = 120): GlusterCommandResult {
  const scope = parseScope(words);
  if ("exitCode" in scope) return scope;
  if (scope.kind === "all") return allVolumesStatus(view, xml);

  const volume = findVolume(view, scope.name);
  // gd_sync_task_begin takes the volume's lock on every peer before staging anything.
  if (volume?.lockedByAnotherCommand) {
    const message = anotherTransaction(scope.name);
    if (xml) return commandResult({ stdout: () => statusErrorXml(message, ANOTHER_TRANSACTION_ERRNO), exitCode: 0 });
    return commandResult({ stderr: `${message}\n`, exitCode: 1 });
  }
  if (volume && isStarted(volume) && volume.statusHangs) return timedOut(scope.name, timeoutSeconds);
  if (!volume || !isStarted(volume)) {
    const message = volume ? `Volume ${scope.name} is not started` : `Volume ${scope.name} does not exist`;
    // gf_cli_status_cbk: in XML the failure is a document on stdout and the command succeeds.
    if (xml) return commandResult({ stdout: () => statusErrorXml(message), exitCode: 0 });
    return commandResult({ stderr: `${message}\n`, exitCode: 1 });
  }
  const rows = processRows(view, volume, scope.shdOnly);
  if (xml) {
    return commandResult({ stdout: () => statusXml([volumeStatusXml(volume, rows, !scope.shdOnly)]), exitCode: 0 });
  }
  return commandResult({ stdout: () => volumeStatusText(volume, rows, !scope.shdOnly), exitCode: 0 });
}

/** cli_cmd_volume_status_parse, for the forms the lab answers. */
function parseScope(words: readonly string[]): StatusScope | GlusterCommandResult {
  const target = words[2];
  const op = words[3];
  if (words.length === 2 || (words.length === 3 && target === "all")) return { kind: "all" };
  if (words.length === 3) return { kind: "volume", name: target!, shdOnly: false };
  if (words.length === 4 && target === "all" && !STATUS_OPS.includes(op!)) {
    return commandResult({ stderr: `${op} is not a valid status option\n${commandUsage(STATUS_PATTERN)}`, exitCode: 1 });
  }
  if (words.length === 4 && op === "shd") return { kind: "volume", name: target!, shdOnly: true };
  if (words.length === 4 || words.length === 5) return notEmulated(words);
  return commandResult({ stderr: commandUsage(STATUS_PATTERN), exitCode: 1 });
}

function* volumeStatusText(volume: VolumeView, rows: readonly ProcessRow[], withTasks: boolean): Generator<string> {
  yield* lines(`Status of volume: ${volume.name}`, `${"Gluster process".padEnd(NAME_WIDTH)} TCP Port  RDMA Port  Online  Pid`, RULE);
  for (const row of rows) yield* rowText(row);
  yield* lines(" ");
  if (withTasks) yield* lines(`Task Status of Volume ${volume.name}`, RULE, "There are no active volume tasks", " ");
}

function volumeStatusXml(volume: VolumeView, rows: readonly ProcessRow[], withTasks: boolean): XmlElement {
  return element("volume", [
    textElement("volName", volume.name),
    textElement("nodeCount", rows.length),
    ...rows.map(rowXml),
    ...(withTasks ? [element("tasks", [])] : []),
  ]);
}

function statusXml(volumes: readonly XmlElement[]): Generator<string> {
  return xmlDocument(cliOutput([...opResult(0, 0), element("volStatus", [element("volumes", volumes)])]));
}

/** cli_xml_output_str("volStatus", …). */
function statusErrorXml(message: string, errno = STATUS_ERRNO): Generator<string> {
  return xmlDocument(cliOutput([...opResult(-1, errno, message), textElement("cliOp", "volStatus"), textElement("output", message)]));
}

/**
 * A peer never answers the status transaction: the CLI stops waiting after its timeout and prints
 * the error as plain text on stdout, --xml or not; cli_op_ret -1 makes the exit status 1 (input.c
 * exit(-ret)). glusterd still holds the volume lock until the lock timer drops it, 180 s or, after
 * `--timeout=N`, N + 120 s (glusterd-syncop.c, mgmt_v3_lock_timeout).
 */
function timedOut(volume: string, timeoutSeconds: number): GlusterCommandResult {
  const lockSeconds = timeoutSeconds === 120 ? LOCK_TIMER_SECONDS : timeoutSeconds + 120;
  return commandResult({
    stdout: () => lines(REQUEST_TIMED_OUT),
    exitCode: 1,
    delayMs: timeoutSeconds * 1000,
    effect: { kind: "volume-lock", volume, forMs: lockSeconds * 1000 },
  });
}

/**
 * gf_cli_status_volume_all: one status per volume; a volume that is not started prints its error on
 * stderr and a lone space on stdout (and is left out of the XML), without failing the command.
 */
function allVolumesStatus(view: GlusterNodeView, xml: boolean): GlusterCommandResult {
  const volumes = volumesInGlusterdOrder(view);
  const started = volumes.filter(isStarted);
  if (xml) {
    return commandResult({
      stdout: () => statusXml(started.map((v) => volumeStatusXml(v, processRows(view, v, false), true))),
      exitCode: 0,
    });
  }
  if (volumes.length === 0) return commandResult({ stderr: "No volumes present\n", exitCode: 0 });
  const stderr = volumes
    .filter((volume) => !isStarted(volume))
    .map((volume) => `Volume ${volume.name} is not started\n`)
    .join("");
  return commandResult({
    stdout: function* () {
      for (const volume of volumes) {
        if (isStarted(volume)) yield* volumeStatusText(volume, processRows(view, volume, false), true);
        else yield* lines(" ");
      }
    },
    stderr,
    exitCode: 0,
  });
}
