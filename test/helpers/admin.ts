// What the admin does by hand on a lab node between runs (e.g. `dpkg --configure -a` after a
// killed apt), over the lab's SSH with the cluster.yaml's credentials.

import { changeCommand } from "../../src/transport/remote-command.js";
import { sshPoolFor } from "../../src/transport/from-config.js";
import type { TestLab } from "./lab.js";

export async function onNode(t: TestLab, node: string, argv: string[]) {
  const shell = sshPoolFor(t.loaded.config);
  try {
    return await shell.run(node, changeCommand(argv));
  } finally {
    await shell.close();
  }
}
