// Real GlusterFS 10.3 captures of a pool with three volumes (test/fixtures/gluster/arbiter/README.md): labvol
// (replica 3), arbvol (replica 2 + arbiter 1, the arbiter brick on node3) and arbvol1 (the same, arbiter on node1),
// replayed to rollgate's own reading (src/observe/collect.ts over a shell that answers from the captures), then to
// the gluster-healed gate. What a user would notice: every brick of every volume is checked and named, the arbiter
// brick is a brick like the others (its heal entries block, its unknown count blocks), and a healed pool passes.

import { describe, expect, it } from "vitest";
import { parseConfig, type Config } from "../../../src/config/index.js";
import { evaluateGates } from "../../../src/gates/evaluate.js";
import type { Verdict } from "../../../src/gates/types.js";
import { checkGlusterInvocation, parseVolumeInfoXml, type VolumeInfo } from "../../../src/gluster/index.js";
import { collect } from "../../../src/observe/collect.js";
import type { ObserveContext } from "../../../src/observe/context.js";
import type { ClusterState } from "../../../src/observe/state.js";
import type { PveApi } from "../../../src/transport/pve.js";
import type { Probes } from "../../../src/transport/probes.js";
import { commandLine, type CommandResult, type RemoteShell, type StreamedCommand } from "../../../src/transport/remote-command.js";
import { readGlusterFixture } from "../../helpers/fixtures.js";

const NODES = ["node1", "node2", "node3"] as const;
const VOLUMES = ["labvol", "arbvol", "arbvol1"] as const;
type State = "1-healthy" | "2-node3-down" | "3-node3-back" | "4-healed";

const brick = (node: string, volume: string) => `${node}:/srv/gluster/${volume}/brick`;
/** Each volume's bricks as `volume create` was given them (and `volume info` lists them). */
const BRICKS: Record<(typeof VOLUMES)[number], string[]> = {
  labvol: NODES.map((node) => brick(node, "labvol")),
  arbvol: NODES.map((node) => brick(node, "arbvol")),
  arbvol1: ["node2", "node3", "node1"].map((node) => brick(node, "arbvol1")),
};
/** `volume create … replica 2 arbiter 1 A B C`: C is the arbiter. */
const ARBITER: Record<(typeof VOLUMES)[number], string | null> = {
  labvol: null,
  arbvol: brick("node3", "arbvol"),
  arbvol1: brick("node1", "arbvol1"),
};

interface Captured {
  file: string;
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** index.tsv of a state: node and command line → what that command printed and exited with. */
function capturesOf(state: State): Map<string, Captured> {
  const folder = `arbiter/${state}`;
  const rows = readGlusterFixture(`${folder}/index.tsv`).trim().split("\n").slice(1);
  const byCommand = new Map<string, Captured>();
  for (const row of rows) {
    const [, file = "", node = "", , command = "", exit = ""] = row.split("\t");
    let stderr = "";
    try {
      stderr = readGlusterFixture(`${folder}/${file}.stderr`);
    } catch {
      // No .stderr file: the command printed nothing there.
    }
    byCommand.set(`${node} ${command}`, { file, stdout: readGlusterFixture(`${folder}/${file}`), stderr, exitCode: Number(exit) });
  }
  return byCommand;
}

/** A shell that answers each command from the captures, and fails any command that was not captured. */
function replayShell(state: State): RemoteShell {
  const captures = capturesOf(state);
  const answer = (node: string, line: string): Captured => {
    const found = captures.get(`${node} ${line}`);
    if (!found) throw new Error(`${node}: \`${line}\` was not captured in ${state}`);
    return found;
  };
  return {
    run: async (node, command): Promise<CommandResult> => {
      const { stdout, stderr, exitCode } = answer(node, commandLine(command));
      return { exitCode, signal: null, stdout, stderr };
    },
    stream: (node, command): StreamedCommand => {
      const found = answer(node, commandLine(command));
      async function* chunks(): AsyncGenerator<Buffer> {
        // As SSH delivers it: in pieces that cut elements and lines anywhere.
        const bytes = Buffer.from(found.stdout);
        for (let at = 0; at < bytes.length; at += 1000) yield bytes.subarray(at, at + 1000);
      }
      return { stdout: chunks(), done: Promise.resolve({ exitCode: found.exitCode, signal: null, stderr: found.stderr }) };
    },
    close: async () => {},
  };
}

const config: Config = parseConfig(
  `cluster: real-gluster
proxmox: { api: "https://10.99.0.11:8006", tokenId: "rollgate@pve!upgrade", tokenSecretEnv: PVE_TOKEN, caFile: /nonexistent/ca.pem }
ssh: { identityFile: /root/.ssh/id_ed25519 }
nodes:
${NODES.map((name, i) => `  - { name: ${name}, address: 10.99.0.1${i + 1} }`).join("\n")}
gluster: { volumes: [${VOLUMES.join(", ")}] }
`,
  "cluster.yaml",
  "/etc/rollgate",
);

/** The PVE API and probes are not needed for the gluster facet: any use fails the test. */
const unused = new Proxy(
  {},
  {
    get: (_target, key) => {
      throw new Error(`gluster-healed used ${String(key)}`);
    },
  },
);

async function observe(state: State): Promise<ClusterState> {
  const ctx: ObserveContext = { config, shell: replayShell(state), pve: unused as PveApi, probes: unused as Probes, target: null };
  return collect(ctx, ["gluster"]);
}

async function verdictOf(state: State): Promise<Verdict> {
  const [verdict] = evaluateGates(config, await observe(state), ["gluster-healed"]);
  if (!verdict) throw new Error("no verdict");
  return verdict;
}

/** A reason about this brick that says `text`: its own, or one said once for several bricks ("(the same for node2)"). */
function reasonAbout(verdict: Verdict, brickName: string, text: string): string | undefined {
  const [node = "", path = ""] = brickName.split(":");
  return verdict.reasons.find(
    (r) =>
      r.includes(text) &&
      (r.startsWith(`${brickName}: `) || (r.includes(`:${path}: `) && new RegExp(`\\(the same for [^)]*\\b${node}\\b`).test(r))),
  );
}

function volumeInfo(state: State, file: string): VolumeInfo[] {
  const captured = [...capturesOf(state).values()].find((c) => c.file === file);
  if (!captured) throw new Error(`no ${file} in ${state}`);
  const checked = checkGlusterInvocation(captured);
  if (!checked.ok) throw new Error(checked.error);
  const parsed = parseVolumeInfoXml(checked.value);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

describe("volume info --xml of replica 2 + arbiter 1 volumes (GlusterFS 10.3)", () => {
  it("lists every volume of the pool, with the arbiter brick marked as such", () => {
    const volumes = volumeInfo("1-healthy", "node1.volume-info-all.xml");
    expect(volumes.map((v) => v.name)).toEqual(["arbvol", "arbvol1", "labvol"]);
    for (const volume of volumes) {
      expect(volume.type).toBe("Replicate");
      expect(volume.status).toBe("Started");
      const arbiter = ARBITER[volume.name as (typeof VOLUMES)[number]];
      expect(volume.bricks.filter((b) => b.arbiter).map((b) => b.name)).toEqual(arbiter === null ? [] : [arbiter]);
      expect(volume.bricks).toHaveLength(3);
    }
  });

  it("describes the one volume asked for, the arbiter last as created", () => {
    const [arbvol1] = volumeInfo("1-healthy", "node1.arbvol1.volume-info.xml");
    expect(arbvol1?.bricks.map((b) => [b.name, b.arbiter])).toEqual(BRICKS.arbvol1.map((b) => [b, b === ARBITER.arbvol1]));
  });
});

describe("gluster-healed over the captures of a pool with three volumes, two of them with an arbiter", () => {
  it("passes on the healthy pool, having checked and named every brick of every volume, arbiters included", async () => {
    const verdict = await verdictOf("1-healthy");
    expect(verdict.reasons).toEqual([]);
    expect(verdict.pass).toBe(true);
    expect(verdict.summary).toBe(
      "labvol: 0 entries on 3 bricks, no split-brain; arbvol: 0 entries on 3 bricks, no split-brain; arbvol1: 0 entries on 3 bricks, no split-brain",
    );
    // The arbiters (node3's brick of arbvol, node1's of arbvol1) are checked like every other brick.
    expect(verdict.checked).toEqual(VOLUMES.flatMap((v) => BRICKS[v]).map((b) => `${b}: online, 0 entries, no split-brain`));
    expect(verdict.metrics).toEqual(Object.fromEntries(VOLUMES.flatMap((v) => NODES.map((n) => [`${v} ${brick(n, v)}`, 0]))));
  });

  it("refuses with node3 down after writes: pending entries on every surviving brick, the arbiter's included, node3's unknown", async () => {
    const verdict = await verdictOf("2-node3-down");
    expect(verdict.pass).toBe(false);
    for (const volume of VOLUMES) {
      // 300 files, their directory and the volume root, counted on both surviving bricks.
      for (const node of ["node1", "node2"]) {
        const pending = reasonAbout(verdict, brick(node, volume), "entries pending");
        expect(pending, `${brick(node, volume)} in:\n${verdict.reasons.join("\n")}`).toBeDefined();
        expect(Number(/: (\d+) entries pending/.exec(pending ?? "")?.[1])).toBeGreaterThanOrEqual(300);
        expect(verdict.metrics?.[`${volume} ${brick(node, volume)}`]).toBeGreaterThanOrEqual(300);
      }
      const lost = brick("node3", volume);
      expect(reasonAbout(verdict, lost, "not reachable from node1 (Transport endpoint is not connected); entries unknown")).toBeDefined();
      expect(reasonAbout(verdict, lost, `not listed by \`gluster volume status ${volume}\``)).toBeDefined();
      expect(verdict.metrics?.[`${volume} ${lost}`]).toBeNull();
      expect(verdict.summary).toContain(`${volume}: 1 brick not in volume status,`);
    }
    // arbvol1's arbiter is on node1: its own pending entries are named, and block.
    expect(reasonAbout(verdict, ARBITER.arbvol1!, "entries pending")).toBeDefined();
    // arbvol's arbiter is node3's brick: unknown, never read as 0.
    expect(verdict.checked.some((c) => c.startsWith(ARBITER.arbvol!))).toBe(false);
    expect(verdict.reasons).toContain("node1 sees peer node3 as disconnected: its glusterd is down or unreachable");
    expect(verdict.reasons.some((r) => r.startsWith("gluster peer status on node3: could not be observed"))).toBe(true);
  });

  it("refuses right after node3 is back while the heal runs: every brick reachable, the pending ones named", async () => {
    const state = await observe("3-node3-back");
    const verdict = evaluateGates(config, state, ["gluster-healed"])[0]!;
    expect(verdict.pass).toBe(false);
    for (const volume of VOLUMES) {
      const read = state.gluster?.[volume];
      if (!read?.ok) throw new Error(`${volume} not read: ${read?.error}`);
      expect(read.value.heal.bricks.map((b) => [b.name, b.connected])).toEqual(
        read.value.info.bricks.map((b) => [b.name, true] as [string, boolean]),
      );
    }
    // Every reason is a backlog on a named brick; nothing is down any more.
    expect(verdict.reasons.length).toBeGreaterThan(0);
    for (const reason of verdict.reasons)
      expect(reason).toMatch(/^node[123]:\/srv\/gluster\/(labvol|arbvol|arbvol1)\/brick: \d+ entries pending/);
    // In this capture node1, arbvol1's arbiter, still had a backlog of its own: named, and blocking.
    expect(reasonAbout(verdict, ARBITER.arbvol1!, "45 entries pending")).toBeDefined();
    expect(verdict.metrics?.[`arbvol1 ${ARBITER.arbvol1!}`]).toBe(45);
    const pending = Object.entries(verdict.metrics ?? {}).filter(([, entries]) => entries !== 0);
    expect(pending.length).toBeGreaterThan(0);
    expect(pending.every(([, entries]) => typeof entries === "number" && entries > 0)).toBe(true);
  });

  it("passes once healed, every brick of the three volumes again checked by name", async () => {
    const verdict = await verdictOf("4-healed");
    expect(verdict.reasons).toEqual([]);
    expect(verdict.pass).toBe(true);
    expect(verdict.checked).toHaveLength(9);
    for (const volume of VOLUMES)
      for (const node of NODES) expect(verdict.checked).toContain(`${brick(node, volume)}: online, 0 entries, no split-brain`);
  });
});
