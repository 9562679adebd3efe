// Three real GlusterFS hosts on this machine, as notes/gluster.md's captures were made: each host
// is a network namespace (rg-gl1..3, 10.99.0.11-13 on bridge rgbr0, host side 10.99.0.1) with a
// mount namespace of its own (private /var/lib/glusterd, /var/log/glusterfs, /run, /srv, /mnt and
// /etc/hosts), its own glusterd, brick, self-heal daemon and OpenSSH sshd. A replica-3 volume
// labvol is FUSE-mounted on node1. Every process is recorded or found by PID through its
// namespaces, and everything is torn down by close(), also after a bring-up that failed half-way.

import { afterAll, beforeAll } from "vitest";
import { access, chmod, cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { cmdline, namespaceOf, procInfo, processTable, run, sleep, startProcess, stopPids, tail, tryRun, waitFor } from "./processes.js";
import { generateKey, knownHostsLine, rootHomeOfANode, startSshd, type Sshd, type SshKey } from "./sshd.js";

export const VOLUME = "labvol";
export const BRIDGE = "rgbr0";
const SUBNET = "10.99.0";
const BRICK_PATH = `/srv/gluster/${VOLUME}/brick`;
const MOUNT = `/mnt/${VOLUME}`;
const DIR_PREFIX = "rollgate-real-gluster-";

export interface GlusterHost {
  name: string;
  index: number;
  ip: string;
  netns: string;
  dir: string;
  brick: string;
  /** The process holding the host's mount namespace (in its network namespace). */
  keeperPid: number;
  sshd: Sshd | null;
}

export type GlusterProcess = "glusterd" | "brick" | "self-heal daemon" | "fuse client" | "other glusterfs";

/** Heal entries per brick from `gluster volume heal VOL statistics heal-count` (null: no answer for the brick). */
export type HealCounts = Map<string, number | null>;

/**
 * These hosts run no systemd, and rollgate's gluster-rejoin step restarts glusterd the way a node
 * does: `systemctl restart glusterd`. This stands in for systemd's part only, as Debian's unit
 * defines it (glusterfs debian/glusterfs-server.glusterd.service, read from the installed package:
 * KillMode=control-group stops glusterd with the bricks and self-heal daemon it started;
 * ExecStart=/usr/sbin/glusterd -p /var/run/glusterd.pid --log-level INFO), and refuses anything else.
 */
const SYSTEMCTL = `#!/bin/sh
set -u
if [ "$*" != "restart glusterd" ]; then
  echo "systemctl: this test host runs no systemd; only 'systemctl restart glusterd' is provided, not '$*'" >&2
  exit 1
fi
# The host's processes are those of its network namespace (the PID namespace is the machine's).
self=$(readlink /proc/self/ns/net)
pids=""
for dir in /proc/[0-9]*; do
  [ "$(readlink "$dir/ns/net" 2>/dev/null)" = "$self" ] || continue
  case "$(cat "$dir/comm" 2>/dev/null)" in
    glusterd|glusterfsd) pids="$pids \${dir#/proc/}" ;;
    glusterfs) tr '\\0' ' ' < "$dir/cmdline" | grep -Eq '(^| )(glustershd|shd/)' && pids="$pids \${dir#/proc/}" ;;
  esac
done
[ -n "$pids" ] && kill -TERM $pids
tries=0
while [ "$tries" -lt 300 ]; do
  alive=""
  for pid in $pids; do
    [ -d "/proc/$pid" ] && [ "$(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null)" != "Z" ] && alive=1
  done
  [ -z "$alive" ] && break
  sleep 0.1
  tries=$((tries + 1))
done
exec /usr/sbin/glusterd -p /var/run/glusterd.pid --log-level INFO
`;

const netnsName = (index: number) => `rg-gl${index}`;
const hostVeth = (index: number) => `rg-gl${index}-h`;

async function exists(kind: "netns" | "link", name: string): Promise<boolean> {
  if (kind === "netns") return (await run(["ip", "netns", "list"])).split("\n").some((l) => l.split(" ")[0] === name);
  return (await tryRun(["ip", "link", "show", "dev", name])).ok;
}

async function pidsInNetns(netns: string): Promise<number[]> {
  const listed = await tryRun(["ip", "netns", "pids", netns]);
  return listed.ok
    ? listed.stdout
        .split("\n")
        .filter((l) => /^\d+$/.test(l))
        .map(Number)
    : [];
}

async function pidsInMountNs(ns: string | null): Promise<number[]> {
  if (ns === null) return [];
  const all = await processTable();
  const found: number[] = [];
  for (const p of all) if ((await namespaceOf(p.pid, "mnt")) === ns) found.push(p.pid);
  return found;
}

/** What a process of a host is, from its name and command line; null for anything else. */
async function kindOf(pid: number): Promise<GlusterProcess | null> {
  const info = await procInfo(pid);
  if (!info || info.state === "Z") return null;
  if (info.comm === "glusterd") return "glusterd";
  if (info.comm === "glusterfsd") return "brick";
  if (info.comm === "glusterfs") {
    const args = await cmdline(pid);
    if (args.some((a) => a === "glustershd" || a.startsWith("shd/"))) return "self-heal daemon";
    if (args.includes("fuse")) return "fuse client";
    return "other glusterfs";
  }
  return null;
}

/**
 * A previous run killed before its afterAll (SIGKILL, a crash) leaves our namespaces behind:
 * stop what runs in them (found by PID through the namespace) and delete them.
 */
async function removeStale(log: (line: string) => void): Promise<void> {
  let crashed = false;
  for (const index of [1, 2, 3]) {
    const netns = netnsName(index);
    if (!(await exists("netns", netns))) continue;
    crashed = true;
    const pids = await pidsInNetns(netns);
    log(`removing ${netns} left by an earlier run (processes ${pids.join(", ") || "none"})`);
    await stopPids(pids, { first: "SIGKILL" });
    await run(["ip", "netns", "del", netns]);
  }
  for (const link of [BRIDGE, hostVeth(1), hostVeth(2), hostVeth(3)]) {
    if (await exists("link", link)) {
      log(`removing link ${link} left by an earlier run`);
      await run(["ip", "link", "del", link]);
    }
  }
  // That run's directory (bricks, keys, logs); the suites never run twice at once on one machine.
  if (crashed) {
    for (const entry of await readdir(tmpdir())) {
      if (!entry.startsWith(DIR_PREFIX)) continue;
      log(`removing ${path.join(tmpdir(), entry)} left by an earlier run`);
      await rm(path.join(tmpdir(), entry), { recursive: true, force: true });
    }
  }
}

export class GlusterLab {
  readonly hosts: GlusterHost[] = [];
  readonly configFile: string;
  clientKey: SshKey | null = null;
  /** How long each stage of the bring-up took, for the log. */
  readonly timings: string[] = [];
  private readonly recorded = new Set<number>();
  private readonly mountNamespaces = new Map<number, string | null>();
  /** Hosts whose link powerLoss() took down. */
  private readonly poweredOff = new Set<GlusterHost>();
  /** Hosts with the volume FUSE-mounted on /mnt/labvol. */
  private readonly mounts = new Set<GlusterHost>();
  private readonly hostKeys = new Map<GlusterHost, SshKey>();
  private bridgeCreated = false;
  private closed = false;

  private constructor(readonly dir: string) {
    this.configFile = path.join(dir, "cluster.yaml");
  }

  static async start(log: (line: string) => void = () => {}): Promise<GlusterLab> {
    await access("/dev/fuse").catch(() => {
      throw new Error("/dev/fuse is missing: the test FUSE-mounts the volume (modprobe fuse, or give the container /dev/fuse)");
    });
    await removeStale(log);
    const lab = new GlusterLab(await mkdtemp(path.join(tmpdir(), DIR_PREFIX)));
    try {
      await lab.bringUp();
      return lab;
    } catch (error) {
      await lab.close().catch((cleanup: unknown) => log(`cleanup after a failed bring-up also failed: ${String(cleanup)}`));
      throw error;
    }
  }

  host(name: string): GlusterHost {
    const found = this.hosts.find((h) => h.name === name);
    if (!found) throw new Error(`no host ${name}`);
    return found;
  }

  /** argv run inside a host's network and mount namespaces. */
  inside(host: GlusterHost, argv: readonly string[]): string[] {
    return ["nsenter", `--target=${host.keeperPid}`, "--mount", "--net", ...argv];
  }

  async gluster(host: GlusterHost, ...args: string[]): Promise<string> {
    return run(this.inside(host, ["gluster", "--mode=script", ...args]));
  }

  private async bringUp(): Promise<void> {
    const t0 = Date.now();
    const mark = (what: string) => this.timings.push(`${what} ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    await run(["ip", "link", "add", BRIDGE, "type", "bridge"]);
    this.bridgeCreated = true;
    await run(["ip", "addr", "add", `${SUBNET}.1/24`, "dev", BRIDGE]);
    await run(["ip", "link", "set", BRIDGE, "up"]);
    const via = await run(["ip", "-o", "route", "get", `${SUBNET}.11`]);
    if (!via.includes(`dev ${BRIDGE}`))
      throw new Error(`${SUBNET}.0/24 is routed elsewhere on this machine (${via.trim()}); the test needs it for ${BRIDGE}`);

    const keys = path.join(this.dir, "ssh");
    await mkdir(keys);
    this.clientKey = await generateKey(path.join(keys, "id_ed25519"), "rollgate-real-test");
    const knownHosts: string[] = [];

    for (const index of [1, 2, 3]) this.hosts.push(await this.createHost(index));
    const clientKey = this.clientKey;
    await Promise.all(
      this.hosts.map(async (host) => {
        const hostKey = await generateKey(path.join(keys, `${host.name}_host_ed25519`), `${host.name}-host`);
        knownHosts[host.index - 1] = knownHostsLine(host.ip, 22, hostKey);
        this.hostKeys.set(host, hostKey);
        await this.startSshd(host);
      }),
    );
    mark("namespaces and sshd");
    await this.checkConnectivity();

    await Promise.all(this.hosts.map((host) => this.startGlusterd(host)));
    const [first, ...others] = this.hosts as [GlusterHost, ...GlusterHost[]];
    for (const other of others) await this.gluster(first, "peer", "probe", other.name);
    mark("glusterd");
    await this.waitPeersConnected();
    mark("peers");
    // The bricks sit on the root file system, which gluster refuses without force.
    await this.gluster(first, "volume", "create", VOLUME, "replica", "3", ...this.hosts.map((h) => `${h.name}:${BRICK_PATH}`), "force");
    await this.gluster(first, "volume", "start", VOLUME);
    await this.waitAllOnline();
    mark("volume started");
    await this.mount(first);
    mark("mounted");
    await this.recordGlusterPids();

    const knownHostsFile = path.join(keys, "known_hosts");
    await writeFile(knownHostsFile, knownHosts.join(""), { mode: 0o600 });
    await writeFile(
      this.configFile,
      [
        "cluster: real-gluster",
        "proxmox:",
        // Needed by the schema; never read for --gate gluster-healed, which needs only SSH.
        `  api: https://${first.ip}:8006`,
        "  tokenId: rollgate@pve!upgrade",
        "  tokenSecretEnv: PVE_TOKEN",
        "  caFile: /nonexistent/ca.pem",
        "ssh:",
        "  user: root",
        "  port: 22",
        `  identityFile: ${this.clientKey.file}`,
        `  knownHostsFile: ${knownHostsFile}`,
        "  connectTimeout: 10s",
        "  commandTimeout: 120s",
        "nodes:",
        ...this.hosts.map((h) => `  - { name: ${h.name}, address: ${h.ip} }`),
        "gluster:",
        `  volumes: [${VOLUME}]`,
        "",
      ].join("\n"),
      { mode: 0o600 },
    );
    await chmod(this.configFile, 0o600);
  }

  private async createHost(index: number): Promise<GlusterHost> {
    const name = `node${index}`;
    const netns = netnsName(index);
    const ip = `${SUBNET}.1${index}`;
    const dir = path.join(this.dir, name);
    await run(["ip", "netns", "add", netns]);
    await run(["ip", "link", "add", hostVeth(index), "type", "veth", "peer", "name", "eth0", "netns", netns]);
    await run(["ip", "link", "set", hostVeth(index), "master", BRIDGE, "up"]);
    await run(["ip", "-n", netns, "addr", "add", `${ip}/24`, "dev", "eth0"]);
    await run(["ip", "-n", netns, "link", "set", "eth0", "up"]);
    await run(["ip", "-n", netns, "link", "set", "lo", "up"]);

    for (const sub of ["lib", "log", "sbin", `srv/gluster/${VOLUME}`, "mnt/labvol"]) await mkdir(path.join(dir, sub), { recursive: true });
    await writeFile(path.join(dir, "sbin", "systemctl"), SYSTEMCTL, { mode: 0o755 });
    // The package's groups (e.g. virt) and hooks, but not glusterd.info: each host needs its own UUID.
    for (const sub of ["groups", "hooks"]) {
      await cp(path.join("/var/lib/glusterd", sub), path.join(dir, "lib", sub), { recursive: true }).catch(() => {});
    }
    await writeFile(path.join(dir, "hosts"), ["127.0.0.1 localhost", ...[1, 2, 3].map((i) => `${SUBNET}.1${i} node${i}`), ""].join("\n"));
    const binds: Array<[string, string]> = [
      [path.join(dir, "lib"), "/var/lib/glusterd"],
      [path.join(dir, "log"), "/var/log/glusterfs"],
      [path.join(dir, "srv"), "/srv"],
      [path.join(dir, "mnt"), "/mnt"],
      [path.join(dir, "hosts"), "/etc/hosts"],
      [await rootHomeOfANode(dir), "/root"],
      // First on root's PATH (Debian's sshd superuser path): ahead of /usr/bin/systemctl.
      [path.join(dir, "sbin"), "/usr/local/sbin"],
    ];
    // glusterd.socket, pid files and sshd's privilege separation directory live under /run.
    const script = [
      "set -e",
      "mount -t tmpfs -o mode=755 rollgate-run /run",
      "mkdir -p /run/sshd /run/gluster",
      ...binds.map(([from, to]) => `mount --bind '${from}' '${to}'`),
      "exec sleep infinity",
    ].join("\n");
    const keeper = startProcess(
      ["ip", "netns", "exec", netns, "unshare", "--mount", "--propagation", "private", "sh", "-c", script],
      path.join(dir, "keeper.log"),
    );
    this.recorded.add(keeper.pid);
    await waitFor(`the namespace keeper of ${name}`, async () => {
      if (keeper.hasExited())
        throw new Error(`the namespace keeper of ${name} exited (${await keeper.exited}):\n${await tail(path.join(dir, "keeper.log"))}`);
      return (await procInfo(keeper.pid))?.comm === "sleep";
    });
    this.mountNamespaces.set(index, await namespaceOf(keeper.pid, "mnt"));
    return { name, index, ip, netns, dir, brick: `${name}:${BRICK_PATH}`, keeperPid: keeper.pid, sshd: null };
  }

  /** Traffic between namespaces crosses the bridge; a host firewall (br_netfilter + FORWARD DROP) would block it. */
  private async checkConnectivity(): Promise<void> {
    for (const from of this.hosts) {
      for (const to of this.hosts) {
        if (from === to) continue;
        const probe = await tryRun(this.inside(from, ["timeout", "3", "bash", "-c", `exec 3<>/dev/tcp/${to.ip}/22`]));
        if (!probe.ok) {
          throw new Error(
            `${from.name} (${from.ip}) cannot reach ${to.name}'s sshd at ${to.ip}:22 over bridge ${BRIDGE}: ${probe.stderr.trim() || `exit ${probe.exitCode}`}. ` +
              "If net.bridge.bridge-nf-call-iptables is 1 and the iptables FORWARD policy is DROP (Docker sets it), bridged traffic is filtered.",
          );
        }
      }
    }
  }

  private async startSshd(host: GlusterHost): Promise<void> {
    host.sshd = await startSshd({
      dir: host.dir,
      name: "sshd",
      host: host.ip,
      port: 22,
      hostKey: this.hostKeys.get(host)!,
      authorizedKeysFile: this.clientKey!.publicFile,
      prefix: this.inside(host, []),
    });
    this.recorded.add(host.sshd.pid);
  }

  /** FUSE-mounts the volume on the host, from its own glusterd. */
  async mount(host: GlusterHost): Promise<void> {
    await run(this.inside(host, ["mount", "-t", "glusterfs", `${host.name}:/${VOLUME}`, MOUNT]));
    this.mounts.add(host);
    for (const p of await this.glusterProcesses(host)) this.recorded.add(p.pid);
  }

  private async unmount(host: GlusterHost): Promise<void> {
    const unmounted = await tryRun(this.inside(host, ["umount", MOUNT]), 20_000);
    if (!unmounted.ok) await run(this.inside(host, ["umount", "-l", MOUNT]));
    this.mounts.delete(host);
  }

  /**
   * A clean shutdown, as for a reboot: the host's FUSE mount is unmounted, then sshd, glusterd,
   * its brick and self-heal daemon get SIGTERM, as systemd stops them. Returns whether the host had the mount.
   */
  async shutDown(host: GlusterHost): Promise<{ hadMount: boolean }> {
    const hadMount = this.mounts.has(host);
    if (hadMount) await this.unmount(host);
    await this.stopServices(host);
    return { hadMount };
  }

  /** The host starts again (after shutDown), mounting the volume again if it had it. */
  async boot(host: GlusterHost, options: { mount?: boolean } = {}): Promise<void> {
    await this.startGlusterd(host);
    await this.startSshd(host);
    if (options.mount === true) await this.mount(host);
  }

  /**
   * What the dist-upgrade to trixie does to a running host: the packages' postinst scripts restart
   * glusterd and sshd on the new binaries (Debian's glusterfs-server.postinst: `deb-systemd-invoke
   * try-restart glusterd.service`), while a FUSE mount keeps its old process until the reboot. The
   * host's /usr (and the dynamic linker's cache that indexes it) become the root's, in its mount
   * namespace only; its bricks, /var/lib/glusterd and /etc stay.
   */
  async upgradeInPlace(host: GlusterHost, root: string): Promise<void> {
    await this.stopServices(host);
    for (const [from, to] of [
      [path.join(root, "usr"), "/usr"],
      [path.join(root, "etc/ld.so.cache"), "/etc/ld.so.cache"],
      // The new /usr hides the one bound on its /usr/local/sbin.
      [path.join(host.dir, "sbin"), "/usr/local/sbin"],
    ] as const)
      await run(["nsenter", `--target=${host.keeperPid}`, "--mount", "mount", "--bind", from, to]);
    await this.startGlusterd(host);
    await this.startSshd(host);
  }

  /** sshd, and glusterd with the bricks and self-heal daemon it started (glusterd.service's control group). */
  private async stopServices(host: GlusterHost): Promise<void> {
    await host.sshd?.stop();
    host.sshd = null;
    const service = (await this.glusterProcesses(host)).filter((p) => p.kind !== "fuse client" && p.kind !== "other glusterfs");
    await stopPids(service.map((p) => p.pid));
  }

  /** glusterd's record of the volume on the host (/var/lib/glusterd/vols/labvol/info). */
  volumeRecord(host: GlusterHost): Promise<string> {
    return readFile(path.join(host.dir, "lib", "vols", VOLUME, "info"), "utf8");
  }

  /** The GlusterFS version of the binaries the host runs now (`glusterfsd --version`, first line). */
  async glusterVersion(host: GlusterHost): Promise<string> {
    return (await run(this.inside(host, ["glusterfsd", "--version"]))).split("\n")[0] ?? "";
  }

  /** Starts glusterd in the foreground (-N) inside the host; it starts the host's brick and self-heal daemon. */
  async startGlusterd(host: GlusterHost): Promise<void> {
    const started = startProcess(
      this.inside(host, ["/usr/sbin/glusterd", "-N", "--log-level", "INFO"]),
      path.join(host.dir, "glusterd.out"),
    );
    this.recorded.add(started.pid);
    await waitFor(
      `glusterd on ${host.name} to answer`,
      async () => {
        if (started.hasExited()) throw new Error(`glusterd on ${host.name} exited (${await started.exited})`);
        return (await tryRun(this.inside(host, ["gluster", "--mode=script", "pool", "list"]))).ok;
      },
      { timeoutMs: 30_000, explain: () => tail(path.join(host.dir, "log", "glusterd.log")) },
    );
  }

  /** The host's gluster processes, found by PID among the processes of its network namespace. */
  async glusterProcesses(host: GlusterHost): Promise<Array<{ pid: number; kind: GlusterProcess }>> {
    const found: Array<{ pid: number; kind: GlusterProcess }> = [];
    for (const pid of await pidsInNetns(host.netns)) {
      const kind = await kindOf(pid);
      if (kind !== null) found.push({ pid, kind });
    }
    return found;
  }

  private async recordGlusterPids(): Promise<void> {
    for (const host of this.hosts) for (const p of await this.glusterProcesses(host)) this.recorded.add(p.pid);
  }

  /** A node's gluster goes away at once, as in a power cut: glusterd, brick and self-heal daemon (not sshd). */
  async killGluster(host: GlusterHost): Promise<GlusterProcess[]> {
    const victims = (await this.glusterProcesses(host)).filter((p) => p.kind !== "fuse client");
    await stopPids(
      victims.map((v) => v.pid),
      { first: "SIGKILL" },
    );
    return victims.map((v) => v.kind).sort();
  }

  /**
   * A power cut: the host's link goes down first, then every process of the host (glusterd, brick,
   * self-heal daemon, sshd and its sessions; not the namespace keeper, which stands for its disk)
   * is SIGKILLed, found by PID through its network namespace. Returns what was killed.
   */
  async powerLoss(host: GlusterHost): Promise<string[]> {
    // A host that loses power sends no FIN or RST: its peers' TCP retransmits into the void until a
    // timeout ends it (linux net/ipv4/tcp_timer.c, tcp_retransmit_timer and tcp_retries2).
    await run(["ip", "link", "set", hostVeth(host.index), "down"]);
    this.poweredOff.add(host);
    const victims: Array<{ pid: number; name: string }> = [];
    for (const pid of await pidsInNetns(host.netns)) {
      if (pid === host.keeperPid) continue;
      const info = await procInfo(pid);
      if (info && info.state !== "Z") victims.push({ pid, name: (await kindOf(pid)) ?? info.comm });
    }
    // Killed with the link already down, so the FIN/RST the kernel sends for their sockets on exit
    // (linux net/ipv4/tcp.c, tcp_close) go nowhere: no clean shutdown reaches a peer.
    await stopPids(
      victims.map((v) => v.pid),
      { first: "SIGKILL" },
    );
    return [...new Set(victims.map((v) => v.name))].sort();
  }

  /** Every host sees the two others as `Peer in Cluster (Connected)`. */
  async waitPeersConnected(timeoutMs = 60_000): Promise<void> {
    await waitFor(
      "every peer to be in the cluster and connected, as every host sees it",
      async () => {
        for (const host of this.hosts) {
          const peers = await tryRun(this.inside(host, ["gluster", "peer", "status"]));
          if ((peers.stdout.match(/State: Peer in Cluster \(Connected\)/g) ?? []).length !== 2) return false;
        }
        return true;
      },
      { timeoutMs, intervalMs: 200 },
    );
  }

  /** Brick and self-heal daemon of every host are up, as `volume status --xml` on node1 says (3 + 3 online). */
  async waitAllOnline(timeoutMs = 60_000): Promise<void> {
    const first = this.hosts[0]!;
    await waitFor(
      "every brick and self-heal daemon online",
      async () => {
        const status = await tryRun(this.inside(first, ["gluster", "volume", "status", VOLUME, "--xml"]));
        if (!status.ok) return false;
        const nodes = status.stdout.split("<node>").slice(1);
        const online = nodes.filter((n) => n.includes("<status>1</status>"));
        const bricks = online.filter((n) =>
          this.hosts.some((h) => n.includes(`<path>${BRICK_PATH}</path>`) && n.includes(`<hostname>${h.name}</hostname>`)),
        );
        const daemons = online.filter((n) => n.includes("<hostname>Self-heal Daemon</hostname>"));
        return bricks.length === 3 && daemons.length === 3;
      },
      { timeoutMs, intervalMs: 200 },
    );
  }

  /**
   * Pending heal entries per brick, counted by the self-heal daemons (`statistics heal-count`): cheap,
   * and read independently of rollgate. Null when gluster cannot count now (a daemon is down).
   */
  async healCounts(): Promise<HealCounts | null> {
    const result = await tryRun(this.inside(this.hosts[0]!, ["gluster", "volume", "heal", VOLUME, "statistics", "heal-count"]));
    if (!result.ok) return null;
    const counts: HealCounts = new Map();
    for (const m of result.stdout.matchAll(/^Brick (\S+)\n(?:Number of entries: (\d+)|No gathered input for this brick)$/gm)) {
      counts.set(m[1]!, m[2] === undefined ? null : Number(m[2]));
    }
    return counts.size === 3 ? counts : null;
  }

  /** Writes `count` small files into a new directory of the volume, through a host's FUSE mount (node1's by default). */
  async writeFiles(directory: string, count: number, via: GlusterHost = this.hosts[0]!): Promise<void> {
    if (!this.mounts.has(via)) throw new Error(`${via.name} has no FUSE mount of ${VOLUME}`);
    const script = 'mkdir -p "$1" && i=0 && while [ "$i" -lt "$2" ]; do i=$((i+1)); echo "file $i of $2" > "$1/f$i"; done';
    await run(this.inside(via, ["sh", "-c", script, "sh", `${MOUNT}/${directory}`, String(count)]), { timeoutMs: 300_000 });
  }

  /** Files in a directory of one host's brick (what that replica holds on disk). */
  async brickFiles(host: GlusterHost, directory: string): Promise<string[]> {
    return readdir(`/proc/${host.keeperPid}/root${BRICK_PATH}/${directory}`).catch(() => []);
  }

  /** Tears everything down; safe to call after a partial bring-up, and twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const problems: string[] = [];
    const attempt = async (what: string, action: () => Promise<unknown>) => {
      try {
        await action();
      } catch (error) {
        problems.push(`${what}: ${(error as Error).message}`);
      }
    };
    // The FUSE client waits network.ping-timeout (42 s, glusterfs xlators/protocol/client) for a peer
    // that vanished; with the link back up, the dead host's kernel answers its sockets with RST.
    for (const host of this.poweredOff) await attempt(`link up ${host.name}`, () => run(["ip", "link", "set", hostVeth(host.index), "up"]));
    for (const host of [...this.mounts]) await attempt(`unmount on ${host.name}`, () => this.unmount(host));
    for (const host of this.hosts) await attempt(`stop sshd on ${host.name}`, async () => host.sshd?.stop());
    // Everything in the hosts' namespaces (glusterd, bricks, daemons, fuse client, keepers) and everything recorded.
    await attempt("stop processes", async () => {
      const pids = new Set<number>();
      for (const index of [1, 2, 3]) {
        for (const pid of await pidsInNetns(netnsName(index))) pids.add(pid);
        for (const pid of await pidsInMountNs(this.mountNamespaces.get(index) ?? null)) pids.add(pid);
      }
      // A recorded PID that is no longer in one of our namespaces exited (and may since belong to someone else).
      const ours = new Set([...this.mountNamespaces.values()].filter((ns) => ns !== null));
      for (const pid of this.recorded) if (ours.has((await namespaceOf(pid, "mnt")) ?? "")) pids.add(pid);
      await stopPids([...pids], { first: "SIGKILL" });
    });
    for (const index of [1, 2, 3]) {
      await attempt(`delete ${netnsName(index)}`, async () => {
        if (await exists("netns", netnsName(index))) await run(["ip", "netns", "del", netnsName(index)]);
      });
    }
    for (const link of [hostVeth(1), hostVeth(2), hostVeth(3), ...(this.bridgeCreated ? [BRIDGE] : [])]) {
      await attempt(`delete ${link}`, async () => {
        // A veth goes with its peer when the namespace is deleted, a moment later.
        for (let i = 0; i < 20 && (await exists("link", link)); i++) {
          if (link === BRIDGE || i === 10) await tryRun(["ip", "link", "del", link]);
          await sleep(50);
        }
        if (await exists("link", link)) throw new Error("still there");
      });
    }
    await attempt("remove temp dir", () => rm(this.dir, { recursive: true, force: true }));
    if (problems.length > 0) throw new Error(`gluster lab cleanup: ${problems.join("; ")}`);
  }
}

/**
 * A test file's pool: started before its tests (the bring-up time printed), closed after them.
 * Returns the accessor the tests use, which fails plainly if the bring-up did.
 */
export function useGlusterLab(): () => GlusterLab {
  let lab: GlusterLab | null = null;
  beforeAll(async () => {
    const started = Date.now();
    lab = await GlusterLab.start((line) => console.warn(`gluster lab: ${line}`));
    console.log(
      `gluster lab: 3 hosts, volume ${VOLUME} started and mounted in ${((Date.now() - started) / 1000).toFixed(1)} s (${lab.timings.join(", ")})`,
    );
  });
  afterAll(async () => {
    await lab?.close();
  });
  return () => {
    if (!lab) throw new Error("gluster lab not started");
    return lab;
  };
}
