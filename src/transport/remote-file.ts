// Replacing a file on a node: the content goes to a draft beside it, then rename(2) puts it in
// place. rename is atomic, so whoever reads the file (apt, glusterd, the next run) sees the old
// file or the new one, never half of one.

import { changeCommand, type RemoteCommand } from "./remote-command.js";

/** One command of a change, with what it reads on stdin. */
export interface Send {
  command: RemoteCommand;
  stdin?: string;
}

const DRAFT_SUFFIX = ".rollgate-tmp";

export const writeAtomically = (path: string, content: string): Send[] => [
  { command: changeCommand(["dd", `of=${path}${DRAFT_SUFFIX}`, "status=none"]), stdin: content },
  { command: changeCommand(["mv", "-f", `${path}${DRAFT_SUFFIX}`, path]) },
];
