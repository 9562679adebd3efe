// One pveproxy per lab node: HTTPS on the node's own address, API-token auth, PVE's JSON envelope
// and content type. A node that is down is silent (power-switch.ts), like the real one.
// Every call is checked as PVE checks it, from the release's own API schema (api-schema.ts).

import https from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import { LabApiError, type LabCluster } from "../model/cluster.js";
import { PowerSwitchedServer, type PowerOff } from "../power-switch.js";
import { matchRoute, type ApiRequest } from "./routes.js";
import type { LabAccess } from "./access.js";
import { allowed, PermissionDenied } from "./acl.js";
import { findMethod, isAbsent, loadApiSchema, permissionRefusal, type PermissionContext } from "./api-schema.js";
import { describedCheckModelled, filterAnswer } from "./filters.js";

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
    private readonly access: LabAccess,
  ) {
    const server = https.createServer({ key: tls.key, cert: tls.cert }, (req, res) => void this.handle(req, res));
    // TLS handshakes that a client aborts (a refused fingerprint) are not the server's problem.
    server.on("tlsClientError", () => {});
    this.power = new PowerSwitchedServer(server, port, address);
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

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? "/", "https://lab");
      if (!url.pathname.startsWith(`${apiPrefix}/`)) return this.reply(res, 501, "Not Implemented", null);
      const user = this.access.authenticate(req.headers.authorization);
      if (typeof user !== "string") return this.reply(res, 401, user.reason, null);
      const body = await readBody(req);
      const apiRequest: ApiRequest = {
        method: req.method ?? "GET",
        path: url.pathname.slice(apiPrefix.length).replace(/\/+$/, ""),
        query: url.searchParams,
        body,
        via: this.node,
        user,
        may: (path, privileges) => allowed(this.access.config, this.cluster.releaseOf(this.node), user, path, privileges),
      };
      const flaky = this.cluster.nextApiRequest(this.node);
      // A pveproxy being restarted (`systemctl restart pveproxy`, as after `pvecm updatecerts`)
      // closes its connections without an answer: the client sees a reset.
      if (flaky.reset) return void req.socket.destroy();
      // A slow answer is slow in model time, as every other delay of the lab (at 200x, 1.5 s of
      // wall time each would be five model minutes and no API is that slow).
      if (flaky.slowMs > 0) await new Promise<void>((resolve) => this.cluster.clock.after(flaky.slowMs, resolve));
      if (flaky.fail) return this.reply(res, 500, "Can't connect to 127.0.0.1:85 (Connection refused)", null);
      // The node asked answers with its own pve-manager: during a major upgrade the nodes differ.
      const release = this.cluster.releaseOf(this.node);
      const schema = await loadApiSchema(release);
      // The access calls are answered from the lab's user.cfg (access.ts), not from routes.ts.
      const ownAnswer = apiRequest.method === "GET" && apiRequest.path === "/access/permissions";
      const match = ownAnswer ? null : matchRoute(this.cluster, apiRequest);
      if ((!match && !ownAnswer) || isAbsent(schema, apiRequest.method, apiRequest.path)) {
        return this.reply(res, 501, `Method '${apiRequest.method} ${apiPrefix}${apiRequest.path}' not implemented`, null);
      }
      const call = findMethod(schema, apiRequest.method, apiRequest.path);
      if (!call)
        throw new Error(
          `lab: ${apiRequest.method} ${apiRequest.path} is not in PVE ${release}'s API schema subset (add it in scripts/pve-api-subset.mjs, npm run pve-api)`,
        );
      const name = `${apiRequest.method} ${call.template}`;
      const description = call.method.permissions?.description;
      if (description && !describedCheckModelled(name)) throw new Error(`lab: the check of ${name} is not modelled: "${description}"`);
      // pve-manager PVE/HTTPServer.pm rest_handler: the path's parameters join the request's, then the check, then the proxy.
      const ctx: PermissionContext = {
        cfg: this.access.config,
        release,
        authid: user,
        params: { ...Object.fromEntries(apiRequest.query), ...Object.fromEntries(apiRequest.body), ...call.params },
      };
      const refused = permissionRefusal(call.method.permissions, ctx);
      if (refused) return this.reply(res, 403, refused.message, null);
      if (match?.proxiedTo && !this.cluster.isUp(match.proxiedTo)) {
        return this.reply(res, 595, "Errors during connection establishment, proxy handshake: No route to host", null);
      }
      this.cluster.advance();
      const data = match ? match.handler() : this.access.permissionsAnswer(user, apiRequest.query, release);
      this.reply(res, 200, "OK", filterAnswer(name, data, ctx));
    } catch (error) {
      if (error instanceof LabApiError) return this.reply(res, error.status, error.message, null, error.errors);
      if (error instanceof PermissionDenied) return this.reply(res, 403, error.message, null);
      this.reply(res, 500, `internal error: ${(error as Error).message}`, null);
    }
  }

  private reply(res: ServerResponse, status: number, reason: string, data: unknown, errors?: Record<string, string>): void {
    if (res.headersSent) return;
    const oneLine = reason.replace(/\s+/g, " ").trim();
    const body = replyBody(status, oneLine, data, errors);
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

/**
 * PVE's JSON envelope (pve-http-server src/PVE/APIServer/Formatter/Standard.pm
 * prepare_response_data): a parameter exception's reasons in `errors`; on any error the message
 * in `message`, added in libpve-http-server-perl 5.2.0 (fix #6503), so PVE 8.4 and 9.1 both send it.
 */
export function replyBody(status: number, message: string, data: unknown, errors?: Record<string, string>): Record<string, unknown> {
  if (status === 200) return { data };
  return { data: null, ...(errors && Object.keys(errors).length > 0 ? { errors } : {}), message: `${message}\n` };
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
