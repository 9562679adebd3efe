// `apt-get update` on a node: whether every repository could be fetched. apt exits 100 on a
// permanent fetch error (a 401 from the enterprise repository of a cluster without subscription,
// a repository without a Release file) and only warns, exiting 0, on a transient one
// (apt-pkg/update.cc; docs/domain/proxmox-api.md, "Package repositories").

export interface AptUpdate {
  /** `E:` lines: the lists were not refreshed, an upgrade now would fail the same way. */
  errors: string[];
  /** `W:` lines: a repository could not be reached this time; its lists are older. */
  warnings: string[];
}

export function parseAptUpdate(stdout: string, stderr: string, exitCode: number | null): AptUpdate {
  const lines = `${stdout}\n${stderr}`.split("\n").map((l) => l.trim());
  const errors = lines.filter((l) => l.startsWith("E: ")).map((l) => l.slice(3).replace(/\s+/g, " "));
  const warnings = lines.filter((l) => l.startsWith("W: ")).map((l) => l.slice(3).replace(/\s+/g, " "));
  if (exitCode === 0) return { errors: [], warnings };
  if (exitCode === 100) return { errors: errors.length > 0 ? errors : ["apt-get update exited 100 without an E: line"], warnings };
  throw new Error(`apt-get update exited ${exitCode ?? "by a signal"}${errors.length > 0 ? `: ${errors.join(" / ")}` : ""}`);
}

/** The repository an `E: Failed to fetch URL  401  Unauthorized` error names, for advice. */
export function enterpriseRepository(error: string): { url: string; codename: string; component: string } | null {
  const m = /Failed to fetch (https:\/\/enterprise\.proxmox\.com\/debian\/([\w-]+))\/dists\/(\w+)\/\S*\s+401/.exec(error);
  if (!m) return null;
  const product = m[2]!;
  return { url: m[1]!, codename: m[3]!, component: product === "pve" ? "pve-enterprise" : "enterprise" };
}
