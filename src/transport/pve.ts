// The PVE REST API over HTTPS with an API token. rollgate's own request layer, because
// proxmox-api 1.1.1 retries every request once after a timeout (a migrate POST can be sent twice)
// and hides the HTTP status (docs/domain/proxmox-api.md, "A node that is down"). proxmox-api still provides the typed path tree
// for reads (see pve-paths.ts); every request goes through here.
//
// Certificates are always verified: against the cluster CA (/etc/pve/pve-root-ca.pem), and/or
// against a pinned SHA-256 fingerprint checked on the socket itself. Pinning with
// rejectUnauthorized:false + checkServerIdentity is silently ignored by Node, and resumed TLS
// sessions carry no peer certificate, hence maxCachedSessions: 0.

import { formatDuration } from "../config/duration.js";
import https from "node:https";
import type { Duplex } from "node:stream";
import tls from "node:tls";

export interface PveEndpoint {
  /** The node whose pveproxy this is. */
  node: string;
  host: string;
  port: number;
  /** Uppercase colon-separated SHA-256; null: rely on the CA alone. */
  fingerprint: string | null;
}

export interface PveSettings {
  tokenId: string;
  tokenSecret: string;
  /** PEM of the cluster CA, or null when only fingerprints are pinned. */
  ca: string | null;
  timeoutMs: number;
  endpoints: PveEndpoint[];
}

/** The API answered with an error status. `reason` is PVE's status text (where it puts the message). */
export class PveHttpError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    readonly method: string,
    readonly path: string,
    readonly via: string,
  ) {
    super(`${method} ${path} (via ${via}): HTTP ${status} ${reason}`);
  }
}

/** No usable answer: connection refused, TLS refused, timeout, malformed response. */
export class PveConnectionError extends Error {
  constructor(
    message: string,
    readonly via: string,
    /** True when the request certainly never reached the server (safe to send elsewhere, even a POST). */
    readonly notSent: boolean,
  ) {
    super(message);
  }
}

export type PveParams = Record<string, string | number | boolean | undefined>;

export interface PveRequestOptions {
  /** Nodes whose API must not be used (the node being upgraded). */
  avoid?: readonly string[];
}

/** The API as the rest of rollgate sees it: the real client, or a read-only view of it. */
export interface PveApi {
  get(path: string, params?: PveParams, options?: PveRequestOptions): Promise<unknown>;
  post(path: string, params?: PveParams, options?: PveRequestOptions): Promise<unknown>;
  close(): void;
}

export class PveClient implements PveApi {
  private readonly agents = new Map<string, https.Agent>();
  private preferred = 0;

  constructor(private readonly settings: PveSettings) {
    if (settings.endpoints.length === 0) throw new Error("no PVE API endpoint to talk to");
    const unverifiable = settings.endpoints.find((e) => !e.fingerprint && !settings.ca);
    if (unverifiable)
      throw new Error(
        `API endpoint ${unverifiable.host}:${unverifiable.port} has neither a pinned fingerprint nor a CA to verify it against`,
      );
  }

  get(path: string, params?: PveParams, options?: PveRequestOptions): Promise<unknown> {
    return this.request("GET", path, params, options);
  }

  /** A POST is sent at most once: it goes to another endpoint only if it certainly never left. */
  post(path: string, params?: PveParams, options?: PveRequestOptions): Promise<unknown> {
    return this.request("POST", path, params, options);
  }

  async request(method: "GET" | "POST", path: string, params: PveParams = {}, options: PveRequestOptions = {}): Promise<unknown> {
    const candidates = this.orderedEndpoints(options.avoid ?? []);
    if (candidates.length === 0)
      throw new PveConnectionError(`no PVE API endpoint left to ask for ${path} (avoiding ${(options.avoid ?? []).join(", ")})`, "-", true);
    let lastError: unknown;
    for (const endpoint of candidates) {
      try {
        const data = await this.send(endpoint, method, path, params);
        this.preferred = this.settings.endpoints.indexOf(endpoint);
        return data;
      } catch (error) {
        lastError = error;
        const retryable = error instanceof PveConnectionError && (method === "GET" || error.notSent);
        if (!retryable) throw error;
      }
    }
    throw lastError;
  }

  private orderedEndpoints(avoid: readonly string[]): PveEndpoint[] {
    const all = this.settings.endpoints;
    const rotated = [...all.slice(this.preferred), ...all.slice(0, this.preferred)];
    return rotated.filter((e) => !avoid.includes(e.node));
  }

  private agentFor(endpoint: PveEndpoint): https.Agent {
    const key = `${endpoint.host}:${endpoint.port}`;
    let agent = this.agents.get(key);
    if (!agent) {
      agent = new PinnedAgent(
        {
          keepAlive: true,
          maxSockets: 8,
          maxCachedSessions: 0,
          ...(this.settings.ca ? { ca: this.settings.ca, rejectUnauthorized: true } : { rejectUnauthorized: false }),
        },
        endpoint,
      );
      this.agents.set(key, agent);
    }
    return agent;
  }

  private send(endpoint: PveEndpoint, method: string, path: string, params: PveParams): Promise<unknown> {
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) {
      if (v === undefined) continue;
      query.append(k, typeof v === "boolean" ? (v ? "1" : "0") : String(v));
    }
    const body = method === "POST" ? query.toString() : "";
    const urlPath = `/api2/json${path}${method === "GET" && query.size > 0 ? `?${query}` : ""}`;
    const via = `${endpoint.node} (${endpoint.host}:${endpoint.port})`;
    return new Promise((resolve, reject) => {
      let connected = false;
      const req = https.request(
        {
          host: endpoint.host,
          port: endpoint.port,
          method,
          path: urlPath,
          agent: this.agentFor(endpoint),
          timeout: this.settings.timeoutMs,
          headers: {
            Authorization: `PVEAPIToken=${this.settings.tokenId}=${this.settings.tokenSecret}`,
            Accept: "application/json",
            ...(method === "POST"
              ? { "Content-Type": "application/x-www-form-urlencoded", "Content-Length": Buffer.byteLength(body) }
              : {}),
          },
        },
        (res) => {
          const parts: Buffer[] = [];
          res.on("data", (d: Buffer) => parts.push(d));
          res.on("error", (error) => reject(new PveConnectionError(`${method} ${path} via ${via}: ${error.message}`, via, false)));
          res.on("end", () => {
            const status = res.statusCode ?? 0;
            if (status !== 200) return reject(new PveHttpError(status, (res.statusMessage ?? "").trim(), method, path, via));
            try {
              const parsed = JSON.parse(Buffer.concat(parts).toString("utf8")) as { data?: unknown };
              if (typeof parsed !== "object" || parsed === null || !("data" in parsed)) throw new Error("no `data` member");
              resolve(parsed.data);
            } catch (error) {
              reject(new PveConnectionError(`${method} ${path} via ${via}: unparsable answer (${(error as Error).message})`, via, false));
            }
          });
        },
      );
      // The agent hands over a socket only once its certificate is verified (see PinnedAgent).
      req.on("socket", () => (connected = true));
      req.on("timeout", () =>
        req.destroy(
          new PveConnectionError(`${method} ${path} via ${via}: no answer within ${formatDuration(this.settings.timeoutMs)}`, via, false),
        ),
      );
      req.on("error", (error: Error) => {
        if (error instanceof PveConnectionError) return reject(error);
        const code = (error as NodeJS.ErrnoException).code ?? "";
        const notSent = !connected || ["ECONNREFUSED", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND"].includes(code);
        const tlsHint = /certificate|self[- ]signed|unable to verify/i.test(error.message)
          ? " (the API certificate is not signed by the configured caFile)"
          : "";
        reject(new PveConnectionError(`${method} ${path} via ${via}: ${error.message}${tlsHint}`, via, notSent));
      });
      req.end(body);
    });
  }

  close(): void {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }
}

/**
 * Opens TLS connections and hands them to the HTTP layer only after the pinned fingerprint
 * matched, so not even the token header reaches a server that is not the one we pinned.
 */
class PinnedAgent extends https.Agent {
  constructor(
    options: https.AgentOptions,
    private readonly endpoint: PveEndpoint,
  ) {
    super(options);
  }

  override createConnection(options: tls.ConnectionOptions, callback?: (error: Error | null, socket: Duplex) => void): Duplex | undefined {
    const via = `${this.endpoint.node} (${this.endpoint.host}:${this.endpoint.port})`;
    const socket = tls.connect(options);
    const fail = (error: Error) => callback?.(error, socket);
    socket.once("error", fail);
    // The request's timeout starts only once it has this socket: a powered-off node (its SYN
    // unanswered for ~127 s, tcp(7) tcp_syn_retries) or a hung pveproxy would hold the request
    // until then. Bound the handshake by the same timeout; nothing was sent, so another node may be asked.
    const limitMs = options.timeout;
    if (limitMs) {
      const unanswered = () => {
        socket.destroy();
        fail(new PveConnectionError(`${via}: no TLS handshake within ${formatDuration(limitMs)} (powered off or hung?)`, via, true));
      };
      socket.setTimeout(limitMs);
      socket.once("timeout", unanswered);
      socket.once("secureConnect", () => {
        socket.off("timeout", unanswered);
        socket.setTimeout(0);
      });
    }
    socket.once("secureConnect", () => {
      socket.off("error", fail);
      const pin = this.endpoint.fingerprint;
      const seen = socket.getPeerCertificate()?.fingerprint256;
      if (pin && seen !== pin) {
        socket.destroy();
        return fail(
          new PveConnectionError(
            `TLS certificate of ${via} has fingerprint ${seen ?? "(none)"}, but cluster.yaml pins ${pin}: refusing to talk to it (if the certificate was renewed, check it with \`pvenode cert info\` on the node and update the pin)`,
            via,
            true,
          ),
        );
      }
      callback?.(null, socket);
    });
    return undefined;
  }
}
