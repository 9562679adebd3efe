import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair } from "yaml";
import { ConfigError, type SourcePosition } from "../util/errors.js";

export type KeyPath = readonly PropertyKey[];

/** What a problem points at: the value under a key, or the key itself (unknown keys, bad mapping keys). */
export type Anchor = "value" | "key";

/** A problem found in a config, before it is given a file position. */
export interface Problem {
  path: KeyPath;
  problem: string;
  anchor: Anchor;
}

/** `critical[0].vms[1]`, `upgrade.guestOverrides.105`, `notify[0].headers["X Odd"]`. */
export function formatKeyPath(path: KeyPath): string {
  let text = "";
  for (const segment of path) {
    if (typeof segment === "number") text += `[${segment}]`;
    else if (/^[A-Za-z0-9_-]+$/.test(String(segment))) text += text ? `.${String(segment)}` : String(segment);
    else text += `[${JSON.stringify(String(segment))}]`;
  }
  return text;
}

/** True when `path` is `ancestor` or lies under it. */
export function isUnder(path: KeyPath, ancestor: KeyPath): boolean {
  return ancestor.every((segment, index) => String(path[index]) === String(segment));
}

/** Turns key paths into line:col in the YAML source, so that checks made on plain data can still point into the file. */
export class SourceLocator {
  constructor(
    private readonly document: Document,
    private readonly lines: LineCounter,
    /** The file as the user named it. */
    readonly file: string,
  ) {}

  at(offset: number): SourcePosition {
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line, col };
  }

  /** Where `path` is written; for a path that is absent (a missing key), its nearest written ancestor. */
  position(path: KeyPath, anchor: Anchor = "value"): SourcePosition {
    return this.at(this.offsetOf(path, anchor));
  }

  error(path: KeyPath, problem: string, anchor: Anchor = "value"): ConfigError {
    return new ConfigError(this.position(path, anchor), formatKeyPath(path), problem);
  }

  private offsetOf(path: KeyPath, anchor: Anchor): number {
    let node = this.resolve(this.document.contents);
    let offset = node?.range?.[0] ?? 0;
    for (const [index, segment] of path.entries()) {
      const isLast = index === path.length - 1;
      if (isMap(node)) {
        const pair = node.items.find((item) => keyText(item) === String(segment));
        if (!pair) break;
        const key = this.resolve(pair.key);
        const value = this.resolve(pair.value);
        if (isLast && anchor === "key") return key?.range?.[0] ?? offset;
        node = value ?? key;
      } else if (isSeq(node) && typeof segment === "number") {
        const item = this.resolve(node.items[segment]);
        if (!item) break;
        node = item;
      } else {
        break;
      }
      offset = node?.range?.[0] ?? offset;
    }
    return offset;
  }

  private resolve(node: unknown): Node | undefined {
    if (isAlias(node)) return this.resolve(node.resolve(this.document));
    return isScalar(node) || isMap(node) || isSeq(node) ? node : undefined;
  }
}

function keyText(pair: Pair): string {
  return isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
}
