// SSH to the nodes: one ssh2 connection per node, opened on first use, reused by every command
// (several channels at once), verified against known_hosts, and closed at the end of the run.

import { formatDuration } from "../config/duration.js";
import { readFile } from "node:fs/promises";
import ssh2 from "ssh2";
import type { ClientChannel, ConnectConfig } from "ssh2";
import { fingerprint, keysForHost, keyTypeOf, parseKnownHosts, type KnownHostsEntry } from "./known-hosts.js";
import {
  commandLine,
  wireLine,
  type CommandResult,
  type RemoteCommand,
  type RemoteShell,
  type RunOptions,
  type StreamedCommand,
} from "./remote-command.js";

export interface SshTarget {
  node: string;
  host: string;
  port: number;
}

export interface SshSettings {
  user: string;
  identityFile: string;
  knownHostsFile: string;
  connectTimeoutMs: number;
  commandTimeoutMs: number;
  targets: SshTarget[];
}

/** Anything that went wrong talking to a node: says which node, which command and what happened. */
export class RemoteError extends Error {
  constructor(
    readonly node: string,
    message: string,
  ) {
    super(`${node}: ${message}`);
  }
}

export class HostKeyError extends RemoteError {}

/** The command was never sent: the connection closed first, so trying it again is safe. */
class NeverStarted extends RemoteError {}

/**
 * sshd refused to open the session channel ("open failed"): more sessions than its MaxSessions, or
 * a slot not yet freed of a channel that just closed. The command never started: it is tried
 * again, on the same connection, once fewer channels are open.
 */
class SessionRefused extends RemoteError {}

/** OpenSSH allows 10 sessions per connection by default (MaxSessions); stay below it. */
const maxChannelsPerConnection = 8;
/** A session refused this many times in a row, each after fewer channels were open, is an error. */
const sessionRefusalsTolerated = 8;
const sessionRefusedDelayMs = 50;
const defaultMaxStdout = 64 * 1024 * 1024;

interface PooledConnection {
  client: ssh2.Client;
  ready: Promise<void>;
  active: number;
  /** Channels open at once; lowered when sshd refuses one (a MaxSessions below OpenSSH's default 10). */
  limit: number;
  waiting: Array<() => void>;
  closed: boolean;
}

export class SshPool implements RemoteShell {
  private readonly connections = new Map<string, PooledConnection>();
  private readonly targets: Map<string, SshTarget>;
  private knownHosts: Promise<KnownHostsEntry[]> | null = null;
  private privateKey: Promise<Buffer> | null = null;

  constructor(private readonly settings: SshSettings) {
    this.targets = new Map(settings.targets.map((t) => [t.node, t]));
  }

  private target(node: string): SshTarget {
    const target = this.targets.get(node);
    if (!target) throw new RemoteError(node, "not a node of this cluster.yaml");
    return target;
  }

  private loadKnownHosts(): Promise<KnownHostsEntry[]> {
    this.knownHosts ??= readFile(this.settings.knownHostsFile, "utf8").then(parseKnownHosts, (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return [];
      throw new Error(`cannot read known_hosts ${this.settings.knownHostsFile}: ${error.message}`);
    });
    return this.knownHosts;
  }

  /** Reads the identity file now: a missing or unusable key is the config's fault, said before anything is contacted. */
  async checkIdentity(): Promise<void> {
    await this.loadKey();
  }

  private loadKey(): Promise<Buffer> {
    this.privateKey ??= readFile(this.settings.identityFile).then(
      (key) => {
        const parsed = ssh2.utils.parseKey(key);
        if (parsed instanceof Error) {
          const encrypted = /encrypted|passphrase/i.test(parsed.message);
          throw new Error(
            encrypted
              ? `identity file ${this.settings.identityFile} is encrypted: unattended runs need a key without a passphrase (restrict it with from= in authorized_keys)`
              : `identity file ${this.settings.identityFile} is not a usable private key: ${parsed.message}`,
          );
        }
        return key;
      },
      (error: Error) => {
        throw new Error(`cannot read identity file ${this.settings.identityFile}: ${error.message}`);
      },
    );
    return this.privateKey;
  }

  private connection(node: string): PooledConnection {
    const existing = this.connections.get(node);
    if (existing && !existing.closed) return existing;
    const target = this.target(node);
    const client = new ssh2.Client();
    const pooled: PooledConnection = {
      client,
      ready: Promise.resolve(),
      active: 0,
      limit: maxChannelsPerConnection,
      waiting: [],
      closed: false,
    };
    pooled.ready = this.open(client, target).catch((error: unknown) => {
      pooled.closed = true;
      client.end();
      throw error;
    });
    client.on("close", () => {
      pooled.closed = true;
      for (const wake of pooled.waiting.splice(0)) wake();
    });
    this.connections.set(node, pooled);
    return pooled;
  }

  private async open(client: ssh2.Client, target: SshTarget): Promise<void> {
    const [entries, privateKey] = await Promise.all([this.loadKnownHosts(), this.loadKey()]);
    const known = keysForHost(entries, target.host, target.port);
    const where = `${target.host}:${target.port}`;
    let refusal: HostKeyError | null = null;
    const hostVerifier = (key: Buffer): boolean => {
      const seen = `${fingerprint(key)} (${keyTypeOf(key)})`;
      if (known.revoked.some((k) => k.blob.equals(key))) {
        refusal = new HostKeyError(
          target.node,
          `host key ${seen} of ${where} is marked @revoked in ${this.settings.knownHostsFile}: refusing to connect`,
        );
        return false;
      }
      if (known.accepted.some((k) => k.blob.equals(key))) return true;
      refusal =
        known.accepted.length === 0
          ? new HostKeyError(
              target.node,
              `${where} is not in ${this.settings.knownHostsFile}; its host key is ${seen}. Verify that fingerprint on the node's console (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub), then add it: ssh-keyscan -p ${target.port} ${target.host} >> ${this.settings.knownHostsFile}`,
            )
          : new HostKeyError(
              target.node,
              `HOST KEY MISMATCH for ${where}: ${this.settings.knownHostsFile} has ${known.accepted.map((k) => `${fingerprint(k.blob)} (${k.type})`).join(", ")}, the host presented ${seen}. If the node was reinstalled, verify the new key and replace its line; otherwise someone may be intercepting the connection. Refusing to connect.`,
            );
      return false;
    };
    // Offer only the key types known_hosts holds for this host, as OpenSSH does, so the server
    // does not pick a type we could not verify.
    const knownTypes = [...new Set(known.accepted.map((k) => k.type))];
    const config: ConnectConfig = {
      host: target.host,
      port: target.port,
      username: this.settings.user,
      privateKey,
      hostVerifier,
      readyTimeout: this.settings.connectTimeoutMs,
      keepaliveInterval: 5_000,
      keepaliveCountMax: 3,
      ...(knownTypes.length > 0 ? { algorithms: { serverHostKey: knownTypes as ssh2.ServerHostKeyAlgorithm[] } } : {}),
    };
    await new Promise<void>((resolve, reject) => {
      let settled = false;
      // ssh2 can emit more than one error for one failed connection (a timeout, then "Connection
      // lost before handshake" when the socket closes): the listener stays for the client's whole
      // life, so no error event is ever unhandled. Only the first one decides the outcome.
      const onError = (error: Error & { level?: string }) => {
        if (settled) return;
        settled = true;
        client.off("ready", onReady);
        if (refusal) return reject(refusal);
        if (error.level === "client-authentication") {
          return reject(
            new RemoteError(
              target.node,
              `${this.settings.user}@${where} refused key ${this.settings.identityFile} (publickey authentication failed): is its public key in the node's authorized_keys?`,
            ),
          );
        }
        if (error.level === "client-timeout")
          return reject(
            new RemoteError(target.node, `no SSH answer from ${where} within ${formatDuration(this.settings.connectTimeoutMs)}`),
          );
        reject(new RemoteError(target.node, `cannot connect to ${where}: ${error.message}`));
      };
      const onReady = () => {
        if (settled) return;
        settled = true;
        resolve();
      };
      // A server that closes the connection cleanly during the handshake (sshd stopping for a
      // reboot) gives ssh2 no error to emit: its socket "end" and "close" handlers clear the ready
      // timeout and emit only "close" (ssh2 lib/client.js). Without this the wait never ends.
      const onClose = () => {
        if (settled) return;
        settled = true;
        client.off("ready", onReady);
        reject(refusal ?? new RemoteError(target.node, `${where} closed the connection before SSH was ready`));
      };
      client.once("ready", onReady);
      client.on("error", onError);
      client.once("close", onClose);
      // Commands are small request/answer exchanges: without TCP_NODELAY each one waits out a
      // delayed ACK. OpenSSH sets it on every session (openssh-portable packet.c
      // ssh_packet_set_interactive).
      client.once("connect", () => client.setNoDelay(true));
      client.connect(config);
    });
  }

  private async acquire(node: string): Promise<PooledConnection> {
    for (;;) {
      const pooled = this.connection(node);
      await pooled.ready;
      if (pooled.closed) continue;
      if (pooled.active < pooled.limit) {
        pooled.active += 1;
        return pooled;
      }
      await new Promise<void>((resolve) => pooled.waiting.push(resolve));
    }
  }

  /**
   * A connection slot within `limitMs`, or a RemoteError: a node that lost power with the pooled
   * connection established may never answer again, and nothing else would end the wait. A slot
   * obtained after the limit is given back at once.
   */
  private acquireWithin(node: string, limitMs: number): Promise<PooledConnection> {
    return new Promise((resolve, reject) => {
      let late = false;
      const timer = setTimeout(() => {
        late = true;
        const pooled = this.connections.get(node);
        if (pooled) {
          pooled.closed = true;
          pooled.client.destroy();
        }
        reject(
          new RemoteError(
            node,
            `no SSH session on ${node} within ${formatDuration(limitMs)}: it stopped answering (powered off or cut off?)`,
          ),
        );
      }, limitMs);
      this.acquire(node).then(
        (pooled) => {
          clearTimeout(timer);
          if (late) this.release(pooled);
          else resolve(pooled);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  }

  private release(pooled: PooledConnection): void {
    pooled.active -= 1;
    pooled.waiting.shift()?.();
  }

  stream(node: string, command: RemoteCommand, options: Omit<RunOptions, "maxStdoutBytes"> = {}): StreamedCommand {
    const line = commandLine(command);
    const wire = wireLine(command);
    const timeoutMs = options.timeoutMs ?? this.settings.commandTimeoutMs;
    const chunks: Buffer[] = [];
    let wake: (() => void) | null = null;
    let ended = false;
    let failure: Error | null = null;
    let channel: ClientChannel | null = null;
    let paused = false;
    const notify = () => {
      const w = wake;
      wake = null;
      w?.();
    };

    // One command on one pooled connection. A connection that closes before the session channel
    // opens (a booted node resetting the idle pooled connection) never started the command: that
    // attempt rejects with NeverStarted, and the command goes once more on a fresh connection.
    const attempt = async (): Promise<Omit<CommandResult, "stdout">> => {
      const pooled = await this.acquireWithin(node, this.settings.connectTimeoutMs + timeoutMs);
      try {
        return await new Promise<Omit<CommandResult, "stdout">>((resolve, reject) => {
          let exitCode: number | null = null;
          let signal: string | null = null;
          let gotExit = false;
          let stderr = "";
          // The limit covers the channel's opening too: a node that lost power with the pooled
          // connection established never answers the open request, and nothing else would end it.
          const timer = setTimeout(() => {
            failure = new RemoteError(node, `\`${line}\` did not finish within ${formatDuration(timeoutMs)}`);
            // OpenSSH keeps a session open until its command exits, and refuses signal requests
            // from an unprivileged session: closing the channel would wait for the command. Drop
            // the whole connection instead: sshd then hangs up on the command (SIGHUP), and the
            // next command opens a fresh connection.
            pooled.closed = true;
            pooled.client.destroy();
            reject(failure);
          }, timeoutMs);
          const neverStarted = (reason: string) => {
            clearTimeout(timer);
            pooled.closed = true;
            reject(new NeverStarted(node, `cannot start \`${line}\`: ${reason}`));
          };
          try {
            pooled.client.exec(wire, (error, opened) => {
              if (error) {
                // ssh2 answers a channel still waiting to open when the connection closes with this
                // message (ssh2 lib/client.js, the socket's "close" handler); later failures differ.
                if (error.message === "No response from server") return neverStarted(error.message);
                // OpenSSH refuses a session it has no slot for with its default reason, SSH2_OPEN_CONNECT_FAILED (2), "open failed" (serverloop.c server_input_channel_open).
                if ((error as Error & { reason?: unknown }).reason === 2) {
                  clearTimeout(timer);
                  pooled.limit = Math.max(1, pooled.active - 1);
                  return reject(
                    new SessionRefused(node, `cannot start \`${line}\`: ${error.message} (sshd refused a session: MaxSessions?)`),
                  );
                }
                clearTimeout(timer);
                return reject(new RemoteError(node, `cannot start \`${line}\`: ${error.message}`));
              }
              channel = opened;
              if (options.stdin !== undefined) opened.end(options.stdin);
              opened.on("data", (data: Buffer) => {
                options.onOutput?.(data.toString("utf8"), "stdout");
                chunks.push(data);
                // Stop reading while the consumer is behind: SSH's window then throttles the node.
                if (chunks.length > 64 && !paused) {
                  opened.pause();
                  paused = true;
                }
                notify();
              });
              opened.stderr.on("data", (data: Buffer) => {
                const text = data.toString("utf8");
                options.onOutput?.(text, "stderr");
                if (stderr.length < 1_000_000) stderr += text;
              });
              opened.on("exit", (code: number | null, sig?: string) => {
                gotExit = true;
                exitCode = code;
                signal = sig ?? null;
              });
              opened.on("close", () => {
                clearTimeout(timer);
                if (failure) return reject(failure);
                if (!gotExit) return reject(new RemoteError(node, `connection lost while running \`${line}\` (no exit status)`));
                resolve({ exitCode, signal, stderr });
              });
            });
          } catch (error) {
            // ssh2 throws "Not connected" when the socket is no longer writable (lib/client.js exec).
            neverStarted(error instanceof Error ? error.message : String(error));
          }
        });
      } finally {
        this.release(pooled);
      }
    };
    const attempts = async (): Promise<Omit<CommandResult, "stdout">> => {
      let reconnected = false;
      for (let refused = 0; ;) {
        try {
          return await attempt();
        } catch (error) {
          if (error instanceof NeverStarted && !reconnected) reconnected = true;
          else if (error instanceof SessionRefused && refused < sessionRefusalsTolerated) {
            refused += 1;
            await new Promise((resolve) => setTimeout(resolve, sessionRefusedDelayMs * refused));
          } else throw error;
        }
      }
    };
    const done = attempts();
    done.then(
      () => {
        ended = true;
        notify();
      },
      (error: Error) => {
        failure ??= error;
        ended = true;
        notify();
      },
    );

    async function* read(): AsyncGenerator<Buffer> {
      try {
        for (;;) {
          const next = chunks.shift();
          if (next) {
            if (paused && chunks.length < 16) {
              paused = false;
              channel?.resume();
            }
            yield next;
            continue;
          }
          if (ended) {
            if (failure) throw failure;
            return;
          }
          await new Promise<void>((resolve) => (wake = resolve));
        }
      } finally {
        // The consumer stopped early (a parser gave up, a size limit): do not leave the command running.
        if (!ended) {
          failure ??= new RemoteError(node, `stopped reading \`${line}\``);
          channel?.close();
        }
      }
    }
    return { stdout: read(), done };
  }

  async run(node: string, command: RemoteCommand, options: RunOptions = {}): Promise<CommandResult> {
    const max = options.maxStdoutBytes ?? defaultMaxStdout;
    const streamed = this.stream(node, command, options);
    const parts: Buffer[] = [];
    let size = 0;
    for await (const chunk of streamed.stdout) {
      size += chunk.length;
      if (size > max)
        throw new RemoteError(node, `\`${commandLine(command)}\` printed more than ${max} bytes; refusing to hold it in memory`);
      parts.push(chunk);
    }
    const rest = await streamed.done;
    return { ...rest, stdout: Buffer.concat(parts).toString("utf8") };
  }

  async close(): Promise<void> {
    const all = [...this.connections.values()];
    this.connections.clear();
    await Promise.all(
      all.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.closed) return resolve();
            c.client.once("close", () => resolve());
            c.client.end();
          }),
      ),
    );
  }
}
