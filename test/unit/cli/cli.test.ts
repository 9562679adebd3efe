// The command line itself: usage errors exit 2, config errors are positioned, help documents exit codes.

import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../helpers/cli.js";

/** A valid cluster.yaml of one node, to which a test appends what it needs. */
const oneNode = `cluster: lab
proxmox: { api: "https://10.0.0.1:8006", tokenId: "rollgate@pve!up", tokenSecretEnv: PVE_TOKEN, caFile: /etc/pve/pve-root-ca.pem }
ssh: { identityFile: /root/.ssh/id_ed25519 }
nodes:
  - { name: pve1, address: 10.0.0.1 }
`;

async function configFile(text: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "rollgate-cli-"));
  const file = path.join(dir, "cluster.yaml");
  await writeFile(file, text, { mode: 0o600 });
  return file;
}

describe("rollgate CLI", () => {
  it("documents the exit codes in --help", async () => {
    const run = await runCli(["--help"]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain("4  a node is out of service (maintenance, guests shut down, upgrading, rebooting, not re-verified)");
    expect(run.stdout).toContain("7  outside the maintenance window; no (further) node started");
  });

  it("exits 2 for an unknown command or flag", async () => {
    expect((await runCli(["frobnicate"])).exitCode).toBe(2);
    const run = await runCli(["check", "--frobnicate"]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain("unknown option '--frobnicate'");
  });

  it("exits 2 with file:line:col and the key path for an invalid cluster.yaml, touching nothing", async () => {
    const file = await configFile(`${oneNode}critical:
  - { group: routers, vms: [100, abc] }
`);
    const run = await runCli(["check", "-c", file]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe(`rollgate: ${file}:7:34: critical[0].vms[1]: expected an integer VM id (100-999999999), got "abc"\n`);
    expect(run.stdout).toBe("");
  });

  it("warns when cluster.yaml is readable by others", async () => {
    const file = await configFile(oneNode);
    const { chmod } = await import("node:fs/promises");
    await chmod(file, 0o644);
    // With no volumes declared, this gate needs nothing from the cluster: only the warning is printed.
    const run = await runCli(["check", "-c", file, "--gate", "gluster-healed"]);
    expect(run.exitCode).toBe(0);
    expect(run.stderr).toMatch(/^rollgate: warning: .*cluster\.yaml is readable by group and others \(mode 0644\): chmod 600 /);
  });

  it("prints the JSON Schema of cluster.yaml", async () => {
    const run = await runCli(["schema"]);
    expect(run.exitCode).toBe(0);
    const schema = JSON.parse(run.stdout) as { $schema: string; required: string[] };
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(schema.required).toEqual(expect.arrayContaining(["cluster", "proxmox", "ssh", "nodes"]));
  });
});
