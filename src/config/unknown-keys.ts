import * as z from "zod";
import type { KeyPath } from "./positions.js";

const HOST_KEYS_ALWAYS_VERIFIED =
  "host keys are always verified and this cannot be turned off; put each node's host key in ssh.knownHostsFile (default ~/.ssh/known_hosts)";
const CERTIFICATE_ALWAYS_VERIFIED =
  "the API certificate is always verified and this cannot be turned off; set proxmox.fingerprint or proxmox.caFile";

/** Keys people bring from other tools, with what to do instead. Matched ignoring case, "-" and "_". */
const HINTS: Record<string, string> = {
  stricthostkeychecking: HOST_KEYS_ALWAYS_VERIFIED,
  hostkeychecking: HOST_KEYS_ALWAYS_VERIFIED,
  verifyhostkey: HOST_KEYS_ALWAYS_VERIFIED,
  verifyhostkeys: HOST_KEYS_ALWAYS_VERIFIED,
  userknownhostsfile: "the key is called knownHostsFile",
  insecure: CERTIFICATE_ALWAYS_VERIFIED,
  verify: CERTIFICATE_ALWAYS_VERIFIED,
  verifyssl: CERTIFICATE_ALWAYS_VERIFIED,
  verifytls: CERTIFICATE_ALWAYS_VERIFIED,
  verifycertificate: CERTIFICATE_ALWAYS_VERIFIED,
  rejectunauthorized: CERTIFICATE_ALWAYS_VERIFIED,
  skipverify: CERTIFICATE_ALWAYS_VERIFIED,
  tlsverify: CERTIFICATE_ALWAYS_VERIFIED,
  password: "password logins are not supported; use ssh.identityFile (a key)",
  passwd: "password logins are not supported; use ssh.identityFile (a key)",
};

export function unknownKeyProblem(key: string, known: readonly string[]): string {
  const hint = HINTS[key.toLowerCase().replace(/[-_]/g, "")];
  if (hint) return `unknown key: ${hint}`;
  const expected = known.length > 0 ? `; expected one of: ${known.join(", ")}` : "";
  const suggestion = closest(key, known);
  return `unknown key${suggestion ? ` (did you mean ${suggestion}?)` : ""}${expected}`;
}

/** The keys the schema allows in the mapping at `path`. */
export function knownKeysAt(schema: z.core.$ZodType, path: KeyPath): string[] {
  let current: z.core.$ZodType | undefined = schema;
  for (const segment of path) {
    current = current && childSchema(current, segment);
  }
  const object = current && unwrap(current);
  return object instanceof z.ZodObject ? Object.keys(object.shape) : [];
}

function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  let current = schema;
  for (;;) {
    if (current instanceof z.ZodOptional || current instanceof z.ZodDefault || current instanceof z.ZodPrefault) {
      current = current.unwrap();
    } else if (current instanceof z.ZodPipe) {
      // A preprocessed schema (a list limited before its items are checked) is described by what it feeds.
      current = current.in instanceof z.ZodTransform ? current.out : current.in;
    } else {
      return current;
    }
  }
}

function childSchema(schema: z.core.$ZodType, segment: PropertyKey): z.core.$ZodType | undefined {
  const inner = unwrap(schema);
  if (inner instanceof z.ZodObject) return inner.shape[String(segment)];
  if (inner instanceof z.ZodArray) return inner.element;
  if (inner instanceof z.ZodRecord) return inner.valueType;
  if (inner instanceof z.ZodUnion) {
    for (const option of inner.options) {
      const child = childSchema(option, segment);
      if (child) return child;
    }
  }
  return undefined;
}

/** The known key the user most likely meant: same letters in another case, or at most two edits away. */
function closest(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  const sameLetters = known.find((candidate) => candidate.toLowerCase() === lower);
  if (sameLetters) return sameLetters;
  let best: { key: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance <= 2 && (!best || distance < best.distance)) best = { key: candidate, distance };
  }
  return best?.key;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
