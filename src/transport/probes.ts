// Probes rollgate runs from where it runs: a TCP connect, an HTTP GET. Effects, kept apart.

import { formatDuration } from "../config/duration.js";
import net from "node:net";

export interface Probes {
  tcp(host: string, port: number, timeoutMs: number): Promise<void>;
  /** Resolves to the HTTP status; rejects on connection or TLS failure. */
  http(url: string, timeoutMs: number): Promise<number>;
}

export const networkProbes: Probes = {
  tcp: (host, port, timeoutMs) =>
    new Promise((resolve, reject) => {
      const socket = net.connect({ host, port, timeout: timeoutMs });
      socket.once("connect", () => {
        socket.destroy();
        resolve();
      });
      socket.once("timeout", () => {
        socket.destroy();
        reject(new Error(`no TCP answer within ${formatDuration(timeoutMs)}`));
      });
      socket.once("error", (error) => reject(error));
    }),
  async http(url, timeoutMs) {
    const response = await fetch(url, { method: "GET", redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return response.status;
  },
};
