// A lab node's APT sources: /etc/apt/sources.list and the files in /etc/apt/sources.list.d, as a
// PVE node of each release has them (docs/domain/apt-sources.md), what `cat`, `ls`, `test`, `dd`,
// `mv` and `rm` do on them, and the entries `apt-get update` fetches. The lab reads the files with
// a parser of its own (apt's rules, not rollgate's src/pve/apt-sources.ts), so a file rollgate
// writes wrong fails here as it would on a node.

import path from "node:path";
import type { Errno } from "./pmxcfs.js";
import type { PveRelease } from "./releases.js";

export const APT_DIR = "/etc/apt";
export const SOURCES_DIR = "/etc/apt/sources.list.d";

/** The lab models /etc/apt and /etc/apt/sources.list.d, and the files directly in them. */
export function isAptPath(p: string): boolean {
  const n = path.posix.normalize(p);
  return n === APT_DIR || n === SOURCES_DIR || path.posix.dirname(n) === APT_DIR || path.posix.dirname(n) === SOURCES_DIR;
}

export class AptFsError extends Error {
  constructor(readonly code: Errno) {
    super(code);
  }
}

/** One node's files: path → content (directories are implied). */
export class AptFiles {
  constructor(readonly files: Map<string, string>) {}

  stat(p: string): "file" | "dir" | null {
    const n = path.posix.normalize(p);
    if (n === APT_DIR || n === SOURCES_DIR) return "dir";
    return this.files.has(n) ? "file" : null;
  }

  read(p: string): string {
    const n = path.posix.normalize(p);
    if (this.stat(n) === "dir") throw new AptFsError("EISDIR");
    const content = this.files.get(n);
    if (content === undefined) throw new AptFsError("ENOENT");
    return content;
  }

  /** open(O_CREAT|O_TRUNC) then write: the parent must be a modelled directory. */
  write(p: string, content: string): void {
    const n = path.posix.normalize(p);
    if (this.stat(n) === "dir") throw new AptFsError("EISDIR");
    if (this.stat(path.posix.dirname(n)) !== "dir") throw new AptFsError("ENOENT");
    this.files.set(n, content);
  }

  append(p: string, content: string): void {
    this.write(p, (this.files.get(path.posix.normalize(p)) ?? "") + content);
  }

  /** rename(2): atomic, replacing the target. */
  rename(from: string, to: string): void {
    const f = path.posix.normalize(from);
    const t = path.posix.normalize(to);
    if (this.stat(f) === "dir" || this.stat(t) === "dir") throw new AptFsError("EISDIR");
    const content = this.read(f);
    if (this.stat(path.posix.dirname(t)) !== "dir") throw new AptFsError("ENOENT");
    this.files.delete(f);
    this.files.set(t, content);
  }

  unlink(p: string): void {
    const n = path.posix.normalize(p);
    if (this.stat(n) === "dir") throw new AptFsError("EISDIR");
    if (!this.files.delete(n)) throw new AptFsError("ENOENT");
  }

  /** The names in a directory, as `ls` sorts them in the C locale (byte order). */
  list(dir: string): string[] {
    const n = path.posix.normalize(dir);
    const names = [...this.files.keys()].filter((f) => path.posix.dirname(f) === n).map((f) => path.posix.basename(f));
    if (n === APT_DIR) names.push("sources.list.d");
    return names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }
}

// ── the files of each release ──────────────────────────────────────────────────────────────────

const DEBIAN_KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg";
const PROXMOX_KEYRING = "/usr/share/keyrings/proxmox-archive-keyring.gpg";

/**
 * PVE 8.4: the no-subscription line where the PVE 8 admin guide put it (sources.list), the
 * installer's pve-enterprise.list and ceph.list commented out. The Debian lines name
 * deb.debian.org (the 8.x installer wrote ftp.debian.org; the lab keeps the CDN its captures
 * show). enterprise-repo-401: pve-enterprise.list left as the installer wrote it.
 */
function bookwormFiles(enterprise: boolean): Map<string, string> {
  return new Map([
    [
      "/etc/apt/sources.list",
      [
        "deb http://deb.debian.org/debian bookworm main contrib",
        "deb http://deb.debian.org/debian bookworm-updates main contrib",
        "",
        "# security updates",
        "deb http://security.debian.org/debian-security bookworm-security main contrib",
        "",
        "# PVE pve-no-subscription repository provided by proxmox.com,",
        "# NOT recommended for production use",
        "deb http://download.proxmox.com/debian/pve bookworm pve-no-subscription",
        "",
      ].join("\n"),
    ],
    [`${SOURCES_DIR}/ceph.list`, "# deb https://enterprise.proxmox.com/debian/ceph-quincy bookworm enterprise\n"],
    [
      `${SOURCES_DIR}/pve-enterprise.list`,
      `${enterprise ? "" : "# "}deb https://enterprise.proxmox.com/debian/pve bookworm pve-enterprise\n`,
    ],
  ]);
}

/** PVE 9.1: the installer's deb822 files (pve-docs pve-package-repos.adoc), enterprise disabled unless enterprise-repo-401, and proxmox.sources. */
function trixieFiles(enterprise: boolean): Map<string, string> {
  const stanza = (uri: string, suites: string, components: string, keyring: string, enabled = true) =>
    [
      `Types: deb`,
      `URIs: ${uri}`,
      `Suites: ${suites}`,
      `Components: ${components}`,
      ...(enabled ? [] : ["Enabled: no"]),
      `Signed-By: ${keyring}`,
      "",
    ].join("\n");
  return new Map([
    [
      `${SOURCES_DIR}/ceph.sources`,
      stanza("https://enterprise.proxmox.com/debian/ceph-squid", "trixie", "enterprise", PROXMOX_KEYRING, false),
    ],
    [
      `${SOURCES_DIR}/debian.sources`,
      `${stanza("http://deb.debian.org/debian/", "trixie trixie-updates", "main contrib non-free-firmware", DEBIAN_KEYRING)}\n${stanza(
        "http://security.debian.org/debian-security/",
        "trixie-security",
        "main contrib non-free-firmware",
        DEBIAN_KEYRING,
      )}`,
    ],
    [`${SOURCES_DIR}/proxmox.sources`, stanza("http://download.proxmox.com/debian/pve", "trixie", "pve-no-subscription", PROXMOX_KEYRING)],
    [
      `${SOURCES_DIR}/pve-enterprise.sources`,
      stanza("https://enterprise.proxmox.com/debian/pve", "trixie", "pve-enterprise", PROXMOX_KEYRING, enterprise),
    ],
  ]);
}

export function initialAptFiles(release: PveRelease, enterpriseRepo: boolean): Map<string, string> {
  return release === "8.4" ? bookwormFiles(enterpriseRepo) : trixieFiles(enterpriseRepo);
}

// ── what apt-get update reads ───────────────────────────────────────────────────────────────────

export interface AptSource {
  uri: string;
  suite: string;
}

/** apt-pkg/sourcelist.cc's errors for a file it cannot read. */
export type AptRead = { ok: true; sources: AptSource[] } | { ok: false; error: string };

const FALSE = new Set(["no", "false", "without", "off", "disable"]);

/** The enabled `deb` sources, one per URI and suite, in the order apt reads them: sources.list, then sources.list.d by name. */
export function enabledSources(files: Map<string, string>): AptRead {
  const sources: AptSource[] = [];
  const names = [...files.keys()]
    .filter((f) => path.posix.dirname(f) === SOURCES_DIR && /^[A-Za-z0-9_.-]+\.(list|sources)$/.test(path.posix.basename(f)))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const file of [...(files.has("/etc/apt/sources.list") ? ["/etc/apt/sources.list"] : []), ...names]) {
    const content = files.get(file)!;
    if (file.endsWith(".sources")) {
      let stanza = 0;
      for (const block of content.split(/\n[ \t]*\n/)) {
        const fields = new Map<string, string>();
        for (const line of block.split("\n")) {
          const m = /^([^\s:#][^\s:]*):\s*(.*)$/.exec(line);
          if (m) fields.set(m[1]!.toLowerCase(), m[2]!.trim());
        }
        if (fields.size === 0) continue;
        stanza += 1;
        // apt-pkg/sourcelist.cc ParseFileDeb822 and ParseStanza (stanzas count from 1).
        const malformed = (what: string) => ({
          ok: false as const,
          error: `E: Malformed entry ${stanza} in sources file ${file} (${what})`,
        });
        if (!fields.get("types")) return { ok: false, error: `E: Malformed stanza ${stanza} in source list ${file} (type)` };
        if (!fields.get("uris")) return malformed("URI");
        if (!fields.get("suites")) return malformed("Suite");
        if (FALSE.has((fields.get("enabled") ?? "yes").toLowerCase())) continue;
        if (!fields.get("types")!.split(/\s+/).includes("deb")) continue;
        for (const uri of fields.get("uris")!.split(/\s+/))
          for (const suite of fields.get("suites")!.split(/\s+/)) sources.push({ uri: uri.replace(/\/+$/, ""), suite });
      }
      continue;
    }
    for (const [i, raw] of content.split("\n").entries()) {
      const line = raw.split("#")[0]!.trim();
      if (line === "") continue;
      // apt-pkg/sourcelist.cc ParseLine: "Malformed entry %u in %s file %s (%s)".
      const malformed = (what: string) => ({ ok: false as const, error: `E: Malformed entry ${i + 1} in list file ${file} (${what})` });
      const words = line
        .replace(/\[[^\]]*\]/, " ")
        .split(/\s+/)
        .filter(Boolean);
      if (words[0] !== "deb" && words[0] !== "deb-src")
        return { ok: false, error: `E: Type '${words[0]}' is not known on line ${i + 1} in source list ${file}` };
      if (words[1] === undefined) return malformed("URI");
      if (words[2] === undefined) return malformed("Suite");
      if (words.length < 4 && !words[2].endsWith("/")) return malformed("Component");
      if (words[0] === "deb") sources.push({ uri: words[1].replace(/\/+$/, ""), suite: words[2] });
    }
  }
  return { ok: true, sources };
}

/** The suite the node's PVE packages would come from: trixie once every enabled Debian and Proxmox source is on trixie. */
export function fetchedSuite(sources: AptSource[], installed: "bookworm" | "trixie"): "bookworm" | "trixie" {
  const own = sources.filter((s) => /^https?:\/\/([a-z.]+\.)?(debian\.org|proxmox\.com)(\/|$)/.test(s.uri));
  if (own.length > 0 && own.every((s) => s.suite.startsWith("trixie"))) return "trixie";
  if (own.length > 0 && own.every((s) => s.suite.startsWith("bookworm"))) return "bookworm";
  return installed;
}
