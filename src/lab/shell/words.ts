// Splits a command line the way a POSIX shell does for the simple commands rollgate sends:
// quotes, backslash escapes, leading VAR=value assignments, and `;` / `&&` sequences.

export interface SimpleCommand {
  env: Record<string, string>;
  argv: string[];
}

export interface CommandList {
  /** Each command, and whether it runs only if the previous one succeeded (`&&`). */
  steps: Array<{ command: SimpleCommand; onlyIfPreviousSucceeded: boolean }>;
}

export class ShellSyntaxError extends Error {}

const unsupported = new Set(["|", "||", ">", ">>", "<", "&", "(", ")", "`", "$("]);

/** `unquotedPrefix`: how many leading characters of the word were outside quotes (for VAR=value). */
type Token = { kind: "word"; value: string; unquotedPrefix: number } | { kind: "op"; value: ";" | "&&" };

function tokenize(line: string): Token[] {
  const tokens: Token[] = [];
  let word = "";
  let inWord = false;
  let unquotedPrefix: number | null = null;
  const flush = () => {
    if (inWord) tokens.push({ kind: "word", value: word, unquotedPrefix: unquotedPrefix ?? word.length });
    word = "";
    inWord = false;
    unquotedPrefix = null;
  };
  const startQuote = () => {
    unquotedPrefix ??= word.length;
    inWord = true;
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new ShellSyntaxError("unexpected EOF while looking for matching `''");
      startQuote();
      word += line.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      startQuote();
      let j = i + 1;
      for (; j < line.length && line[j] !== '"'; j++) {
        if (line[j] === "\\" && j + 1 < line.length && '"\\$`'.includes(line[j + 1]!)) j++;
        else if (line[j] === "$" || line[j] === "`") throw new ShellSyntaxError("expansions are not modelled by the lab shell");
        word += line[j];
      }
      if (j >= line.length) throw new ShellSyntaxError("unexpected EOF while looking for matching `\"'");
      i = j;
    } else if (c === "\\" && i + 1 < line.length) {
      startQuote();
      word += line[++i];
    } else if (c === " " || c === "\t" || c === "\n") {
      flush();
    } else if (c === ";") {
      flush();
      tokens.push({ kind: "op", value: ";" });
    } else if (line.startsWith("&&", i)) {
      flush();
      tokens.push({ kind: "op", value: "&&" });
      i++;
    } else if (unsupported.has(c) || line.startsWith("$(", i) || c === "$") {
      throw new ShellSyntaxError(`'${c}' is not modelled by the lab shell`);
    } else {
      word += c;
      inWord = true;
    }
  }
  flush();
  return tokens;
}

export function parseCommandLine(line: string): CommandList {
  const steps: CommandList["steps"] = [];
  let current: Token[] = [];
  let nextIsConditional = false;
  const finish = (op: string | null) => {
    if (current.length === 0) {
      if (op !== null) throw new ShellSyntaxError(`syntax error near unexpected token \`${op}'`);
      return;
    }
    steps.push({ command: toSimpleCommand(current), onlyIfPreviousSucceeded: nextIsConditional });
    current = [];
  };
  for (const token of tokenize(line)) {
    if (token.kind === "op") {
      finish(token.value);
      nextIsConditional = token.value === "&&";
    } else current.push(token);
  }
  finish(null);
  return { steps };
}

function toSimpleCommand(tokens: Token[]): SimpleCommand {
  const env: Record<string, string> = {};
  let i = 0;
  for (; i < tokens.length; i++) {
    const token = tokens[i]!;
    const m = token.kind === "word" ? /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(token.value) : null;
    if (!m || token.kind !== "word" || m[1]!.length >= token.unquotedPrefix) break;
    env[m[1]!] = m[2]!;
  }
  return { env, argv: tokens.slice(i).map((t) => t.value) };
}
