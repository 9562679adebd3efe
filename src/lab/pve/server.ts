// One pveproxy per lab node: HTTPS on the node's own address, API-token auth, PVE's JSON envelope
// and content type. A node that is down stops listening (connection refused), like the real one.

import https from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import { LabApiError, type LabCluster } from "../model/cluster.js";
import { PowerSwitchedServer } from "../power-switch.js";
import { matchRoute, type ApiRequest } from "./routes.js";

export interface ApiToken {
  tokenId: string;
  secret: string;
}

export interface NodeTls {
  key: string;
  cert: string;
}

// pveproxy sends exactly this; proxmox-api refuses any other spelling.
const contentType = "application/json;charset=UTF-8";
const apiPrefix = "/api2/json";
const maxBodyBytes = 64 * 1024;

export class LabApiServer {
  private readonly power: PowerSwitchedServer;

  constructor(
    private readonly cluster: LabCluster,
    private readonly node: string,
    address: string,
    port: number,
    tls: NodeTls,
    private readonly token: ApiToken,
  ) {
    const server = https.createServer({ key: tls.key, cert: tls.cert }, (req, res) => void this.handle(req, res));
    // TLS handshakes that a client aborts (a refused fingerprint) are not the server's problem.
    server.on("tlsClientError", () => {});
    this.power = new PowerSwitchedServer(server, port, address);
  }

  start(): Promise<void> {
    return this.power.on();
  }

  stop(): Promise<void> {
    return this.power.off();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? "/", "https://lab");
      if (!url.pathname.startsWith(`${apiPrefix}/`)) return this.reply(res, 501, "Not Implemented", null);
      const user = this.authenticate(req.headers.authorization);
      if (typeof user !== "string") return this.reply(res, 401, user.reason, null);
      const body = await readBody(req);
      const apiRequest: ApiRequest = {
        method: req.method ?? "GET",
        path: url.pathname.slice(apiPrefix.length).replace(/\/+$/, ""),
        query: url.searchParams,
        body,
        via: this.node,
        user,
      };
      const flaky = this.cluster.nextApiRequest();
      if (flaky.slowMs > 0) await new Promise((resolve) => setTimeout(resolve, flaky.slowMs));
      if (flaky.fail) return this.reply(res, 500, "Can't connect to 127.0.0.1:85 (Connection refused)", null);
      const match = matchRoute(this.cluster, apiRequest);
      if (!match) return this.reply(res, 501, `Method '${apiRequest.method} ${apiPrefix}${apiRequest.path}' not implemented`, null);
      if (match.proxiedTo && !this.cluster.isUp(match.proxiedTo)) {
        return this.reply(res, 595, "Errors during connection establishment, proxy handshake: No route to host", null);
      }
      this.cluster.advance();
      this.reply(res, 200, "OK", match.handler());
    } catch (error) {
      if (error instanceof LabApiError) return this.reply(res, error.status, error.message, null);
      this.reply(res, 500, `internal error: ${(error as Error).message}`, null);
    }
  }

  private authenticate(header: string | undefined): string | { reason: string } {
    if (!header) return { reason: "No ticket" };
    const match = /^PVEAPIToken=([^=\s]+)=(\S+)$/.exec(header.trim());
    if (!match) return { reason: "No ticket" };
    const [, tokenId, secret] = match;
    if (tokenId !== this.token.tokenId) {
      const [user, id] = tokenId!.split("!");
      return { reason: `no such token '${id ?? ""}' for user '${user ?? ""}'` };
    }
    if (secret !== this.token.secret) return { reason: "invalid token value!" };
    return tokenId;
  }

  private reply(res: ServerResponse, status: number, reason: string, data: unknown): void {
    if (res.headersSent) return;
    const oneLine = reason.replace(/\s+/g, " ").trim();
    const body = status === 200 ? { data } : { data: null, message: `${oneLine}\n` };
    const payload = JSON.stringify(body);
    res.writeHead(status, oneLine, {
      "Content-Type": contentType,
      "Content-Length": Buffer.byteLength(payload),
      "Cache-Control": "max-age=0",
      Server: "pve-api-daemon/3.0",
    });
    res.end(payload);
  }
}

async function readBody(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBodyBytes) throw new LabApiError(413, "Request Entity Too Large");
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (!text) return new URLSearchParams();
  if ((req.headers["content-type"] ?? "").includes("application/json")) {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    return new URLSearchParams(Object.entries(parsed).map(([k, v]): [string, string] => [k, String(v)]));
  }
  return new URLSearchParams(text);
}
