import type { KeyPath, Problem } from "./positions.js";

/** Key names that mean "the secret is right here", ignoring case, "-" and "_". */
const SECRET_KEYS = new Set(["tokensecret", "secret", "password", "passwd", "apitoken"]);

export const INLINE_SECRET_PROBLEM =
  "the API token secret must not be written in cluster.yaml; put it in a file named by tokenSecretFile (chmod 600) or in an environment variable named by tokenSecretEnv";

/** Keys under `proxmox` that hold a secret inline. Their values are never read, so no message can repeat them. */
export function inlineSecretProblems(data: unknown): Problem[] {
  const proxmox = isMapping(data) ? data["proxmox"] : undefined;
  return secretKeyPaths(proxmox, ["proxmox"]).map((path) => ({ path, anchor: "key", problem: INLINE_SECRET_PROBLEM }));
}

function secretKeyPaths(value: unknown, path: KeyPath): KeyPath[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => secretKeyPaths(item, [...path, index]));
  if (!isMapping(value)) return [];
  return Object.entries(value).flatMap(([key, child]) =>
    SECRET_KEYS.has(key.toLowerCase().replace(/[-_]/g, "")) ? [[...path, key]] : secretKeyPaths(child, [...path, key]),
  );
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
