// One webhook POST that can only report: it never throws and never outlives its timeout. What it
// reports names the webhook by origin and position in cluster.yaml, never by its full URL (a
// Slack-style URL carries its secret in the path) nor by a header value (an API key, a token).

import type { NotifyEvent, WebhookNotifyConfig } from "../config/index.js";
import { formatDuration } from "../config/index.js";
import { redactEvery } from "../util/redact.js";
import type { FormattedNotification } from "./report.js";

export interface NotifyResult {
  /** Which notification of cluster.yaml, and where it went: `notify[1] https://hooks.example.com`. */
  target: string;
  event: NotifyEvent;
  ok: boolean;
  /** The HTTP status, when the server answered. */
  status: number | null;
  /** One line for the log, starting with the target; free of header values and of the URL's path. */
  message: string;
}

export interface WebhookRequest {
  config: WebhookNotifyConfig;
  /** Position in cluster.yaml's notify list (0-based), to name it the way an admin finds it. */
  index: number;
  event: NotifyEvent;
  message: FormattedNotification;
  userAgent: string;
  timeoutMs: number;
  fetch: typeof fetch;
}

const SNIPPET_CHARS = 200;

function targetOf(config: WebhookNotifyConfig, index: number): string {
  try {
    return `notify[${index}] ${new URL(config.webhook).origin}`;
  } catch {
    return `notify[${index}]`;
  }
}

/** Everything of the request that may be secret: header values, the URL, its path and credentials. */
export function secretsOf(target: string, headerValues: readonly string[]): string[] {
  const secrets = [...headerValues, target];
  try {
    const url = new URL(target);
    secrets.push(`${url.pathname}${url.search}`, url.pathname, url.search, url.username, url.password);
  } catch {
    // Not a URL: the whole string is already listed.
  }
  // Longest first, so a value containing another is removed whole; "/" alone is no secret.
  return [...new Set(secrets.map((s) => s.trim()))].filter((s) => s.length > 1).sort((a, b) => b.length - a.length);
}

/** The innermost explanation of a fetch failure: undici wraps the socket error in `cause`. */
function failureReason(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError"))
    return `no answer within ${formatDuration(timeoutMs)}`;
  const reasons: string[] = [];
  let current: unknown = error;
  while (current instanceof Error) {
    if (current instanceof AggregateError && current.errors.length > 0) {
      reasons.push(current.errors.map((e: unknown) => (e instanceof Error ? e.message : String(e))).join("; "));
      break;
    }
    if (current.message) reasons.push(current.message);
    current = current.cause;
  }
  const innermost = reasons.at(-1) ?? String(error);
  return reasons.length > 1 ? `could not deliver (${reasons[0]}): ${innermost}` : `could not deliver: ${innermost}`;
}

async function snippetOf(response: Response): Promise<string> {
  const text = (await response.text()).replace(/\s+/g, " ").trim();
  return text.length > SNIPPET_CHARS ? `${text.slice(0, SNIPPET_CHARS)}…` : text;
}

async function answerOf(response: Response, url: string): Promise<Pick<NotifyResult, "ok" | "message">> {
  const status = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`;
  if (response.ok) {
    await response.body?.cancel();
    return { ok: true, message: `delivered (${status})` };
  }
  if (response.status >= 300 && response.status < 400) {
    await response.body?.cancel();
    const location = response.headers.get("location");
    let where = "";
    try {
      where = location ? ` to ${new URL(location, url).origin}` : "";
    } catch {
      where = "";
    }
    // Following it would send the configured headers (maybe credentials) wherever the redirect points.
    return { ok: false, message: `${status}: redirected${where}; redirects are not followed, put the final URL in cluster.yaml` };
  }
  const snippet = await snippetOf(response).catch(() => "");
  return { ok: false, message: `${status}${snippet ? `: ${snippet}` : ""}` };
}

/** One POST to `url`, reported as one line starting with `target`; never throws, never shows a secret. */
export async function deliver(request: {
  target: string;
  url: string;
  headers: Record<string, string>;
  message: FormattedNotification;
  userAgent: string;
  timeoutMs: number;
  fetch: typeof fetch;
  secrets: readonly string[];
}): Promise<Pick<NotifyResult, "ok" | "status" | "message">> {
  const result = (ok: boolean, status: number | null, message: string) => ({
    ok,
    status,
    message: `${request.target}: ${redactEvery(message, request.secrets)}`,
  });
  try {
    const headers = new Headers({ "content-type": request.message.contentType, "user-agent": request.userAgent });
    // The configured headers last: an admin's own Priority or Tags for ntfy win over the defaults.
    for (const [name, value] of Object.entries({ ...request.message.headers, ...request.headers })) headers.set(name, value);
    const response = await request.fetch(request.url, {
      method: "POST",
      headers,
      body: request.message.body,
      redirect: "manual",
      // Covers the whole exchange, reading the answer included.
      signal: AbortSignal.timeout(request.timeoutMs),
    });
    const answer = await answerOf(response, request.url);
    return result(answer.ok, response.status, answer.message);
  } catch (error) {
    return result(false, null, failureReason(error, request.timeoutMs));
  }
}

export async function postWebhook(request: WebhookRequest): Promise<NotifyResult> {
  const target = targetOf(request.config, request.index);
  const sent = await deliver({
    target,
    url: request.config.webhook,
    headers: request.config.headers,
    message: request.message,
    userAgent: request.userAgent,
    timeoutMs: request.timeoutMs,
    fetch: request.fetch,
    secrets: secretsOf(request.config.webhook, Object.values(request.config.headers)),
  });
  return { target, event: request.event, ...sent };
}
