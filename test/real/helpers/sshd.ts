// A real OpenSSH sshd for tests: generated host and client keys, a config of its own in a temp
// dir, started in the foreground (-D -e) and stopped by PID with every connection it forked.

import { copyFile, mkdir, readFile, rm, rmdir, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { cmdline, descendants, isGone, processTable, run, startProcess, stopPids, tail, waitFor, type Started } from "./processes.js";

export interface SshKey {
  /** The private key file (OpenSSH format, no passphrase). */
  file: string;
  publicFile: string;
  /** `ssh-ed25519 AAAA…` without the comment. */
  publicKey: string;
  /** As `ssh-keygen -lf` prints it: `SHA256:…`. */
  fingerprint: string;
}

export async function generateKey(file: string, comment: string): Promise<SshKey> {
  await run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", file]);
  const publicFile = `${file}.pub`;
  const publicKey = (await readFile(publicFile, "utf8")).trim().split(/\s+/).slice(0, 2).join(" ");
  // `256 SHA256:… comment (ED25519)`: computed by OpenSSH, independently of rollgate.
  const fingerprint = (await run(["ssh-keygen", "-l", "-E", "sha256", "-f", publicFile])).split(/\s+/)[1] ?? "";
  if (!fingerprint.startsWith("SHA256:")) throw new Error(`ssh-keygen -lf ${publicFile}: unexpected output`);
  return { file, publicFile, publicKey, fingerprint };
}

/** A known_hosts line as OpenSSH writes it: the bare address for port 22, `[host]:port` otherwise. */
export function knownHostsLine(host: string, port: number, key: SshKey): string {
  return `${port === 22 ? host : `[${host}]:${port}`} ${key.publicKey}\n`;
}

export interface SshdOptions {
  dir: string;
  name: string;
  host: string;
  port: number;
  hostKey: SshKey;
  authorizedKeysFile: string;
  /**
   * Runs sshd inside a namespace, e.g. `nsenter --target PID --mount --net`; must exec sshd (same PID),
   * and the namespace must give root a node's home (rootHomeOfANode). Without it, sshd runs in a mount
   * namespace of its own with that home bound on /root.
   */
  prefix?: readonly string[];
  /** More sshd_config lines (a hardened node's `MaxSessions 2`). */
  config?: readonly string[];
}

/**
 * A directory to bind on /root so that commands over SSH meet the root home of a Debian/PVE node:
 * base-files' .bashrc and .profile, which do nothing for a command. Debian's bash sources ~/.bashrc
 * for a command sshd runs, so this machine's own root home would run its tools' shell hooks (seen
 * here: pyenv's `rehash` waiting for its lock, over a minute per command) in every command rollgate sends.
 */
export async function rootHomeOfANode(dir: string): Promise<string> {
  const home = path.join(dir, "root-home");
  await mkdir(home, { recursive: true, mode: 0o700 });
  for (const file of ["bashrc", "profile"]) await copyFile(`/usr/share/base-files/dot.${file}`, path.join(home, `.${file}`));
  return home;
}

export interface Sshd {
  pid: number;
  host: string;
  port: number;
  logFile: string;
  /** Kills the per-connection processes (and what they run), then the listener; waits until all are gone. */
  stop(): Promise<void>;
}

export async function startSshd(options: SshdOptions): Promise<Sshd> {
  const { dir, name, host, port } = options;
  const config = path.join(dir, `${name}.sshd_config`);
  const pidFile = path.join(dir, `${name}.pid`);
  const logFile = path.join(dir, `${name}.log`);
  await writeFile(
    config,
    [
      `ListenAddress ${host}:${port}`,
      `HostKey ${options.hostKey.file}`,
      `AuthorizedKeysFile ${options.authorizedKeysFile}`,
      `PidFile ${pidFile}`,
      "StrictModes no",
      "UsePAM no",
      "PermitRootLogin prohibit-password",
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication no",
      ...(options.config ?? []),
      "",
    ].join("\n"),
  );
  const prefix = options.prefix ?? [
    "unshare",
    "--mount",
    "--propagation",
    "private",
    "sh",
    "-c",
    'mount --bind "$0" /root && exec "$@"',
    await rootHomeOfANode(dir),
  ];
  const started: Started = startProcess([...prefix, "/usr/sbin/sshd", "-D", "-e", "-f", config], logFile);
  const stop = async () => {
    // Once our child has exited, its PID is no longer ours to signal.
    if (started.hasExited() || (await isGone(started.pid))) return;
    const children = await descendants(started.pid);
    await stopPids(children.map((c) => c.pid).reverse(), { first: "SIGKILL" });
    await stopPids([started.pid]);
  };
  try {
    await waitFor(
      `sshd ${name} to listen on ${host}:${port}`,
      async () => {
        if (started.hasExited()) throw new Error(`sshd ${name} exited (${await started.exited}):\n${await tail(logFile)}`);
        return (await readFile(logFile, "utf8")).includes(`Server listening on ${host} port ${port}`);
      },
      { explain: () => tail(logFile) },
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { pid: started.pid, host, port, logFile, stop };
}

/**
 * sshd needs its privilege separation directory (/run/sshd), which systemd creates for the
 * distribution's own sshd; make it when missing, and say whether it was made (to remove it after).
 */
export async function ensurePrivsepDir(): Promise<() => Promise<void>> {
  const exists = await stat("/run/sshd").then(
    () => true,
    () => false,
  );
  if (exists) return async () => {};
  await mkdir("/run/sshd", { mode: 0o755 });
  return async () => {
    // Only if still empty: another sshd may have started using it meanwhile.
    await rmdir("/run/sshd").catch(() => {});
  };
}

/**
 * An sshd left by a run that was killed before its afterAll: found by PID through its command line,
 * which names a config file in a directory `dirPrefix*` (unique to these tests); stopped, and its directory removed.
 */
export async function removeStaleSshds(dirPrefix: string, log: (line: string) => void): Promise<void> {
  for (const p of await processTable()) {
    if (p.comm !== "sshd") continue;
    // sshd rewrites its title: `sshd: /usr/sbin/sshd -D -e -f CONFIG [listener] …`.
    const config = / -f (\S+)/.exec(` ${(await cmdline(p.pid)).join(" ")}`)?.[1];
    if (config === undefined || !config.startsWith(dirPrefix)) continue;
    log(`stopping sshd ${p.pid} (${config}) left by an earlier run`);
    await stopPids([...(await descendants(p.pid)).map((c) => c.pid).reverse(), p.pid], { first: "SIGKILL" });
    await rm(path.dirname(config), { recursive: true, force: true });
  }
}
