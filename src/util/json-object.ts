// Reading a small JSON record someone else wrote (a lock file): what it is, or why it is not one.

/** The text as a JSON object, or a short reason ("it is empty", "it is not JSON", …). */
export function parseJsonObject(text: string): Record<string, unknown> | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return text.trim() === "" ? "it is empty" : "it is not JSON";
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "it is not a JSON object";
  return value as Record<string, unknown>;
}
