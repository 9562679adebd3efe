import * as fs from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, expect, test } from "vitest";
import { loadConfig } from "../../../src/config/index.js";
import { configErrorOf, edit, EXAMPLE } from "./example.js";

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "rollgate-load-"));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function writeConfig(text: string, mode: number): Promise<string> {
  const file = path.join(dir, "cluster.yaml");
  await fs.writeFile(file, text);
  await fs.chmod(file, mode);
  return file;
}

test("a missing config file is an error without position that says what to do", async () => {
  const file = path.join(dir, "cluster.yaml");
  const error = await configErrorOf(() => loadConfig(file));
  expect(error.position).toBeNull();
  expect(error.message).toBe(
    `cannot read ${file}: no such file or directory (ENOENT); write one (README.md shows an example), or name another with -c FILE`,
  );
});

test("errors name the file as the user gave it; relative paths in it are relative to its directory", async () => {
  const file = await writeConfig(edit(EXAMPLE, "identityFile: ~/.ssh/id_ed25519", "identityFile: keys/id_ed25519"), 0o600);
  const asGiven = path.relative(process.cwd(), file);
  const loaded = await loadConfig(asGiven);
  expect(loaded.file).toBe(asGiven);
  expect(loaded.dir).toBe(dir);
  expect(loaded.config.ssh.identityFile).toBe(path.join(dir, "keys/id_ed25519"));

  await writeConfig(edit(EXAMPLE, "heal: 2h", "heal: 2x"), 0o600);
  expect((await configErrorOf(() => loadConfig(asGiven))).message).toMatch(new RegExp(`^${asGiven}:30:19: timeouts\\.heal: `));
});

test("no warning when only the owner can read the config and the secret file", async () => {
  const secretFile = path.join(dir, "pve-token");
  await fs.writeFile(secretFile, "secret\n");
  await fs.chmod(secretFile, 0o600);
  const file = await writeConfig(edit(EXAMPLE, "/etc/rollgate/pve-token", secretFile), 0o600);
  expect((await loadConfig(file)).warnings).toEqual([]);
});

test("a warning, with the fix, when group or others can read or write the config or the secret file", async () => {
  const secretFile = path.join(dir, "pve-token");
  await fs.writeFile(secretFile, "secret\n");
  await fs.chmod(secretFile, 0o640);
  const file = await writeConfig(edit(EXAMPLE, "/etc/rollgate/pve-token", "pve-token"), 0o666);
  expect((await loadConfig(file)).warnings).toEqual([
    `${file} is readable by group and others, writable by group and others (mode 0666): chmod 600 ${file}`,
    `${secretFile} is readable by group (mode 0640): chmod 600 ${secretFile}`,
  ]);
});
