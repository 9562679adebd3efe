// glusterd's own record of a volume, /var/lib/glusterd/vols/VOL/info: one `key=value` per line
// (glusterd-store.c, gf_store_save_items; captures in test/fixtures/volume-info). Peers compare a
// checksum of it, and a mismatch is "Peer Rejected". The order of the lines differs from server
// to server without a mismatch (seen on a real 10.3/11.1 pool), so the records are compared as
// sets of lines. docs/domain/major-upgrade.md, "Peer Rejected".

export type VolumeStoreRead = { ok: true; lines: Set<string> } | { ok: false; error: string };

export function parseVolumeStore(text: string, path: string): VolumeStoreRead {
  const lines = text.split("\n").filter((line) => line !== "");
  const odd = lines.find((line) => !/^[^=\s]+=/.test(line));
  if (lines.length === 0 || odd !== undefined)
    return { ok: false, error: `${path} reads ${JSON.stringify(odd ?? text.slice(0, 80))}, not glusterd's key=value record` };
  if (!lines.some((line) => line.startsWith("volume-id=")))
    return { ok: false, error: `${path} has no volume-id line: not a volume's record` };
  return { ok: true, lines: new Set(lines) };
}

export interface StoreDifference {
  /** Lines the node has and the peer does not. */
  onlyHere: string[];
  onlyThere: string[];
}

export function storeDifference(here: Set<string>, there: Set<string>): StoreDifference {
  return { onlyHere: [...here].filter((l) => !there.has(l)), onlyThere: [...there].filter((l) => !here.has(l)) };
}

/**
 * The records differ only in gNFS options (`nfs.*`): GlusterFS 11 built without gNFS (Debian's
 * trixie package) drops them whenever it stores the volume, which glusterd does at every start
 * (glusterd-utils.c glusterd_restart_bricks → glusterd_store_volinfo; _storeopts discards what
 * glusterd_check_option_exists does not know), while 10.x keeps `nfs.disable=on`.
 */
export function onlyGnfsDiffers(difference: StoreDifference): boolean {
  const lines = [...difference.onlyHere, ...difference.onlyThere];
  return lines.length > 0 && lines.every((line) => line.startsWith("nfs."));
}
