// OpenSSH's known_hosts, read the way ssh does: plain and hashed (`|1|salt|hash`) host fields,
// `[host]:port` for non-standard ports, glob patterns with negation, and @revoked keys.

import { createHash, createHmac } from "node:crypto";

export interface KnownKey {
  type: string;
  /** The raw public key blob (base64-decoded). */
  blob: Buffer;
}

export interface KnownHostsEntry {
  marker: "@revoked" | "@cert-authority" | null;
  hosts: string;
  key: KnownKey;
}

export function parseKnownHosts(text: string): KnownHostsEntry[] {
  const entries: KnownHostsEntry[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const fields = line.split(/\s+/);
    const marker = fields[0] === "@revoked" || fields[0] === "@cert-authority" ? (fields.shift() as KnownHostsEntry["marker"]) : null;
    if (fields.length < 3 || !/^[A-Za-z0-9+/]+=*$/.test(fields[2]!)) continue;
    const [hosts, type, base64] = fields as [string, string, string, ...string[]];
    entries.push({ marker, hosts, key: { type, blob: Buffer.from(base64, "base64") } });
  }
  return entries;
}

/** The name ssh looks up: `host` on port 22, `[host]:port` otherwise. */
export function hostKeyName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function globToRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${body}$`, "i");
}

function hostFieldMatches(field: string, name: string): boolean {
  if (field.startsWith("|1|")) {
    // `|1|salt|hash`: a hash missing compares unequal to every digest.
    const [, , salt = "", hash] = field.split("|");
    return createHmac("sha1", Buffer.from(salt, "base64")).update(name).digest("base64") === hash;
  }
  let matched = false;
  for (const pattern of field.split(",")) {
    const negated = pattern.startsWith("!");
    if (globToRegExp(negated ? pattern.slice(1) : pattern).test(name)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

export interface HostKeys {
  accepted: KnownKey[];
  revoked: KnownKey[];
}

export function keysForHost(entries: KnownHostsEntry[], host: string, port: number): HostKeys {
  const name = hostKeyName(host, port);
  // A @cert-authority key signs host certificates, which rollgate does not accept: it is neither list's.
  const matching = entries.filter((e) => hostFieldMatches(e.hosts, name));
  return {
    accepted: matching.filter((e) => e.marker === null).map((e) => e.key),
    revoked: matching.filter((e) => e.marker === "@revoked").map((e) => e.key),
  };
}

/** The fingerprint ssh prints: `SHA256:` and unpadded base64. */
export function fingerprint(blob: Buffer): string {
  // Stryker disable next-line Regex: a SHA-256 digest in base64 is 43 characters and one "=", which /=$/ and /=+/ remove alike.
  return `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`;
}

/** The key type named inside an SSH public key blob (its first string field). */
export function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) return "unknown";
  const length = blob.readUInt32BE(0);
  if (length === 0 || blob.length < 4 + length) return "unknown";
  return blob.subarray(4, 4 + length).toString("latin1");
}
