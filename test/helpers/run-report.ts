// A run's end as notifications receive it: a failure with a node left out of service, the case an
// on-call admin must be woken for.

import type { RunReport } from "../../src/notify/index.js";

export const failedReport: RunReport = {
  cluster: "storehouse",
  runId: "20261122-2250",
  outcome: "failed",
  exitCode: 4,
  message: "gluster-healed still refuses after 2h: gv0 pve2:/data/brick/gv0: 205 entries pending",
  humanAction: "Find out why, fix it, and continue with `rollgate upgrade --resume`.",
  maintenanceLeftOn: ["pve3"],
  nodesDone: ["pve1"],
  startedAt: "2026-11-22T22:50:00.000Z",
  endedAt: "2026-11-23T01:10:00.000Z",
  host: "ops1",
};
