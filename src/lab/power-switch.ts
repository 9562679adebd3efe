// A lab node's server as its power switch sees it: listening while the node runs; when the node
// goes down, it stops listening (connection refused) and cuts every open connection without a
// goodbye, as a host losing power does.

import type { Server, Socket } from "node:net";
import { listen } from "../util/listen.js";

export class PowerSwitchedServer {
  readonly sockets = new Set<Socket>();
  private listening = false;

  constructor(
    private readonly server: Server,
    private readonly port: number,
    private readonly address: string,
  ) {
    server.on("connection", (socket: Socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
      socket.on("error", () => {});
    });
  }

  async on(): Promise<void> {
    if (this.listening) return;
    await listen(this.server, this.port, this.address);
    this.listening = true;
  }

  async off(): Promise<void> {
    if (!this.listening) return;
    this.listening = false;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }
}
