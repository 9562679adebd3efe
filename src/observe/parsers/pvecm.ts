// `pvecm status`: the votequorum section is where expected and present votes are (the API has no votes).

import type { CorosyncVotes } from "../state.js";

export function parsePvecmStatus(text: string, from: string): CorosyncVotes {
  const field = (label: string): string => {
    const match = new RegExp(`^${label}:\\s*(.+?)\\s*$`, "m").exec(text);
    if (!match) throw new Error(`pvecm status on ${from}: no "${label}:" line in its output`);
    return match[1]!;
  };
  const number = (label: string): number => {
    const value = field(label);
    if (!/^\d+$/.test(value)) throw new Error(`pvecm status on ${from}: "${label}: ${value}" is not a number`);
    return Number(value);
  };
  const quorate = field("Quorate");
  if (quorate !== "Yes" && quorate !== "No") throw new Error(`pvecm status on ${from}: unexpected "Quorate: ${quorate}"`);
  return { from, expected: number("Expected votes"), total: number("Total votes"), quorate: quorate === "Yes" };
}
