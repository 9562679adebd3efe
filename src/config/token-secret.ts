import type { ParsedConfig } from "./parse.js";
import { osReason } from "./fs-errors.js";
import { readAtMost, type BoundedRead } from "./read-at-most.js";

// A token secret is a UUID; anything much larger is the wrong file (or /dev/zero), not worth reading whole.
const MAX_SECRET_BYTES = 4096;
const EXPECTED = "expected it to hold the API token secret";

/**
 * Reads the API token secret from the file or environment variable the config names. Separate from loading, so that
 * commands which never call the API never need the secret. Errors point at the config key and never hold the secret.
 */
export async function resolveTokenSecret(loaded: ParsedConfig, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const { tokenSecret } = loaded.config.proxmox;
  if (tokenSecret.kind === "env") {
    const keyPath = ["proxmox", "tokenSecretEnv"];
    const value = env[tokenSecret.name];
    if (value === undefined) {
      throw loaded.source.error(keyPath, `environment variable ${tokenSecret.name} is not set; ${EXPECTED}`);
    }
    const problem = secretProblem(value);
    if (problem) throw loaded.source.error(keyPath, `environment variable ${tokenSecret.name} ${problem}`);
    return withoutTrailingNewlines(value);
  }

  const keyPath = ["proxmox", "tokenSecretFile"];
  let contents: BoundedRead;
  try {
    contents = await readAtMost(tokenSecret.path, MAX_SECRET_BYTES);
  } catch (error) {
    throw loaded.source.error(
      keyPath,
      `cannot read ${tokenSecret.path}: ${osReason(error)}; expected a readable file holding the API token secret`,
    );
  }
  const { text } = contents;
  const problem = text === null ? `is larger than ${MAX_SECRET_BYTES} bytes; expected only the API token secret` : secretProblem(text);
  if (problem || text === null) throw loaded.source.error(keyPath, `${tokenSecret.path} ${problem}`);
  return withoutTrailingNewlines(text);
}

/** What makes a secret unusable in an Authorization header, and what is expected; never quotes the secret. */
function secretProblem(value: string): string | undefined {
  const secret = withoutTrailingNewlines(value);
  if (secret.trim() === "") return `is empty; ${EXPECTED}`;
  if (/[\x00-\x1f\x7f]/.test(secret)) return "holds more than one line or control characters; expected only the API token secret";
  return undefined;
}

function withoutTrailingNewlines(text: string): string {
  return text.replace(/[\r\n]+$/, "");
}
