// Single values as gluster prints them, shared by every parser.
import { fail, quote } from "./output-error.js";
import type { BrickRef } from "./types.js";

/** `host:/path`; the host may be an IPv6 address full of colons, so split where the path starts. */
export function parseBrickName(name: string, where: string): BrickRef {
  const split = name.indexOf(":/");
  if (split <= 0) fail(`${where}: ${quote(name)} is not a brick name (HOST:/PATH)`);
  return { name, host: name.slice(0, split), path: name.slice(split + 1) };
}

/** A count gluster printed: `-` means it could not count (unknown, never zero). */
export function parseCount(value: string, printed: string, where: string): number | null {
  if (value === "-") return null;
  if (/^\d+$/.test(value)) return Number(value);
  return fail(`${where}: gluster printed ${quote(printed)}, which is not a count`);
}

/** A pid or port: gluster prints `N/A` (text) or `-1` (XML pid) when the process is not running. */
export function parseOptionalNumber(value: string, printed: string, where: string): number | null {
  if (value === "N/A" || value === "-1") return null;
  if (/^\d+$/.test(value)) return Number(value);
  return fail(`${where}: gluster printed ${quote(printed)}, which is not a number or N/A`);
}

/** XML booleans are `0`/`1`. */
export function parseFlag(value: string, printed: string, where: string): boolean {
  if (value === "1") return true;
  if (value === "0") return false;
  return fail(`${where}: gluster printed ${quote(printed)}, expected 0 or 1`);
}
