// --window 01:00-05:00: the local hours in which a new node may be started (may cross midnight).

import { UsageError } from "../util/errors.js";

export interface Window {
  text: string;
  startMinute: number;
  endMinute: number;
}

export function parseWindow(text: string): Window {
  const m = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$/.exec(text.trim());
  if (!m) throw new UsageError(`--window ${text}: expected HH:MM-HH:MM in local time, e.g. 01:00-05:00`);
  const start = Number(m[1]) * 60 + Number(m[2]);
  const end = Number(m[3]) * 60 + Number(m[4]);
  if (start === end) throw new UsageError(`--window ${text}: start and end are the same; leave --window out to allow any time`);
  return { text, startMinute: start, endMinute: end };
}

export function inWindow(window: Window, at: Date): boolean {
  const minute = at.getHours() * 60 + at.getMinutes();
  return window.startMinute < window.endMinute
    ? minute >= window.startMinute && minute < window.endMinute
    : minute >= window.startMinute || minute < window.endMinute;
}
