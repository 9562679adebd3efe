// Captures test/fixtures/gluster/arbiter/: a real GlusterFS pool (helpers/gluster-lab.ts) holding
// three volumes, labvol (replica 3) and two replica 2 + arbiter 1 volumes, arbvol (arbiter brick on
// node3, the last brick given) and arbvol1 (arbiter on node1), read with exactly the commands
// rollgate runs (src/observe/gluster.ts), plus `gluster volume info --xml` for every volume at once.
// States: healthy; node3's gluster killed after files were written to every volume; node3 just
// back; healed. Needs root, like npm run test:real:
//
//   npx vite-node test/real/capture-arbiter.ts [OUT_DIR]   (default test/fixtures/gluster/arbiter)

import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { execa } from "execa";
import { GlusterLab, VOLUME, type GlusterHost } from "./helpers/gluster-lab.js";
import { run, tryRun, waitFor } from "./helpers/processes.js";

const OUT = path.resolve(process.argv[2] ?? "test/fixtures/gluster/arbiter");
/** Files written to each volume while node3 is down: enough that the heal is still running when node3 is back. */
const FILES = 300;

interface ArbiterVolume {
  name: string;
  /** Hosts in `volume create` order: the last of a replica 2 + arbiter 1 set is the arbiter. */
  order: [number, number, number];
}

const ARBITER_VOLUMES: ArbiterVolume[] = [
  { name: "arbvol", order: [1, 2, 3] },
  { name: "arbvol1", order: [2, 3, 1] },
];
const VOLUMES = [VOLUME, ...ARBITER_VOLUMES.map((v) => v.name)];

const brickPath = (volume: string) => `/srv/gluster/${volume}/brick`;
const mountPoint = (volume: string) => `/mnt/${volume}`;

/** What rollgate runs for one volume (src/observe/gluster.ts readVolume), and the file each goes to. */
const perVolume = (volume: string): Array<[string, string[]]> => [
  [`${volume}.volume-info.xml`, ["volume", "info", volume, "--xml"]],
  [`${volume}.volume-status.xml`, ["volume", "status", volume, "--xml"]],
  [`${volume}.heal-info.xml`, ["volume", "heal", volume, "info", "--xml"]],
  [`${volume}.heal-info-split-brain.xml`, ["volume", "heal", volume, "info", "split-brain", "--xml"]],
];

async function capture(lab: GlusterLab, from: GlusterHost, state: string): Promise<void> {
  const dir = path.join(OUT, state);
  await mkdir(dir, { recursive: true });
  const rows = ["utc\tfile\tnode\tvia\tcommand\texit\tseconds"];
  // Every node's own view of the pool, as rollgate reads it (readPeersEach); the rest from node1.
  const commands: Array<[GlusterHost, string, string[]]> = [
    [from, "volume-info-all.xml", ["volume", "info", "--xml"]],
    ...VOLUMES.flatMap(perVolume).map(([name, args]): [GlusterHost, string, string[]] => [from, name, args]),
    ...lab.hosts.map((host): [GlusterHost, string, string[]] => [host, "peer-status.xml", ["peer", "status", "--xml"]]),
  ];
  for (const [host, name, args] of commands) {
    const file = `${host.name}.${name}`;
    const argv = ["gluster", ...args];
    const utc = new Date().toISOString();
    const started = Date.now();
    // Verbatim: execa would strip the final newline by default.
    const [command, ...rest] = lab.inside(host, argv) as [string, ...string[]];
    const result = await execa(command, rest, { timeout: 180_000, reject: false, stdin: "ignore", stripFinalNewline: false });
    const seconds = ((Date.now() - started) / 1000).toFixed(3);
    await writeFile(path.join(dir, file), result.stdout);
    if (result.stderr !== "") await writeFile(path.join(dir, `${file}.stderr`), result.stderr);
    rows.push([utc, file, host.name, "ns", argv.join(" "), String(result.exitCode ?? -1), seconds].join("\t"));
  }
  await writeFile(path.join(dir, "index.tsv"), `${rows.join("\n")}\n`);
  console.log(`captured ${state}: ${commands.length} commands`);
}

/** Every brick and self-heal daemon of the volume online, as `volume status --xml` on node1 says. */
async function waitVolumeOnline(lab: GlusterLab, volume: string): Promise<void> {
  const first = lab.hosts[0]!;
  await waitFor(
    `every brick and self-heal daemon of ${volume} online`,
    async () => {
      const status = await tryRun(lab.inside(first, ["gluster", "volume", "status", volume, "--xml"]));
      if (!status.ok) return false;
      const online = status.stdout
        .split("<node>")
        .slice(1)
        .filter((n) => n.includes("<status>1</status>"));
      const bricks = online.filter((n) => n.includes(`<path>${brickPath(volume)}</path>`));
      const daemons = online.filter((n) => n.includes("<hostname>Self-heal Daemon</hostname>"));
      return bricks.length === 3 && daemons.length === 3;
    },
    { timeoutMs: 60_000, intervalMs: 200 },
  );
}

/** Every volume's heal info on node1: every brick connected and 0 entries. */
async function waitHealed(lab: GlusterLab, timeoutMs: number): Promise<void> {
  const first = lab.hosts[0]!;
  await waitFor(
    "every volume healed",
    async () => {
      for (const volume of VOLUMES) {
        const heal = await tryRun(lab.inside(first, ["gluster", "volume", "heal", volume, "info", "--xml"]));
        if (!heal.ok) return false;
        const counts = [...heal.stdout.matchAll(/<numberOfEntries>([^<]*)<\/numberOfEntries>/g)].map((m) => m[1]);
        if (counts.length !== 3 || counts.some((c) => c !== "0")) return false;
      }
      return true;
    },
    { timeoutMs, intervalMs: 1_000 },
  );
}

async function writeFiles(lab: GlusterLab, volume: string, directory: string, count: number): Promise<void> {
  const script = 'mkdir -p "$1" && i=0 && while [ "$i" -lt "$2" ]; do i=$((i+1)); echo "file $i of $2" > "$1/f$i"; done';
  await run(lab.inside(lab.hosts[0]!, ["sh", "-c", script, "sh", `${mountPoint(volume)}/${directory}`, String(count)]), {
    timeoutMs: 300_000,
  });
}

async function main(): Promise<void> {
  await rm(OUT, { recursive: true, force: true });
  const lab = await GlusterLab.start((line) => console.warn(`gluster lab: ${line}`));
  const mounted: string[] = [];
  try {
    const [node1, , node3] = lab.hosts as [GlusterHost, GlusterHost, GlusterHost];
    for (const { name, order } of ARBITER_VOLUMES) {
      // glusterd creates the brick directory itself, but not its parents.
      for (const host of lab.hosts) await run(lab.inside(host, ["mkdir", "-p", path.dirname(brickPath(name))]));
      const bricks = order.map((index) => `${lab.hosts[index - 1]!.name}:${brickPath(name)}`);
      // The bricks sit on the root file system, which gluster refuses without force.
      await lab.gluster(node1, "volume", "create", name, "replica", "2", "arbiter", "1", ...bricks, "force");
      await lab.gluster(node1, "volume", "start", name);
    }
    for (const volume of VOLUMES) await waitVolumeOnline(lab, volume);
    for (const { name } of ARBITER_VOLUMES) {
      await run(lab.inside(node1, ["mkdir", "-p", mountPoint(name)]));
      await run(lab.inside(node1, ["mount", "-t", "glusterfs", `${node1.name}:/${name}`, mountPoint(name)]));
      mounted.push(name);
    }
    for (const volume of VOLUMES) await writeFiles(lab, volume, "before", 20);
    await waitHealed(lab, 120_000);
    await capture(lab, node1, "1-healthy");

    await lab.killGluster(node3);
    for (const volume of VOLUMES) await writeFiles(lab, volume, "outage", FILES);
    await capture(lab, node1, "2-node3-down");

    await lab.startGlusterd(node3);
    for (const volume of VOLUMES) await waitVolumeOnline(lab, volume);
    await lab.waitPeersConnected();
    await capture(lab, node1, "3-node3-back");

    await waitHealed(lab, 600_000);
    await capture(lab, node1, "4-healed");
  } finally {
    for (const name of mounted) await tryRun(lab.inside(lab.hosts[0]!, ["umount", mountPoint(name)]), 30_000);
    await lab.close();
  }
}

await main();
