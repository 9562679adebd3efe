// One sshd per lab node (ssh2's server): its own host key, public-key auth for one user, exec
// requests run by the lab's command interpreter, and a minimal interactive shell. Behind the node's
// power switch (power-switch.ts): powered off, it is silent; ssh-silent and ssh-resets strike here.

import net from "node:net";
import { timingSafeEqual } from "node:crypto";
import ssh2 from "ssh2";
import type { Connection, ServerChannel } from "ssh2";
import { PowerSwitchedServer, type Admission, type PowerOff } from "../power-switch.js";
import type { LabCluster } from "../model/cluster.js";
import type { CommandOutput } from "../shell/context.js";
import { runCommandLine } from "../shell/interpreter.js";

const { Server: SshServer, utils } = ssh2;

export interface SshServerOptions {
  node: string;
  address: string;
  port: number;
  hostKey: string;
  user: string;
  /** The one public key allowed in, OpenSSH format (`ssh-ed25519 AAAA… comment`). */
  authorizedKey: string;
}

export class LabSshServer {
  private readonly ssh: InstanceType<typeof SshServer>;
  private readonly power: PowerSwitchedServer;
  private readonly allowed: ssh2.ParsedKey;
  /** The server's side of each connection the switch relays to it. */
  private readonly sockets = new Set<net.Socket>();

  constructor(
    private readonly cluster: LabCluster,
    private readonly options: SshServerOptions,
  ) {
    const parsed = utils.parseKey(options.authorizedKey);
    if (parsed instanceof Error) throw new Error(`lab authorized key: ${parsed.message}`);
    this.allowed = Array.isArray(parsed) ? parsed[0]! : parsed;
    this.ssh = new SshServer({ hostKeys: [options.hostKey], ident: "OpenSSH_9.2p1 Debian-2+deb12u3" }, (client, info) =>
      this.onClient(client, info.port),
    );
    // Our own listener hands sockets to ssh2, so a dropped connection can be cut at the TCP level.
    // openssh-portable packet.c ssh_packet_set_interactive: sshd sets TCP_NODELAY on every
    // session's connection; without it every small reply waits out a delayed ACK (~40 ms each way).
    const listener = net.createServer((socket) => {
      socket.setNoDelay(true);
      socket.on("error", () => {});
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
      this.ssh.injectSocket(socket);
    });
    this.power = new PowerSwitchedServer(listener, options.port, options.address, () => this.admission());
  }

  /**
   * ssh-silent: the kernel completes the handshake (the listen backlog, listen(2)) but sshd never
   * accepts nor sends its banner (openssh-portable sshd.c server_accept_loop), as when userland hangs
   * in a swap storm or on a hung NFS/FUSE mount. ssh-resets: the connection is reset once accepted,
   * as a firewall rule `REJECT --reject-with tcp-reset` on the established flow does
   * (iptables-extensions(8)); sshd.c drop_connection (MaxStartups) looks the same to a client
   * whose banner it has not read: close() with unread data sends RST (tcp(7), SO_LINGER in socket(7)).
   */
  private admission(): Admission {
    return this.cluster.sshFaultOn(this.options.node) ?? "serve";
  }

  start(): Promise<void> {
    return this.power.on();
  }

  stop(how: PowerOff): Promise<void> {
    return this.power.off(how);
  }

  close(): Promise<void> {
    return this.power.close();
  }

  private socketOf(remotePort: number): net.Socket | undefined {
    return [...this.sockets].find((s) => s.remotePort === remotePort);
  }

  private onClient(client: Connection, remotePort: number): void {
    client.on("error", () => {});
    client.on("authentication", (ctx) => {
      if (ctx.method !== "publickey" || ctx.username !== this.options.user) return ctx.reject(["publickey"]);
      const offered = ctx.key;
      const expected = this.allowed.getPublicSSH();
      const same = offered.algo === this.allowed.type && offered.data.length === expected.length && timingSafeEqual(offered.data, expected);
      if (!same) return ctx.reject(["publickey"]);
      if (ctx.signature && ctx.blob && this.allowed.verify(ctx.blob, ctx.signature, ctx.hashAlgo) !== true)
        return ctx.reject(["publickey"]);
      ctx.accept();
    });
    client.on("ready", () => {
      client.on("session", (accept) => {
        const session = accept();
        // Every variable is taken (sshd takes only those its AcceptEnv names): whatever a client
        // sends shows in the session's `env`.
        const sent: Record<string, string> = {};
        session.on("pty", (acceptPty) => acceptPty?.());
        session.on("env", (acceptEnv, _rejectEnv, info) => {
          sent[info.key] = info.val;
          acceptEnv?.();
        });
        session.on("exec", (acceptExec, _reject, info) => {
          const channel = acceptExec();
          const stdin = collectStdin(channel);
          void this.exec(channel, info.command, remotePort, stdin, sent).then((code) => {
            if (code === null) return;
            channel.exit(code);
            channel.end();
          });
        });
        session.on("shell", (acceptShell) => this.shell(acceptShell(), remotePort, sent));
      });
    });
  }

  /** Runs one command line; null when the connection was dropped (no exit status to send). */
  private async exec(
    channel: ServerChannel,
    line: string,
    remotePort: number,
    stdin: () => Promise<string>,
    env: Record<string, string>,
  ): Promise<number | null> {
    const aborted = new AbortController();
    let dropped = false;
    channel.on("close", () => aborted.abort());
    const out: CommandOutput = {
      stdout: (chunk) => write(channel, chunk),
      stderr: (chunk) => {
        channel.stderr.write(chunk);
      },
    };
    try {
      return await runCommandLine(
        {
          cluster: this.cluster,
          node: this.options.node,
          source: `ssh ${this.options.node}`,
          env,
          out,
          stdin,
          signal: aborted.signal,
          dropConnection: () => {
            dropped = true;
            this.socketOf(remotePort)?.destroy();
          },
        },
        line,
      );
    } catch (error) {
      if (dropped || aborted.signal.aborted) return null;
      channel.stderr.write(`lab: internal error: ${(error as Error).message}\n`);
      return 1;
    } finally {
      if (dropped) aborted.abort();
    }
  }

  private shell(channel: ServerChannel, remotePort: number, env: Record<string, string>): void {
    const prompt = () => channel.write(`root@${this.options.node}:~# `);
    let buffer = "";
    let busy = Promise.resolve();
    channel.write(`Linux ${this.options.node} (rollgate lab)\n`);
    prompt();
    channel.on("data", (data: Buffer) => {
      buffer += data.toString("utf8").replace(/\r/g, "\n");
      let newline: number;
      while ((newline = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, newline).trim();
        buffer = buffer.slice(newline + 1);
        busy = busy.then(async () => {
          if (line === "exit" || line === "logout") {
            channel.exit(0);
            channel.end();
            return;
          }
          // The typed lines are the shell's input: a command started from it reads none.
          if (line) await this.exec(channel, line, remotePort, () => Promise.resolve(""), env);
          prompt();
        });
      }
    });
  }
}

/**
 * An exec channel's stdin, gathered from the start (a client may send it before the command
 * runs): the returned function resolves with all of it at the client's EOF, and rejects if the
 * channel closes first.
 */
function collectStdin(channel: ServerChannel): () => Promise<string> {
  const chunks: Buffer[] = [];
  const ended = new Promise<string>((resolve, reject) => {
    channel.on("data", (data: Buffer) => chunks.push(data));
    channel.once("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    channel.once("close", () => reject(new Error("channel closed before EOF")));
  });
  // Nobody may ever ask: a rejection nobody reads must not become an unhandled one.
  ended.catch(() => {});
  return () => ended;
}

function write(channel: ServerChannel, chunk: string): Promise<void> {
  if (channel.write(chunk)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      channel.off("drain", done);
      channel.off("close", done);
      resolve();
    };
    channel.on("drain", done);
    channel.on("close", done);
  });
}
