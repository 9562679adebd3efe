// Builds the real transports from a loaded cluster.yaml.

import { readFile } from "node:fs/promises";
import type { Config } from "../config/index.js";
import { ConfigError } from "../util/errors.js";
import { PveClient, type PveEndpoint } from "./pve.js";
import { SshPool } from "./ssh.js";

export function sshPoolFor(config: Config): SshPool {
  return new SshPool({
    user: config.ssh.user,
    identityFile: config.ssh.identityFile,
    knownHostsFile: config.ssh.knownHostsFile,
    connectTimeoutMs: config.ssh.connectTimeout,
    commandTimeoutMs: config.ssh.commandTimeout,
    targets: config.nodes.map((n) => ({ node: n.name, host: n.address, port: n.sshPort ?? config.ssh.port })),
  });
}

/**
 * The configured API first, then every other node's API on the same port, so rollgate can always
 * ask a node that is not the one being upgraded. A node is usable only if its certificate can be
 * verified: by the cluster CA, or by a fingerprint pinned for it.
 */
export function apiEndpoints(config: Config): PveEndpoint[] {
  const { api, fingerprint, caFile } = config.proxmox;
  // A single fingerprint pins the configured API host; a mapping pins each node's own certificate.
  const pinOf = (node: string | null, host: string): string | undefined =>
    typeof fingerprint === "string" ? (host === api.host ? fingerprint : undefined) : node !== null ? fingerprint?.[node] : undefined;
  const endpoints: PveEndpoint[] = [];
  const add = (node: string | null, host: string) => {
    const pin = pinOf(node, host);
    if ((pin === undefined && !caFile) || endpoints.some((e) => e.host === host)) return;
    endpoints.push({ node: node ?? host, host, port: api.port, fingerprint: pin ?? null });
  };
  add(config.nodes.find((n) => n.address === api.host)?.name ?? null, api.host);
  for (const node of config.nodes) add(node.name, node.address);
  return endpoints;
}

export async function pveClientFor(config: Config, tokenSecret: string): Promise<PveClient> {
  let ca: string | null = null;
  if (config.proxmox.caFile) {
    try {
      ca = await readFile(config.proxmox.caFile, "utf8");
    } catch (error) {
      throw new ConfigError(null, "proxmox.caFile", `cannot read ${config.proxmox.caFile}: ${(error as Error).message}`);
    }
  }
  return new PveClient({
    tokenId: config.proxmox.tokenId,
    tokenSecret,
    ca,
    timeoutMs: config.proxmox.timeout,
    endpoints: apiEndpoints(config),
  });
}
