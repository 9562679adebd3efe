// How the gluster CLI finds the command in its words (cli-cmd.c cli_cmd_process, registry.c): the
// leading literal words of every registered pattern form a tree; each typed word picks the child
// it is an unambiguous prefix of (an exact match wins), and the walk stops at the first word that
// has a callback. What follows belongs to that command's own parser.

/** The literal words of every command pattern registered by the GlusterFS 10.3 CLI. */
const COMMANDS = [
  "help",
  "quit",
  "exit",
  "global help",
  "get-state",
  "nfs-ganesha",
  "peer probe",
  "peer detach",
  "peer status",
  "peer help",
  "pool list",
  "system:: getspec",
  "system:: portmap brick2port",
  "system:: fsm log",
  "system:: getwd",
  "system:: mount",
  "system:: umount",
  "system:: uuid get",
  "system:: uuid reset",
  "system:: help",
  "system:: copy file",
  "system:: execute",
  "snapshot help",
  "snapshot create",
  "snapshot clone",
  "snapshot restore",
  "snapshot status",
  "snapshot info",
  "snapshot list",
  "snapshot config",
  "snapshot delete",
  "snapshot activate",
  "snapshot deactivate",
  "volume help",
  "volume info",
  "volume create",
  "volume delete",
  "volume start",
  "volume stop",
  "volume add-brick",
  "volume remove-brick",
  "volume rebalance",
  "volume replace-brick",
  "volume set",
  "volume log",
  "volume sync",
  "volume reset",
  "volume geo-replication",
  "volume profile",
  "volume top",
  "volume status",
  "volume heal",
  "volume statedump",
  "volume list",
  "volume clear-locks",
  "volume barrier",
  "volume get",
  "volume reset-brick",
  "volume bitrot",
  "volume quota",
  "volume inode-quota",
];

interface WordNode {
  readonly children: Map<string, WordNode>;
  /** Set on the word that ends a registered command: its canonical name. */
  command?: string;
}

const ROOT = buildTree(COMMANDS);

export type CommandLookup =
  { kind: "command"; command: string } | { kind: "unrecognized-word"; word: string; position: number } | { kind: "unrecognized-command" };

export function findCommand(words: readonly string[]): CommandLookup {
  let node = ROOT;
  for (const [position, word] of words.entries()) {
    const next = childMatching(node, word);
    if (!next) return { kind: "unrecognized-word", word, position };
    node = next;
    if (node.command) return { kind: "command", command: node.command };
  }
  return { kind: "unrecognized-command" };
}

function childMatching(node: WordNode, typed: string): WordNode | undefined {
  if (typed === "") return undefined;
  const exact = node.children.get(typed);
  if (exact) return exact;
  const candidates = [...node.children].filter(([word]) => word.startsWith(typed));
  return candidates.length === 1 ? candidates[0]![1] : undefined;
}

function buildTree(commands: readonly string[]): WordNode {
  const root: WordNode = { children: new Map() };
  for (const command of commands) {
    let node = root;
    for (const word of command.split(" ")) {
      let child = node.children.get(word);
      if (!child) {
        child = { children: new Map() };
        node.children.set(word, child);
      }
      node = child;
    }
    node.command = command;
  }
  return root;
}
