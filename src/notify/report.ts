// What a run reports when it ends, which notification event that is, and the JSON a webhook receives.

import { formatDuration, type NotifyConfig, type NotifyEvent, type WebhookNotifyConfig } from "../config/index.js";
import type { RunResult } from "../run/engine.js";
import type { Outcome } from "../run/events.js";
import type { SlowSight } from "../run/slow-watch.js";
import { outcomeHeadline } from "../util/outcome.js";

export interface RunReport extends RunResult {
  cluster: string;
  runId: string;
  startedAt: string;
  endedAt: string;
  host: string;
}

/**
 * The notification event of an outcome, as an on-call admin subscribes to them:
 * - outside-window is a "refusal": the run declined to start (or to start another node) and the
 *   cluster is in service, but the upgrade is not done and needs another run, which is what a
 *   refusal subscriber watches for. Someone who only asked for "failure" is not woken for it.
 * - paused is a "success": `--pause-after N` stopped exactly where it was told to, exit 0, every
 *   upgraded node verified; the body's `outcome: "paused"` and message say how many nodes are left.
 */
export function notifyEventFor(outcome: Outcome): NotifyEvent {
  switch (outcome) {
    case "success":
    case "paused":
      return "success";
    case "refused":
    case "outside-window":
      return "refusal";
    case "failed":
      return "failure";
    case "interrupted":
      return "interrupted";
  }
}

/** One paragraph a person reads in a chat message or a mail. */
function summaryText(report: RunReport): string {
  const parts = [`rollgate ${report.cluster}: ${outcomeHeadline(report.outcome, report.exitCode)}: ${report.message}.`];
  if (report.humanAction) parts.push(`ACTION REQUIRED: ${report.humanAction}`);
  if (report.maintenanceLeftOn.length > 0) parts.push(`Still in HA maintenance mode: ${report.maintenanceLeftOn.join(", ")}.`);
  parts.push(`Upgraded in this run: ${report.nodesDone.length > 0 ? report.nodesDone.join(", ") : "none"}.`);
  parts.push(`Run ${report.runId} on ${report.host}, ${report.startedAt} to ${report.endedAt}.`);
  return parts.join(" ");
}

export type NotificationBody = RunReport & {
  /** The notification event this run is (what `on:` matched). */
  event: NotifyEvent;
  /** A readable summary; Slack- and Mattermost-style incoming webhooks show `text` as the message. */
  text: string;
};

export function notificationBody(report: RunReport): NotificationBody {
  return { event: notifyEventFor(report.outcome), text: summaryText(report), ...report };
}

/** What one notification POSTs: its body, content type and the headers its format adds. */
export interface FormattedNotification {
  contentType: string;
  body: string;
  headers: Record<string, string>;
}

/**
 * How loud each event is on a phone. ntfy: 5 "urgent" (long vibration, pop-over), 4 "high", 3
 * "default" (binwiederhier/ntfy docs/publish.md, "Message priority"). Gotify: 8-10 pops up with
 * sound, 4-7 notifies with sound, 1-3 only shows (gotify/android README.md, "Message Priorities").
 */
const loudness: Record<NotifyEvent, { ntfy: number; gotify: number; tags: string }> = {
  start: { ntfy: 2, gotify: 1, tags: "arrows_counterclockwise" },
  // Nothing is down because of it (the run waits), but someone should look before the night is over.
  slow: { ntfy: 4, gotify: 5, tags: "hourglass" },
  failure: { ntfy: 5, gotify: 8, tags: "rotating_light" },
  refusal: { ntfy: 4, gotify: 5, tags: "warning" },
  interrupted: { ntfy: 4, gotify: 5, tags: "warning" },
  success: { ntfy: 3, gotify: 2, tags: "white_check_mark" },
};

/** The body (already redacted) as `format` wants it: the whole JSON report, or a titled message for a phone. */
export function formatNotification(format: WebhookNotifyConfig["format"], body: NotificationBody): FormattedNotification {
  // ASCII only: a cluster name is a PVE cluster name and headlines are plain words, so HTTP headers can carry it.
  return formatMessage(format, {
    event: body.event,
    title: reportTitle(body),
    text: body.text,
    document: body,
  });
}

/** One line: a phone's notification title, a mail's subject. */
export const reportTitle = (body: NotificationBody) => `rollgate ${body.cluster}: ${outcomeHeadline(body.outcome, body.exitCode)}`;
export const startTitle = (body: StartBody) => `rollgate ${body.cluster}: upgrade ${body.resumes ? "resumed" : "started"}`;

/** A run that begins to change the cluster: who, where, which nodes, so a silent end is noticed by someone who knew it started. */
export interface RunStart {
  cluster: string;
  runId: string;
  host: string;
  startedAt: string;
  order: string[];
  /** The run continues an interrupted one. */
  resumes: boolean;
}

export type StartBody = RunStart & { event: "start"; text: string };

export function startBody(start: RunStart): StartBody {
  const what = start.resumes ? "resumed" : "started";
  return {
    event: "start",
    text: `rollgate ${start.cluster}: upgrade ${what}: nodes ${start.order.join(", ") || "(none left)"}, one at a time. Run ${start.runId} on ${start.host}, ${start.startedAt}.`,
    ...start,
  };
}

export function formatStart(format: WebhookNotifyConfig["format"], body: StartBody): FormattedNotification {
  return formatMessage(format, {
    event: "start",
    title: startTitle(body),
    text: body.text,
    document: body,
  });
}

/** A node or a heal taking longer than expected (upgrade.slow): the run goes on waiting, within its timeouts. */
export type SlowNotice = SlowSight & {
  cluster: string;
  runId: string;
  host: string;
  startedAt: string;
  /** The Gluster volumes a heal is about (gluster.volumes). */
  volumes: string[];
};

export type SlowBody = SlowNotice & { event: "slow"; text: string };

/** What was slow and what to do, in a sentence or three (the notification's text, the run's progress line). */
export function slowSentence(notice: SlowNotice): string {
  const took = `${formatDuration(notice.elapsedMs)}, more than ${notice.factor}× its estimate of ${formatDuration(notice.estimateMs)} (upgrade.slow)`;
  return notice.what === "heal"
    ? `the heal after ${notice.node} came back has taken ${took}. The run keeps waiting${notice.limitMs !== null ? `, at most ${formatDuration(notice.limitMs)} (timeouts.heal)` : ""}, and takes no other node down meanwhile. Look at ${notice.volumes.map((v) => `\`gluster volume heal ${v} info summary\``).join(", ") || "\`gluster volume heal VOLUME info summary\`"} on a node: entries that do not shrink need a look at the bricks and the private network.`
    : `the upgrade of ${notice.node} has taken ${took}${notice.step ? `; it is at ${notice.step}` : ""}. The run keeps going by itself, each wait within its timeout; \`rollgate status\` shows where it is.`;
}

export function slowBody(notice: SlowNotice): SlowBody {
  return {
    event: "slow",
    text: `rollgate ${notice.cluster}: waiting longer than expected: ${slowSentence(notice)} Upgraded in this run so far: ${notice.upgraded.join(", ") || "none"}. Run ${notice.runId} on ${notice.host}, started ${notice.startedAt}.`,
    ...notice,
  };
}

export const slowTitle = (body: SlowBody) =>
  `rollgate ${body.cluster}: ${body.what === "heal" ? `heal after ${body.node}` : body.node} slower than expected`;

export function formatSlow(format: WebhookNotifyConfig["format"], body: SlowBody): FormattedNotification {
  return formatMessage(format, { event: "slow", title: slowTitle(body), text: body.text, document: body });
}

function formatMessage(
  format: WebhookNotifyConfig["format"],
  { event, title, text, document }: { event: NotifyEvent; title: string; text: string; document: object },
): FormattedNotification {
  const level = loudness[event];
  switch (format) {
    case "json":
      return { contentType: "application/json", body: JSON.stringify(document), headers: {} };
    case "ntfy":
      // binwiederhier/ntfy docs/publish.md: the POST body is the message; Title, Priority, Tags headers.
      return {
        contentType: "text/plain; charset=utf-8",
        body: text,
        headers: { Title: title, Priority: String(level.ntfy), Tags: level.tags },
      };
    case "gotify":
      // gotify.net docs "Push messages" (gotify/website): POST /message, JSON title, message, priority; X-Gotify-Key authenticates.
      return { contentType: "application/json", body: JSON.stringify({ title, message: text, priority: level.gotify }), headers: {} };
  }
}
