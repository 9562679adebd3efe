// `gluster volume heal VOL` and `gluster volume heal VOL statistics heal-count`: operations glusterd
// runs through the self-heal daemons (glusterd-volume-ops.c glusterd_op_stage_heal_volume, the
// syncop brick op, cli-rpc-ops.c gf_cli_heal_volume_cbk). Both print text even with --xml: the
// XML branch of gf_cli_heal_volume_cbk is commented out in 10.3.

import { anotherTransaction } from "./messages.js";
import { commandResult, lines } from "./result.js";
import type { GlusterCommandResult, GlusterNodeView, VolumeView } from "./view.js";
import { brickName, findVolume, isLocalDaemon, isStarted, selfHealDaemonEnabled } from "./volumes.js";

const SHD_OFFLINE = "Self-heal daemon is not running. Check self-heal daemon log file.";
const BRICK_OP_FAILED = "Glusterd Syncop Mgmt brick op 'Heal' failed. Please check glustershd log file for details.";

type GlusterdHealOp = "index-heal" | "heal-count";

const PHRASES: Record<GlusterdHealOp, { operation: string; successTail: string }> = {
  "index-heal": {
    operation: "Launching heal operation to perform index self heal",
    successTail: "\nUse heal info commands to check status.",
  },
  "heal-count": { operation: "Gathering count of entries to be healed", successTail: "" },
};

export function triggerIndexHeal(view: GlusterNodeView, volumeName: string): GlusterCommandResult {
  const { volume, error } = runHealOp(view, volumeName, "index-heal");
  if (!volume) return failed("index-heal", volumeName, error);
  return commandResult({
    stdout: () => lines(succeeded("index-heal", volumeName)),
    exitCode: 0,
    effect: { kind: "heal-trigger", volume: volumeName },
  });
}

export function healCount(view: GlusterNodeView, volumeName: string): GlusterCommandResult {
  const { volume, error } = runHealOp(view, volumeName, "heal-count");
  if (!volume) return failed("heal-count", volumeName, error);
  return commandResult({
    stdout: function* () {
      yield* lines(succeeded("heal-count", volumeName));
      for (const brick of volume.bricks) {
        yield* lines("", `Brick ${brickName(brick)}`);
        // Only the local glusterd keeps a brick's "not connected" status (_heal_volume_add_shd_rsp).
        if (!brick.reachable && brick.peerUuid === view.localUuid) yield* lines("Status: Brick is not connected");
        yield* lines(brick.reachable ? `Number of entries: ${brick.entries.count}` : "No gathered input for this brick");
      }
    },
    exitCode: 0,
  });
}

function succeeded(op: GlusterdHealOp, volumeName: string): string {
  return `${PHRASES[op].operation} on volume ${volumeName} has been successful ${PHRASES[op].successTail}`;
}

function failed(op: GlusterdHealOp, volumeName: string, error: string): GlusterCommandResult {
  return commandResult({ stderr: `${PHRASES[op].operation} on volume ${volumeName} has been unsuccessful:\n${error}\n`, exitCode: 1 });
}

type HealOpOutcome = { volume: VolumeView; error?: undefined } | { volume?: undefined; error: string };

/** Staging on the local glusterd, then on every peer that answers, then the self-heal daemon's brick op. */
function runHealOp(view: GlusterNodeView, volumeName: string, op: GlusterdHealOp): HealOpOutcome {
  const volume = findVolume(view, volumeName);
  // The volume lock comes first (gd_sync_task_begin), then staging.
  if (volume?.lockedByAnotherCommand) return { error: anotherTransaction(volumeName) };
  if (!volume) return { error: `Volume ${volumeName} does not exist` };
  if (!isStarted(volume)) return { error: `Volume ${volumeName} is not started.` };
  if (!selfHealDaemonEnabled(volume)) return { error: `Self-heal-daemon is disabled. Heal will not be triggered on volume ${volumeName}` };

  const local = volume.selfHealDaemons.find((daemon) => isLocalDaemon(view, daemon));
  if (!local?.online) return { error: SHD_OFFLINE };
  // gd_stage_op_phase joins the failures of all peers with newlines (glusterd-syncop.c gd_syncop_mgmt_stage_op_cbk_fn).
  const peerFailures = volume.selfHealDaemons
    .filter((daemon) => !isLocalDaemon(view, daemon) && daemon.listed && !daemon.online)
    .map((daemon) => `Staging failed on ${daemon.host}. Error: ${SHD_OFFLINE}`);
  if (peerFailures.length > 0) return { error: peerFailures.join("\n") };

  // afr_xl_op: an index heal fails if any brick is down; a count only if no brick answers.
  const down = volume.bricks.filter((brick) => !brick.online || !brick.reachable);
  const brickOpFails = op === "index-heal" ? down.length > 0 : down.length === volume.bricks.length;
  return brickOpFails ? { error: BRICK_OP_FAILED } : { volume };
}
