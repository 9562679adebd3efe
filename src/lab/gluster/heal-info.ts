// `gluster volume heal VOL info [summary|split-brain] [--xml]`. The CLI runs glfsheal and copies its
// stdout (cli-cmd-volume.c cli_launch_glfs_heal); glfsheal exits with -errno when it cannot run at
// all, and only then does the text form add "Volume heal failed." (cli_cmd_volume_heal_cbk).

import type { HealInfoMode } from "./heal-command.js";
import { healInfoText } from "./heal-info-text.js";
import { healInfoErrorXml, healInfoXml } from "./heal-info-xml.js";
import { commandResult, lines } from "./result.js";
import type { GlusterCommandResult, GlusterNodeView, VolumeView } from "./view.js";
import { findVolume, isStarted } from "./volumes.js";

const ENOENT = 2;
const EIO = 5;

type GlfshealStart = { volume: VolumeView } | { errno: number; message: string };

export function healInfo(view: GlusterNodeView, volumeName: string, mode: HealInfoMode, xml: boolean): GlusterCommandResult {
  const start = startGlfsheal(view, volumeName);
  if ("volume" in start) {
    const { volume } = start;
    return commandResult({
      stdout: () => (xml ? healInfoXml(volume, mode) : healInfoText(volume, mode)),
      exitCode: 0,
      delayMs: volume.healInfoDelayMs ?? 0,
    });
  }
  const { errno, message } = start;
  const exitCode = 256 - errno;
  if (xml) return commandResult({ stdout: () => healInfoErrorXml(errno, message), exitCode });
  return commandResult({ stdout: () => lines(message, "Volume heal failed."), exitCode });
}

/** glfsheal main(): glfs_init fails before any brick is looked at. */
function startGlfsheal(view: GlusterNodeView, volumeName: string): GlfshealStart {
  const volume = findVolume(view, volumeName);
  if (!volume) return { errno: ENOENT, message: `Volume ${volumeName} does not exist` };
  // EIO both for a volume that is not started and for one whose bricks are all gone (observed on
  // 10.3, server-quorum loss included).
  if (!isStarted(volume) || volume.bricks.every((brick) => !brick.reachable)) {
    return { errno: EIO, message: `${volumeName}: Not able to fetch volfile from glusterd` };
  }
  return { volume };
}
