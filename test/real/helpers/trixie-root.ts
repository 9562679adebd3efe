// A Debian trixie root file system holding GlusterFS 11.1 and OpenSSH, built from Debian's own
// packages with mmdebstrap: what a node runs after the bookworm → trixie upgrade. A host of the
// real lab "boots" into it by getting its /usr (bookworm and trixie are both merged-/usr, so /bin,
// /sbin and /lib follow) while its bricks and /var/lib/glusterd stay. Built once per machine and
// kept under /var/cache; a build cut short is never taken for a finished one (built beside it, then renamed).

import { access, mkdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import { run, tryRun } from "./processes.js";

const CACHE = "/var/cache/rollgate-test";
const ROOT = path.join(CACHE, "trixie-glusterfs-11");
/** What a Proxmox VE 9 node gets from trixie: glusterfs-server 11.1 (packages.debian.org/trixie/glusterfs-server). */
const PACKAGES = ["glusterfs-server", "glusterfs-client", "openssh-server", "procps", "iproute2"];
const MIRROR = "http://deb.debian.org/debian";

async function glusterVersionIn(root: string): Promise<string | null> {
  // The binary of the root, with the root's libraries: the same chroot a host's /usr switch amounts to.
  const probe = await tryRun(["chroot", root, "/usr/sbin/glusterfsd", "--version"]);
  return probe.ok ? (/^glusterfs (\S+)/.exec(probe.stdout)?.[1] ?? null) : null;
}

/** The trixie root (built if missing) and the GlusterFS version it holds. */
export async function trixieGlusterRoot(log: (line: string) => void): Promise<{ root: string; glusterVersion: string }> {
  const ready = await access(path.join(ROOT, "usr/sbin/glusterd")).then(
    () => glusterVersionIn(ROOT),
    () => null,
  );
  if (ready !== null) return { root: ROOT, glusterVersion: ready };

  await mkdir(CACHE, { recursive: true });
  const building = `${ROOT}.building-${process.pid}`;
  await rm(building, { recursive: true, force: true });
  const started = Date.now();
  log(`building a trixie root with ${PACKAGES.join(", ")} in ${ROOT} (mmdebstrap, once per machine)`);
  try {
    await run(["mmdebstrap", "--variant=minbase", "--mode=root", `--include=${PACKAGES.join(",")}`, "trixie", building, MIRROR], {
      timeoutMs: 900_000,
    });
    await rm(ROOT, { recursive: true, force: true });
    await rename(building, ROOT);
  } catch (error) {
    await rm(building, { recursive: true, force: true });
    throw new Error(`mmdebstrap of trixie failed (it needs ${MIRROR}): ${(error as Error).message}`);
  }
  const version = await glusterVersionIn(ROOT);
  if (version === null) throw new Error(`the trixie root in ${ROOT} has no working glusterfsd`);
  log(`trixie root built in ${((Date.now() - started) / 1000).toFixed(0)} s: GlusterFS ${version}`);
  return { root: ROOT, glusterVersion: version };
}
