// The bookworm → trixie switch of a node's APT sources over the files real nodes have: a fresh PVE
// 8.x install (the installer's sources.list with ftp.debian.org, pve-enterprise.list, ceph.list),
// a node already on no-subscription, PVE 9's deb822 set, a third-party repository, comments and
// disabled entries (docs/domain/apt-sources.md).

import { describe, expect, it } from "vitest";
import { describeSources, parseSources, planTrixieSources, type SourceFile } from "../../../src/pve/apt-sources.js";

const D = "/etc/apt/sources.list.d";

// What the PVE 8.x installer leaves (pve-installer before 25f4c15 rewrote ftp.debian.org to the
// country's mirror; ceph.list points at the enterprise Ceph Quincy repository).
const fresh84: SourceFile[] = [
  {
    path: "/etc/apt/sources.list",
    content:
      "deb http://ftp.debian.org/debian bookworm main contrib\n\ndeb http://ftp.debian.org/debian bookworm-updates main contrib\n\n# security updates\ndeb http://security.debian.org bookworm-security main contrib\n",
  },
  { path: `${D}/pve-enterprise.list`, content: "deb https://enterprise.proxmox.com/debian/pve bookworm pve-enterprise\n" },
  { path: `${D}/ceph.list`, content: "deb https://enterprise.proxmox.com/debian/ceph-quincy bookworm enterprise\n" },
];

// The PVE 8 admin guide's way to no-subscription: the line in sources.list, enterprise commented out.
const noSubscription84: SourceFile[] = [
  {
    path: "/etc/apt/sources.list",
    content:
      "deb http://deb.debian.org/debian bookworm main contrib\ndeb http://deb.debian.org/debian bookworm-updates main contrib\ndeb http://security.debian.org/debian-security bookworm-security main contrib\n\n# PVE pve-no-subscription repository provided by proxmox.com,\n# NOT recommended for production use\ndeb http://download.proxmox.com/debian/pve bookworm pve-no-subscription\n",
  },
  { path: `${D}/pve-enterprise.list`, content: "# deb https://enterprise.proxmox.com/debian/pve bookworm pve-enterprise\n" },
  { path: `${D}/ceph.list`, content: "deb http://download.proxmox.com/debian/ceph-reef bookworm no-subscription\n" },
];

// pve-docs pve-package-repos.adoc: PVE 9's deb822 files.
const debianSources =
  "Types: deb\nURIs: http://deb.debian.org/debian/\nSuites: trixie trixie-updates\nComponents: main contrib non-free-firmware\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\nTypes: deb\nURIs: http://security.debian.org/debian-security/\nSuites: trixie-security\nComponents: main contrib non-free-firmware\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n";
const trixie91: SourceFile[] = [
  { path: `${D}/debian.sources`, content: debianSources },
  {
    path: `${D}/pve-enterprise.sources`,
    content:
      "Types: deb\nURIs: https://enterprise.proxmox.com/debian/pve\nSuites: trixie\nComponents: pve-enterprise\nEnabled: no\nSigned-By: /usr/share/keyrings/proxmox-archive-keyring.gpg\n",
  },
  {
    path: `${D}/proxmox.sources`,
    content:
      "Types: deb\nURIs: http://download.proxmox.com/debian/pve\nSuites: trixie\nComponents: pve-no-subscription\nSigned-By: /usr/share/keyrings/proxmox-archive-keyring.gpg\n",
  },
];

const contentOf = (files: SourceFile[], path: string) => files.find((f) => f.path === path)?.content;

describe("parseSources", () => {
  it("reads one-line entries: options, comments anywhere, commented-out entries as disabled", () => {
    const parsed = parseSources({
      path: `${D}/mix.list`,
      content:
        "# a comment\ndeb [arch=amd64,arm64 signed-by=/usr/share/keyrings/x.gpg] https://example.com/apt bookworm main # trailing\n#deb-src http://deb.debian.org/debian bookworm main\n# not an entry: see the wiki\n",
    });
    expect(parsed).toEqual({
      ok: true,
      entries: [
        {
          file: `${D}/mix.list`,
          line: 2,
          format: "one-line",
          enabled: true,
          types: ["deb"],
          uris: ["https://example.com/apt"],
          suites: ["bookworm"],
          components: ["main"],
          options: [
            { name: "Architectures", value: "amd64 arm64" },
            { name: "Signed-By", value: "/usr/share/keyrings/x.gpg" },
          ],
        },
        expect.objectContaining({ line: 3, enabled: false, types: ["deb-src"], suites: ["bookworm"] }),
      ],
    });
  });

  it("reads deb822 stanzas: several, Enabled: no, comments, a multi-line Signed-By", () => {
    const parsed = parseSources({
      path: `${D}/x.sources`,
      content:
        "# first\nTypes: deb deb-src\nURIs: http://deb.debian.org/debian\nSuites: bookworm\nComponents: main\n\nTypes: deb\nURIs: https://example.com\nSuites: stable\nComponents: main\nEnabled: false\nSigned-By:\n -----BEGIN PGP PUBLIC KEY BLOCK-----\n .\n -----END PGP PUBLIC KEY BLOCK-----\n",
    });
    expect(parsed.ok && parsed.entries.map((e) => [e.line, e.enabled, e.types, e.suites])).toEqual([
      [2, true, ["deb", "deb-src"], ["bookworm"]],
      [7, false, ["deb"], ["stable"]],
    ]);
    expect(parsed.ok && parsed.entries[1]!.options[0]!.value).toContain("BEGIN PGP PUBLIC KEY BLOCK");
  });

  it.each([
    ["/etc/apt/sources.list", "deb http://deb.debian.org/debian\n", "/etc/apt/sources.list:1: no suite"],
    ["/etc/apt/sources.list", "deb http://deb.debian.org/debian bookworm\n", "/etc/apt/sources.list:1: no component"],
    [`${D}/x.list`, "deb [arch+=i386] http://x bookworm main\n", "option 'arch+=i386'"],
    [`${D}/x.sources`, "URIs: http://x\nSuites: trixie\nComponents: main\n", `${D}/x.sources:1: stanza 1 has no Types`],
    [`${D}/x.sources`, "Types: deb\nURIs: http://x\nSuites: trixie\nComponents: main\nEnabled: maybe\n", "'Enabled: maybe'"],
    [`${D}/x.sources`, " continued\n", "a continuation line with no field"],
  ])("%s %j: %s", (path, content, error) => {
    const parsed = parseSources({ path, content });
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.error).toContain(error);
  });
});

describe("planTrixieSources", () => {
  it("a fresh 8.x install without subscription: deb822 files for trixie, no-subscription, ceph-squid, the originals kept", () => {
    const plan = planTrixieSources(fresh84, { subscription: false });
    if (!plan.ok) throw new Error(plan.refusals.join("\n"));
    expect(plan.removes).toEqual(["/etc/apt/sources.list", `${D}/pve-enterprise.list`, `${D}/ceph.list`]);
    expect(plan.backups.map((b) => b.path)).toEqual([
      "/etc/apt/sources.list.bookworm.bak",
      `${D}/pve-enterprise.list.bookworm.bak`,
      `${D}/ceph.list.bookworm.bak`,
    ]);
    expect(plan.backups.map((b) => b.content)).toEqual(fresh84.map((f) => f.content));
    expect(plan.files.map((f) => f.path)).toEqual([
      "/etc/apt/sources.list.bookworm.bak",
      `${D}/ceph.list.bookworm.bak`,
      `${D}/ceph.sources`,
      `${D}/debian.sources`,
      `${D}/proxmox.sources`,
      `${D}/pve-enterprise.list.bookworm.bak`,
    ]);
    expect(contentOf(plan.files, `${D}/debian.sources`)).toBe(
      [
        "# From /etc/apt/sources.list, switched from bookworm to trixie by rollgate (the original is /etc/apt/sources.list.bookworm.bak).",
        "",
        "Types: deb",
        "URIs: http://ftp.debian.org/debian",
        "Suites: trixie",
        "Components: main contrib",
        "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg",
        "",
        "Types: deb",
        "URIs: http://ftp.debian.org/debian",
        "Suites: trixie-updates",
        "Components: main contrib",
        "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg",
        "",
        "# security updates",
        "Types: deb",
        "URIs: http://security.debian.org/debian-security",
        "Suites: trixie-security",
        "Components: main contrib",
        "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg",
        "",
      ].join("\n"),
    );
    expect(contentOf(plan.files, `${D}/proxmox.sources`)).toContain(
      "Types: deb\nURIs: http://download.proxmox.com/debian/pve\nSuites: trixie\nComponents: pve-no-subscription\nSigned-By: /usr/share/keyrings/proxmox-archive-keyring.gpg\n",
    );
    expect(contentOf(plan.files, `${D}/ceph.sources`)).toContain(
      "URIs: http://download.proxmox.com/debian/ceph-squid\nSuites: trixie\nComponents: no-subscription\n",
    );
    expect(plan.changes).toContain(`${D}/pve-enterprise.list:1: pve-enterprise → pve-no-subscription (no subscription)`);
    expect(plan.changes).toContain(`${D}/ceph.list:1: ceph-squid enterprise → ceph-squid no-subscription (no subscription)`);
    expect(plan.changes.some((c) => c.startsWith(`${D}/ceph.list:1: ceph-quincy → ceph-squid`))).toBe(true);
    expect(plan.changes).toContain("/etc/apt/sources.list:6: http://security.debian.org → http://security.debian.org/debian-security");
  });

  it("with a subscription the enterprise repositories stay, on trixie", () => {
    const plan = planTrixieSources(fresh84, { subscription: true });
    if (!plan.ok) throw new Error(plan.refusals.join("\n"));
    expect(contentOf(plan.files, `${D}/pve-enterprise.sources`)).toContain(
      "URIs: https://enterprise.proxmox.com/debian/pve\nSuites: trixie\nComponents: pve-enterprise\n",
    );
    expect(contentOf(plan.files, `${D}/ceph.sources`)).toContain(
      "URIs: https://enterprise.proxmox.com/debian/ceph-squid\nSuites: trixie\nComponents: enterprise\n",
    );
  });

  it("a node already on no-subscription: the disabled enterprise entry stays disabled, reef becomes squid", () => {
    const plan = planTrixieSources(noSubscription84, { subscription: false });
    if (!plan.ok) throw new Error(plan.refusals.join("\n"));
    expect(contentOf(plan.files, `${D}/pve-enterprise.sources`)).toContain("Suites: trixie\nComponents: pve-enterprise\nEnabled: no\n");
    expect(contentOf(plan.files, `${D}/debian.sources`)).toContain(
      "# PVE pve-no-subscription repository provided by proxmox.com,\n# NOT recommended for production use\nTypes: deb\nURIs: http://download.proxmox.com/debian/pve\nSuites: trixie\nComponents: pve-no-subscription\n",
    );
    expect(plan.changes.some((c) => c.includes("ceph-reef → ceph-squid"))).toBe(true);
    expect(plan.changes.some((c) => c.includes("no subscription"))).toBe(false);
  });

  it("an enterprise entry beside a no-subscription one is disabled, not duplicated", () => {
    const plan = planTrixieSources([noSubscription84[0]!, fresh84[1]!], { subscription: false });
    if (!plan.ok) throw new Error(plan.refusals.join("\n"));
    expect(contentOf(plan.files, `${D}/pve-enterprise.sources`)).toContain("Components: pve-enterprise\nEnabled: no\n");
    expect(plan.changes).toContain(
      `${D}/pve-enterprise.list:1: pve-enterprise disabled (no subscription; pve-no-subscription is in /etc/apt/sources.list)`,
    );
  });

  it("PVE 9's deb822 set is already trixie: no change", () => {
    expect(planTrixieSources(trixie91, { subscription: false })).toEqual({
      ok: true,
      files: [...trixie91].sort((a, b) => (a.path < b.path ? -1 : 1)),
      backups: [],
      writes: [],
      removes: [],
      changes: [],
    });
  });

  it("a bookworm deb822 file is rewritten in place: comments, other stanzas and fields byte for byte", () => {
    const content =
      "# Debian\nTypes: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm bookworm-updates\nComponents: main\n# keep me\nArchitectures: amd64\n\nTypes: deb\nURIs: https://repo.example.com/deb\nSuites: stable\nComponents: main\n";
    const plan = planTrixieSources([{ path: `${D}/debian.sources`, content }], { subscription: false });
    if (!plan.ok) throw new Error(plan.refusals.join("\n"));
    expect(plan.writes).toEqual([
      {
        path: `${D}/debian.sources`,
        content:
          "# Debian\nTypes: deb\nURIs: http://deb.debian.org/debian\nSuites: trixie trixie-updates\nComponents: main\n# keep me\nArchitectures: amd64\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\nTypes: deb\nURIs: https://repo.example.com/deb\nSuites: stable\nComponents: main\n",
      },
    ]);
    expect(plan.backups).toEqual([{ path: `${D}/debian.sources.bookworm.bak`, content }]);
    expect(plan.removes).toEqual([]);
  });

  it("pvetest becomes pve-test (pve8to9 fails on the old spelling with trixie)", () => {
    const plan = planTrixieSources(
      [{ path: `${D}/pvetest.list`, content: "deb http://download.proxmox.com/debian/pve bookworm pvetest\n" }],
      {
        subscription: false,
      },
    );
    expect(plan.ok && contentOf(plan.files, `${D}/pvetest.sources`)).toContain("Components: pve-test\n");
  });

  it("refuses a third-party repository pinned to bookworm, naming the file and line and what to do", () => {
    const plan = planTrixieSources(
      [
        ...fresh84,
        { path: `${D}/zabbix.list`, content: "# Zabbix\ndeb [arch=amd64] https://repo.zabbix.com/zabbix/7.0/debian bookworm main\n" },
      ],
      { subscription: false },
    );
    expect(plan).toEqual({
      ok: false,
      refusals: [
        `${D}/zabbix.list:2: https://repo.zabbix.com/zabbix/7.0/debian bookworm is a third-party repository pinned to Debian bookworm: switch it to its vendor's trixie suite (or disable it) by hand, then run again`,
      ],
    });
  });

  it("keeps a third-party repository on a suite of its own, and a disabled one on bookworm", () => {
    const files = [
      ...fresh84,
      { path: `${D}/grafana.list`, content: "deb https://apt.grafana.com stable main\n" },
      { path: `${D}/old.list`, content: "# deb https://repo.zabbix.com/zabbix/7.0/debian bookworm main\n" },
    ];
    const plan = planTrixieSources(files, { subscription: false });
    if (!plan.ok) throw new Error(plan.refusals.join("\n"));
    expect(contentOf(plan.files, `${D}/grafana.list`)).toBe("deb https://apt.grafana.com stable main\n");
    expect(contentOf(plan.files, `${D}/old.list`)).toBe("# deb https://repo.zabbix.com/zabbix/7.0/debian bookworm main\n");
  });

  it.each([
    ["deb http://deb.debian.org/debian bullseye main\n", "suite 'bullseye' is not one rollgate knows"],
    ["deb http://deb.debian.org/debian stable main\n", "suite 'stable' is not one rollgate knows"],
    ["deb http://download.proxmox.com/debian/ceph-pacific bookworm main\n", "ceph-pacific has no PVE 9 repository"],
    ["deb http://download.proxmox.com/debian/pve bookworm pve-frobnicate\n", "component 'pve-frobnicate'"],
  ])("refuses a suite or repository it does not know: %j", (content, refusal) => {
    const plan = planTrixieSources([{ path: "/etc/apt/sources.list", content }], { subscription: false });
    expect(plan.ok).toBe(false);
    expect(!plan.ok && plan.refusals[0]).toContain(refusal);
  });

  it("refuses to overwrite a file the conversion would produce, and a different backup", () => {
    const collision = planTrixieSources([...fresh84, { path: `${D}/ceph.sources`, content: debianSources }], { subscription: true });
    expect(!collision.ok && collision.refusals).toEqual([
      `${D}/ceph.list would become ${D}/ceph.sources, which exists already: merge the two by hand, then run again`,
    ]);
    const backup = planTrixieSources([...fresh84, { path: `${D}/ceph.list.bookworm.bak`, content: "other\n" }], { subscription: true });
    expect(!backup.ok && backup.refusals[0]).toContain(`${D}/ceph.list.bookworm.bak exists already`);
  });

  it("is idempotent: its own output plans no change", () => {
    for (const input of [fresh84, noSubscription84]) {
      const first = planTrixieSources(input, { subscription: false });
      if (!first.ok) throw new Error(first.refusals.join("\n"));
      const second = planTrixieSources(first.files, { subscription: false });
      expect(second.ok && second.changes).toEqual([]);
    }
  });

  it("ignores files apt does not read", () => {
    const plan = planTrixieSources([{ path: `${D}/pve-enterprise.list.dpkg-dist`, content: "deb https://x bookworm main\n" }], {
      subscription: false,
    });
    expect(plan.ok && plan.changes).toEqual([]);
  });
});

describe("describeSources", () => {
  it("one line per entry, for plan", () => {
    expect(describeSources(fresh84)).toEqual([
      "/etc/apt/sources.list:1: Debian: deb http://ftp.debian.org/debian bookworm main contrib",
      "/etc/apt/sources.list:3: Debian: deb http://ftp.debian.org/debian bookworm-updates main contrib",
      "/etc/apt/sources.list:6: Debian security: deb http://security.debian.org bookworm-security main contrib",
      `${D}/ceph.list:1: Ceph quincy enterprise: deb https://enterprise.proxmox.com/debian/ceph-quincy bookworm enterprise`,
      `${D}/pve-enterprise.list:1: Proxmox VE enterprise: deb https://enterprise.proxmox.com/debian/pve bookworm pve-enterprise`,
    ]);
    expect(describeSources(trixie91)[3]).toBe(
      `${D}/pve-enterprise.sources:1: Proxmox VE enterprise: deb https://enterprise.proxmox.com/debian/pve trixie pve-enterprise (disabled)`,
    );
  });
});
