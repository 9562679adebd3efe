// Lines that differ only in the node they are about, said once: the first line, then the other
// nodes in order ("… (the same for pve2, pve3)"). Verdict reasons and per-node errors both read so.

export interface AboutNode {
  text: string;
  /** The node the text is about; null: about none, or several (such a text stands alone). */
  node: string | null;
  /** The text with its node's names replaced: texts of the same shape are one line. */
  shape: string;
}

export function saidOnce(items: readonly AboutNode[], preposition: "for" | "on"): string[] {
  const groups = new Map<string, { first: string; nodes: string[] }>();
  for (const { text, node, shape } of items) {
    const key = node === null ? `\u0001${text}` : shape;
    const group = groups.get(key);
    if (!group) groups.set(key, { first: text, nodes: node === null ? [] : [node] });
    else if (node !== null && !group.nodes.includes(node)) group.nodes.push(node);
  }
  return [...groups.values()].map(({ first, nodes: [, ...others] }) =>
    others.length === 0 ? first : `${first} (the same ${preposition} ${others.join(", ")})`,
  );
}
