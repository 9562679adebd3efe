// The limits on what cluster.yaml may hold: each refused with one line that says what was expected and what was
// found, never by listing every item, and with exit code 2.
import * as fs from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { configJsonSchema, loadConfig, parseConfig } from "../../../src/config/index.js";
import { loadPlaybook, parsePlaybook } from "../../../src/playbook/playbook.js";
import { exitCodeOf } from "../../../src/util/errors.js";
import { configErrorOf, edit, EXAMPLE, FINGERPRINT } from "./example.js";

async function messageFor(text: string): Promise<string> {
  const error = await configErrorOf(() => parseConfig(text, "cluster.yaml", "/etc/rollgate"));
  expect(exitCodeOf(error)).toBe(2);
  return error.message;
}

const parses = (text: string) => parseConfig(text, "cluster.yaml", "/etc/rollgate");

/** EXAMPLE with its three nodes replaced by `count` nodes n1…nCOUNT, and no upgrade.order naming the old ones. */
function withNodes(
  count: number,
  line = (i: number) => `  - { name: n${i}, address: 10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255} }`,
): string {
  const nodes = Array.from({ length: count }, (_, index) => line(index + 1)).join("\n");
  const text = EXAMPLE.replace(/nodes:\n(?: {2}- .*\n)+/, `nodes:\n${nodes}\n`);
  return edit(
    edit(text, "node: pve1,", "node: n1,"),
    "  order: [pve3, pve2, pve1]             # optional; default puts the node with fewest critical guests first\n",
    "",
  );
}

describe("the size of the file", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "rollgate-limits-"));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  test("a 30 MB cluster name is refused by the file's size, before it is parsed, saying the size and the limit", async () => {
    const file = path.join(dir, "cluster.yaml");
    const text = edit(EXAMPLE, "cluster: storehouse", `cluster: ${"a".repeat(30 * 1024 * 1024)}`);
    await fs.writeFile(file, text, { mode: 0o600 });
    const error = await configErrorOf(() => loadConfig(file));
    expect(error.message).toBe(
      `${file} is 30.0 MiB (${Buffer.byteLength(text)} bytes); expected a cluster description of at most 1 MiB: a real one is a few KiB`,
    );
    expect(exitCodeOf(error)).toBe(2);
    // The same text handed over directly is refused the same way.
    expect(await messageFor(text)).toBe(
      `cluster.yaml is 30.0 MiB (${Buffer.byteLength(text)} bytes); expected a cluster description of at most 1 MiB: a real one is a few KiB`,
    );
  });

  test("a file that never ends is read no further than the limit", async () => {
    const error = await configErrorOf(() => loadConfig("/dev/zero"));
    expect(error.message).toBe("/dev/zero is larger than 1 MiB; expected a cluster description of at most 1 MiB: a real one is a few KiB");
  });

  test("a 200,000-node file is refused at once, in one short line", async () => {
    const file = path.join(dir, "cluster.yaml");
    await fs.writeFile(file, withNodes(200_000), { mode: 0o600 });
    const { message } = await configErrorOf(() => loadConfig(file));
    expect(message).toMatch(new RegExp(`^${file} is 8\\.\\d MiB \\(\\d+ bytes\\); expected a cluster description of at most 1 MiB`));
    expect(message).not.toContain("n199999");
    expect(message.length).toBeLessThan(200);
  });

  test("a playbook larger than 1 MiB is refused, from a file or as text", async () => {
    const file = path.join(dir, "huge.yaml");
    const text = `node:\n${"  - run: echo ok\n".repeat(70_000)}`;
    await fs.writeFile(file, text);
    const error = await configErrorOf(() => loadPlaybook({ kind: "file", path: file }));
    expect(error.message).toBe(
      `upgrade.playbook: ${file} is 1.1 MiB (${Buffer.byteLength(text)} bytes); expected a playbook of at most 1 MiB: a real one is a few KiB`,
    );
    expect(exitCodeOf(error)).toBe(2);
    expect((await configErrorOf(() => parsePlaybook(text, "huge.yaml", "huge"))).message).toMatch(/^huge\.yaml is 1\.1 MiB/);
  });

  test('a "billion laughs" document is refused before its aliases are expanded', async () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let level = 1; level < 9; level++) {
      const [name, previous] = [String.fromCharCode(97 + level), String.fromCharCode(96 + level)];
      levels.push(`${name}: &${name} [${Array(10).fill(`*${previous}`).join(",")}]`);
    }
    expect(await messageFor(`${EXAMPLE}${levels.join("\n")}\n`)).toBe(
      "cluster.yaml:1:1: YAML error: excessive alias count indicates a resource exhaustion attack; expected at most 100 expansions of anchors (*name)",
    );
  });

  test("more than 100 aliases are refused before any is resolved (each is looked up among every anchor before it)", async () => {
    const anchors = Array.from({ length: 101 }, (_, i) => `x${i}: &a${i} ${i}\ny${i}: *a${i}`).join("\n");
    expect(await messageFor(`${EXAMPLE}${anchors}\n`)).toBe("cluster.yaml:1:1: YAML error: 101 aliases (*name); expected at most 100");
  });

  test("a key written twice in a mapping of 50,000 keys is found (without comparing every key with every other)", async () => {
    const keys = Array.from({ length: 50_000 }, (_, i) => `  ${100 + i}: leave`).join("\n");
    const message = await messageFor(edit(EXAMPLE, "guests: migrate", `guests: migrate\n  guestOverrides:\n${keys}\n  100: shutdown`));
    expect(message).toBe("cluster.yaml:50031:3: YAML syntax error: map keys must be unique");
  });
});

describe("the length of names and paths", () => {
  test("a cluster name of 16 characters is refused by PVE's limit of 15", async () => {
    expect(await messageFor(edit(EXAMPLE, "cluster: storehouse", "cluster: abcdefghijklmnop"))).toBe(
      `cluster.yaml:1:10: cluster: expected at most 15 characters (PVE's limit for a cluster name), got 16: "abcdefghijklmnop"`,
    );
    expect(parses(edit(EXAMPLE, "cluster: storehouse", "cluster: abcdefghijklmno")).cluster).toBe("abcdefghijklmno");
  });

  test("a cluster name is a PVE cluster name: no dots or underscores", async () => {
    expect(await messageFor(edit(EXAMPLE, "cluster: storehouse", "cluster: store_house"))).toBe(
      'cluster.yaml:1:10: cluster: expected a PVE cluster name (letters, digits and inner "-"; e.g. storehouse), got "store_house"',
    );
  });

  const long = (length: number) => "a".repeat(length);
  test.each([
    ["node name", "name: pve3", `name: ${long(64)}`, "nodes[2].name", 63, "a node name is a hostname label"],
    ["service name", "name: celery", `name: ${long(65)}`, "services[0].name", 64, undefined],
    ["group name", "group: routers", `group: ${long(65)}`, "critical[0].group", 64, undefined],
    [
      "volume name",
      "volumes: [gv0]",
      `volumes: [${long(256)}]`,
      "gluster.volumes[0]",
      255,
      "a volume name is a directory name in /var/lib/glusterd/vols",
    ],
    ["unit name", "unit: celery.service", `unit: ${long(248)}.service`, "services[0].unit", 255, "systemd's limit for a unit name"],
  ])("a %s one character too long", async (_what, from, to, keyPath, max, why) => {
    const message = await messageFor(edit(EXAMPLE, from, to));
    expect(message).toMatch(new RegExp(`^cluster\\.yaml:\\d+:\\d+: ${keyPath.replace(/[[\].]/g, "\\$&")}: `));
    expect(message).toContain(`: expected at most ${max} characters${why ? ` (${why})` : ""}, got ${max + 1}: "aaaa`);
    expect(message.length).toBeLessThan(250);
  });

  test("names at their limit are accepted", () => {
    const text = edit(edit(EXAMPLE, "name: pve3", `name: ${long(63)}`), "[pve3, pve2, pve1]", `[${long(63)}, pve2, pve1]`);
    expect(parses(edit(text, "volumes: [gv0]", `volumes: [${long(255)}]`)).nodes[2]?.name).toBe(long(63));
  });

  test("a path longer than Linux's PATH_MAX, counted in bytes", async () => {
    const path4096 = `/${"é".repeat(2048)}`; // 4097 bytes in 2049 characters
    expect(await messageFor(edit(EXAMPLE, "identityFile: ~/.ssh/id_ed25519", `identityFile: ${path4096}`))).toBe(
      `cluster.yaml:9:17: ssh.identityFile: expected at most 4095 bytes (Linux's PATH_MAX), got 4097: "/${"é".repeat(56)}…"`,
    );
  });

  test("a token secret file's path too long is refused without repeating it", async () => {
    const message = await messageFor(edit(EXAMPLE, "/etc/rollgate/pve-token", `/${long(4095)}`));
    expect(message).toBe("cluster.yaml:5:20: proxmox.tokenSecretFile: expected at most 4095 bytes (Linux's PATH_MAX), got 4096");
  });
});

describe("the number of items", () => {
  test("385 nodes: one line with the count and corosync's limit, not one per node", async () => {
    expect(await messageFor(withNodes(385, (i) => `  - { name: "n${i} bad", address: 10.0.0.${i} }`))).toBe(
      "cluster.yaml:12:3: nodes: expected at most 384 nodes (the most members a corosync cluster can have), got 385",
    );
    expect(parses(withNodes(384)).nodes).toHaveLength(384);
  });

  test("a 10,000-node file under the size limit is refused in one line, naming the count and the limit", async () => {
    const text = withNodes(10_000, (i) => `- {name: n${i}, address: h${i}}`);
    expect(Buffer.byteLength(text)).toBeLessThan(1024 * 1024);
    const message = await messageFor(text);
    expect(message).toMatch(/nodes: expected at most 384 nodes \(the most members a corosync cluster can have\), got 10000$/);
    expect(message.length).toBeLessThan(200);
  });

  test("a 200,000-node text is refused by its size before it is parsed: the message is short, no node named", async () => {
    const message = await messageFor(withNodes(200_000));
    expect(message).toMatch(/^cluster\.yaml is 8\.\d MiB \(\d+ bytes\); expected a cluster description of at most 1 MiB/);
    expect(message).not.toContain("n199999");
    expect(message.length).toBeLessThan(200);
  });

  const items = (count: number, item: (i: number) => string) => Array.from({ length: count }, (_, i) => item(i)).join(", ");
  test.each([
    [
      "VM ids in a group",
      "vms: [100, 101]",
      `vms: [${items(1001, (i) => String(1000 + i))}]`,
      "critical[0].vms",
      "expected at most 1000 VM ids in one group, got 1001",
    ],
    ["volumes", "volumes: [gv0]", `volumes: [${items(257, (i) => `gv${i}`)}]`, "gluster.volumes", "expected at most 256 volumes, got 257"],
    [
      "services",
      "services:\n",
      `services:\n${Array.from({ length: 256 }, (_, i) => `  - { name: s${i}, http: "https://s.example/" }\n`).join("")}`,
      "services",
      "expected at most 256 services, got 258",
    ],
    [
      "groups",
      "critical:\n",
      `critical:\n${Array.from({ length: 256 }, (_, i) => `  - { group: g${i}, vms: [${2000 + i}] }\n`).join("")}`,
      "critical",
      "expected at most 256 groups, got 257",
    ],
    [
      "probes",
      "probes: [{ agent: true },",
      `probes: [${items(16, () => "{ agent: true }")},`,
      "critical[0].probes",
      "expected at most 16 probes, got 17",
    ],
    [
      "notifications",
      "notify:\n",
      `notify:\n${Array.from({ length: 16 }, () => '  - { on: [failure], webhook: "https://h.example/" }\n').join("")}`,
      "notify",
      "expected at most 16 notifications, got 17",
    ],
    [
      "headers",
      'webhook: "https://hooks.example/rollgate" }',
      `webhook: "https://hooks.example/rollgate", headers: { ${items(33, (i) => `X-${i}: v`)} } }`,
      "notify[0].headers",
      "expected at most 32 headers, got 33",
    ],
    [
      "guest overrides",
      "guests: migrate",
      `guests: migrate\n  guestOverrides: { ${items(10_001, (i) => `${100 + i}: leave`)} }`,
      "upgrade.guestOverrides",
      "expected at most 10000 guest overrides, got 10001",
    ],
    [
      "nodes in the order",
      "[pve3, pve2, pve1]",
      `[${items(385, () => "pve1")}]`,
      "upgrade.order",
      "expected at most 384 nodes in the order (the most members a corosync cluster can have), got 385",
    ],
    [
      "node fingerprints",
      `fingerprint: "${FINGERPRINT}"`,
      `fingerprint: { ${items(385, (i) => `n${i}: "${FINGERPRINT}"`)} }`,
      "proxmox.fingerprint",
      "expected at most 384 node fingerprints (the most members a corosync cluster can have), got 385",
    ],
  ])("too many %s", async (_what, from, to, keyPath, problem) => {
    expect(await messageFor(edit(EXAMPLE, from, to))).toMatch(
      new RegExp(`^cluster\\.yaml:\\d+:\\d+: ${keyPath.replace(/[[\].]/g, "\\$&")}: ${problem.replace(/[()]/g, "\\$&")}$`),
    );
  });

  test("an error lists at most five known nodes, and says how many more", async () => {
    expect(await messageFor(edit(withNodes(12), "node: n1,", "node: n99,"))).toMatch(
      /services\[0\]\.node: no node "n99" in nodes \(known: n1, n2, n3, n4, n5 and 7 more\)$/,
    );
  });

  test("at most 20 errors are shown, then how many more there are", async () => {
    const lines = (await messageFor(edit(EXAMPLE, "vms: [100, 101]", `vms: [${items(30, () => '"x"')}]`))).split("\n");
    expect(lines).toHaveLength(21);
    expect(lines[20]).toBe("… and 10 more errors");
  });
});

describe("node names ignore case, as hostnames do", () => {
  test("pve1 and PVE1 are the same node", async () => {
    expect(await messageFor(edit(EXAMPLE, "name: pve3", "name: PVE1"))).toMatch(
      /^cluster\.yaml:14:13: nodes\[2\]\.name: duplicate node name "PVE1" \(first at nodes\[0\]\.name as "pve1": node names are hostnames, which ignore case\); expected each node name once$/m,
    );
  });

  test("a reference in another case names the declared node, and is spelt as declared", () => {
    const text = edit(
      edit(edit(EXAMPLE, "node: pve1,", "node: PVE1,"), "[pve3, pve2, pve1]", "[Pve3, PVE2, pve1]"),
      `fingerprint: "${FINGERPRINT}"`,
      `fingerprint: { PVE2: "${FINGERPRINT}" }`,
    );
    const config = parses(text);
    expect(config.services[0]).toMatchObject({ node: "pve1" });
    expect(config.upgrade.order).toEqual(["pve3", "pve2", "pve1"]);
    expect(Object.keys(config.proxmox.fingerprint ?? {})).toEqual(["pve2"]);
  });

  test("an order naming a node twice in two cases, and a fingerprint given twice", async () => {
    expect(await messageFor(edit(EXAMPLE, "[pve3, pve2, pve1]", "[pve3, pve2, PVE3]"))).toBe(
      'cluster.yaml:28:23: upgrade.order[2]: duplicate node "PVE3" (first at upgrade.order[0] as "pve3": node names are hostnames, which ignore case); expected each node once',
    );
    const twice = edit(EXAMPLE, `fingerprint: "${FINGERPRINT}"`, `fingerprint: { pve1: "${FINGERPRINT}", PVE1: "${FINGERPRINT}" }`);
    expect(await messageFor(twice)).toMatch(
      /proxmox\.fingerprint\.PVE1: duplicate node "PVE1" \(first at proxmox\.fingerprint\.pve1 as "pve1"/,
    );
  });

  test("Gluster volume names do not ignore case", () => {
    expect(parses(edit(EXAMPLE, "volumes: [gv0]", "volumes: [gv0, GV0]")).gluster.volumes).toEqual(["gv0", "GV0"]);
  });
});

describe("durations", () => {
  const timeouts = /timeouts: \{.*\}/.exec(EXAMPLE)?.[0] ?? "";
  const withTimeouts = (written: string) => edit(EXAMPLE, timeouts, `timeouts: { ${written} }`);

  test("poll: 1ms is refused, saying why", async () => {
    expect(await messageFor(withTimeouts("poll: 1ms"))).toBe(
      'cluster.yaml:30:19: timeouts.poll: expected a duration of at least 50ms (below that, one look at the cluster takes longer than the interval), got "1ms"',
    );
  });

  test.each(["heal", "healStall", "nodeOnline", "migrate", "apt", "reboot"])("timeouts.%s under a second", async (name) => {
    expect(await messageFor(withTimeouts(`${name}: 500ms`))).toMatch(
      new RegExp(`timeouts\\.${name}: expected a duration of at least 1s, got "500ms"$`),
    );
  });

  test.each([
    ["proxmox.timeout", "tokenSecretFile: /etc/rollgate/pve-token", "tokenSecretFile: /etc/rollgate/pve-token\n  timeout: 100ms"],
    ["ssh.connectTimeout", "  user: root\n", "  user: root\n  connectTimeout: 100ms\n"],
    ["ssh.commandTimeout", "  user: root\n", "  user: root\n  commandTimeout: 0.5\n"],
  ])("%s under a second", async (keyPath, from, to) => {
    expect(await messageFor(edit(EXAMPLE, from, to))).toMatch(
      new RegExp(`${keyPath.replace(".", "\\.")}: expected a duration of at least 1s, got`),
    );
  });

  test("a typo such as 20000h is refused: at most a week", async () => {
    expect(await messageFor(withTimeouts("heal: 20000h"))).toBe(
      'cluster.yaml:30:19: timeouts.heal: expected a duration of at most 168h (longer is a typo, not a wait), got "20000h"',
    );
    expect(parses(withTimeouts("heal: 168h")).timeouts.heal).toBe(7 * 24 * 3_600_000);
  });

  test("haPickup shorter than a poll would give up before looking again", async () => {
    expect(await messageFor(withTimeouts("poll: 10s, haPickup: 5s"))).toBe(
      "cluster.yaml:30:34: timeouts.haPickup: expected an HA pickup wait of at least timeouts.poll (10s): a shorter one gives up before its second look, got 5s",
    );
  });

  test("the lab's scaled floors are accepted", () => {
    const lab =
      "heal: 1500ms, healStall: 2s, nodeOnline: 1500ms, migrate: 5s, apt: 10s, reboot: 5s, haPickup: 1s, poll: 50ms, settle: 200ms, lockLease: 4s";
    expect(parses(withTimeouts(lab)).timeouts).toMatchObject({
      poll: 50,
      settle: 200,
      haPickup: 1_000,
      healStall: 2_000,
      lockLease: 4_000,
    });
  });
});

test("the JSON Schema carries the limits, for editors", () => {
  const schema = configJsonSchema() as { properties: Record<string, { maxLength?: number; maxItems?: number }> };
  expect(schema.properties["cluster"]?.maxLength).toBe(15);
  expect(schema.properties["nodes"]?.maxItems).toBe(384);
  expect(schema.properties["services"]?.maxItems).toBe(256);
});
