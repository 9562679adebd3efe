// The changelog `plan --changelog` shows for a pending package: what `apt-get changelog
// NAME=VERSION` prints on a node, a Debian changelog (deb-changelog(5): each entry opens with
// `package (version) distributions; urgency=…` and closes with ` -- maintainer  date`), cut to the
// entries newer than the installed version. Read over SSH, not through the API: PVE's
// /nodes/N/apt/changelog runs the same command but asks Sys.Modify of the token, and answers a
// failure as text ending "RC: n" (docs/domain/proxmox-api.md, "Upgrades").

import { readCommand, type RemoteCommand } from "../transport/remote-command.js";

export interface ChangelogEntry {
  version: string;
  /** The entry as written, its header and trailer line included. */
  text: string;
}

export const changelogCommand = (name: string, version: string): RemoteCommand =>
  readCommand("apt-get", "changelog", "-qq", `${name}=${version}`);

const HEADER = /^(\S+) \(([^()\s]+)\) [^;]+;/;

/** The entries, newest first; an error when the text holds none (not a changelog). */
export function parseChangelog(text: string): { ok: true; entries: ChangelogEntry[] } | { ok: false; error: string } {
  const entries: ChangelogEntry[] = [];
  let current: { version: string; lines: string[] } | null = null;
  for (const line of text.split("\n")) {
    const header = HEADER.exec(line);
    if (header) {
      if (current) entries.push({ version: current.version, text: current.lines.join("\n").trimEnd() });
      current = { version: header[2]!, lines: [line] };
    } else current?.lines.push(line);
  }
  if (current) entries.push({ version: current.version, text: current.lines.join("\n").trimEnd() });
  if (entries.length === 0) return { ok: false, error: `not a Debian changelog: ${JSON.stringify(text.slice(0, 80))}` };
  return { ok: true, entries };
}

/**
 * The entries newer than `installed`: those above its own entry, newest first. A new package
 * (`installed` null) shows its newest entry only; when the installed version's entry is not in the
 * text, every entry is newer as far as the text tells, and `complete` says the cut is unknown.
 */
export function entriesSince(entries: ChangelogEntry[], installed: string | null): { entries: ChangelogEntry[]; complete: boolean } {
  if (installed === null) return { entries: entries.slice(0, 1), complete: true };
  const at = entries.findIndex((e) => e.version === installed);
  return at < 0 ? { entries, complete: false } : { entries: entries.slice(0, at), complete: true };
}
