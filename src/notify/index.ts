// Tells people how a run ended: each configured webhook whose `on` lists the run's event gets a
// JSON POST. A notification can only report: it never throws and never changes the exit code;
// the caller prints the failed results as warnings.

import type { NotifyConfig } from "../config/index.js";
import { redactorOf } from "../util/redact.js";
import { packageVersion } from "../util/version.js";
import { formatNotification, notificationBody, notifyEventFor, type RunReport } from "./report.js";
import { postWebhook, type NotifyResult } from "./webhook.js";

export { formatNotification, notificationBody, notifyEventFor, type NotificationBody, type RunReport } from "./report.js";
export type { NotifyResult } from "./webhook.js";

export interface NotifyOptions {
  /** Longest wait for one webhook, answer included. */
  timeoutMs: number;
  /** Values no notification may carry (the API token secret): replaced in the body wherever they occur. */
  secrets?: readonly string[];
  /** For tests; the global fetch otherwise. */
  fetch?: typeof fetch;
}

/** One result per notification sent, in cluster.yaml's order; none for those whose `on` does not list the event. */
export async function notify(configs: readonly NotifyConfig[], report: RunReport, options: NotifyOptions): Promise<NotifyResult[]> {
  const event = notifyEventFor(report.outcome);
  const chosen = configs.flatMap((config, index) => (config.on.includes(event) ? [{ config, index }] : []));
  if (chosen.length === 0) return [];
  const body = redactorOf(options.secrets ?? []).data(notificationBody(report));
  const userAgent = `rollgate/${await packageVersion().catch(() => "unknown")}`;
  return Promise.all(
    chosen.map(({ config, index }) =>
      postWebhook({
        config,
        index,
        event,
        message: formatNotification(config.format, body),
        userAgent,
        timeoutMs: options.timeoutMs,
        fetch: options.fetch ?? fetch,
      }),
    ),
  );
}
