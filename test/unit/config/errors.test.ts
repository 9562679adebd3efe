// Each kind of mistake in cluster.yaml, with the exact line the user sees: FILE:LINE:COL: KEY.PATH: problem.
import { describe, expect, test } from "vitest";
import { ConfigErrors, parseConfig } from "../../../src/config/index.js";
import { configErrorOf, edit, EXAMPLE } from "./example.js";

async function messageFor(text: string): Promise<string> {
  return (await configErrorOf(() => parseConfig(text, "cluster.yaml", "/etc/rollgate"))).message;
}

describe("unknown keys", () => {
  test("at the top level, pointing at the key and suggesting the likely one", async () => {
    expect(await messageFor(`${EXAMPLE}timeout: { heal: 3h }\n`)).toBe(
      "cluster.yaml:33:1: timeout: unknown key (did you mean timeouts?); expected one of: cluster, proxmox, ssh, nodes, gluster, critical, services, upgrade, timeouts, notify, heartbeat, journal",
    );
  });

  test("nested in a flow mapping inside a list", async () => {
    const text = edit(EXAMPLE, "privateAddress: 10.10.0.12 }", "privateAddress: 10.10.0.12, sshport: 2222 }");
    expect(await messageFor(text)).toBe(
      "cluster.yaml:13:67: nodes[1].sshport: unknown key (did you mean sshPort?); expected one of: name, address, privateAddress, sshPort, powerCycle",
    );
  });

  test("a misspelt required key gives one line for the unknown key and one for the missing one", async () => {
    const error = await configErrorOf(() =>
      parseConfig(edit(EXAMPLE, "  identityFile:", "  identityfile:"), "cluster.yaml", "/etc/rollgate"),
    );
    expect(error.message).toBe(
      [
        'cluster.yaml:8:3: ssh.identityFile: missing required key; expected a file path (absolute, "~/…", or relative to the config file)',
        "cluster.yaml:9:3: ssh.identityfile: unknown key (did you mean identityFile?); expected one of: user, port, identityFile, knownHostsFile, connectTimeout, commandTimeout",
      ].join("\n"),
    );
    expect(error).toBeInstanceOf(ConfigErrors);
    expect(error.position).toEqual({ file: "cluster.yaml", line: 8, col: 3 });
    expect(error.keyPath).toBe("ssh.identityFile");
  });

  test("strictHostKeyChecking: host keys are always verified, and the error says so", async () => {
    const text = edit(EXAMPLE, "  user: root\n", "  user: root\n  strictHostKeyChecking: no\n");
    expect(await messageFor(text)).toBe(
      "cluster.yaml:9:3: ssh.strictHostKeyChecking: unknown key: host keys are always verified and this cannot be turned off; put each node's host key in ssh.knownHostsFile (default ~/.ssh/known_hosts)",
    );
  });

  test("a switch to skip certificate verification is refused the same way", async () => {
    const text = edit(EXAMPLE, "proxmox:\n", "proxmox:\n  verify_ssl: false\n");
    expect(await messageFor(text)).toBe(
      "cluster.yaml:3:3: proxmox.verify_ssl: unknown key: the API certificate is always verified and this cannot be turned off; set proxmox.fingerprint or proxmox.caFile",
    );
  });
});

describe("wrong values", () => {
  test("a VM id that is not a number", async () => {
    expect(await messageFor(edit(EXAMPLE, "vms: [100, 101]", 'vms: [100, "abc"]'))).toBe(
      'cluster.yaml:19:16: critical[0].vms[1]: expected an integer VM id (100-999999999), got "abc"',
    );
  });

  test("a YAML 1.1 boolean", async () => {
    expect(await messageFor(edit(EXAMPLE, "spread: true", "spread: yes"))).toBe(
      'cluster.yaml:21:13: critical[0].spread: expected true or false, got "yes"',
    );
  });

  test("a list where a mapping belongs", async () => {
    expect(await messageFor(edit(EXAMPLE, "gluster:\n  volumes: [gv0]", "gluster: [gv0]"))).toBe(
      "cluster.yaml:15:10: gluster: expected a mapping, got a list",
    );
  });

  test("a bad duration", async () => {
    expect(await messageFor(edit(EXAMPLE, "heal: 2h", "heal: 2x"))).toBe(
      'cluster.yaml:30:19: timeouts.heal: expected a duration such as 500ms, 10s, 15m, 2h or 1h30m, or a number of seconds, got "2x"',
    );
  });

  test("a poll interval that is not shorter than settle", async () => {
    expect(await messageFor(edit(EXAMPLE, "poll: 10s", "poll: 1m"))).toBe(
      "cluster.yaml:30:60: timeouts.poll: expected a poll interval shorter than timeouts.settle (30s), got 1m",
    );
  });

  test("a lock lease too short for the record's whole-second age", async () => {
    expect(await messageFor(edit(EXAMPLE, "settle: 30s }", "settle: 30s, lockLease: 1s }"))).toBe(
      "cluster.yaml:30:89: timeouts.lockLease: expected a lock lease of at least 2s, got 1s",
    );
  });

  test("minHealthy larger than the group", async () => {
    expect(await messageFor(edit(EXAMPLE, "minHealthy: 2", "minHealthy: 3"))).toBe(
      "cluster.yaml:20:17: critical[0].minHealthy: expected at most 2 (the number of vms in the group), got 3",
    );
  });

  test("an invalid fingerprint", async () => {
    expect(await messageFor(edit(EXAMPLE, /fingerprint: ".*"/.exec(EXAMPLE)?.[0] ?? "", 'fingerprint: "AB:CD:EF"'))).toBe(
      'cluster.yaml:6:16: proxmox.fingerprint: expected the SHA-256 fingerprint of the API certificate: 32 colon-separated hex bytes, AB:CD:… (on the node: openssl x509 -noout -fingerprint -sha256 -in /etc/pve/local/pve-ssl.pem), or a mapping of node name to fingerprint, got "AB:CD:EF"',
    );
  });

  test("an API URL with a path, over http", async () => {
    expect(await messageFor(edit(EXAMPLE, "https://10.0.0.11:8006", "http://10.0.0.11:8006/api2/json"))).toBe(
      'cluster.yaml:3:8: proxmox.api: expected the https URL of a node\'s API, with no path: https://HOST or https://HOST:PORT (e.g. https://10.0.0.11:8006), got "http://10.0.0.11:8006/api2/json"',
    );
  });

  test("an empty list of nodes", async () => {
    const text = EXAMPLE.replace(/nodes:\n(  - .*\n)+/, "nodes: []\n");
    expect(await messageFor(text)).toBe("cluster.yaml:11:8: nodes: expected at least 1 item, got 0 items");
  });
});

describe("shell metacharacters and option-like values are refused", () => {
  test.each([
    [
      "a unit name",
      "unit: celery.service",
      'unit: "celery.service; rm -rf /"',
      'cluster.yaml:24:39: services[0].unit: expected a systemd unit name (e.g. celery.service; letters, digits, "@", ".", "_", ":", "\\", "-"), got "celery.service; rm -rf /"',
    ],
    [
      "a node name",
      "name: pve2",
      'name: "pve2 && reboot"',
      'cluster.yaml:13:13: nodes[1].name: expected a PVE node name (letters, digits and inner "-", at most 63; e.g. pve1), got "pve2 && reboot"',
    ],
    [
      "a volume",
      "volumes: [gv0]",
      'volumes: ["gv0; rm -rf /"]',
      'cluster.yaml:16:13: gluster.volumes[0]: expected a Gluster volume name (letters, digits, "_", ".", "-"; not starting with "-"), got "gv0; rm -rf /"',
    ],
    [
      "an address that ssh would read as an option",
      "address: 10.0.0.12",
      "address: -oProxyCommand=sh",
      'cluster.yaml:13:28: nodes[1].address: expected an IPv4 address, an IPv6 address or a DNS hostname, got "-oProxyCommand=sh"',
    ],
    [
      "an address that is no IPv4 address and no hostname either",
      "address: 10.0.0.12",
      "address: 10.0.0.256",
      'cluster.yaml:13:28: nodes[1].address: expected an IPv4 address, an IPv6 address or a DNS hostname, got "10.0.0.256"',
    ],
  ])("in %s", async (_what, from, to, message) => {
    expect(await messageFor(edit(EXAMPLE, from, to))).toBe(message);
  });
});

describe("missing keys point at the mapping that lacks them", () => {
  test("a required key", async () => {
    expect(await messageFor(edit(EXAMPLE, "  tokenId: rollgate@pve!upgrade\n", ""))).toBe(
      "cluster.yaml:3:3: proxmox.tokenId: missing required key; expected an API token id USER@REALM!TOKENID (e.g. rollgate@pve!upgrade)",
    );
  });

  test("one of two keys", async () => {
    const withoutTrust = edit(EXAMPLE, /  fingerprint: ".*"\n/.exec(EXAMPLE)?.[0] ?? "", "");
    expect(await messageFor(withoutTrust)).toBe(
      "cluster.yaml:3:3: proxmox: missing fingerprint or caFile; the API certificate is always verified, so expected fingerprint (its SHA-256) or caFile (e.g. /etc/pve/pve-root-ca.pem)",
    );
  });

  test("a key required by another: unit needs node", async () => {
    expect(await messageFor(edit(EXAMPLE, "{ name: celery, node: pve1,", "{ name: celery,"))).toBe(
      "cluster.yaml:24:5: services[0].node: missing required key; expected the node that runs the unit (node is required with unit)",
    );
  });

  test("an empty file", async () => {
    expect(await messageFor("# nothing yet\n")).toBe(
      "cluster.yaml:1:1: the file is empty; expected a cluster description (README.md shows one; `rollgate schema` prints its JSON Schema)",
    );
  });
});

describe("YAML syntax errors are positioned too", () => {
  test("an unclosed flow sequence", async () => {
    expect(await messageFor(edit(EXAMPLE, "volumes: [gv0]", "volumes: [gv0"))).toBe(
      "cluster.yaml:17:1: YAML syntax error: flow sequence in block collection must be sufficiently indented and end with a ]",
    );
  });

  test("a key written twice", async () => {
    expect(await messageFor(edit(EXAMPLE, "  user: root\n", "  user: root\n  user: admin\n"))).toBe(
      "cluster.yaml:9:3: YAML syntax error: map keys must be unique",
    );
  });
});

test("several errors are reported together, one positioned line each, in file order", async () => {
  const text = edit(edit(EXAMPLE, "heal: 2h", "heal: soon"), "cluster: storehouse", "cluster: -storehouse");
  expect((await messageFor(text)).split("\n")).toEqual([
    'cluster.yaml:1:10: cluster: expected a PVE cluster name (letters, digits and inner "-"; e.g. storehouse), got "-storehouse"',
    'cluster.yaml:30:19: timeouts.heal: expected a duration such as 500ms, 10s, 15m, 2h or 1h30m, or a number of seconds, got "soon"',
  ]);
});
