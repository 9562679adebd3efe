// A dead man's switch: a Healthchecks-style ping URL is told when a run starts (URL/start) and how
// it ended (URL, or URL/fail), so the monitoring service alerts when a started run never reports
// its end: a machine that lost power, a SIGKILL, a hung process. Like a notification, a ping can
// only report: it never throws and never changes the exit code (docs/domain/monitoring.md).

import { ExitCode } from "../util/errors.js";
import { packageVersion } from "../util/version.js";
import { deliver, secretsOf } from "./webhook.js";

export type HeartbeatPing = "start" | "success" | "fail";

/**
 * Exit 0 and 7 (outside the window: the timer fired, the run declined to start a node) are the
 * service's own successes (contrib/rollgate.service SuccessExitStatus); anything else is a failure.
 */
export function pingFor(exitCode: number): HeartbeatPing {
  return exitCode === ExitCode.ok || exitCode === ExitCode.outsideWindow ? "success" : "fail";
}

/** healthchecks/healthchecks templates/docs/http_api.md: `/start` signals a start, the bare URL success, `/fail` a failure. */
export function pingUrl(base: string, ping: HeartbeatPing): string {
  const url = new URL(base);
  if (ping !== "success") url.pathname = `${url.pathname.replace(/\/$/, "")}/${ping}`;
  return url.toString();
}

export interface HeartbeatOptions {
  timeoutMs: number;
  fetch?: typeof fetch;
}

/** POSTs `text` (Healthchecks keeps a ping's body as its log) to the ping's URL; the result is one line. */
export async function pingHeartbeat(
  base: string,
  ping: HeartbeatPing,
  text: string,
  options: HeartbeatOptions,
): Promise<{ ok: boolean; message: string }> {
  const sent = await deliver({
    target: `heartbeat ${ping}`,
    url: pingUrl(base, ping),
    headers: {},
    message: { contentType: "text/plain; charset=utf-8", body: text, headers: {} },
    userAgent: `rollgate/${await packageVersion().catch(() => "unknown")}`,
    timeoutMs: options.timeoutMs,
    fetch: options.fetch ?? fetch,
    // The ping URL's path is its secret (its UUID).
    secrets: secretsOf(base, []),
  });
  return { ok: sent.ok, message: sent.message };
}
