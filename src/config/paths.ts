import * as path from "node:path";

/** Where the paths in a config file are anchored: `~` is `home`, relative paths are relative to `dir`. */
export interface PathBase {
  dir: string;
  home: string;
}

/** Only the current user's `~` is expanded; `~other/…` would need a passwd lookup and is refused by the schema. */
export const USER_PATH = /^(?:~|~\/[^\0]*|[^~\0][^\0]*)$/;

export function resolveUserPath(written: string, base: PathBase): string {
  if (written === "~") return base.home;
  if (written.startsWith("~/")) return path.join(base.home, written.slice(2));
  return path.resolve(base.dir, written);
}
