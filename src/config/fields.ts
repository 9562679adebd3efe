// The value types cluster.yaml is built from, each wording its own errors as `expected WHAT, got VALUE`.
import * as z from "zod";
import { DURATION_EXPECTED, DURATION_PATTERN, durationRangeProblem, tryParseDuration, type DurationRange } from "./duration.js";
import {
  FINGERPRINTED_NODES,
  MAX_CLUSTER_NAME,
  MAX_CONFIG_DURATION_MS,
  MAX_LABEL,
  MAX_NODE_NAME,
  MAX_PATH_BYTES,
  type CountLimit,
} from "./limits.js";
import { describeValue, expectedGot, expecting, type ExpectOptions } from "./messages.js";
import { API_URL, HOST, HOST_PORT, NAME, NODE_NAME, SHA256_FINGERPRINT, VMID_KEY } from "./patterns.js";
import { resolveUserPath, USER_PATH, type PathBase } from "./paths.js";

/** A length limit, checked before the pattern so that a long value is refused saying its length, and never matched. */
export interface LengthLimit {
  max: number;
  why?: string;
  /** Paths are limited in bytes, names (ASCII by their patterns) in characters. */
  unit?: "characters" | "bytes";
}

/** `expected at most 15 characters (why), got 16: "abcdefghijklmnop"`. */
function tooLong(limit: LengthLimit, input: unknown, options: ExpectOptions): string {
  const unit = limit.unit ?? "characters";
  const text = typeof input === "string" ? input : "";
  const length = unit === "bytes" ? Buffer.byteLength(text) : text.length;
  const shown = options.echo === false ? "" : `: ${describeValue(input)}`;
  return `expected at most ${limit.max} ${unit}${limit.why ? ` (${limit.why})` : ""}, got ${length}${shown}`;
}

export function patterned(pattern: RegExp, what: string, options: ExpectOptions & { maxLength?: LengthLimit } = {}) {
  const text = z.string(expecting(what, options));
  const limit = options.maxLength;
  if (limit === undefined) return text.regex(pattern);
  return text.max(limit.max, { abort: true, error: (issue) => tooLong(limit, issue.input, options) }).regex(pattern);
}

export const plainName = (what: string) =>
  patterned(NAME, `${what} (letters, digits, "_", ".", "-"; not starting with "_", "." or "-")`, { maxLength: { max: MAX_LABEL } });

export const nodeName = patterned(NODE_NAME, `a PVE node name (letters, digits and inner "-", at most ${MAX_NODE_NAME}; e.g. pve1)`, {
  maxLength: { max: MAX_NODE_NAME, why: "a node name is a hostname label" },
});

/** PVE's own format for a cluster name: that of a node name, shorter. */
export const clusterName = patterned(NODE_NAME, 'a PVE cluster name (letters, digits and inner "-"; e.g. storehouse)', {
  maxLength: { max: MAX_CLUSTER_NAME, why: "PVE's limit for a cluster name" },
});

/**
 * A list of at most `limit.max` items, refused before its items are checked when it holds more: one line, whatever
 * the count, instead of one per item.
 */
export function listOf<T extends z.ZodType>(element: T, limit: CountLimit, { min = 0 }: { min?: number } = {}) {
  return atMost(limit, z.array(element).min(min).max(limit.max));
}

/** A mapping of at most `limit.max` keys, refused as a list is. */
export function mappingOf<K extends z.core.$ZodRecordKey, V extends z.ZodType>(key: K, value: V, limit: CountLimit) {
  return atMost(limit, z.record(key, value));
}

/** `schema`, refused before it is run when given a list or mapping of more than `limit.max` items. */
export function atMost<S extends z.ZodType>(limit: CountLimit, schema: S) {
  return z.preprocess<unknown, S, z.input<S>>((value, ctx) => {
    const count = Array.isArray(value) ? value.length : typeof value === "object" && value !== null ? Object.keys(value).length : 0;
    if (count > limit.max) {
      ctx.issues.push({
        code: "custom",
        input: value,
        message: `expected at most ${limit.max} ${limit.noun}${limit.why ? ` (${limit.why})` : ""}, got ${count}`,
      });
    }
    return value;
  }, schema);
}

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
// Limited outside the union, whose own message would otherwise replace the count's.
export const fingerprints = atMost(
  FINGERPRINTED_NODES,
  z.union(
    [fingerprint, z.record(nodeName, fingerprint, expecting("a mapping of node name to fingerprint"))],
    expecting(`${FINGERPRINT_EXPECTED}, or a mapping of node name to fingerprint`),
  ),
);

/**
 * Milliseconds, from `500ms`, `10s`, `15m`, `2h`, `1h30m` or a number of seconds; `fallback` is written the same way.
 * At most a week, and at least `range.min` (with the reason, `range.minWhy`).
 */
export function duration(fallback: string, range: DurationRange = {}) {
  return durationWithoutDefault(range).prefault(fallback);
}

/** A duration as `duration` reads it, for a key whose absence means something else than a default. */
export function durationWithoutDefault(range: DurationRange = {}) {
  const params = expecting(DURATION_EXPECTED);
  const bounds = { max: MAX_CONFIG_DURATION_MS, maxWhy: "longer is a typo, not a wait", ...range };
  return z.union([z.string(params).regex(DURATION_PATTERN), z.number(params)], params).transform((written, ctx) => {
    const ms = tryParseDuration(written);
    const problem = ms === undefined ? `expected ${DURATION_EXPECTED}` : durationRangeProblem(ms, bounds);
    if (ms === undefined || problem) {
      ctx.issues.push({ code: "custom", input: written, message: `${problem}, got ${describeValue(written)}` });
      return z.NEVER;
    }
    return ms;
  });
}

const PATH_EXPECTED = 'a file path (absolute, "~/…", or relative to the config file)';
const PATH_LIMIT: LengthLimit = { max: MAX_PATH_BYTES, why: "Linux's PATH_MAX", unit: "bytes" };

/** A path as written: absolute, `~/…` or relative to the config file. */
export function writtenPath(options: ExpectOptions = {}) {
  return z
    .string(expecting(PATH_EXPECTED, options))
    .refine((written) => Buffer.byteLength(written) <= MAX_PATH_BYTES, {
      abort: true,
      error: (issue) => tooLong(PATH_LIMIT, issue.input, options),
    })
    .regex(USER_PATH)
    .min(1);
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

export const hostPort = patterned(HOST_PORT, 'HOST:PORT, e.g. "10.0.0.1:443" or "[fd00::1]:443"').transform((written): HostPort => {
  const colon = written.lastIndexOf(":");
  return { host: unbracket(written.slice(0, colon)), port: Number(written.slice(colon + 1)) };
});

function unbracket(host: string): string {
  return host.replace(/^\[(.*)\]$/, "$1");
}
