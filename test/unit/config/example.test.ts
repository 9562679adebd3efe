import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, test } from "vitest";
import { parseConfig, type Config } from "../../../src/config/index.js";
import { edit, EXAMPLE, FINGERPRINT } from "./example.js";

const home = os.homedir();

test("the DESIGN.md example parses, with defaults applied and durations in ms", () => {
  const expected: Config = {
    cluster: "storehouse",
    proxmox: {
      api: { url: "https://10.0.0.11:8006", host: "10.0.0.11", port: 8006 },
      tokenId: "rollgate@pve!upgrade",
      tokenSecret: { kind: "file", path: "/etc/rollgate/pve-token" },
      fingerprint: FINGERPRINT.toUpperCase(),
      timeout: 30_000,
    },
    ssh: {
      user: "root",
      port: 22,
      identityFile: path.join(home, ".ssh/id_ed25519"),
      knownHostsFile: path.join(home, ".ssh/known_hosts"),
      connectTimeout: 10_000,
      commandTimeout: 60_000,
    },
    nodes: [
      { name: "pve1", address: "10.0.0.11", privateAddress: "10.10.0.11" },
      { name: "pve2", address: "10.0.0.12", privateAddress: "10.10.0.12" },
      { name: "pve3", address: "10.0.0.13", privateAddress: "10.10.0.13" },
    ],
    gluster: { volumes: ["gv0"] },
    critical: [
      {
        group: "routers",
        vms: [100, 101],
        minHealthy: 2,
        spread: true,
        probes: [{ kind: "agent" }, { kind: "tcp", host: "10.0.0.1", port: 443 }],
      },
    ],
    services: [
      { kind: "unit", name: "celery", node: "pve1", unit: "celery.service" },
      { kind: "http", name: "dashboard", url: "https://dashboard.example/health" },
    ],
    upgrade: {
      playbook: { kind: "builtin", name: "proxmox-gluster" },
      order: ["pve3", "pve2", "pve1"],
      guests: "migrate",
      guestOverrides: {},
      sameVersions: false,
      slow: { factor: 3, heal: 120_000 },
    },
    timeouts: {
      heal: 7_200_000,
      healStall: 600_000,
      nodeOnline: 900_000,
      migrate: 1_800_000,
      poll: 10_000,
      settle: 30_000,
      apt: 3_600_000,
      haPickup: 60_000,
      reboot: 900_000,
      lockLease: 180_000,
    },
    notify: [{ kind: "webhook", on: ["failure", "success"], webhook: "https://hooks.example/rollgate", format: "json", headers: {} }],
    journal: { dir: "/var/lib/rollgate" },
  };
  expect(parseConfig(EXAMPLE, "cluster.yaml", "/etc/rollgate")).toEqual(expected);
});

const MINIMAL = `cluster: lab
proxmox:
  api: https://pve1.lab.example
  tokenId: root@pam!rollgate
  tokenSecretEnv: PVE_TOKEN
  caFile: pve-root-ca.pem
ssh:
  identityFile: keys/id_ed25519
nodes:
  - name: pve1
    address: pve1.lab.example
`;

describe("a minimal config", () => {
  const config = parseConfig(MINIMAL, "lab.yaml", "/srv/lab");

  test("gets every default", () => {
    expect(config.proxmox).toEqual({
      api: { url: "https://pve1.lab.example:8006", host: "pve1.lab.example", port: 8006 },
      tokenId: "root@pam!rollgate",
      tokenSecret: { kind: "env", name: "PVE_TOKEN" },
      caFile: "/srv/lab/pve-root-ca.pem",
      timeout: 30_000,
    });
    expect(config.ssh).toEqual({
      user: "root",
      port: 22,
      identityFile: "/srv/lab/keys/id_ed25519",
      knownHostsFile: path.join(home, ".ssh/known_hosts"),
      connectTimeout: 10_000,
      commandTimeout: 60_000,
    });
    expect(config.gluster).toEqual({ volumes: [] });
    expect(config.critical).toEqual([]);
    expect(config.services).toEqual([]);
    expect(config.upgrade).toEqual({
      playbook: { kind: "builtin", name: "proxmox-gluster" },
      guests: "migrate",
      guestOverrides: {},
      sameVersions: false,
      slow: { factor: 3, heal: 120_000 },
    });
    expect(config.notify).toEqual([]);
    expect(config.journal).toEqual({ dir: "/var/lib/rollgate" });
  });

  test("minHealthy defaults to every member of the group", () => {
    const withGroup = `${MINIMAL}critical:\n  - { group: dns, vms: [200, 201, 202] }\n`;
    expect(parseConfig(withGroup, "lab.yaml", "/srv/lab").critical[0]).toEqual({
      group: "dns",
      vms: [200, 201, 202],
      minHealthy: 3,
      spread: false,
      probes: [],
    });
  });
});

describe("values are normalised", () => {
  test("the API port is kept as written, even 443, and IPv6 hosts lose their brackets", () => {
    const api443 = parseConfig(edit(EXAMPLE, "https://10.0.0.11:8006", "https://[fd00::11]:443/"), "c.yaml", "/");
    expect(api443.proxmox.api).toEqual({ url: "https://[fd00::11]:443", host: "fd00::11", port: 443 });
  });

  test("a fingerprint per node is upper-cased", () => {
    const perNode = edit(EXAMPLE, `fingerprint: "${FINGERPRINT}"`, `fingerprint: { pve1: "${FINGERPRINT}", pve2: "${FINGERPRINT}" }`);
    expect(parseConfig(perNode, "c.yaml", "/").proxmox.fingerprint).toEqual({
      pve1: FINGERPRINT.toUpperCase(),
      pve2: FINGERPRINT.toUpperCase(),
    });
  });

  test("a playbook path is resolved against the config file's directory; durations may be numbers of seconds", () => {
    const custom = edit(
      edit(EXAMPLE, "playbook: proxmox-gluster", "playbook: playbooks/careful.yaml\n  guestOverrides: { 105: shutdown, 106: leave }"),
      "poll: 10s",
      "poll: 2.5",
    );
    const config = parseConfig(custom, "c.yaml", "/etc/rollgate");
    expect(config.upgrade.playbook).toEqual({ kind: "file", path: "/etc/rollgate/playbooks/careful.yaml" });
    expect(config.upgrade.guestOverrides[105]).toBe("shutdown");
    expect(config.upgrade.guestOverrides[106]).toBe("leave");
    expect(config.timeouts.poll).toBe(2_500);
  });
});

describe("README's token commands", () => {
  test("are exactly what the permissions gate asks for, on both versions", async () => {
    const { readFile } = await import("node:fs/promises");
    const { grantCommands } = await import("../../../src/pve/privileges.js");
    const readme = await readFile(new URL("../../../README.md", import.meta.url), "utf8");
    for (const major of ["8", "9"] as const) {
      const block = `# PVE ${major}\n${grantCommands(major, "rollgate@pve!upgrade").join("\n")}\n`;
      expect(readme).toContain(block);
    }
  });
});
