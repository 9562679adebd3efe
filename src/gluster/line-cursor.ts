import { explainGlusterMessage } from "./cli-errors.js";
import { fail, quote } from "./output-error.js";

/** The lines of a small, buffered text output, read in order. */
export class LineCursor {
  private readonly lines: string[];
  private index = 0;

  constructor(text: string, command: string) {
    this.lines = text === "" ? [] : text.split("\n");
    // Gluster ends every line with a newline: text after the last one is a line cut short. Without any newline,
    // the text is kept as a line for the first-line check to explain (a trimmed error message, say).
    const afterLastNewline = this.lines.length > 1 ? this.lines.pop() : undefined;
    if (afterLastNewline) {
      fail(`${command}: the output stops in the middle of a line (${quote(afterLastNewline)}): output truncated`);
    }
  }

  get done(): boolean {
    return this.index >= this.lines.length;
  }

  peek(): string | undefined {
    return this.lines[this.index];
  }

  next(): string | undefined {
    const line = this.lines[this.index];
    if (line !== undefined) this.index++;
    return line;
  }

  /** The rest of the next line, which must start with `prefix`. */
  field(prefix: string, where: string): string {
    const line = this.next();
    if (line === undefined) fail(`${where}: output ends before ${quote(`${prefix}…`)}: output truncated`);
    if (!line.startsWith(prefix)) fail(`${where}: expected ${quote(`${prefix}…`)}, gluster printed ${quote(line)}`);
    return line.slice(prefix.length);
  }
}

/** Why an output does not start as expected: a known gluster error, or its first line quoted as is. */
export function unexpectedFirstLine(command: string, expected: string, line: string | undefined): string {
  if (line === undefined) return `${command} printed nothing`;
  const explained = explainGlusterMessage(line.trim());
  return explained ?? `${command}: expected ${quote(expected)}, gluster printed ${quote(line)}`;
}
