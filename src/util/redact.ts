// Defence in depth: a secret rollgate holds (the API token secret) that reaches text it writes
// anyway, say an admin's `run: cat /etc/rollgate/pve-token` or a remote command echoing it, is
// replaced before the journal, the run's output or a notification gets it. A plain substring
// replace of the known values: cheap enough for every event.

export const REDACTED = "[redacted]";

/** Shorter values are too likely to be ordinary words of output to be replaced wherever they occur. */
export const MIN_REDACTED_CHARS = 8;

export interface Redactor {
  text(text: string): string;
  /** A copy of JSON-like data (an event, a notification body) with every string redacted. */
  data<T>(value: T): T;
}

/**
 * Every occurrence of these values replaced, whatever their length: for values known to be secret
 * whole (a webhook's header value, an SMTP password), where the redactor's minimum would let a
 * short one through. Callers pass no empty value.
 */
export function redactEvery(text: string, secrets: readonly string[]): string {
  return secrets.reduce((clean, secret) => clean.split(secret).join(REDACTED), text);
}

export function redactorOf(secrets: readonly string[]): Redactor {
  // Longest first, so that a secret containing another is replaced whole.
  const known = [...new Set(secrets)].filter((s) => s.length >= MIN_REDACTED_CHARS).sort((a, b) => b.length - a.length);
  const text = (input: string) =>
    known.reduce((clean, secret) => (clean.includes(secret) ? clean.split(secret).join(REDACTED) : clean), input);
  const walk = (value: unknown): unknown => {
    if (typeof value === "string") return text(value);
    if (Array.isArray(value)) return value.map(walk);
    if (typeof value === "object" && value !== null)
      return Object.fromEntries(Object.entries(value).map(([key, child]) => [text(key), walk(child)]));
    return value;
  };
  if (known.length === 0) return { text: (input) => input, data: (value) => value };
  return { text, data: <T>(value: T) => walk(value) as T };
}
