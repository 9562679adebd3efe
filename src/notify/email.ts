// One notification as a mail: through an SMTP server (STARTTLS required unless told otherwise,
// credentials from a file, never without TLS) or handed to the local sendmail. Like a webhook it
// can only report: it never throws, never outlives its timeout, and its result names the server,
// never the password. nodemailer speaks SMTP (RFC 5321 with STARTTLS, RFC 3207, and AUTH, RFC
// 4954): a protocol left to a well-kept library (docs/domain/monitoring.md, "Email").

import { readFile } from "node:fs/promises";
import nodemailer from "nodemailer";
import type { EmailNotifyConfig, NotifyEvent } from "../config/index.js";
import { formatDuration } from "../config/index.js";
import { redactEvery } from "../util/redact.js";
import type { NotifyResult } from "./webhook.js";

export interface EmailRequest {
  config: EmailNotifyConfig;
  index: number;
  event: NotifyEvent;
  subject: string;
  text: string;
  userAgent: string;
  timeoutMs: number;
}

const DEFAULT_PORT = { starttls: 587, tls: 465, none: 25 } as const;

function targetOf({ email }: EmailNotifyConfig, index: number): string {
  if (!email.smtp) return `notify[${index}] sendmail`;
  const { host, security, port } = email.smtp;
  return `notify[${index}] smtp://${host}:${port ?? DEFAULT_PORT[security]}`;
}

/** `user:password` on one line, or the user and the password on two. */
export function parseSmtpAuth(text: string): { user: string; pass: string } | null {
  const lines = text.split("\n").map((l) => l.replace(/\r$/, ""));
  const [first = "", second] = lines;
  if (second !== undefined && second !== "" && lines.slice(2).every((l) => l === "")) return first ? { user: first, pass: second } : null;
  const colon = first.indexOf(":");
  return colon > 0 && colon < first.length - 1 ? { user: first.slice(0, colon), pass: first.slice(colon + 1) } : null;
}

/** A file the notification needs, or an error that names it. */
const readNamed = (file: string) =>
  readFile(file, "utf8").catch((error: Error) => Promise.reject(new Error(`cannot read ${file}: ${error.message}`)));

async function authOf(file: string): Promise<{ user: string; pass: string }> {
  const auth = parseSmtpAuth(await readNamed(file));
  if (!auth) throw new Error(`${file} holds no credentials: expected user:password on one line, or the user and the password on two lines`);
  return auth;
}

async function transportOf(config: EmailNotifyConfig, timeoutMs: number) {
  const { smtp, sendmail } = config.email;
  if (!smtp) return { transport: nodemailer.createTransport({ sendmail: true, path: sendmail!, newline: "unix" }), secrets: [] };
  const auth = smtp.authFile ? await authOf(smtp.authFile) : undefined;
  const ca = smtp.caFile ? await readNamed(smtp.caFile) : undefined;
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port ?? DEFAULT_PORT[smtp.security],
    secure: smtp.security === "tls",
    // A server that does not offer STARTTLS fails the mail: nothing, credentials least of all, goes in clear.
    requireTLS: smtp.security === "starttls",
    ignoreTLS: smtp.security === "none",
    ...(auth ? { auth } : {}),
    tls: { ...(ca ? { ca } : {}), servername: smtp.host },
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  return { transport, secrets: auth ? [auth.pass] : [] };
}

export async function sendEmail(request: EmailRequest): Promise<NotifyResult> {
  const target = targetOf(request.config, request.index);
  const result = (ok: boolean, message: string, secrets: readonly string[] = []): NotifyResult => ({
    target,
    event: request.event,
    ok,
    status: null,
    message: `${target}: ${redactEvery(message, secrets)}`,
  });
  let secrets: readonly string[] = [];
  try {
    const built = await transportOf(request.config, request.timeoutMs);
    secrets = built.secrets;
    const { email } = request.config;
    const sending = built.transport.sendMail({
      from: email.from,
      to: email.to,
      subject: request.subject,
      text: `${request.text}\n`,
      headers: { "X-Mailer": request.userAgent },
    });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${formatDuration(request.timeoutMs)}`)), request.timeoutMs);
    });
    try {
      const info = (await Promise.race([sending, timedOut])) as { response?: string };
      return result(true, `delivered (${(info.response ?? "accepted").trim()})`, secrets);
    } finally {
      clearTimeout(timer);
      built.transport.close();
    }
  } catch (error) {
    return result(false, `could not deliver: ${(error as Error).message}`, secrets);
  }
}
