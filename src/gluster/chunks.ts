// Incremental decoding of a command's stdout, for outputs too large to hold whole (heal info).
import { StringDecoder } from "node:string_decoder";
import { fail } from "./output-error.js";

export type OutputChunk = string | Uint8Array;

/** Bytes to text; a UTF-8 character split across two chunks is held back until it is complete. */
export class ChunkDecoder {
  private readonly decoder = new StringDecoder("utf8");

  write(chunk: OutputChunk): string {
    if (typeof chunk === "string") return chunk;
    return this.decoder.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  }

  end(): string {
    return this.decoder.end();
  }
}

/** Longer than any path gluster prints (PATH_MAX is 4096); a longer "line" means the output is not what we think. */
export const MAX_LINE_LENGTH = 64 * 1024;

/** Splits chunks into complete lines, holding at most one partial line. */
export class LineSplitter {
  private readonly decoder = new ChunkDecoder();
  private partial = "";

  constructor(private readonly onLine: (line: string) => void) {}

  write(chunk: OutputChunk): void {
    const text = this.partial + this.decoder.write(chunk);
    let start = 0;
    for (let newline = text.indexOf("\n"); newline !== -1; newline = text.indexOf("\n", start)) {
      this.onLine(text.slice(start, newline));
      start = newline + 1;
    }
    this.partial = text.slice(start);
    if (this.partial.length > MAX_LINE_LENGTH) {
      fail(`a line of more than ${MAX_LINE_LENGTH} characters without a newline: this is not gluster's output`);
    }
  }

  /** Returns what followed the last newline: gluster ends every line, so anything here was cut off. */
  end(): string {
    this.partial += this.decoder.end();
    return this.partial;
  }
}
