// cluster.yaml as a command reads it, its warnings (e.g. a file others can read) on stderr. Apart
// from session.ts: `status` reads the file but talks to no API, and must not load the gates and
// the API client (proxmox-api, undici, saxes) that a session brings.

import { loadConfig, type LoadedConfig } from "../config/index.js";
import { println, type CliIo } from "./io.js";

export async function loadWithWarnings(configPath: string, io: CliIo): Promise<LoadedConfig> {
  const loaded = await loadConfig(configPath);
  for (const warning of loaded.warnings) println(io.stderr, `rollgate: warning: ${warning}`);
  return loaded;
}
