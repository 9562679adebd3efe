// A lab node's server behind its power switch. Clients connect to the switch's own listener on the
// node's address; the switch relays each connection to the server (which listens on a free port of
// the same address), so that it can take a connection away from the server without the client
// seeing anything, as a host that loses power does.
//
// Powered off, a host sends nothing, neither FIN nor RST. Linux man-pages tcp(7), tcp_retries2: an
// open connection's client retransmits into silence for 13 to 30 minutes unless its own timeouts
// or keepalives give up first. tcp(7), tcp_syn_retries: a new connection's SYN is retransmitted
// unanswered for about 127 s (ETIMEDOUT), or, on the same L2, arp(7) marks the neighbour failed
// and connect gives EHOSTUNREACH (ip(7)). Loopback cannot leave a SYN unanswered (the kernel
// completes the handshake before accept), so the nearest the switch can do is accept it and never
// read nor write: the client waits for the server's first word (an SSH banner, a TLS ServerHello)
// until its own connect timeout, as it would wait for the SYN-ACK.
//
// An orderly shutdown (a reboot command) first stops the session scopes: their processes exit and
// the kernel closes their sockets (FIN); only then does the host go silent.
//
// A cut link (the host runs on) looks the same to the client, but both kernels keep their
// connections and retransmit (tcp(7), tcp_retries2): the switch freezes each connection both ways,
// the server's processes run on, and when the link is back the connections carry on where they were.
//
// Powered on again, the booted kernel knows none of the old connections and answers their next
// segment with RST (RFC 9293 3.5.2, "Reset Generation"; the client's read fails with ECONNRESET,
// tcp(7)): the switch resets each one when its client next sends something, not before, so an
// idle client learns of it only with its next request. A connection accepted while the node was
// off stands for a SYN the client still retransmits, which the booted host answers: it is served
// from then on.

import net, { type Server, type Socket } from "node:net";
import { listen } from "../util/listen.js";

/** What the node does with a new connection while it runs: serve it, hang (no word ever), or reset it. */
export type Admission = "serve" | "silent" | "reset";

/**
 * How a node went away: a reboot command closes its sessions first; a power cut leaves them
 * hanging; a cut link freezes them until it is back (the node runs on).
 */
export type PowerOff = "orderly" | "power-cut" | "link-cut";

export class PowerSwitchedServer {
  private readonly front: Server;
  private backPort: number | null = null;
  private powered = false;
  /** Why it is not answering: a cut link keeps its relays, frozen. */
  private offBy: PowerOff | null = null;
  /** Connections relayed to the server: the client's socket and the switch's socket to the server. */
  private readonly relays = new Map<Socket, Socket>();
  /** Connections that went silent when the power went: reset at their next segment once it is back. */
  private readonly stale = new Set<Socket>();
  /** Connections accepted while the power is off: served when it comes back. */
  private readonly waiting = new Set<Socket>();
  /** Connections the running node never answers (Admission "silent"). */
  private readonly hung = new Set<Socket>();
  /** Every client connection not yet closed, whatever became of it (close() ends them all). */
  private readonly open = new Set<Socket>();

  constructor(
    private readonly server: Server,
    private readonly port: number,
    private readonly address: string,
    private readonly admit: () => Admission = () => "serve",
  ) {
    this.front = net.createServer((socket) => this.accept(socket));
  }

  /** The port clients connect to (the one asked for, or the one picked when 0 was). */
  listeningPort(): number {
    return (this.front.address() as net.AddressInfo).port;
  }

  async on(): Promise<void> {
    if (this.powered) return;
    if (this.backPort === null) {
      await listen(this.server, 0, this.address);
      this.backPort = (this.server.address() as net.AddressInfo).port;
      await listen(this.front, this.port, this.address);
    }
    this.powered = true;
    if (this.offBy === "link-cut") this.thaw();
    this.offBy = null;
    for (const socket of this.stale) {
      socket.once("data", () => socket.resetAndDestroy());
      socket.resume();
    }
    this.stale.clear();
    const waiting = [...this.waiting];
    this.waiting.clear();
    for (const socket of waiting) if (!socket.destroyed) this.admitted(socket);
  }

  /** The node goes down: it stops answering, and its server loses every connection it had. */
  off(how: PowerOff): Promise<void> {
    // A node whose link is cut may still lose its power: then its frozen connections die with it.
    if (!this.powered && !(this.offBy === "link-cut" && how !== "link-cut")) return Promise.resolve();
    this.powered = false;
    this.offBy = how;
    if (how === "link-cut") {
      for (const [front, back] of this.relays) {
        back.unpipe(front);
        front.unpipe(back);
        front.pause();
        back.pause();
      }
      return Promise.resolve();
    }
    for (const [front, back] of [...this.relays]) {
      if (how === "orderly") {
        // systemd stops the sessions: what sshd had written (the answer to `systemctl reboot`
        // itself) still reaches the client, then FIN. The relay ends the client's side once the
        // server's has closed (relay's close handler); destroying it here lost bytes in flight.
        front.unpipe(back);
        back.end();
        continue;
      }
      this.relays.delete(front);
      back.unpipe(front);
      front.unpipe(back);
      back.destroy();
      front.pause();
      this.stale.add(front);
    }
    // A hung userland dies with the rest: what it never answered, nobody answers now.
    for (const socket of this.hung) this.stale.add(socket);
    this.hung.clear();
    return Promise.resolve();
  }

  /** Tears everything down for good (the lab stops): listeners closed, every connection destroyed. */
  async close(): Promise<void> {
    this.powered = false;
    for (const [front, back] of [...this.relays]) {
      this.relays.delete(front);
      back.destroy();
      front.destroy();
    }
    for (const socket of this.open) socket.destroy();
    for (const set of [this.stale, this.waiting, this.hung, this.open]) set.clear();
    const closing = [this.front, this.server]
      .filter((s) => s.listening)
      .map((s) => new Promise<void>((resolve) => s.close(() => resolve())));
    await Promise.all(closing);
  }

  /** The link is back: every frozen connection carries on; one whose server hung up meanwhile ends now. */
  private thaw(): void {
    for (const [front, back] of [...this.relays]) {
      if (back.destroyed) {
        this.relays.delete(front);
        front.end();
        continue;
      }
      front.pipe(back);
      back.pipe(front);
    }
  }

  private accept(socket: Socket): void {
    this.open.add(socket);
    socket.on("error", () => {});
    socket.on("close", () => {
      this.open.delete(socket);
      this.stale.delete(socket);
      this.waiting.delete(socket);
      this.hung.delete(socket);
    });
    if (!this.powered) {
      socket.pause();
      this.waiting.add(socket);
      return;
    }
    this.admitted(socket);
  }

  private admitted(socket: Socket): void {
    const admission = this.admit();
    if (admission === "reset") return void socket.resetAndDestroy();
    if (admission === "silent") {
      socket.pause();
      this.hung.add(socket);
      return;
    }
    this.relay(socket);
  }

  private relay(front: Socket): void {
    const back = net.connect({ host: this.address, port: this.backPort! });
    // openssh-portable packet.c ssh_packet_set_interactive: sshd sets TCP_NODELAY; so does each hop here.
    front.setNoDelay(true);
    back.setNoDelay(true);
    this.relays.set(front, back);
    let reset = false;
    back.on("error", (error: NodeJS.ErrnoException) => {
      reset ||= error.code === "ECONNRESET";
    });
    // The server hung up (or reset): the client sees the same.
    back.on("close", () => {
      // While the link is cut the client cannot hear of it: thaw() ends it when the link is back.
      if (this.relays.get(front) !== back || this.offBy === "link-cut") return;
      this.relays.delete(front);
      if (reset) front.resetAndDestroy();
      else front.end();
    });
    front.on("close", () => {
      if (this.relays.get(front) !== back) return;
      this.relays.delete(front);
      back.destroy();
    });
    front.pipe(back);
    back.pipe(front);
    front.resume();
  }
}
