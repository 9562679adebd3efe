// gluster-records: before the first node of the major upgrade, no server's record of a Gluster
// volume holds a gNFS option. Debian's GlusterFS 11.1 is built without gNFS and drops those options
// from its record whenever its glusterd starts, while 10.x keeps `nfs.disable=on` (written at volume
// create): the first server back on 11.1 then differs from its 10.3 peers and is Peer Rejected, and no
// restart mends it (seen on a real pool; docs/domain/major-upgrade.md, "Peer Rejected"). A 10.x
// glusterd keeps a record as it finds it, so the admin removes the line once, on every server.

import { volumeRecordPath } from "../observe/gluster-records.js";
import { listed, unobserved, verdict, type Gate } from "./types.js";

export const glusterRecordsGate: Gate = {
  name: "gluster-records",
  title:
    "No server's record of a Gluster volume holds a gNFS option (Debian's GlusterFS 11 drops them, and its 10.3 peers would reject it)",
  needs: () => ["glusterRecords"],
  preflightOnly: true,
  evaluate({ config, state }) {
    const reasons: string[] = [];
    const checked: string[] = [];
    const holding: string[] = [];
    const unknown: string[] = [];
    for (const node of config.nodes.map((n) => n.name)) {
      const seen = state.glusterRecords?.[node];
      if (!seen?.ok) {
        reasons.push(unobserved(`${node}'s records of the Gluster volumes`, seen?.ok === false ? seen.error : undefined));
        unknown.push(node);
        continue;
      }
      for (const volume of config.gluster.volumes) {
        const gnfs = [...(seen.value[volume] ?? [])].filter((line) => line.startsWith("nfs."));
        if (gnfs.length === 0) {
          checked.push(`${node}: ${volumeRecordPath(volume)} holds no gNFS option`);
          continue;
        }
        holding.push(node);
        reasons.push(
          `${node}: ${volumeRecordPath(volume)} holds ${gnfs.map((l) => `\`${l}\``).join(", ")}, which GlusterFS 11.1 drops when it starts: the first server on 11.1 would be Peer Rejected by the others. Before the upgrade, on each server in turn: remove the line from that file, \`systemctl restart glusterd\`, and wait until \`gluster volume status ${volume}\` on it shows its brick online and \`gluster volume heal ${volume} info\` lists 0 entries (until the last record is changed, the changed servers read Peer Rejected); \`gluster volume reset\` cannot do it, it puts the option back`,
        );
      }
    }
    const nodes = config.nodes.map((n) => n.name).filter((n) => !unknown.includes(n));
    const summary =
      config.gluster.volumes.length === 0
        ? "no Gluster volumes declared"
        : [
            ...(holding.length > 0 ? [`gNFS options on ${listed([...new Set(holding)])}`] : []),
            ...(holding.length === 0 && nodes.length > 0
              ? [`no gNFS option in ${listed(config.gluster.volumes)} on ${listed(nodes)}`]
              : []),
            ...(unknown.length > 0 ? [`records unknown on ${listed(unknown)}`] : []),
          ].join("; ");
    return verdict(this, summary, reasons, checked);
  },
};
