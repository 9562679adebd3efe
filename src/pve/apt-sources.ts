// A node's APT sources, as apt reads them (one-line `.list` files and deb822 `.sources` files), and
// the switch from Debian bookworm (PVE 8) to trixie (PVE 9) that the major upgrade needs. Pure:
// files in, files out. What each repository is, and why each rule, is in docs/domain/apt-sources.md.

export interface SourceFile {
  path: string;
  content: string;
}

export type SourceFormat = "one-line" | "deb822";

/** One repository entry: a `deb` line (commented out = disabled) or a deb822 stanza. */
export interface SourceEntry {
  file: string;
  /** 1-based: the entry's line, or the stanza's first line. */
  line: number;
  format: SourceFormat;
  enabled: boolean;
  types: string[];
  uris: string[];
  suites: string[];
  components: string[];
  /** Every other field, deb822-named (`Signed-By`, `Architectures`, …), as written. */
  options: Array<{ name: string; value: string }>;
}

export type ParseResult = { ok: true; entries: SourceEntry[] } | { ok: false; error: string };

export const SOURCES_LIST = "/etc/apt/sources.list";
export const SOURCES_DIR = "/etc/apt/sources.list.d";
/** The suffix rollgate gives the files it replaces; apt ignores `*.bak` silently (Dir::Ignore-Files-Silently). */
export const BACKUP_SUFFIX = ".bookworm.bak";

const DEBIAN_KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg";
const PROXMOX_KEYRING = "/usr/share/keyrings/proxmox-archive-keyring.gpg";

/** Whether apt reads the file: sources.list itself, and `*.list` / `*.sources` directly in sources.list.d. */
export function aptReads(path: string): "one-line" | "deb822" | null {
  if (path === SOURCES_LIST) return "one-line";
  if (!path.startsWith(`${SOURCES_DIR}/`) || path.slice(SOURCES_DIR.length + 1).includes("/")) return null;
  const name = path.slice(SOURCES_DIR.length + 1);
  // apt-pkg/contrib/fileutl.cc GetListOfFilesInDir: names of letters, digits, `_-.` only.
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) return null;
  if (name.endsWith(".list")) return "one-line";
  if (name.endsWith(".sources")) return "deb822";
  return null;
}

// ── parsing ─────────────────────────────────────────────────────────────────────────────────────

// apt-pkg/sourcelist.cc: a one-line option's name → its deb822 field (the multi-valued ones take
// comma-separated values on one line, spaces in deb822).
const OPTION_FIELDS: Record<string, { field: string; list: boolean }> = {
  arch: { field: "Architectures", list: true },
  lang: { field: "Languages", list: true },
  target: { field: "Targets", list: true },
  "signed-by": { field: "Signed-By", list: true },
  trusted: { field: "Trusted", list: false },
  "check-valid-until": { field: "Check-Valid-Until", list: false },
  "valid-until-min": { field: "Valid-Until-Min", list: false },
  "valid-until-max": { field: "Valid-Until-Max", list: false },
  "check-date": { field: "Check-Date", list: false },
  "date-max-future": { field: "Date-Max-Future", list: false },
  "inrelease-path": { field: "InRelease-Path", list: false },
  pdiffs: { field: "PDiffs", list: false },
  "by-hash": { field: "By-Hash", list: false },
  "allow-insecure": { field: "Allow-Insecure", list: false },
  "allow-weak": { field: "Allow-Weak", list: false },
  "allow-downgrade-to-insecure": { field: "Allow-Downgrade-To-Insecure", list: false },
  snapshot: { field: "Snapshot", list: false },
};

type LineParse = { entry: Omit<SourceEntry, "file" | "line" | "format" | "enabled"> } | { error: string };

/** `deb [opt=v …] URI SUITE [COMPONENT…]`, its comment already cut. */
function parseLine(text: string): LineParse {
  const m = /^(deb|deb-src)\s+(.*)$/s.exec(text.trim());
  if (!m) return { error: "not a deb or deb-src line" };
  let rest = m[2]!.trim();
  const options: SourceEntry["options"] = [];
  if (rest.startsWith("[")) {
    const end = rest.indexOf("]");
    if (end < 0) return { error: "an option list without its closing ']'" };
    for (const option of rest.slice(1, end).trim().split(/\s+/).filter(Boolean)) {
      const o = /^([a-z-]+)(=)(.+)$/.exec(option);
      const known = o ? OPTION_FIELDS[o[1]!] : undefined;
      if (!o || !known) return { error: `option '${option}' is not one rollgate can carry into deb822 (name=value of a known option)` };
      options.push({ name: known.field, value: known.list ? o[3]!.split(",").join(" ") : o[3]! });
    }
    rest = rest.slice(end + 1).trim();
  }
  const [uri, suite, ...components] = rest.split(/\s+/).filter(Boolean);
  if (uri === undefined) return { error: "no URI" };
  if (suite === undefined) return { error: "no suite" };
  if (!suite.endsWith("/") && components.length === 0) return { error: "no component" };
  return { entry: { types: [m[1]!], uris: [uri], suites: [suite], components, options } };
}

function parseOneLine(file: string, content: string): ParseResult {
  const entries: SourceEntry[] = [];
  for (const [i, raw] of content.split("\n").entries()) {
    const trimmed = raw.trim();
    if (trimmed === "") continue;
    if (trimmed.startsWith("#")) {
      // A commented-out entry is a disabled one; any other comment is prose.
      const body = trimmed.replace(/^#+\s*/, "").split("#")[0]!;
      const parsed = /^deb(-src)?\s/.test(body) ? parseLine(body) : null;
      if (parsed && "entry" in parsed) entries.push({ file, line: i + 1, format: "one-line", enabled: false, ...parsed.entry });
      continue;
    }
    // apt-pkg/sourcelist.cc: `#` anywhere starts a comment.
    const parsed = parseLine(trimmed.split("#")[0]!);
    if ("error" in parsed) return { ok: false, error: `${file}:${i + 1}: ${parsed.error}` };
    entries.push({ file, line: i + 1, format: "one-line", enabled: true, ...parsed.entry });
  }
  return { ok: true, entries };
}

interface Field {
  name: string;
  value: string;
  /** The field's lines as written (continuations included). */
  raw: string[];
}

type StanzaItem = { kind: "field"; field: Field } | { kind: "comment"; raw: string };

interface Stanza {
  line: number;
  items: StanzaItem[];
}

/** A deb822 file as blocks: stanzas, and the blank and comment lines between them. */
type Block = { kind: "stanza"; stanza: Stanza } | { kind: "text"; raw: string };

function splitDeb822(file: string, content: string): { blocks: Block[] } | { error: string } {
  const blocks: Block[] = [];
  let current: Stanza | null = null;
  const lines = content.split("\n");
  for (const [i, raw] of lines.entries()) {
    if (raw.trim() === "") {
      current = null;
      blocks.push({ kind: "text", raw });
      continue;
    }
    if (raw.startsWith("#")) {
      if (current) current.items.push({ kind: "comment", raw });
      else blocks.push({ kind: "text", raw });
      continue;
    }
    if (/^[ \t]/.test(raw)) {
      const last = current?.items.findLast((item) => item.kind === "field");
      if (!last || last.kind !== "field") return { error: `${file}:${i + 1}: a continuation line with no field before it` };
      last.field.raw.push(raw);
      last.field.value += `\n${raw.trim()}`;
      continue;
    }
    const m = /^([^\s:#][^\s:]*):[ \t]*(.*)$/.exec(raw);
    if (!m) return { error: `${file}:${i + 1}: not a deb822 field ('Name: value')` };
    if (!current) {
      current = { line: i + 1, items: [] };
      blocks.push({ kind: "stanza", stanza: current });
    }
    current.items.push({ kind: "field", field: { name: m[1]!, value: m[2]!.trim(), raw: [raw] } });
  }
  return { blocks };
}

const fieldOf = (stanza: Stanza, name: string): Field | undefined =>
  stanza.items.flatMap((item) => (item.kind === "field" && item.field.name.toLowerCase() === name.toLowerCase() ? [item.field] : []))[0];

// apt-pkg/contrib/strutl.cc StringToBool.
function aptBool(value: string): boolean | null {
  const v = value.trim().toLowerCase();
  if (["no", "false", "without", "off", "disable"].includes(v)) return false;
  if (["yes", "true", "with", "on", "enable"].includes(v)) return true;
  return null;
}

const MAIN_FIELDS = new Set(["types", "uris", "suites", "components", "enabled"]);

function stanzaEntry(file: string, index: number, stanza: Stanza): SourceEntry | { error: string } {
  const words = (name: string) => (fieldOf(stanza, name)?.value ?? "").split(/\s+/).filter(Boolean);
  // apt-pkg/sourcelist.cc ParseStanza: "Malformed stanza %u in source list %s (%s)".
  const malformed = (what: string) => ({ error: `${file}:${stanza.line}: stanza ${index} has no ${what} (apt refuses it too)` });
  const types = words("Types");
  if (types.length === 0) return malformed("Types");
  const uris = words("URIs");
  if (uris.length === 0) return malformed("URIs");
  const suites = words("Suites");
  if (suites.length === 0) return malformed("Suites");
  const components = words("Components");
  if (components.length === 0 && !suites.every((s) => s.endsWith("/"))) return malformed("Components");
  const enabledField = fieldOf(stanza, "Enabled");
  const enabled = enabledField ? aptBool(enabledField.value) : true;
  if (enabled === null) return { error: `${file}:${stanza.line}: 'Enabled: ${enabledField!.value}' is neither yes nor no` };
  const options = stanza.items.flatMap((item) =>
    item.kind === "field" && !MAIN_FIELDS.has(item.field.name.toLowerCase()) ? [{ name: item.field.name, value: item.field.value }] : [],
  );
  return { file, line: stanza.line, format: "deb822", enabled, types, uris, suites, components, options };
}

function parseDeb822(file: string, content: string): ParseResult {
  const split = splitDeb822(file, content);
  if ("error" in split) return { ok: false, error: split.error };
  const entries: SourceEntry[] = [];
  for (const block of split.blocks) {
    if (block.kind !== "stanza") continue;
    const entry = stanzaEntry(file, entries.length + 1, block.stanza);
    if ("error" in entry) return { ok: false, error: entry.error };
    entries.push(entry);
  }
  return { ok: true, entries };
}

/** The entries of one file apt reads, in its format (by name: `.sources` is deb822, the rest one-line). */
export function parseSources(file: SourceFile): ParseResult {
  const format = aptReads(file.path) ?? (file.path.endsWith(".sources") ? "deb822" : "one-line");
  return format === "deb822" ? parseDeb822(file.path, file.content) : parseOneLine(file.path, file.content);
}

// ── what a repository is ────────────────────────────────────────────────────────────────────────

export type Repository =
  | { kind: "debian"; security: boolean }
  | { kind: "proxmox"; product: "pve" | "pbs" | "pbs-client" | "pmg"; enterprise: boolean }
  | { kind: "ceph"; release: string; enterprise: boolean }
  | { kind: "other" };

/** Debian's own hosts and Proxmox's; a mirror of either is a third-party repository here (docs/domain/apt-sources.md). */
export function classify(uri: string): Repository {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return { kind: "other" };
  }
  const host = url.hostname.toLowerCase();
  const path = url.pathname.replace(/\/+$/, "");
  if (host === "security.debian.org" && (path === "" || path === "/debian-security")) return { kind: "debian", security: true };
  if ((host === "debian.org" || host.endsWith(".debian.org")) && path === "/debian-security") return { kind: "debian", security: true };
  if ((host === "debian.org" || host.endsWith(".debian.org")) && path === "/debian") return { kind: "debian", security: false };
  if (host === "download.proxmox.com" || host === "enterprise.proxmox.com") {
    const enterprise = host === "enterprise.proxmox.com";
    const ceph = /^\/debian\/ceph-([a-z]+)$/.exec(path);
    if (ceph) return { kind: "ceph", release: ceph[1]!, enterprise };
    const product = /^\/debian\/(pve|pbs|pbs-client|pmg)$/.exec(path);
    if (product) return { kind: "proxmox", product: product[1] as "pve", enterprise };
  }
  return { kind: "other" };
}

function label(entry: SourceEntry): string {
  const repo = classify(entry.uris[0] ?? "");
  switch (repo.kind) {
    case "debian":
      return repo.security ? "Debian security" : "Debian";
    case "proxmox":
      return `Proxmox ${repo.product === "pve" ? "VE" : repo.product}${repo.enterprise ? " enterprise" : ""}`;
    case "ceph":
      return `Ceph ${repo.release}${repo.enterprise ? " enterprise" : ""}`;
    case "other":
      return "third-party";
  }
}

/** One line per entry, for `plan`: where it is, what it is, whether apt uses it. */
export function describeSources(files: readonly SourceFile[]): string[] {
  const lines: string[] = [];
  for (const file of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    if (!aptReads(file.path)) continue;
    const parsed = parseSources(file);
    if (!parsed.ok) {
      lines.push(`${parsed.error} (apt-get update fails on it)`);
      continue;
    }
    for (const e of parsed.entries) {
      lines.push(
        `${e.file}:${e.line}: ${label(e)}: ${e.types.join(" ")} ${e.uris.join(" ")} ${e.suites.join(" ")} ${e.components.join(" ")}`.trimEnd() +
          (e.enabled ? "" : " (disabled)"),
      );
    }
  }
  return lines;
}

// ── bookworm → trixie ───────────────────────────────────────────────────────────────────────────

const SUITES: Record<string, string> = {
  bookworm: "trixie",
  "bookworm-updates": "trixie-updates",
  "bookworm-security": "trixie-security",
  "bookworm-backports": "trixie-backports",
  "bookworm-proposed-updates": "trixie-proposed-updates",
};
const TRIXIE_SUITES = new Set(Object.values(SUITES));

// pve-manager PVE/Ceph/Releases.pm: squid is the one release on both PVE 8 and 9 (pve8to9
// $ceph_supported_release = 19); tentacle is PVE 9 only.
const CEPH_ON_TRIXIE: Record<string, string> = { quincy: "squid", reef: "squid", squid: "squid", tentacle: "tentacle" };
const CEPH_COMPONENTS = new Set(["enterprise", "no-subscription", "test"]);
// pve8to9 check_apt_repos: `pvetest` is spelled `pve-test` on trixie (FAIL otherwise).
const PVE_COMPONENTS: Record<string, string> = {
  "pve-enterprise": "pve-enterprise",
  "pve-no-subscription": "pve-no-subscription",
  pvetest: "pve-test",
  "pve-test": "pve-test",
};

export interface TrixiePlanOptions {
  /** The node has an active subscription: the enterprise repositories answer (otherwise 401). */
  subscription: boolean;
}

export type TrixiePlan =
  | {
      ok: true;
      /** The files after the switch (backups included), by path. */
      files: SourceFile[];
      /** Write these first: the original of every file replaced or rewritten. */
      backups: SourceFile[];
      /** Then these: new and rewritten files. */
      writes: SourceFile[];
      /** Last, remove these: the one-line files now replaced by a `.sources` file. */
      removes: string[];
      /** What changed, for a human. Empty: nothing to do. */
      changes: string[];
    }
  | { ok: false; refusals: string[] };

interface Converted {
  entry: SourceEntry;
  changed: boolean;
  notes: string[];
}

const isNoSubscription = (e: SourceEntry, product: "pve" | "ceph"): boolean => {
  const repo = classify(e.uris[0] ?? "");
  return (
    e.enabled &&
    (product === "pve" ? repo.kind === "proxmox" && repo.product === "pve" : repo.kind === "ceph") &&
    !e.uris.some((u) => classify(u).kind !== repo.kind) &&
    e.components.some((c) => c === "pve-no-subscription" || c === "no-subscription")
  );
};

/** The entry with trixie suites (and Proxmox's trixie names), or why not. Null: it is not rollgate's to change. */
function toTrixie(e: SourceEntry): Converted | { refusal: string } {
  const at = `${e.file}:${e.line}`;
  const repos = e.uris.map(classify);
  const repo = repos[0]!;
  if (repos.some((r) => r.kind !== repo.kind))
    return { refusal: `${at}: one entry mixes Debian or Proxmox URIs with others: split it into one stanza per repository` };
  if (repo.kind === "other") {
    if (e.enabled && e.suites.some((s) => s.includes("bookworm")))
      return {
        refusal: `${at}: ${e.uris.join(" ")} ${e.suites.join(" ")} is a third-party repository pinned to Debian bookworm: switch it to its vendor's trixie suite (or disable it) by hand, then run again`,
      };
    return { entry: e, changed: false, notes: [] };
  }
  const notes: string[] = [];
  const suites: string[] = [];
  for (const suite of e.suites) {
    const next = TRIXIE_SUITES.has(suite) ? suite : SUITES[suite];
    const fits = next !== undefined && (repo.kind === "debian" ? next.endsWith("-security") === repo.security : next === "trixie");
    if (!fits) {
      if (!e.enabled) return { entry: e, changed: false, notes: [] };
      return {
        refusal: `${at}: ${label(e)} suite '${suite}' is not one rollgate knows (${repo.kind === "debian" ? (repo.security ? "bookworm-security" : "bookworm, bookworm-updates, bookworm-backports") : "bookworm"}, or trixie's): set it by hand, then run again`,
      };
    }
    suites.push(next);
  }
  if (suites.join(" ") !== e.suites.join(" ")) notes.push(`${at}: ${label(e)} ${e.suites.join(" ")} → ${suites.join(" ")}`);
  let uris = e.uris;
  let components = e.components;
  if (repo.kind === "debian" && repo.security && notes.length > 0) {
    // security.debian.org without a path served bookworm; Debian documents trixie at /debian-security.
    uris = e.uris.map((u) => (new URL(u).pathname.replace(/\/+$/, "") === "" ? `${u.replace(/\/+$/, "")}/debian-security` : u));
    if (uris.join(" ") !== e.uris.join(" ")) notes.push(`${at}: ${e.uris.join(" ")} → ${uris.join(" ")}`);
  }
  if (repo.kind === "proxmox" && repo.product === "pve") {
    const unknown = components.find((c) => !(c in PVE_COMPONENTS));
    if (unknown !== undefined) {
      if (!e.enabled) return { entry: e, changed: false, notes: [] };
      return { refusal: `${at}: Proxmox VE component '${unknown}' is not pve-enterprise, pve-no-subscription or pve-test: set it by hand` };
    }
    components = components.map((c) => PVE_COMPONENTS[c]!);
    if (components.join(" ") !== e.components.join(" "))
      notes.push(`${at}: ${e.components.join(" ")} → ${components.join(" ")} (its trixie spelling)`);
  }
  if (repo.kind === "ceph") {
    const release = CEPH_ON_TRIXIE[repo.release];
    const unknown = components.find((c) => !CEPH_COMPONENTS.has(c));
    if (release === undefined || unknown !== undefined) {
      if (!e.enabled) return { entry: e, changed: false, notes: [] };
      return {
        refusal:
          release === undefined
            ? `${at}: ceph-${repo.release} has no PVE 9 repository (PVE 9 offers ceph-squid and ceph-tentacle): upgrade Ceph to Squid first, or remove the entry`
            : `${at}: Ceph component '${unknown}' is not enterprise, no-subscription or test: set it by hand`,
      };
    }
    if (release !== repo.release) {
      uris = uris.map((u) => u.replace(`/ceph-${repo.release}`, `/ceph-${release}`));
      notes.push(
        `${at}: ceph-${repo.release} → ceph-${release} (on a hyper-converged node Ceph itself must run Squid first: pve8to9 fails otherwise)`,
      );
    }
  }
  const options = e.options.map((o) => {
    if (o.name.toLowerCase() !== "signed-by" || !o.value.includes("bookworm")) return o;
    const keyring = repo.kind === "debian" ? DEBIAN_KEYRING : PROXMOX_KEYRING;
    notes.push(`${at}: Signed-By ${o.value} → ${keyring} (a bookworm key does not sign trixie)`);
    return { name: o.name, value: keyring };
  });
  const changed = notes.length > 0;
  return { entry: { ...e, uris, suites, components, options }, changed, notes };
}

/** Without a subscription the enterprise repositories answer 401: switch to no-subscription, or disable if that is there already. */
function applySubscription(all: Converted[], subscription: boolean): void {
  if (subscription) return;
  for (const c of all) {
    const e = c.entry;
    const repo = classify(e.uris[0] ?? "");
    if (!e.enabled || (repo.kind !== "proxmox" && repo.kind !== "ceph") || !repo.enterprise) continue;
    if (repo.kind === "proxmox" && repo.product !== "pve") continue;
    const product = repo.kind === "ceph" ? "ceph" : "pve";
    const from = product === "pve" ? "pve-enterprise" : "enterprise";
    const to = product === "pve" ? "pve-no-subscription" : "no-subscription";
    const name = repo.kind === "ceph" ? `ceph-${repo.release} enterprise` : "pve-enterprise";
    const at = `${e.file}:${e.line}`;
    const other = all.find((o) => o !== c && isNoSubscription(o.entry, product));
    if (other) {
      c.entry = { ...e, enabled: false };
      c.notes.push(`${at}: ${name} disabled (no subscription; ${to} is in ${other.entry.file})`);
    } else {
      c.entry = {
        ...e,
        uris: e.uris.map((u) => u.replace("https://enterprise.proxmox.com", "http://download.proxmox.com")),
        components: e.components.map((x) => (x === from ? to : x)),
      };
      c.notes.push(`${at}: ${name} → ${repo.kind === "ceph" ? `ceph-${repo.release} ` : ""}${to} (no subscription)`);
    }
    c.changed = true;
  }
}

function withKeyring(e: SourceEntry): SourceEntry {
  const repo = classify(e.uris[0] ?? "");
  if (repo.kind === "other" || e.options.some((o) => o.name.toLowerCase() === "signed-by")) return e;
  return { ...e, options: [...e.options, { name: "Signed-By", value: repo.kind === "debian" ? DEBIAN_KEYRING : PROXMOX_KEYRING }] };
}

function stanzaText(e: SourceEntry): string[] {
  return [
    `Types: ${e.types.join(" ")}`,
    `URIs: ${e.uris.join(" ")}`,
    `Suites: ${e.suites.join(" ")}`,
    ...(e.components.length > 0 ? [`Components: ${e.components.join(" ")}`] : []),
    ...(e.enabled ? [] : ["Enabled: no"]),
    ...e.options.map((o) => `${o.name}: ${o.value.split("\n").join("\n ")}`),
  ];
}

/** A one-line file as deb822: each entry a stanza, its comment lines kept above it. */
function oneLineToDeb822(file: SourceFile, converted: Map<number, SourceEntry>): string {
  const out = [`# From ${file.path}, switched from bookworm to trixie by rollgate (the original is ${file.path}${BACKUP_SUFFIX}).`];
  let pending: string[] = [];
  for (const [i, raw] of file.content.split("\n").entries()) {
    const entry = converted.get(i + 1);
    if (entry) {
      // A comment after an enabled entry's fields goes above its stanza.
      const trailing = entry.enabled ? raw.indexOf("#") : -1;
      if (trailing >= 0) pending.push(`# ${raw.slice(trailing + 1).trim()}`);
      out.push("", ...pending, ...stanzaText(entry));
      pending = [];
    } else if (raw.trim().startsWith("#")) pending.push(raw.trim());
  }
  if (pending.length > 0) out.push("", ...pending);
  return `${out.join("\n")}\n`;
}

/** A deb822 file with each changed stanza's fields rewritten in place; everything else byte for byte. */
function rewriteDeb822(file: SourceFile, blocks: Block[], converted: Map<number, SourceEntry>): string {
  const out: string[] = [];
  for (const block of blocks) {
    if (block.kind === "text") {
      out.push(block.raw);
      continue;
    }
    const entry = converted.get(block.stanza.line);
    if (!entry) {
      for (const item of block.stanza.items) out.push(...(item.kind === "field" ? item.field.raw : [item.raw]));
      continue;
    }
    const wanted: Record<string, string | null> = {
      uris: entry.uris.join(" "),
      suites: entry.suites.join(" "),
      components: entry.components.length > 0 ? entry.components.join(" ") : null,
      enabled: entry.enabled ? null : "no",
    };
    const optionValue = (name: string) => entry.options.find((o) => o.name.toLowerCase() === name)?.value;
    const seen = new Set<string>();
    for (const item of block.stanza.items) {
      if (item.kind === "comment") {
        out.push(item.raw);
        continue;
      }
      const key = item.field.name.toLowerCase();
      seen.add(key);
      if (key === "enabled") {
        out.push(
          ...(aptBool(item.field.value) === entry.enabled ? item.field.raw : [`${item.field.name}: ${entry.enabled ? "yes" : "no"}`]),
        );
        continue;
      }
      const value = key in wanted ? (wanted[key] ?? null) : key === "types" ? item.field.value : (optionValue(key) ?? item.field.value);
      if (value === item.field.value) out.push(...item.field.raw);
      else if (value !== null && value !== undefined) out.push(`${item.field.name}: ${value.split("\n").join("\n ")}`);
    }
    if (!entry.enabled && !seen.has("enabled")) out.push("Enabled: no");
    for (const o of entry.options) if (!seen.has(o.name.toLowerCase())) out.push(`${o.name}: ${o.value.split("\n").join("\n ")}`);
  }
  return out.join("\n");
}

/** Where a one-line file's entries go as deb822: sources.list → debian.sources, X.list → X.sources (proxmox.sources once it holds only pve-no-subscription). */
function sourcesPathFor(path: string, entries: SourceEntry[]): string {
  if (path === SOURCES_LIST) return `${SOURCES_DIR}/debian.sources`;
  const enabled = entries.filter((e) => e.enabled);
  if (
    path === `${SOURCES_DIR}/pve-enterprise.list` &&
    enabled.length > 0 &&
    enabled.every((e) => e.components.join(" ") === "pve-no-subscription")
  )
    return `${SOURCES_DIR}/proxmox.sources`;
  return path.replace(/\.list$/, ".sources");
}

/**
 * The files that switch a PVE 8 node's sources from bookworm to trixie: every one-line file that
 * needs a change becomes a deb822 `.sources` file, a `.sources` file is rewritten in place, and the
 * original of each is kept as `PATH.bookworm.bak`. Refuses (never throws) what it cannot switch
 * safely. Already-trixie sources give no change.
 */
export function planTrixieSources(files: readonly SourceFile[], options: TrixiePlanOptions): TrixiePlan {
  const refusals: string[] = [];
  const parsed = new Map<string, { file: SourceFile; entries: SourceEntry[]; blocks: Block[] | null }>();
  for (const file of files) {
    const format = aptReads(file.path);
    if (!format) continue;
    const result = parseSources(file);
    if (!result.ok) {
      refusals.push(`${result.error}: fix the file by hand (apt-get update fails on it too)`);
      continue;
    }
    const split = format === "deb822" ? splitDeb822(file.path, file.content) : null;
    parsed.set(file.path, { file, entries: result.entries, blocks: split && "blocks" in split ? split.blocks : null });
  }
  const all: Converted[] = [];
  for (const { entries } of parsed.values()) {
    for (const e of entries) {
      const c = toTrixie(e);
      if ("refusal" in c) refusals.push(c.refusal);
      else all.push(c);
    }
  }
  if (refusals.length > 0) return { ok: false, refusals };
  applySubscription(all, options.subscription);

  const byPath = new Map<string, SourceFile>(files.map((f) => [f.path, f]));
  const backups: SourceFile[] = [];
  const writes: SourceFile[] = [];
  const removes: string[] = [];
  const changes: string[] = [];
  for (const { file, blocks } of parsed.values()) {
    const mine = all.filter((c) => c.entry.file === file.path);
    if (!mine.some((c) => c.changed)) continue;
    const backup = `${file.path}${BACKUP_SUFFIX}`;
    const existing = byPath.get(backup);
    if (existing && existing.content !== file.content) {
      refusals.push(`${backup} exists already and differs from ${file.path}: move it away, then run again`);
      continue;
    }
    backups.push({ path: backup, content: file.content });
    if (blocks) {
      const converted = new Map(mine.map((c) => [c.entry.line, c.changed ? withKeyring(c.entry) : c.entry]));
      writes.push({ path: file.path, content: rewriteDeb822(file, blocks, converted) });
      changes.push(`${file.path}: rewritten for trixie (the original kept as ${backup})`);
    } else {
      const target = sourcesPathFor(
        file.path,
        mine.map((c) => c.entry),
      );
      if (byPath.has(target) || writes.some((w) => w.path === target)) {
        refusals.push(`${file.path} would become ${target}, which exists already: merge the two by hand, then run again`);
        continue;
      }
      const converted = new Map(
        mine.map((c) => [c.entry.line, classify(c.entry.uris[0] ?? "").kind === "other" ? c.entry : withKeyring(c.entry)]),
      );
      writes.push({ path: target, content: oneLineToDeb822(file, converted) });
      removes.push(file.path);
      changes.push(`${file.path} → ${target} (deb822; the original kept as ${backup})`);
    }
    changes.push(...mine.flatMap((c) => c.notes));
  }
  if (refusals.length > 0) return { ok: false, refusals };
  const result = new Map(files.map((f) => [f.path, f]));
  for (const f of [...backups, ...writes]) result.set(f.path, f);
  for (const path of removes) result.delete(path);
  return {
    ok: true,
    files: [...result.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
    backups,
    writes,
    removes,
    changes,
  };
}
