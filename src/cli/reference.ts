// `rollgate reference`: every command and flag as a Markdown reference, from the same definitions
// `--help` prints, so README's reference (between its command-reference markers) cannot drift.

import type { Command, Option } from "commander";

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

function defaultOf(option: Option): string {
  const value: unknown = option.defaultValue;
  if (value === undefined || value === false || (option.negate && value === true)) return "";
  const shown = option.defaultValueDescription ?? (Array.isArray(value) ? value.join(",") : String(value));
  return `\`${shown}\``;
}

function usageOf(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return [...names, ...command.registeredArguments.map((a) => (a.required ? `<${a.name()}>` : `[${a.name()}]`))].join(" ");
}

function commandSection(command: Command): string[] {
  const options = command.options.filter((o) => !o.hidden);
  const rows = options.map((o) => `| \`${cell(o.flags)}\` | ${cell(o.description)} | ${defaultOf(o)} |`);
  return [
    `#### \`${usageOf(command)}\``,
    "",
    command.description(),
    "",
    ...(rows.length > 0 ? ["| flag | what it does | default |", "| --- | --- | --- |", ...rows, ""] : []),
  ];
}

/** Every command with options or a description of its own, depth first, in the order `--help` lists them. */
export function commandReference(program: Command): string {
  const sections: string[] = [];
  const walk = (command: Command) => {
    for (const sub of command.commands) {
      if (sub.commands.length === 0) sections.push(...commandSection(sub));
      walk(sub);
    }
  };
  walk(program);
  return `${sections.join("\n").trimEnd()}\n`;
}
