// Opens what a command needs to talk to the cluster: the config, SSH, and the API only when a
// facet needs it (so `check --gate gluster-healed` never asks for the token). Read-only unless
// the command changes the cluster.

import { loadConfig, resolveTokenSecret, type LoadedConfig } from "../config/index.js";
import { apiFacets } from "../gates/evaluate.js";
import type { ObserveContext } from "../observe/context.js";
import type { Facet } from "../observe/state.js";
import { pveClientFor, sshPoolFor } from "../transport/from-config.js";
import { networkProbes } from "../transport/probes.js";
import { readOnlyPve } from "../transport/pve-paths.js";
import type { PveApi } from "../transport/pve.js";
import { readOnlyShell, type RemoteShell } from "../transport/remote-command.js";
import { println, type CliIo } from "./io.js";

export interface Session {
  loaded: LoadedConfig;
  shell: RemoteShell;
  pve: PveApi;
  observeContext(target: string | null): ObserveContext;
  close(): Promise<void>;
}

const noApi: PveApi = {
  get: (path) => Promise.reject(new Error(`programming error: ${path} asked of the API, which this command does not use`)),
  post: (path) => Promise.reject(new Error(`programming error: ${path} asked of the API, which this command does not use`)),
  close: () => {},
};

export async function loadWithWarnings(configPath: string, io: CliIo): Promise<LoadedConfig> {
  const loaded = await loadConfig(configPath);
  for (const warning of loaded.warnings) println(io.stderr, `rollgate: warning: ${warning}`);
  return loaded;
}

export async function openSession(loaded: LoadedConfig, io: CliIo, options: { readOnly: boolean; facets: Iterable<Facet> }): Promise<Session> {
  const needsApi = [...options.facets].some((f) => apiFacets.has(f));
  // The secret is resolved before anything is contacted: a bad secret file is a usage error (exit 2).
  const client = needsApi ? await pveClientFor(loaded.config, await resolveTokenSecret(loaded, io.env)) : noApi;
  const pool = sshPoolFor(loaded.config);
  const shell = options.readOnly ? readOnlyShell(pool) : pool;
  const pve = options.readOnly ? readOnlyPve(client) : client;
  return {
    loaded,
    shell,
    pve,
    observeContext: (target) => ({ config: loaded.config, shell, pve, probes: networkProbes, target }),
    async close() {
      pve.close();
      await shell.close();
    },
  };
}
