// `--metrics-file` of check and upgrade: the metrics for the cluster, written atomically. A
// failed write is a warning on stderr: the metrics report on the run, they never decide its exit.

import { labelled } from "../metrics/cluster-metrics.js";
import { renderMetrics, writeTextfile, type Metric } from "../metrics/textfile.js";
import { println, type CliIo } from "./io.js";

export async function writeMetricsFile(
  io: CliIo,
  file: string,
  labels: { cluster: string; command: "check" | "upgrade" },
  metrics: readonly Metric[],
): Promise<void> {
  try {
    await writeTextfile(file, renderMetrics(labelled(labels.cluster, labels.command, metrics)));
  } catch (error) {
    println(io.stderr, `rollgate: warning: metrics file ${file} not written: ${(error as Error).message}`);
  }
}
