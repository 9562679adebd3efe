import type { Config } from "./schema.js";

/**
 * The environment variables cluster.yaml names as holding a secret. A program rollgate starts (a
 * playbook's `run: … on: local`) would inherit them, and its output is journaled and shown: one
 * `env` or `set -x` and the secret is in the journal. Only proxmox.tokenSecretEnv names one today
 * (a webhook's URL and headers are written in cluster.yaml, not read from the environment); a
 * setting that reads a secret from the environment must be listed here.
 */
export function secretEnvNames(config: Config): string[] {
  const { tokenSecret } = config.proxmox;
  return tokenSecret.kind === "env" ? [tokenSecret.name] : [];
}

/** `env` without the variables that hold rollgate's secrets; everything else (PATH, HOME, LANG…) is kept. */
export function withoutSecretEnv(env: NodeJS.ProcessEnv, config: Config): NodeJS.ProcessEnv {
  const secret = new Set(secretEnvNames(config));
  return Object.fromEntries(Object.entries(env).filter(([name]) => !secret.has(name)));
}
