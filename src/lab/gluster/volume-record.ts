// glusterd's record of a volume, /var/lib/glusterd/vols/VOL/info, as glusterd writes it: the
// fixed keys in glusterfs xlators/mgmt/glusterd/src/glusterd-store.c
// glusterd_volume_exclude_options_write order, then the volume's options (the same ones `volume
// info` lists), then one `brick-N=HOST:PATH` per brick with the path's slashes as dashes
// (glusterd_store_brickinfofname_set). Checked against a real 10.3 record, test/fixtures/volume-info.

import { createHash } from "node:crypto";
import type { VolumeView } from "./view.js";

/** A UUID-shaped value, stable for a volume (real ones are random at volume create). */
function stableUuid(seed: string): string {
  const hex = createHash("sha256").update(seed).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export function volumeRecord(volume: VolumeView): string {
  const count = volume.bricks.length;
  return [
    // GF_CLUSTER_TYPE_REPLICATE, GLUSTERD_STATUS_STARTED.
    "type=2",
    `count=${count}`,
    "status=1",
    `sub_count=${count}`,
    `replica_count=${volume.replicaCount}`,
    ...(volume.arbiterCount ? [`arbiter_count=${volume.arbiterCount}`] : []),
    "disperse_count=0",
    "redundancy_count=0",
    "version=2",
    "transport-type=0",
    `volume-id=${volume.id}`,
    `username=${stableUuid(`${volume.id} username`)}`,
    `password=${stableUuid(`${volume.id} password`)}`,
    // What the capture's volume (these options) records.
    "op-version=40000",
    "client-op-version=30800",
    "quota-version=0",
    "tier-enabled=0",
    "parent_volname=N/A",
    "restored_from_snap=00000000-0000-0000-0000-000000000000",
    "snap-max-hard-limit=256",
    ...volume.options.map(([key, value]) => `${key}=${value}`),
    ...volume.bricks.map((brick, i) => `brick-${i}=${brick.host}:${brick.path.replaceAll("/", "-")}`),
    "",
  ].join("\n");
}
