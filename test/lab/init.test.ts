// `rollgate init` against the lab, on both PVE releases: from the API URL, a token and SSH access
// to a cluster.yaml that loads and with which `rollgate check` passes; an existing file is never
// replaced without --force, and a refusal writes nothing.

import { readFile, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/index.js";
import { runCli } from "../helpers/cli.js";
import { pveVersions, startTestLab, type TestLab } from "../helpers/lab.js";

let current: TestLab | null = null;
afterEach(async () => {
  await current?.stop();
  current = null;
});

function initArgs(t: TestLab, output: string, overrides: Record<string, string> = {}): string[] {
  const { config } = t.loaded;
  const flags: Record<string, string> = {
    "--api": `https://${config.proxmox.api.host}:${config.proxmox.api.port}`,
    "--token-id": config.proxmox.tokenId,
    "--token-secret-file": t.lab.files.token,
    "--ca-file": t.lab.files.ca,
    "--identity-file": t.lab.files.identity,
    "--known-hosts": t.lab.files.knownHosts,
    "--ssh-port": String(config.ssh.port),
    ...overrides,
  };
  return ["init", ...Object.entries(flags).flat(), "-o", output];
}

describe.each(pveVersions)("rollgate init on a PVE %s lab", (pveVersion) => {
  it("writes a cluster.yaml that loads, names what it guessed, and with which check passes", async () => {
    const t = (current = await startTestLab({ pveVersion, timeScale: 200 }));
    const output = path.join(t.dir, "init.yaml");
    const init = await runCli(initArgs(t, output));
    expect(init.stderr).toBe("");
    expect(init.exitCode).toBe(0);
    expect(init.stdout).toMatch(/^wrote .*init\.yaml: cluster lab, 3 nodes, 1 Gluster volume, 1 critical group, 1 service$/m);

    const written = await loadConfig(output);
    expect(written.warnings).toEqual([]);
    expect((await stat(output)).mode & 0o777).toBe(0o600);
    const { config } = written;
    // What the lab is: the same nodes, their corosync links as the private network, its volume and service.
    expect(config.nodes).toEqual(t.loaded.config.nodes.map(({ name, address, privateAddress }) => ({ name, address, privateAddress })));
    expect(config.gluster.volumes).toEqual(["gv0"]);
    expect(config.services).toEqual([{ kind: "unit", name: "celery", node: "pve1", unit: "celery.service" }]);
    // The routers: PVE 9 keeps them apart by a negative resource-affinity rule; PVE 8 has no such
    // rule, so they are found by their names (fw-a, fw-b).
    expect(config.critical).toEqual([
      {
        group: pveVersion === "9.1" ? "routers-apart" : "routers",
        vms: [100, 101],
        minHealthy: 2,
        spread: true,
        probes: [{ kind: "agent" }],
      },
    ]);
    const text = await readFile(output, "utf8");
    expect(text).toMatch(
      pveVersion === "9.1"
        ? /# REVIEW: HA keeps them apart: negative resource-affinity rule routers-apart \(fw-a, fw-b\)/
        : /# REVIEW: guessed from their names \(100 fw-a, 101 fw-b\)/,
    );

    const check = await runCli(["check", "-c", output]);
    expect(check.stdout).toMatch(/^critical-healthy\s+pass\s/m);
    expect(check.stdout).toMatch(/^private-network\s+pass\s/m);
    expect(check.exitCode, check.stdout + check.stderr).toBe(0);
  });
});

describe("rollgate init refuses", () => {
  it("to replace a file without --force, and replaces it with --force", async () => {
    const t = (current = await startTestLab({ timeScale: 200 }));
    const output = path.join(t.dir, "mine.yaml");
    await writeFile(output, "# the admin's own file\n");
    const refused = await runCli(initArgs(t, output));
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toBe(`rollgate: ${output} exists; pass --force to replace it, or -o FILE to write another\n`);
    expect(await readFile(output, "utf8")).toBe("# the admin's own file\n");

    const forced = await runCli([...initArgs(t, output), "--force"]);
    expect(forced.exitCode).toBe(0);
    expect((await loadConfig(output)).config.cluster).toBe("lab");
  });

  it("a token the API refuses, a missing key, or a host key it cannot verify: exit 2, saying which, and no file", async () => {
    const t = (current = await startTestLab({ timeScale: 200 }));
    const output = path.join(t.dir, "init.yaml");
    const badSecret = path.join(t.dir, "wrong-secret");
    await writeFile(badSecret, "00000000-0000-0000-0000-000000000000\n", { mode: 0o600 });
    const emptyKnownHosts = path.join(t.dir, "empty_known_hosts");
    await writeFile(emptyKnownHosts, "");
    for (const [overrides, said] of [
      [{ "--token-secret-file": badSecret }, /refused the token \(HTTP 401 .*\): check --token-id and the secret/],
      [{ "--identity-file": path.join(t.dir, "no-such-key") }, /^rollgate: --identity-file: cannot read identity file .*no-such-key/],
      [{ "--known-hosts": emptyKnownHosts }, /pve1.*(host key|known_hosts).*; nothing was written$/m],
    ] as const) {
      const run = await runCli(initArgs(t, output, overrides));
      expect(run.stderr).toMatch(said);
      expect(run.exitCode).toBe(2);
      await expect(stat(output)).rejects.toThrow(/ENOENT/);
    }
    const both = await runCli([...initArgs(t, output), "--fingerprint", "AA"]);
    expect(both.stderr).toBe("rollgate: give exactly one of --fingerprint / --ca-file\n");
    expect(both.exitCode).toBe(2);
    // A flag the schema refuses is named as the flag, not as the key init would write it to.
    const badUrl = await runCli(initArgs(t, output, { "--api": "pve1:8006" }));
    expect(badUrl.stderr).toMatch(/^rollgate: --api: expected the https URL of a node's API/);
    expect(badUrl.exitCode).toBe(2);
    const closed = await runCli(initArgs(t, output, { "--api": "https://127.0.0.1:1" }));
    expect(closed.stderr).toMatch(/^rollgate: https:\/\/127\.0\.0\.1:1: .*ECONNREFUSED/);
    expect(closed.exitCode).toBe(2);
    await expect(stat(output)).rejects.toThrow(/ENOENT/);
    await rm(output, { force: true });
  });
});
