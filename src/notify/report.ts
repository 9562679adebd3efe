// What a run reports when it ends, which notification event that is, and the JSON a webhook receives.

import type { NotifyEvent } from "../config/index.js";
import type { RunResult } from "../run/engine.js";
import type { Outcome } from "../run/events.js";
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
