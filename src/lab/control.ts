// A running lab answers `rollgate lab status`, `lab down` and `lab power-cycle` (a node's
// out-of-band power control, as IPMI would be) from other processes over a Unix socket in its
// directory (HTTP, so curl --unix-socket works too).

import http from "node:http";
import { rm } from "node:fs/promises";
import path from "node:path";
import type { Lab } from "./lab.js";

export const controlSocketName = "lab.sock";

export function controlSocketPath(dir: string): string {
  return path.join(path.resolve(dir), controlSocketName);
}

/** Serves the control socket until the lab stops; `onStop` is called when asked to stop. */
export async function serveControl(lab: Lab, dir: string, onStop: () => void): Promise<() => Promise<void>> {
  const socketPath = controlSocketPath(dir);
  // A socket file left by a lab that was killed would make listen fail with EADDRINUSE.
  if (!(await isLabAnswering(socketPath))) await rm(socketPath, { force: true });
  const server = http.createServer((req, res) => {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { "Content-Type": "application/json" });
      res.end(`${JSON.stringify(body, null, 2)}\n`);
    };
    if (req.method === "GET" && req.url === "/status") return reply(200, lab.status());
    if (req.method === "POST" && req.url === "/stop") {
      reply(200, { stopping: true });
      return onStop();
    }
    const powerCycle = /^\/power-cycle\/([A-Za-z0-9-]+)$/.exec(req.url ?? "");
    if (req.method === "POST" && powerCycle) {
      if (!lab.cluster.nodes.has(powerCycle[1]!)) return reply(404, { error: `no node ${powerCycle[1]}` });
      lab.cluster.outOfBandPowerCycle(powerCycle[1]!, "out-of-band power control");
      return reply(200, { powerCycled: powerCycle[1] });
    }
    reply(404, { error: `unknown control request ${req.method} ${req.url}` });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(socketPath, () => resolve());
  });
  return async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await rm(socketPath, { force: true });
  };
}

export function isLabAnswering(socketPath: string): Promise<boolean> {
  return controlRequest(socketPath, "GET", "/status").then(
    () => true,
    () => false,
  );
}

export function controlRequest(socketPath: string, method: "GET" | "POST", urlPath: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath, method, path: urlPath, timeout: 5_000 }, (res) => {
      const parts: Buffer[] = [];
      res.on("data", (d: Buffer) => parts.push(d));
      res.on("end", () => {
        try {
          const body = JSON.parse(Buffer.concat(parts).toString("utf8")) as unknown;
          if ((res.statusCode ?? 500) >= 400) reject(new Error((body as { error?: string }).error ?? `HTTP ${res.statusCode}`));
          else resolve(body);
        } catch (error) {
          reject(error);
        }
      });
    });
    req.on("timeout", () => req.destroy(new Error("the lab did not answer within 5 s")));
    req.on("error", reject);
    req.end();
  });
}
