// README true in every line it shows: its cluster.yaml and playbook examples load, every flag it
// names for a command exists in that command's --help, and the lab's curl and ssh examples work
// against a running lab as written.

import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/index.js";
import { parsePlaybook } from "../../src/playbook/playbook.js";
import { runCli } from "../helpers/cli.js";
import { startTestLab, type TestLab } from "../helpers/lab.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
let readme = "";
beforeAll(async () => {
  readme = await readFile(path.join(root, "README.md"), "utf8");
});

/** The fenced blocks of README, in order. */
const blocks = () => [...readme.matchAll(/^```[^\n]*\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);

describe("README's examples", () => {
  it("the cluster.yaml example loads as written", () => {
    const example = blocks().find((b) => b.startsWith("cluster:"))!;
    expect(parseConfig(example, "README.md", root).nodes.map((n) => n.name)).toEqual(["pve1", "pve2", "pve3"]);
  });

  it("the email example loads as written, after the cluster.yaml example's other keys", () => {
    const cluster = blocks().find((b) => b.startsWith("cluster:"))!;
    const email = blocks().find((b) => b.startsWith("notify:") && b.includes("email:"))!;
    const withoutItsNotify = cluster.replace(/^notify:\n(?: {2}.*\n)+/m, "");
    const notify = parseConfig(withoutItsNotify + email, "README.md", root).notify;
    expect(notify.map((n) => n.kind)).toEqual(["email", "email"]);
  });

  it("the playbook example loads as written", () => {
    const example = blocks().find((b) => b.startsWith("preflight:") && b.includes("\nnode:"))!;
    expect(parsePlaybook(example, "README.md", "mine").node.length).toBeGreaterThan(5);
  });

  it("every flag README names for a command is in that command's --help", async () => {
    const mentions = [...readme.matchAll(/rollgate ((?:lab )?[a-z]+)((?: [^`\n]*)?)/g)];
    const flagsOf = new Map<string, Set<string>>();
    for (const [, command, rest] of mentions) {
      const flags = flagsOf.get(command!) ?? new Set<string>();
      for (const flag of rest!.matchAll(/(?<![\w-])(--[a-z][a-z-]*)/g)) flags.add(flag[1]!);
      flagsOf.set(command!, flags);
    }
    // The flag list after the commands table belongs to upgrade.
    const upgradeFlags = /`upgrade` flags: ([^\n]+(?:\n[^\n]+)*?)\n\n/.exec(readme)![1]!;
    for (const flag of upgradeFlags.matchAll(/`(--[a-z][a-z-]*)/g)) flagsOf.get("upgrade")!.add(flag[1]!);
    expect([...flagsOf.keys()]).toEqual(expect.arrayContaining(["plan", "check", "upgrade", "status", "schema", "demo", "lab up"]));
    for (const [command, flags] of flagsOf) {
      const help = await runCli([...command.split(" "), "--help"]);
      expect(help.exitCode, `rollgate ${command} --help`).toBe(0);
      for (const flag of flags) expect(help.stdout, `rollgate ${command} ${flag}`).toContain(flag);
    }
  });
});

describe("README's lab examples, against a lab", () => {
  let t: TestLab;
  beforeAll(async () => {
    t = await startTestLab({ timeScale: 200 });
  });
  afterAll(() => t.stop());

  /** README's line with D and PORT as this lab has them. */
  function line(prefix: string, port: number): string {
    const found = readme.split("\n").find((l) => l.startsWith(prefix))!;
    return found.replaceAll("D/", `${t.dir}/`).replaceAll("PORT", String(port));
  }

  it("the curl line reads the cluster status with the lab's CA and token", async () => {
    const command = line("curl ", t.loaded.config.proxmox.api.port);
    const { stdout } = await promisify(execFile)("bash", ["-c", command]);
    expect((JSON.parse(stdout) as { data: Array<{ type: string }> }).data.filter((e) => e.type === "node")).toHaveLength(3);
  });

  it("the ssh line runs gluster on a node with the lab's key and known_hosts", async () => {
    const command = line("ssh ", t.loaded.config.ssh.port);
    const { stdout } = await promisify(execFile)("bash", ["-c", `${command} < /dev/null`]);
    expect(stdout).toContain("Brick pve1:/data/brick/gv0");
    expect(stdout).toContain("Number of entries: 0");
  });
});
