// Colour only on a terminal that wants it (NO_COLOR, --no-color and pipes get plain text).

export interface Style {
  ok(text: string): string;
  bad(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

const paint = (code: number) => (text: string) => `\u001b[${code}m${text}\u001b[0m`;
const plain = (text: string) => text;

export function styleFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv, colorFlag: boolean): Style {
  const enabled = colorFlag && Boolean(stream.isTTY) && env["NO_COLOR"] === undefined && env["TERM"] !== "dumb";
  return enabled ? { ok: paint(32), bad: paint(31), dim: paint(2), bold: paint(1) } : { ok: plain, bad: plain, dim: plain, bold: plain };
}
