// Email notifications against a real SMTP server on loopback (smtp-server, the SMTP server of
// nodemailer's author, started per test with a certificate of its own) and a sendmail that is a
// real program: what arrives, STARTTLS and credentials, and every way a mail can fail without
// failing the run or showing the password.

import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { generate } from "selfsigned";
import { SMTPServer, type SMTPServerOptions } from "smtp-server";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { parseConfig, type EmailNotifyConfig } from "../../../src/config/index.js";
import { notify } from "../../../src/notify/index.js";
import { failedReport as report } from "../../helpers/run-report.js";
import { parseSmtpAuth } from "../../../src/notify/email.js";

const PASSWORD = "pa55-w0rd-of-the-relay";

interface Received {
  from: string | null;
  to: string[];
  data: string;
  secure: boolean;
  user: string | null;
  pass: string | null;
}

let dir = "";
let tls: { key: string; cert: string };
beforeAll(async () => {
  const pems = await generate([{ name: "commonName", value: "localhost" }], {
    keyType: "ec",
    algorithm: "sha256",
    extensions: [{ name: "subjectAltName", altNames: [{ type: 2, value: "localhost" }] }],
  });
  tls = { key: pems.private, cert: pems.cert };
});
const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = "";
});

async function tempDir(): Promise<string> {
  dir ||= await mkdtemp(path.join(tmpdir(), "rollgate-mail-"));
  return dir;
}

/** An SMTP server on loopback that keeps what it was sent; `options` changes what it offers. */
async function smtpSink(options: Partial<SMTPServerOptions> = {}) {
  const received: Received[] = [];
  let login: { user: string; pass: string } | null = null;
  const server = new SMTPServer({
    ...tls,
    authOptional: true,
    logger: false,
    onAuth(auth, _session, callback) {
      login = { user: auth.username ?? "", pass: auth.password ?? "" };
      callback(null, { user: auth.username });
    },
    onData(stream, session, callback) {
      let data = "";
      stream.on("data", (chunk: Buffer) => (data += chunk.toString()));
      stream.on("end", () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
          to: session.envelope.rcptTo.map((r) => r.address),
          data,
          secure: session.secure,
          user: login?.user ?? null,
          pass: login?.pass ?? null,
        });
        callback();
      });
    },
    ...options,
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.server.address() as AddressInfo).port;
  stops.push(() => new Promise((resolve) => server.close(() => resolve())));
  return { port, received, logins: () => login };
}

/** An email notification as cluster.yaml would declare it (validated by the real schema). */
async function emailConfig(email: string): Promise<EmailNotifyConfig> {
  const base = await tempDir();
  const yaml = `cluster: storehouse
proxmox: { api: "https://10.0.0.11:8006", tokenId: "rollgate@pve!upgrade", tokenSecretFile: /etc/rollgate/pve-token, caFile: /etc/pve/pve-root-ca.pem }
ssh: { identityFile: ~/.ssh/id_ed25519 }
nodes: [{ name: pve1, address: 10.0.0.11 }]
notify:
  - on: [failure]
    email: ${email}
`;
  return parseConfig(yaml, "cluster.yaml", base).notify[0] as EmailNotifyConfig;
}

async function caFile(): Promise<string> {
  const file = path.join(await tempDir(), "relay-ca.pem");
  await writeFile(file, tls.cert);
  return file;
}

async function authFile(text = `rollgate@example.com:${PASSWORD}\n`): Promise<string> {
  const file = path.join(await tempDir(), "smtp-auth");
  await writeFile(file, text, { mode: 0o600 });
  return file;
}

/** The body as written: quoted-printable's soft line breaks and escapes undone (ASCII text). */
const unQuoted = (data: string) =>
  data.replace(/=\r\n/g, "").replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));

const send = (config: EmailNotifyConfig, timeoutMs = 5_000) => notify([config], report, { timeoutMs, secrets: [] });

describe("email through SMTP", () => {
  it("STARTTLS, credentials from the file: the mail arrives with the headline as subject and what to do in the body", async () => {
    const sink = await smtpSink();
    const config = await emailConfig(
      `{ to: [admin@example.com, oncall@example.com], from: rollgate@pve1.example.com, smtp: { host: localhost, port: ${sink.port}, authFile: ${await authFile()}, caFile: ${await caFile()} } }`,
    );
    const [result] = await send(config);
    expect(result).toMatchObject({ ok: true, target: `notify[0] smtp://localhost:${sink.port}`, event: "failure" });
    expect(result!.message).toMatch(new RegExp(`^notify\\[0\\] smtp://localhost:${sink.port}: delivered \\(250 `));
    const [mail] = sink.received;
    expect(mail).toMatchObject({
      from: "rollgate@pve1.example.com",
      to: ["admin@example.com", "oncall@example.com"],
      secure: true,
      user: "rollgate@example.com",
      pass: PASSWORD,
    });
    expect(mail!.data).toMatch(/^Subject: rollgate storehouse: FAILED \(exit 4\)/m);
    expect(unQuoted(mail!.data)).toContain("ACTION REQUIRED: Find out why, fix it, and continue with `rollgate upgrade --resume`.");
    expect(mail!.data).not.toContain(PASSWORD);
  });

  it("a server that offers no STARTTLS gets no credentials and no mail: the result says so", async () => {
    const sink = await smtpSink({ disabledCommands: ["STARTTLS"] });
    const config = await emailConfig(
      `{ to: [admin@example.com], from: rollgate@pve1.example.com, smtp: { host: localhost, port: ${sink.port}, authFile: ${await authFile()} } }`,
    );
    const [result] = await send(config);
    expect(result!.ok).toBe(false);
    expect(result!.message).toMatch(new RegExp(`^notify\\[0\\] smtp://localhost:${sink.port}: could not deliver: .*STARTTLS`, "i"));
    expect(sink.logins()).toBeNull();
    expect(sink.received).toEqual([]);
  });

  it("a certificate the system does not trust fails the mail, unless caFile names its CA", async () => {
    const sink = await smtpSink();
    const config = await emailConfig(
      `{ to: [admin@example.com], from: rollgate@pve1.example.com, smtp: { host: localhost, port: ${sink.port} } }`,
    );
    const [result] = await send(config);
    expect(result!.ok).toBe(false);
    expect(result!.message).toMatch(/could not deliver: .*(self[- ]signed|certificate)/i);
    expect(sink.received).toEqual([]);
  });

  it("a recipient the server refuses: not delivered, naming the server's answer, and the password never shown", async () => {
    const sink = await smtpSink({
      onRcptTo(address, _session, callback) {
        callback(
          address.address === "nobody@example.com"
            ? Object.assign(new Error("5.1.1 <nobody@example.com>: no such user"), { responseCode: 550 })
            : undefined,
        );
      },
      onAuth(_auth, _session, callback) {
        callback(new Error(`authentication refused for password ${PASSWORD}`));
      },
    });
    const refused = await emailConfig(
      `{ to: [nobody@example.com], from: rollgate@pve1.example.com, smtp: { host: localhost, port: ${sink.port}, caFile: ${await caFile()} } }`,
    );
    const [result] = await send(refused);
    expect(result!.ok).toBe(false);
    expect(result!.message).toContain("no such user");
    // The server echoes the password back in its refusal: the result does not.
    const echoing = await emailConfig(
      `{ to: [admin@example.com], from: rollgate@pve1.example.com, smtp: { host: localhost, port: ${sink.port}, authFile: ${await authFile()}, caFile: ${await caFile()} } }`,
    );
    const [denied] = await send(echoing);
    expect(denied!.ok).toBe(false);
    expect(denied!.message).toContain("[redacted]");
    expect(denied!.message).not.toContain(PASSWORD);
  });

  it("a server that never answers: not delivered within the timeout", async () => {
    const { createServer } = await import("node:net");
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    stops.push(() => new Promise((resolve) => silent.close(() => resolve())));
    const port = (silent.address() as AddressInfo).port;
    const config = await emailConfig(
      `{ to: [admin@example.com], from: rollgate@pve1.example.com, smtp: { host: localhost, port: ${port} } }`,
    );
    const started = Date.now();
    const [result] = await send(config, 600);
    expect(result!.ok).toBe(false);
    expect(result!.message).toMatch(/could not deliver: .*(timeout|no answer within 600 ms|Greeting never received)/i);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it("an auth file that cannot be read, or holds no credentials, is said, not thrown", async () => {
    const sink = await smtpSink();
    const missing = await emailConfig(
      `{ to: [a@example.com], from: b@example.com, smtp: { host: localhost, port: ${sink.port}, authFile: /nonexistent/smtp-auth } }`,
    );
    expect((await send(missing))[0]!.message).toMatch(/could not deliver: cannot read \/nonexistent\/smtp-auth: ENOENT/);
    const empty = await emailConfig(
      `{ to: [a@example.com], from: b@example.com, smtp: { host: localhost, port: ${sink.port}, authFile: ${await authFile("\n")} } }`,
    );
    expect((await send(empty))[0]!.message).toMatch(/holds no credentials: expected user:password on one line/);
  });
});

describe("email through sendmail", () => {
  it("hands the mail to the program: recipients as its arguments, the message on its stdin", async () => {
    const base = await tempDir();
    const sendmail = path.join(base, "sendmail");
    const out = path.join(base, "sent");
    await writeFile(sendmail, `#!/bin/sh\necho "$@" > ${out}.args\ncat > ${out}\n`);
    await chmod(sendmail, 0o755);
    const config = await emailConfig(`{ to: [admin@example.com], from: rollgate@pve1.example.com, sendmail: ${sendmail} }`);
    const [result] = await send(config);
    expect(result).toMatchObject({ ok: true, target: "notify[0] sendmail" });
    expect(await readFile(`${out}.args`, "utf8")).toMatch(/-f rollgate@pve1\.example\.com .*admin@example\.com/);
    expect(await readFile(out, "utf8")).toMatch(/^Subject: rollgate storehouse: FAILED \(exit 4\)/m);
  });
});

describe("the email section of cluster.yaml", () => {
  it("takes exactly one of smtp and sendmail, and never credentials without TLS", async () => {
    await expect(emailConfig("{ to: [a@example.com], from: b@example.com }")).rejects.toThrow(/expected exactly one of smtp \/ sendmail/);
    await expect(
      emailConfig("{ to: [a@example.com], from: b@example.com, smtp: { host: relay }, sendmail: /usr/sbin/sendmail }"),
    ).rejects.toThrow(/expected exactly one of smtp \/ sendmail/);
    await expect(
      emailConfig("{ to: [a@example.com], from: b@example.com, smtp: { host: relay, security: none, authFile: /etc/rollgate/smtp-auth } }"),
    ).rejects.toThrow(/notify\[0\]\.email\.smtp\.authFile: credentials are never sent without TLS/);
    await expect(emailConfig('{ to: ["Admin <a@example.com>"], from: b@example.com, sendmail: /usr/sbin/sendmail }')).rejects.toThrow(
      /expected an email address, e.g. admin@example.com \(no display name\)/,
    );
  });

  it("reads user:password, or user and password on two lines", () => {
    expect(parseSmtpAuth("me@example.com:se:cret\n")).toEqual({ user: "me@example.com", pass: "se:cret" });
    expect(parseSmtpAuth("me@example.com\nse:cret\n")).toEqual({ user: "me@example.com", pass: "se:cret" });
    expect(parseSmtpAuth("me@example.com\n")).toBeNull();
    expect(parseSmtpAuth(":x\n")).toBeNull();
  });
});
