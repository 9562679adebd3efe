// Colour only on a terminal that wants it (NO_COLOR, --no-color and pipes get plain text).

export interface Style {
  ok(text: string): string;
  bad(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

const paint = (code: number) => (text: string) => `\u001b[${code}m${text}\u001b[0m`;
const plain = (text: string) => text;

/** Text as it is: for logs, pipes and anything a machine reads. */
export const noStyle: Style = { ok: plain, bad: plain, dim: plain, bold: plain };

export function colorEnabled(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv, colorFlag: boolean): boolean {
  return colorFlag && Boolean(stream.isTTY) && env["NO_COLOR"] === undefined && env["TERM"] !== "dumb";
}

export function styleFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv, colorFlag: boolean): Style {
  return colorEnabled(stream, env, colorFlag) ? { ok: paint(32), bad: paint(31), dim: paint(2), bold: paint(1) } : noStyle;
}
