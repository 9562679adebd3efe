// `rollgate init`'s flags; what it does is ../init.ts.

import { Command } from "commander";
import type { InitOptions } from "../init.js";
import type { CliIo } from "../io.js";
import { integer } from "../options.js";

export function initCommand(io: CliIo): Command {
  return new Command("init")
    .description("read a live cluster (read-only) and write a commented cluster.yaml, its guesses marked REVIEW")
    .requiredOption("--api <url>", "any node's API, https://HOST[:8006]")
    .requiredOption("--token-id <id>", "API token id, USER@REALM!TOKENID (needs Sys.Audit and VM.Audit on /)")
    .option("--token-secret-file <file>", "file holding the token secret (one of --token-secret-file / --token-secret-env)")
    .option("--token-secret-env <var>", "environment variable holding the token secret")
    .option("--fingerprint <sha256>", "SHA-256 fingerprint of the API certificate (one of --fingerprint / --ca-file)")
    .option("--ca-file <file>", "CA the API certificate chains to, e.g. a copy of /etc/pve/pve-root-ca.pem")
    .option("--ssh-user <user>", "user to log in as on every node", "root")
    .option("--ssh-port <port>", "SSH port of every node (default 22)", integer(1, 65535))
    .option("--identity-file <file>", "private key to log in with", "~/.ssh/id_ed25519")
    .option("--known-hosts <file>", "known_hosts holding every node's host key (default ~/.ssh/known_hosts)")
    .option("-o, --output <file>", "file to write", "cluster.yaml")
    .option("--force", "replace the file if it exists")
    .option("--no-gluster", "the cluster runs no GlusterFS: do not read volumes")
    .action(async (opts: InitOptions) => {
      const { runInitCommand } = await import("../init.js");
      await runInitCommand(io, opts);
    });
}
