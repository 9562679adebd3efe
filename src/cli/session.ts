// Opens what a command needs to talk to the cluster its config describes (read by load-config.ts):
// SSH, and the API only when a facet needs it (so `check --gate gluster-healed` never asks for the
// token). Read-only unless the command changes the cluster.

import { resolveTokenSecret, type LoadedConfig } from "../config/index.js";
import { apiFacets } from "../gates/evaluate.js";
import type { ObserveContext } from "../observe/context.js";
import type { Facet } from "../observe/state.js";
import { pveClientFor, sshPoolFor } from "../transport/from-config.js";
import { networkProbes } from "../transport/probes.js";
import { readOnlyPve } from "../transport/pve-paths.js";
import { PveHttpError, type PveApi } from "../transport/pve.js";
import { ConfigError } from "../util/errors.js";
import { readOnlyShell, type RemoteShell } from "../transport/remote-command.js";
import type { CliIo } from "./io.js";

export interface Session {
  loaded: LoadedConfig;
  shell: RemoteShell;
  pve: PveApi;
  /** The secrets this session resolved (the API token secret, when the API is used): never to be written anywhere. */
  secrets: readonly string[];
  observeContext(target: string | null): ObserveContext;
  close(): Promise<void>;
}

const noApi: PveApi = {
  get: (path) => Promise.reject(new Error(`programming error: ${path} asked of the API, which this command does not use`)),
  post: (path) => Promise.reject(new Error(`programming error: ${path} asked of the API, which this command does not use`)),
  close: () => {},
};

/** A token the API refuses outright is a configuration error (exit 2), not a gate's "could not observe". */
async function checkToken(client: PveApi, loaded: LoadedConfig): Promise<void> {
  try {
    await client.get("/version");
  } catch (error) {
    if (!(error instanceof PveHttpError) || error.status !== 401) return;
    const { tokenId, tokenSecret } = loaded.config.proxmox;
    const where = tokenSecret.kind === "file" ? `the file ${tokenSecret.path}` : `the variable ${tokenSecret.name}`;
    throw new ConfigError(
      null,
      "proxmox.tokenId",
      `the API refused token ${tokenId} (HTTP 401 ${error.reason}): check the token id and the secret in ${where} (\`pveum user token list\` on a node)`,
    );
  }
}

export async function openSession(
  loaded: LoadedConfig,
  io: CliIo,
  options: { readOnly: boolean; facets: Iterable<Facet> },
): Promise<Session> {
  const facets = [...options.facets];
  const needsApi = facets.some((f) => apiFacets.has(f));
  // The secret is resolved before anything is contacted: a bad secret file is a usage error (exit 2).
  const secret = needsApi ? await resolveTokenSecret(loaded, io.env) : null;
  const client = secret !== null ? await pveClientFor(loaded.config, secret) : noApi;
  const pool = sshPoolFor(loaded.config);
  try {
    if (facets.some((f) => !apiFacets.has(f))) {
      await pool.checkIdentity().catch((error: Error) => {
        throw new ConfigError(null, "ssh.identityFile", error.message);
      });
    }
    if (secret !== null) await checkToken(client, loaded);
  } catch (error) {
    client.close();
    await pool.close();
    throw error;
  }
  const shell = options.readOnly ? readOnlyShell(pool) : pool;
  const pve = options.readOnly ? readOnlyPve(client) : client;
  return {
    loaded,
    shell,
    pve,
    secrets: secret !== null ? [secret] : [],
    observeContext: (target) => ({ config: loaded.config, shell, pve, probes: networkProbes, target }),
    async close() {
      pve.close();
      await shell.close();
    },
  };
}
