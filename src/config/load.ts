import * as fs from "node:fs/promises";
import * as path from "node:path";
import { ConfigError } from "../util/errors.js";
import { errorCode, osReason } from "./fs-errors.js";
import { MAX_YAML_BYTES } from "./limits.js";
import { CLUSTER_DESCRIPTION, parseConfigSource, type ParsedConfig } from "./parse.js";
import { permissionWarning } from "./permissions.js";
import { readAtMost, type BoundedRead } from "./read-at-most.js";
import { tooLargeError } from "./yaml-source.js";

export interface LoadedConfig extends ParsedConfig {
  /** The config file as the user named it. */
  file: string;
  /** Absolute directory of the config file; relative paths in it are relative to this. */
  dir: string;
  /** Things worth telling the user that do not stop the run, e.g. a config file others can write. */
  warnings: string[];
}

/** Reads and validates cluster.yaml; throws ConfigError (exit 2). */
export async function loadConfig(file: string): Promise<LoadedConfig> {
  const dir = path.dirname(path.resolve(file));
  let read: BoundedRead;
  try {
    // Never more than the limit is read: a file named by mistake (a disk image, /dev/zero) is refused, not loaded.
    read = await readAtMost(file, MAX_YAML_BYTES);
  } catch (error) {
    const help = errorCode(error) === "ENOENT" ? "; write one (README.md shows an example), or name another with -c FILE" : "";
    throw new ConfigError(null, "", `cannot read ${file}: ${osReason(error)}${help}`);
  }
  const { text, mode } = read;
  if (text === null) throw tooLargeError(file, read.bytes, CLUSTER_DESCRIPTION);

  const parsed = parseConfigSource(text, file, dir);
  const warnings = [permissionWarning(file, mode)];
  const { tokenSecret } = parsed.config.proxmox;
  if (tokenSecret.kind === "file") {
    // Only the mode is looked at here; an unreadable secret file is reported when the secret is needed.
    const secretMode = await fs.stat(tokenSecret.path).then(
      (stats) => stats.mode,
      () => undefined,
    );
    if (secretMode !== undefined) warnings.push(permissionWarning(tokenSecret.path, secretMode));
  }
  return { ...parsed, file, dir, warnings: warnings.filter((warning) => warning !== undefined) };
}
