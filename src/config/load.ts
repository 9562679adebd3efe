import * as fs from "node:fs/promises";
import * as path from "node:path";
import { ConfigError } from "../util/errors.js";
import { errorCode, osReason } from "./fs-errors.js";
import { parseConfigSource, type ParsedConfig } from "./parse.js";
import { permissionWarning } from "./permissions.js";

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
  let text: string;
  let mode: number;
  try {
    mode = (await fs.stat(file)).mode;
    text = await fs.readFile(file, "utf8");
  } catch (error) {
    const help = errorCode(error) === "ENOENT" ? "; write one (README.md shows an example), or name another with -c FILE" : "";
    throw new ConfigError(null, "", `cannot read ${file}: ${osReason(error)}${help}`);
  }

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
