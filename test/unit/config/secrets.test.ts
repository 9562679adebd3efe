// The API token secret is never written in cluster.yaml and never appears in an error message.
import * as fs from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { loadConfig, parseConfig, parseConfigSource, resolveTokenSecret } from "../../../src/config/index.js";
import { configErrorOf, edit, EXAMPLE } from "./example.js";

const SECRET = "0e6c3f5e-8d2a-4b7e-9f10-6a5b4c3d2e1f";
const SECRET_FILE_LINE = "  tokenSecretFile: /etc/rollgate/pve-token  # or tokenSecretEnv: PVE_TOKEN; never the secret inline\n";

async function messageFor(text: string): Promise<string> {
  return (await configErrorOf(() => parseConfig(text, "cluster.yaml", "/etc/rollgate"))).message;
}

describe("a secret written inline is refused without being repeated", () => {
  test("tokenSecret", async () => {
    const message = await messageFor(edit(EXAMPLE, SECRET_FILE_LINE, `  tokenSecret: ${SECRET}\n`));
    expect(message.split("\n")).toEqual([
      "cluster.yaml:3:3: proxmox: missing tokenSecretFile or tokenSecretEnv; expected one of them to say where the API token secret is (it is never written in cluster.yaml)",
      "cluster.yaml:5:3: proxmox.tokenSecret: the API token secret must not be written in cluster.yaml; put it in a file named by tokenSecretFile (chmod 600) or in an environment variable named by tokenSecretEnv",
    ]);
    expect(message).not.toContain(SECRET);
  });

  test("password or secret anywhere under proxmox, in any spelling", async () => {
    const text = edit(EXAMPLE, "proxmox:\n", `proxmox:\n  Password: ${SECRET}\n  auth: { token_secret: "${SECRET}" }\n`);
    const message = await messageFor(text);
    expect(message.split("\n")).toEqual([
      "cluster.yaml:3:3: proxmox.Password: the API token secret must not be written in cluster.yaml; put it in a file named by tokenSecretFile (chmod 600) or in an environment variable named by tokenSecretEnv",
      "cluster.yaml:4:3: proxmox.auth: unknown key; expected one of: api, tokenId, tokenSecretFile, tokenSecretEnv, fingerprint, caFile, timeout",
      "cluster.yaml:4:11: proxmox.auth.token_secret: the API token secret must not be written in cluster.yaml; put it in a file named by tokenSecretFile (chmod 600) or in an environment variable named by tokenSecretEnv",
    ]);
    expect(message).not.toContain(SECRET);
  });

  test("a whole token, USER@REALM!TOKENID=SECRET, in tokenId", async () => {
    const message = await messageFor(edit(EXAMPLE, "tokenId: rollgate@pve!upgrade", `tokenId: rollgate@pve!upgrade=${SECRET}`));
    expect(message).toBe(
      'cluster.yaml:4:12: proxmox.tokenId: expected an API token id USER@REALM!TOKENID (e.g. rollgate@pve!upgrade) without the secret: drop "=" and what follows, and put the secret in the file named by tokenSecretFile or the variable named by tokenSecretEnv',
    );
  });

  test("the secret itself where the file or variable name belongs", async () => {
    const asFile = await messageFor(edit(EXAMPLE, "tokenSecretFile: /etc/rollgate/pve-token", `tokenSecretFile: ${SECRET}`));
    expect(asFile).toBe(
      "cluster.yaml:5:20: proxmox.tokenSecretFile: expected the path of a file holding the API token secret, not the secret itself: put the secret in a file (chmod 600) and name that file here",
    );
    const asEnv = await messageFor(edit(EXAMPLE, "tokenSecretFile: /etc/rollgate/pve-token", `tokenSecretEnv: ${SECRET}`));
    expect(asEnv).toBe(
      'cluster.yaml:5:19: proxmox.tokenSecretEnv: expected the name of an environment variable (letters, digits, "_"; e.g. PVE_TOKEN), not the secret itself',
    );
  });
});

describe("resolveTokenSecret", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "rollgate-secret-"));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  async function loadWithSecretFile(secretFile: string) {
    const file = path.join(dir, "cluster.yaml");
    await fs.writeFile(file, edit(EXAMPLE, "tokenSecretFile: /etc/rollgate/pve-token", `tokenSecretFile: ${secretFile}`), { mode: 0o600 });
    return loadConfig(file);
  }

  test("reads the file relative to the config file, without its trailing newline", async () => {
    await fs.writeFile(path.join(dir, "pve-token"), `${SECRET}\n`, { mode: 0o600 });
    expect(await resolveTokenSecret(await loadWithSecretFile("pve-token"))).toBe(SECRET);
  });

  test("a missing file: positioned at tokenSecretFile, naming the file and the reason", async () => {
    const loaded = await loadWithSecretFile("pve-token");
    const error = await configErrorOf(() => resolveTokenSecret(loaded));
    expect(error.message).toBe(
      `${loaded.file}:5:20: proxmox.tokenSecretFile: cannot read ${dir}/pve-token: no such file or directory (ENOENT); expected a readable file holding the API token secret`,
    );
  });

  test("a directory", async () => {
    await fs.mkdir(path.join(dir, "secrets"));
    const loaded = await loadWithSecretFile("secrets");
    expect((await configErrorOf(() => resolveTokenSecret(loaded))).message).toBe(
      `${loaded.file}:5:20: proxmox.tokenSecretFile: cannot read ${dir}/secrets: it is a directory (EISDIR); expected a readable file holding the API token secret`,
    );
  });

  test("an empty file, and one with more than the secret, without quoting it", async () => {
    await fs.writeFile(path.join(dir, "empty"), "\n", { mode: 0o600 });
    const empty = await loadWithSecretFile("empty");
    expect((await configErrorOf(() => resolveTokenSecret(empty))).message).toBe(
      `${empty.file}:5:20: proxmox.tokenSecretFile: ${dir}/empty is empty; expected it to hold the API token secret`,
    );

    await fs.writeFile(path.join(dir, "two-lines"), `PVE_TOKEN=${SECRET}\nother\n`, { mode: 0o600 });
    const twoLines = await loadWithSecretFile("two-lines");
    const message = (await configErrorOf(() => resolveTokenSecret(twoLines))).message;
    expect(message).toBe(
      `${twoLines.file}:5:20: proxmox.tokenSecretFile: ${dir}/two-lines holds more than one line or control characters; expected only the API token secret`,
    );
    expect(message).not.toContain(SECRET);
  });
});

describe("resolveTokenSecret from the environment", () => {
  const parsed = parseConfigSource(
    edit(EXAMPLE, "tokenSecretFile: /etc/rollgate/pve-token", "tokenSecretEnv: PVE_TOKEN"),
    "cluster.yaml",
    "/etc/rollgate",
  );

  test("reads the variable", async () => {
    expect(await resolveTokenSecret(parsed, { PVE_TOKEN: SECRET })).toBe(SECRET);
  });

  test("an unset variable", async () => {
    expect((await configErrorOf(() => resolveTokenSecret(parsed, {}))).message).toBe(
      "cluster.yaml:5:19: proxmox.tokenSecretEnv: environment variable PVE_TOKEN is not set; expected it to hold the API token secret",
    );
  });

  test("an empty variable", async () => {
    expect((await configErrorOf(() => resolveTokenSecret(parsed, { PVE_TOKEN: "" }))).message).toBe(
      "cluster.yaml:5:19: proxmox.tokenSecretEnv: environment variable PVE_TOKEN is empty; expected it to hold the API token secret",
    );
  });
});
