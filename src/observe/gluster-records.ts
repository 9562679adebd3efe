// glusterd's record of each declared volume on one node, /var/lib/glusterd/vols/VOL/info: what its
// peers compare by checksum (docs/domain/major-upgrade.md, "Peer Rejected").

import { parseVolumeStore } from "../gluster/index.js";
import type { ObserveContext } from "./context.js";
import { runChecked } from "./nodes.js";
import { attempt, type Observed } from "./state.js";

export const volumeRecordPath = (volume: string) => `/var/lib/glusterd/vols/${volume}/info`;

/** Each volume's record on `node`, as sets of lines. */
export function readGlusterRecords(ctx: ObserveContext, node: string): Promise<Observed<Record<string, Set<string>>>> {
  return attempt(async () => {
    const records: Record<string, Set<string>> = {};
    for (const volume of ctx.config.gluster.volumes) {
      const path = volumeRecordPath(volume);
      const read = parseVolumeStore((await runChecked(ctx, node, ["cat", path])).stdout, `${path} on ${node}`);
      if (!read.ok) throw new Error(read.error);
      records[volume] = read.lines;
    }
    return records;
  });
}
