// planTrixieSources over random source sets built from real lines (Debian, Proxmox, Ceph, third
// party; one-line and deb822; enabled, commented out, `Enabled: no`; comments, options) and text
// mutations of them: it never throws, its own output plans no change, no enabled Debian or
// Proxmox entry is left on bookworm, no entry goes missing, and each refusal is one line.
import fc from "fast-check";
import { describe, it } from "vitest";
import { aptReads, classify, parseSources, planTrixieSources, type SourceEntry, type SourceFile } from "../../../src/pve/apt-sources.js";
import { applyAll, assertReadable, check, mutations } from "./fuzz.js";

const D = "/etc/apt/sources.list.d";

const repository = fc.constantFrom(
  {
    uri: "http://deb.debian.org/debian",
    suites: ["bookworm", "bookworm-updates", "trixie", "trixie-updates"],
    components: ["main contrib", "main"],
  },
  { uri: "http://ftp.debian.org/debian", suites: ["bookworm", "bookworm-updates", "bookworm-backports"], components: ["main contrib"] },
  { uri: "http://security.debian.org", suites: ["bookworm-security"], components: ["main contrib"] },
  {
    uri: "http://security.debian.org/debian-security",
    suites: ["bookworm-security", "trixie-security"],
    components: ["main contrib non-free-firmware"],
  },
  { uri: "https://enterprise.proxmox.com/debian/pve", suites: ["bookworm", "trixie"], components: ["pve-enterprise"] },
  {
    uri: "http://download.proxmox.com/debian/pve",
    suites: ["bookworm", "trixie"],
    components: ["pve-no-subscription", "pvetest", "pve-test"],
  },
  { uri: "https://enterprise.proxmox.com/debian/ceph-quincy", suites: ["bookworm"], components: ["enterprise"] },
  { uri: "http://download.proxmox.com/debian/ceph-reef", suites: ["bookworm"], components: ["no-subscription", "test"] },
  { uri: "https://enterprise.proxmox.com/debian/ceph-squid", suites: ["bookworm", "trixie"], components: ["enterprise"] },
  { uri: "http://download.proxmox.com/debian/pbs-client", suites: ["bookworm"], components: ["main"] },
  { uri: "https://apt.grafana.com", suites: ["stable"], components: ["main"] },
  { uri: "https://repo.zabbix.com/zabbix/7.0/debian", suites: ["bookworm", "trixie"], components: ["main"] },
);

interface EntryShape {
  uri: string;
  suite: string;
  components: string;
  enabled: boolean;
  type: "deb" | "deb-src";
  signedBy: string | null;
  comment: string | null;
}

const entry: fc.Arbitrary<EntryShape> = repository.chain((r) =>
  fc.record({
    uri: fc.constant(r.uri),
    suite: fc.oneof(
      { weight: 9, arbitrary: fc.constantFrom(...r.suites) },
      { weight: 1, arbitrary: fc.constantFrom("bullseye", "stable", "sid") },
    ),
    components: fc.constantFrom(...r.components),
    enabled: fc.boolean(),
    type: fc.constantFrom<"deb" | "deb-src">("deb", "deb", "deb-src"),
    signedBy: fc.constantFrom(
      null,
      null,
      "/usr/share/keyrings/proxmox-archive-keyring.gpg",
      "/etc/apt/trusted.gpg.d/proxmox-release-bookworm.gpg",
    ),
    comment: fc.constantFrom(null, null, "security updates", "PVE pve-no-subscription repository provided by proxmox.com,"),
  }),
);

const oneLine = (e: EntryShape) =>
  [
    ...(e.comment ? [`# ${e.comment}`] : []),
    `${e.enabled ? "" : "# "}${e.type}${e.signedBy ? ` [signed-by=${e.signedBy}]` : ""} ${e.uri} ${e.suite} ${e.components}`,
  ].join("\n");

const stanza = (e: EntryShape) =>
  [
    ...(e.comment ? [`# ${e.comment}`] : []),
    `Types: ${e.type}`,
    `URIs: ${e.uri}`,
    `Suites: ${e.suite}`,
    `Components: ${e.components}`,
    ...(e.enabled ? [] : ["Enabled: no"]),
    ...(e.signedBy ? [`Signed-By: ${e.signedBy}`] : []),
  ].join("\n");

const file: fc.Arbitrary<SourceFile> = fc
  .record({
    name: fc.constantFrom(
      "/etc/apt/sources.list",
      `${D}/pve-enterprise.list`,
      `${D}/ceph.list`,
      `${D}/extra.list`,
      `${D}/debian.sources`,
      `${D}/proxmox.sources`,
      `${D}/ceph.sources`,
    ),
    entries: fc.array(entry, { minLength: 0, maxLength: 4 }),
    mutated: fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: mutations(3) }),
  })
  .map(({ name, entries, mutated }) => {
    const text = name.endsWith(".sources") ? entries.map(stanza).join("\n\n") : entries.map(oneLine).join("\n");
    const content = `${text}\n`;
    return { path: name, content: mutated ? applyAll(content, mutated) : content };
  });

const fileSet = fc.uniqueArray(file, { minLength: 1, maxLength: 5, selector: (f) => f.path });

function entriesOf(files: readonly SourceFile[]): SourceEntry[] {
  return files.flatMap((f) => {
    if (!aptReads(f.path)) return [];
    const parsed = parseSources(f);
    if (!parsed.ok) throw new Error(`rollgate wrote a file apt cannot read: ${parsed.error}`);
    return parsed.entries;
  });
}

describe("planTrixieSources (property)", () => {
  it("never throws; idempotent; nothing enabled left on bookworm; no entry dropped; one-line refusals", async () => {
    await check("apt-sources", 600, fc.tuple(fileSet, fc.boolean()), ([files, subscription]) => {
      const plan = planTrixieSources(files, { subscription });
      if (!plan.ok) {
        if (plan.refusals.length === 0) throw new Error("a refusal without a reason");
        for (const refusal of plan.refusals) assertReadable(refusal);
        return;
      }
      const after = entriesOf(plan.files);
      if (after.length !== entriesOf(files).length) throw new Error(`${entriesOf(files).length} entries in, ${after.length} out`);
      for (const e of after) {
        if (!e.enabled || e.uris.every((u) => classify(u).kind === "other")) continue;
        if (e.suites.some((s) => s.includes("bookworm"))) throw new Error(`${e.file}:${e.line} is still on ${e.suites.join(" ")}`);
        if (!subscription && e.uris.some((u) => u.startsWith("https://enterprise.proxmox.com")))
          throw new Error(`${e.file}:${e.line} enterprise without subscription`);
      }
      const again = planTrixieSources(plan.files, { subscription });
      if (!again.ok || again.changes.length > 0) throw new Error(`not idempotent: ${JSON.stringify(again)}`);
    });
  });
});
