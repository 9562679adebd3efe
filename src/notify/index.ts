// Tells people that a run started and how it ended: each configured webhook whose `on` lists the
// event gets a POST in its format. A notification can only report: it never throws and never changes the exit code;
// the caller prints the failed results as warnings.

import type { NotifyConfig, NotifyEvent, WebhookNotifyConfig } from "../config/index.js";
import { redactorOf } from "../util/redact.js";
import { packageVersion } from "../util/version.js";
import {
  formatNotification,
  formatSlow,
  formatStart,
  notificationBody,
  notifyEventFor,
  reportTitle,
  slowBody,
  slowTitle,
  startBody,
  startTitle,
  type FormattedNotification,
  type RunReport,
  type RunStart,
  type SlowNotice,
} from "./report.js";
import { sendEmail } from "./email.js";
import { postWebhook, type NotifyResult } from "./webhook.js";

export {
  formatNotification,
  notificationBody,
  notifyEventFor,
  type NotificationBody,
  type RunReport,
  type RunStart,
  type SlowNotice,
} from "./report.js";
export type { NotifyResult } from "./webhook.js";

export interface NotifyOptions {
  /** Longest wait for one webhook, answer included. */
  timeoutMs: number;
  /** Values no notification may carry (the API token secret): replaced in the body wherever they occur. */
  secrets?: readonly string[];
  /** For tests; the global fetch otherwise. */
  fetch?: typeof fetch;
}

/** What is sent, whatever the channel: a webhook's body in its format, or a mail's subject and text. */
interface Outgoing {
  event: NotifyEvent;
  title: string;
  text: string;
  as: (format: WebhookNotifyConfig["format"]) => FormattedNotification;
}

/** One result per notification sent, in cluster.yaml's order; none for those whose `on` does not list the event. */
export function notify(configs: readonly NotifyConfig[], report: RunReport, options: NotifyOptions): Promise<NotifyResult[]> {
  const body = redactorOf(options.secrets ?? []).data(notificationBody(report));
  return send(
    configs,
    { event: body.event, title: reportTitle(body), text: body.text, as: (format) => formatNotification(format, body) },
    options,
  );
}

/** The `start` event: a run begins to change the cluster (not sent for a dry run). */
export function notifyStart(configs: readonly NotifyConfig[], start: RunStart, options: NotifyOptions): Promise<NotifyResult[]> {
  const body = redactorOf(options.secrets ?? []).data(startBody(start));
  return send(configs, { event: "start", title: startTitle(body), text: body.text, as: (format) => formatStart(format, body) }, options);
}

/** The `slow` event: a node or a heal takes longer than expected; the run goes on (not sent for a dry run). */
export function notifySlow(configs: readonly NotifyConfig[], notice: SlowNotice, options: NotifyOptions): Promise<NotifyResult[]> {
  const body = redactorOf(options.secrets ?? []).data(slowBody(notice));
  return send(configs, { event: "slow", title: slowTitle(body), text: body.text, as: (format) => formatSlow(format, body) }, options);
}

async function send(configs: readonly NotifyConfig[], outgoing: Outgoing, options: NotifyOptions): Promise<NotifyResult[]> {
  const chosen = configs.flatMap((config, index) => (config.on.includes(outgoing.event) ? [{ config, index }] : []));
  if (chosen.length === 0) return [];
  const userAgent = `rollgate/${await packageVersion().catch(() => "unknown")}`;
  const { event } = outgoing;
  return Promise.all(
    chosen.map(({ config, index }) =>
      config.kind === "email"
        ? sendEmail({ config, index, event, subject: outgoing.title, text: outgoing.text, userAgent, timeoutMs: options.timeoutMs })
        : postWebhook({
            config,
            index,
            event,
            message: outgoing.as(config.format),
            userAgent,
            timeoutMs: options.timeoutMs,
            fetch: options.fetch ?? fetch,
          }),
    ),
  );
}
