// `rollgate init`: from a live cluster to a commented cluster.yaml, read-only. The access flags
// are validated by the same schema as the file, the cluster is read through read-only transports,
// and the file is written only once the whole proposal validates, atomically, never over an
// existing file without --force.

import { access } from "node:fs/promises";
import path from "node:path";
import { ConfigErrors, parseConfigSource, resolveTokenSecret, type Config, type ParsedConfig } from "../config/index.js";
import { discover, readMembership, type Membership } from "../init/discover.js";
import { propose, proposeNodes, type Proposal } from "../init/propose.js";
import { renderClusterYaml, type Access } from "../init/render.js";
import { pveClientFor, sshPoolFor } from "../transport/from-config.js";
import { networkProbes } from "../transport/probes.js";
import { PveConnectionError, PveHttpError, type PveApi } from "../transport/pve.js";
import { readOnlyPve } from "../transport/pve-paths.js";
import { readOnlyShell } from "../transport/remote-command.js";
import { writeFileAtomically } from "../util/atomic-file.js";
import { ConfigError, UsageError } from "../util/errors.js";
import { packageVersion } from "../util/version.js";
import { println, type CliIo } from "./io.js";

export interface InitOptions {
  api: string;
  tokenId: string;
  tokenSecretFile?: string;
  tokenSecretEnv?: string;
  fingerprint?: string;
  caFile?: string;
  sshUser: string;
  sshPort?: number;
  identityFile: string;
  knownHosts?: string;
  output: string;
  force?: boolean;
  gluster: boolean;
}

/** A path as the file will hold it: absolute from where init ran, `~` left for the run's own home. */
const written = (file: string) => (file.startsWith("~") ? file : path.resolve(file));

function accessOf(opts: InitOptions): Access {
  const one = (a: string | undefined, b: string | undefined, names: string) => {
    if ((a === undefined) === (b === undefined)) throw new UsageError(`give exactly one of ${names}`);
  };
  one(opts.tokenSecretFile, opts.tokenSecretEnv, "--token-secret-file / --token-secret-env");
  one(opts.fingerprint, opts.caFile, "--fingerprint / --ca-file");
  return {
    api: opts.api,
    tokenId: opts.tokenId,
    tokenSecret: opts.tokenSecretFile !== undefined ? { file: written(opts.tokenSecretFile) } : { env: opts.tokenSecretEnv! },
    verify: opts.fingerprint !== undefined ? { fingerprint: opts.fingerprint } : { caFile: written(opts.caFile!) },
    ssh: {
      user: opts.sshUser,
      port: opts.sshPort ?? null,
      identityFile: written(opts.identityFile),
      knownHostsFile: opts.knownHosts !== undefined ? written(opts.knownHosts) : null,
    },
  };
}

const FLAGS_SOURCE = "rollgate init's flags";

/** The keys init writes from its flags, and the flag each comes from. */
const FLAG_OF: Record<string, string> = {
  "proxmox.api": "--api",
  "proxmox.tokenId": "--token-id",
  "proxmox.tokenSecretFile": "--token-secret-file",
  "proxmox.tokenSecretEnv": "--token-secret-env",
  "proxmox.fingerprint": "--fingerprint",
  "proxmox.caFile": "--ca-file",
  "ssh.user": "--ssh-user",
  "ssh.port": "--ssh-port",
  "ssh.identityFile": "--identity-file",
  "ssh.knownHostsFile": "--known-hosts",
};

/** The file init would write for these nodes and nothing else, validated: the flags' errors are the schema's, named by flag. */
function draftConfig(access: Access, nodes: Proposal["nodes"], dir: string, cluster = "draft"): ParsedConfig {
  const draft: Proposal = { cluster, nodes, volumes: [], skippedVolumes: [], critical: [], services: [], review: [] };
  try {
    return parseConfigSource(renderClusterYaml(draft, access, FLAGS_SOURCE), FLAGS_SOURCE, dir);
  } catch (error) {
    if (!(error instanceof ConfigErrors) && !(error instanceof ConfigError)) throw error;
    const problems = error instanceof ConfigErrors ? error.errors : [error];
    throw new UsageError(problems.map((p) => `${FLAG_OF[p.keyPath] ?? p.keyPath}: ${p.problem}`).join("\n"));
  }
}

/** What the API said, as the admin fixes it: the token, its privileges, the address. */
function apiProblem(error: unknown, api: string): UsageError {
  if (error instanceof PveHttpError && error.status === 401)
    return new UsageError(`${api} refused the token (HTTP 401 ${error.reason}): check --token-id and the secret`);
  if (error instanceof PveHttpError && error.status === 403)
    return new UsageError(
      `${api}: ${error.message}: the token needs Sys.Audit and VM.Audit on / (README, "The API token"); a privilege-separated token needs its own ACL`,
    );
  if (error instanceof PveConnectionError) return new UsageError(`${api}: ${error.message}`);
  return new UsageError(`${api}: ${(error as Error).message}`);
}

async function readCluster(config: Config, secret: string, api: string): Promise<{ membership: Membership; pve: PveApi }> {
  // Only the API named: the other nodes' addresses are what this asks for.
  const pve = readOnlyPve(await pveClientFor({ ...config, nodes: [] }, secret));
  try {
    return { membership: await readMembership(pve), pve };
  } catch (error) {
    pve.close();
    throw apiProblem(error, api);
  }
}

function summary(file: string, proposal: Proposal): string {
  const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
  return [
    `wrote ${file}: cluster ${proposal.cluster}, ${count(proposal.nodes.length, "node")}, ${count(proposal.volumes.length, "Gluster volume")}, ${count(proposal.critical.length, "critical group")}, ${count(proposal.services.length, "service")}`,
    ...proposal.critical.map((g) => `  critical ${g.group}: vms ${g.vms.join(", ")} (${g.note})`),
    ...proposal.review.map((line) => `  review: ${line}`),
    `next: read every REVIEW line in ${file}, then \`rollgate check -c ${file}\` and \`rollgate plan -c ${file}\``,
  ].join("\n");
}

/** `rollgate init`, its flags parsed (commands/init.ts). */
export async function runInitCommand(io: CliIo, opts: InitOptions): Promise<void> {
  const file = opts.output;
  const exists = await access(file).then(
    () => true,
    () => false,
  );
  if (exists && !opts.force) throw new UsageError(`${file} exists; pass --force to replace it, or -o FILE to write another`);
  const dir = path.dirname(path.resolve(file));
  const accessTo = accessOf(opts);
  // Only the access flags count here: the one node is a stand-in until the cluster names its own.
  const flags = draftConfig(accessTo, [{ name: "draft", address: "localhost", privateAddress: null, note: "" }], dir);
  const secret = await resolveTokenSecret(flags, io.env);
  const { membership, pve } = await readCluster(flags.config, secret, opts.api);
  // Addresses from the API alone, enough to reach every node; the bricks refine them below.
  const { config } = draftConfig(accessTo, proposeNodes(membership.nodes, []), dir, membership.cluster);
  const pool = sshPoolFor(config);
  const shell = readOnlyShell(pool);
  try {
    await pool.checkIdentity().catch((error: Error) => {
      throw new UsageError(`--identity-file: ${error.message}`);
    });
    const ctx = { config, shell, pve, probes: networkProbes, target: null };
    const { discovery, problems } = await discover(ctx, membership, { gluster: opts.gluster }).catch((error: Error) => {
      throw new UsageError(
        `${error.message}${opts.gluster ? " (a cluster without GlusterFS: pass --no-gluster)" : ""}; nothing was written`,
      );
    });
    const proposal = propose(discovery);
    proposal.review.push(...problems);
    const text = renderClusterYaml(proposal, accessTo, `rollgate ${await packageVersion()} init on ${new Date().toISOString()}`);
    // What is written must load: a proposal the schema refuses is a bug here, not a file to hand over.
    parseConfigSource(text, file, dir);
    await writeFileAtomically(file, text, 0o600);
    println(io.stdout, summary(file, proposal));
  } finally {
    pve.close();
    await shell.close();
  }
}
