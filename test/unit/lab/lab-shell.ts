// Runs a command line through the lab's interpreter on one node, as its sshd would, moving a
// manual clock on until the command is done.

import type { LabCluster } from "../../../src/lab/model/cluster.js";
import { runCommandLine } from "../../../src/lab/shell/interpreter.js";
import type { ManualClock } from "./manual-clock.js";

export async function runOnNode(
  cluster: LabCluster,
  clock: ManualClock,
  line: string,
  { node = "pve1", stdin = "" }: { node?: string; stdin?: string } = {},
): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  let done = false;
  const run = runCommandLine(
    {
      cluster,
      node,
      source: `ssh ${node}`,
      out: { stdout: async (chunk) => void (stdout += chunk), stderr: (chunk) => void (stderr += chunk) },
      stdin: async () => stdin,
      signal: new AbortController().signal,
      dropConnection: () => {},
    },
    line,
  ).finally(() => (done = true));
  for (let i = 0; i < 200 && !done; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    clock.tick(1_000);
  }
  return { status: await run, stdout, stderr };
}
