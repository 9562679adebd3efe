// `gluster volume get all cluster.op-version` (and `cluster.max-op-version`) in plain text: a
// header, a line of dashes, one `KEY VALUE` row ("%-40s %-39s", cli/src/cli-rpc-ops.c
// gf_cli_get_vol_opt_cbk; captures in test/fixtures/op-version). Anything else is refused, never guessed.

export type OpVersionRead = { ok: true; value: number } | { ok: false; error: string };

export function parseOpVersion(stdout: string, key: "cluster.op-version" | "cluster.max-op-version"): OpVersionRead {
  const rows = stdout
    .split("\n")
    .map((line) => line.trimEnd())
    .filter((line) => line !== "");
  const quoted = JSON.stringify(stdout.slice(0, 120));
  if (rows.length !== 3 || !/^Option\s+Value$/.test(rows[0]!) || !/^-+\s+-+$/.test(rows[1]!))
    return { ok: false, error: `\`gluster volume get all ${key}\` printed ${quoted}, not its one-option table` };
  const match = /^(\S+)\s+(\d{1,9})$/.exec(rows[2]!);
  if (!match || match[1] !== key)
    return { ok: false, error: `\`gluster volume get all ${key}\` printed ${quoted}, not a number for ${key}` };
  return { ok: true, value: Number(match[2]) };
}
