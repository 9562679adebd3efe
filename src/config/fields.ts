// The value types cluster.yaml is built from, each wording its own errors as `expected WHAT, got VALUE`.
import * as z from "zod";
import { DURATION_EXPECTED, DURATION_PATTERN, durationRangeProblem, tryParseDuration } from "./duration.js";
import { describeValue, expecting, type ExpectOptions } from "./messages.js";
import {
  API_URL,
  HOST,
  HOST_PORT,
  NAME,
  NODE_NAME,
  SHA256_FINGERPRINT,
  VMID_KEY,
} from "./patterns.js";
import { resolveUserPath, USER_PATH, type PathBase } from "./paths.js";

export function patterned(pattern: RegExp, what: string, options?: ExpectOptions) {
  return z.string(expecting(what, options)).regex(pattern);
}

export const plainName = (what: string) => patterned(NAME, `${what} (letters, digits, "_", ".", "-"; not starting with "_", "." or "-")`);

export const nodeName = patterned(NODE_NAME, 'a PVE node name (letters, digits and inner "-", at most 63; e.g. pve1)');

export const host = patterned(HOST, "an IPv4 address, an IPv6 address or a DNS hostname");

export const port = z.int(expecting("a TCP port (1-65535)")).min(1).max(65535);

const VMID_EXPECTED = "an integer VM id (100-999999999)";
export const vmid = z.int(expecting(VMID_EXPECTED)).min(100).max(999_999_999);
/** A VM id written as a mapping key, e.g. in `guestOverrides: { 105: shutdown }`. */
export const vmidKey = patterned(VMID_KEY, VMID_EXPECTED);

export const httpUrl = z.url({ protocol: /^https?$/, ...expecting("an http:// or https:// URL") });

const FINGERPRINT_EXPECTED =
  "the SHA-256 fingerprint of the API certificate: 32 colon-separated hex bytes, AB:CD:… " +
  "(on the node: openssl x509 -noout -fingerprint -sha256 -in /etc/pve/local/pve-ssl.pem)";
export const fingerprint = patterned(SHA256_FINGERPRINT, FINGERPRINT_EXPECTED).transform((hex) => hex.toUpperCase());
export const fingerprints = z.union(
  [fingerprint, z.record(nodeName, fingerprint, expecting("a mapping of node name to fingerprint"))],
  expecting(`${FINGERPRINT_EXPECTED}, or a mapping of node name to fingerprint`),
);

/** Milliseconds, from `500ms`, `10s`, `15m`, `2h`, `1h30m` or a number of seconds; `fallback` is written the same way. */
export function duration(fallback: string) {
  const params = expecting(DURATION_EXPECTED);
  return z
    .union([z.string(params).regex(DURATION_PATTERN), z.number(params)], params)
    .transform((written, ctx) => {
      const ms = tryParseDuration(written);
      const problem = ms === undefined ? `expected ${DURATION_EXPECTED}` : durationRangeProblem(ms);
      if (ms === undefined || problem) {
        ctx.issues.push({ code: "custom", input: written, message: `${problem}, got ${describeValue(written)}` });
        return z.NEVER;
      }
      return ms;
    })
    .prefault(fallback);
}

/** A path as written: absolute, `~/…` or relative to the config file. */
export function writtenPath(options?: ExpectOptions) {
  return patterned(USER_PATH, 'a file path (absolute, "~/…", or relative to the config file)', options).min(1);
}

/** An absolute path: `~/` is the home directory, a relative path is relative to the config file's directory. */
export function userPath(base: PathBase) {
  return writtenPath().transform((written) => resolveUserPath(written, base));
}

export interface ApiEndpoint {
  /** `https://host:port`, IPv6 hosts in brackets. */
  url: string;
  /** Without brackets. */
  host: string;
  port: number;
}

const PVE_API_PORT = 8006;

export const apiEndpoint = patterned(
  API_URL,
  "the https URL of a node's API, with no path: https://HOST or https://HOST:PORT (e.g. https://10.0.0.11:8006)",
).transform((written): ApiEndpoint => {
  const url = new URL(written);
  // Taken from the text: URL drops a port equal to the scheme's default (443), which is not PVE's default.
  const writtenPort = /:(\d+)\/?$/.exec(written)?.[1];
  const portNumber = writtenPort === undefined ? PVE_API_PORT : Number(writtenPort);
  return { url: `https://${url.hostname}:${portNumber}`, host: unbracket(url.hostname), port: portNumber };
});

export interface HostPort {
  host: string;
  port: number;
}

export const hostPort = patterned(HOST_PORT, 'HOST:PORT, e.g. "10.0.0.1:443" or "[fd00::1]:443"').transform(
  (written): HostPort => {
    const colon = written.lastIndexOf(":");
    return { host: unbracket(written.slice(0, colon)), port: Number(written.slice(colon + 1)) };
  },
);

function unbracket(host: string): string {
  return host.replace(/^\[(.*)\]$/, "$1");
}
