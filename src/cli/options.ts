// Parsers for command-line option values shared by several commands.

import { InvalidArgumentError } from "commander";

/** An integer option from `min` to `max`, e.g. a port. */
export function integer(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`expected an integer from ${min} to ${max}`);
    return n;
  };
}

export function nodeList(value: string): string[] {
  const nodes = value
    .split(",")
    .map((n) => n.trim())
    .filter(Boolean);
  if (nodes.length === 0 || nodes.some((n) => !/^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/.test(n))) {
    throw new InvalidArgumentError("expected node names separated by commas, e.g. pve1,pve2");
  }
  return nodes;
}
