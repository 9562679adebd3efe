// rollgate at sizes beyond the lab's three nodes: a plan for 32 nodes and 4,000 guests (pure, no
// network), one full observation of labs of growing size, heal info of a million entries per
// brick, and SSH commands over the pooled connection against a new connection per command.

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { loadConfig, resolveTokenSecret, type Config } from "../src/config/index.js";
import { evaluateGates, facetsFor } from "../src/gates/evaluate.js";
import type { OutputFormat } from "../src/gluster/index.js";
import { startLab } from "../src/lab/lab.js";
import { collect } from "../src/observe/collect.js";
import type { ClusterState, Guest } from "../src/observe/state.js";
import { buildPlan } from "../src/plan/plan.js";
import { loadPlaybook } from "../src/playbook/playbook.js";
import { pveClientFor, sshPoolFor } from "../src/transport/from-config.js";
import { networkProbes } from "../src/transport/probes.js";
import { readCommand } from "../src/transport/remote-command.js";
import { SshPool, type SshSettings } from "../src/transport/ssh.js";
import type { HealInfoParse } from "./heal-info-child.js";
import { time, type Timing } from "./measure.js";

const GiB = 2 ** 30;
const run = promisify(execFile);

// ---- plan ----------------------------------------------------------------------------------

/** A cluster.yaml for `nodes` nodes with a router pair, as an admin of a big cluster writes it. */
async function bigConfig(dir: string, nodes: number): Promise<Config> {
  await writeFile(path.join(dir, "token"), "00000000-0000-0000-0000-000000000000\n", { mode: 0o600 });
  await writeFile(path.join(dir, "id_ed25519"), "", { mode: 0o600 });
  await writeFile(path.join(dir, "known_hosts"), "");
  const lines = [
    "cluster: big",
    "proxmox: { api: https://10.0.0.1:8006, tokenId: rollgate@pve!upgrade, tokenSecretFile: token, fingerprint: 'AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99' }",
    "ssh: { user: root, identityFile: id_ed25519, knownHostsFile: known_hosts }",
    "nodes:",
    ...Array.from({ length: nodes }, (_, i) => `  - { name: pve${i + 1}, address: 10.0.0.${i + 1}, privateAddress: 10.10.0.${i + 1} }`),
    "critical:",
    "  - { group: routers, vms: [100, 101], minHealthy: 1, spread: true }",
  ];
  const file = path.join(dir, "cluster.yaml");
  await writeFile(file, `${lines.join("\n")}\n`);
  return (await loadConfig(file)).config;
}

/** What an observation of such a cluster holds: `guests` running guests spread over the nodes, a pending upgrade on each. */
function bigState(config: Config, guests: number): ClusterState {
  const names = config.nodes.map((n) => n.name);
  const list: Guest[] = Array.from({ length: guests }, (_, i) => ({
    vmid: 100 + i,
    name: i < 2 ? `fw-${i}` : `guest-${i}`,
    type: i % 5 === 4 ? "lxc" : "qemu",
    node: names[i % names.length]!,
    status: "running",
    maxmem: (1 + (i % 8)) * GiB,
    haState: null,
    lock: null,
    template: false,
  }));
  const ok = <T>(value: T) => ({ ok: true as const, value });
  return {
    observedAt: new Date().toISOString(),
    target: null,
    guests: ok({ guests: list, nodes: names.map((name) => ({ name, maxmem: 1024 * GiB, mem: 256 * GiB })), critical: {} }),
    constraints: ok({}),
    packages: Object.fromEntries(
      names.map((n) => [
        n,
        ok({
          runningKernel: "6.17.2-2-pve",
          installedKernels: ["6.17.2-2-pve"],
          pinnedKernel: null,
          pending: [
            { name: "proxmox-kernel-6.17", from: "6.17.2-2", to: "6.17.4-2" },
            { name: "pve-manager", from: "9.1.1", to: "9.1.2" },
          ],
          rebootRequiredFile: false,
          pveVersion: "9.1.1",
        }),
      ]),
    ),
  };
}

export async function planScale(nodes: number, guests: number, runs: number) {
  const dir = await mkdtemp(path.join(tmpdir(), "rollgate-bench-plan-"));
  try {
    const config = await bigConfig(dir, nodes);
    const state = bigState(config, guests);
    let moves = 0;
    const timing = await time(runs, async () => {
      const plan = buildPlan(config, state, []);
      moves = plan.nodes.reduce((sum, n) => sum + n.moves.length, 0);
      if (plan.nodes.length !== nodes) throw new Error(`plan bench: ${plan.nodes.length} nodes planned, not ${nodes}`);
    });
    // Every node's guests move once, and the ones moved onto a later node move again with it.
    if (moves < guests) throw new Error(`plan bench: only ${moves} moves planned for ${guests} guests`);
    return { nodes, guests, moves, timing };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// ---- observation ---------------------------------------------------------------------------

/** One full observation (every preflight gate's facets) of a lab of `nodes` nodes, over pooled connections. */
export async function observationOf(nodes: number, runs: number): Promise<{ nodes: number; timing: Timing }> {
  const dir = await mkdtemp(path.join(tmpdir(), "rollgate-bench-observe-"));
  const lab = await startLab({ dir, nodes, timeScale: 100 });
  const loaded = await loadConfig(lab.files.config);
  const config = loaded.config;
  const shell = sshPoolFor(config);
  const pve = await pveClientFor(config, await resolveTokenSecret(loaded));
  try {
    const { preflightGates } = await loadPlaybook(config.upgrade.playbook);
    const facets = facetsFor(config, preflightGates);
    const ctx = { config, shell, pve, probes: networkProbes, target: null };
    const first = evaluateGates(config, await collect(ctx, facets), preflightGates);
    const refused = first.filter((v) => !v.pass);
    if (refused.length > 0) throw new Error(`observation bench: ${refused.map((v) => v.reasons[0]).join("; ")}`);
    const timing = await time(runs, () => collect(ctx, facets));
    return { nodes, timing };
  } finally {
    pve.close();
    await shell.close();
    await lab.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

// ---- heal info -----------------------------------------------------------------------------

/** Heal info parsed in a process of its own, so its peak RSS is the parser's and Node's, not the other benchmarks'. */
export async function healInfoInChild(format: OutputFormat, entriesPerBrick: number): Promise<HealInfoParse> {
  const child = fileURLToPath(new URL("./heal-info-child.js", import.meta.url));
  const { stdout } = await run(process.execPath, ["--expose-gc", child, format, String(entriesPerBrick)]);
  return JSON.parse(stdout) as HealInfoParse;
}

// ---- SSH -----------------------------------------------------------------------------------

export interface SshRate {
  target: string;
  pooledPerSecond: number;
  newConnectionPerSecond: number;
}

/** `true` run `count` times over one pooled connection, then each over a connection of its own. */
async function sshRate(target: string, settings: SshSettings, node: string, count: number): Promise<SshRate> {
  const pool = new SshPool(settings);
  try {
    await pool.run(node, readCommand("true"));
    const pooledStart = performance.now();
    for (let i = 0; i < count; i++) await pool.run(node, readCommand("true"));
    const pooledMs = performance.now() - pooledStart;
    const freshStart = performance.now();
    for (let i = 0; i < count; i++) {
      const fresh = new SshPool(settings);
      try {
        await fresh.run(node, readCommand("true"));
      } finally {
        await fresh.close();
      }
    }
    const freshMs = performance.now() - freshStart;
    return { target, pooledPerSecond: count / (pooledMs / 1000), newConnectionPerSecond: count / (freshMs / 1000) };
  } finally {
    await pool.close();
  }
}

export async function sshRateAgainstLab(count: number): Promise<SshRate> {
  const dir = await mkdtemp(path.join(tmpdir(), "rollgate-bench-ssh-"));
  const lab = await startLab({ dir, timeScale: 100 });
  try {
    const { config } = await loadConfig(lab.files.config);
    const node = config.nodes[0]!;
    return await sshRate(
      "the lab's sshd (ssh2, in this process)",
      {
        user: config.ssh.user,
        identityFile: config.ssh.identityFile,
        knownHostsFile: config.ssh.knownHostsFile,
        connectTimeoutMs: 5_000,
        commandTimeoutMs: 10_000,
        targets: [{ node: node.name, host: node.address, port: config.ssh.port }],
      },
      node.name,
      count,
    );
  } finally {
    await lab.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** The same against OpenSSH's sshd on loopback, where this machine has one and runs as root (CI does). */
export async function sshRateAgainstOpenSsh(count: number): Promise<SshRate | string> {
  const { access } = await import("node:fs/promises");
  if (process.getuid?.() !== 0) return "not measured: needs root to run sshd";
  if (
    !(await access("/usr/sbin/sshd").then(
      () => true,
      () => false,
    ))
  )
    return "not measured: no /usr/sbin/sshd (apt-get install openssh-server)";
  const { ensurePrivsepDir, generateKey, knownHostsLine, startSshd } = await import("../test/real/helpers/sshd.js");
  const dir = await mkdtemp(path.join(tmpdir(), "rollgate-bench-sshd-"));
  const removePrivsepDir = await ensurePrivsepDir();
  const host = "127.0.20.9";
  let sshd: Awaited<ReturnType<typeof startSshd>> | null = null;
  try {
    const [clientKey, hostKey] = await Promise.all([
      generateKey(path.join(dir, "id_ed25519"), "rollgate-bench"),
      generateKey(path.join(dir, "host_ed25519"), "bench-host"),
    ]);
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    sshd = await startSshd({ dir, name: "sshd", host, port, hostKey, authorizedKeysFile: clientKey.publicFile });
    const knownHostsFile = path.join(dir, "known_hosts");
    await writeFile(knownHostsFile, knownHostsLine(host, port, hostKey));
    return await sshRate(
      "OpenSSH sshd on loopback",
      {
        user: "root",
        identityFile: clientKey.file,
        knownHostsFile,
        connectTimeoutMs: 5_000,
        commandTimeoutMs: 10_000,
        targets: [{ node: "real1", host, port }],
      },
      "real1",
      count,
    );
  } finally {
    await sshd?.stop();
    await removePrivsepDir();
    await rm(dir, { recursive: true, force: true });
  }
}
