// What keeps a run going when its output cannot: a stream whose destination is gone drops
// writes instead of throwing or emitting 'error'; a renderer that throws, or whose stdout is
// gone, is finished early and never reaches the engine; an error nobody caught stops an upgrade
// at its next safe point instead of killing it.

import { PassThrough, Writable } from "node:stream";
import { describe, expect, it, vi } from "vitest";
import { guardOutput } from "../../../src/cli/guarded-output.js";
import { flushed, type CliIo } from "../../../src/cli/io.js";
import { lastResort } from "../../../src/cli/last-resort.js";
import { createRunRenderer, guardedRenderer, type RunRenderer } from "../../../src/cli/render/run-renderer.js";
import { outline, successfulRun } from "../../helpers/run-events.js";

/** An error as the system reports it (what a socket or fs.writeSync throws or emits). */
function systemError(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`write ${code}`), { code, errno: -1, syscall: "write" });
}

/** A pipe whose reader has left: every write fails with EPIPE, reported as a socket does (callback, then 'error'). */
class ClosedPipe extends Writable {
  readonly received: string[] = [];
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.received.push(chunk.toString());
    callback(systemError("EPIPE"));
  }
}

/** A file on a full disk, written synchronously as Node writes stdout to a file: the write throws. */
class FullDisk extends Writable {
  override write(): boolean {
    throw systemError("ENOSPC");
  }
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("guardOutput", () => {
  it("passes writes through while the destination takes them", async () => {
    const stream = new PassThrough();
    const out = guardOutput(stream, () => {});
    out.write("one\n");
    await flushed(out);
    expect(stream.read()?.toString()).toBe("one\n");
    expect(out.lost).toBeNull();
  });

  it("swallows EPIPE (no throw, no 'error' reaching the process), then drops every write", async () => {
    const pipe = new ClosedPipe();
    const onLost = vi.fn();
    const out = guardOutput(pipe, onLost);
    expect(() => out.write("first\n")).not.toThrow();
    await tick();
    expect(out.lost).toBe("EPIPE");
    expect(() => out.write("second\n")).not.toThrow();
    await flushed(out);
    expect(pipe.received).toEqual(["first\n"]);
    expect(onLost).toHaveBeenCalledExactlyOnceWith("EPIPE");
  });

  it("swallows a write that throws (a full disk), then drops every write", async () => {
    const onLost = vi.fn();
    const out = guardOutput(new FullDisk(), onLost);
    expect(out.write("first\n")).toBe(true);
    expect(out.lost).toBe("ENOSPC");
    await flushed(out);
    expect(onLost).toHaveBeenCalledExactlyOnceWith("ENOSPC");
  });

  it("does not hide a bug: a write that throws for what was written still throws", () => {
    const buggy = new (class extends Writable {
      override write(): boolean {
        throw new TypeError("not a string");
      }
    })();
    expect(() => guardOutput(buggy, () => {}).write("x")).toThrow(TypeError);
  });
});

function recording(overrides: Partial<RunRenderer> = {}): RunRenderer & { seen: string[]; finished: number } {
  const renderer = {
    seen: [] as string[],
    finished: 0,
    onEvent(event: { type: string }) {
      renderer.seen.push(event.type);
    },
    async finish() {
      renderer.finished += 1;
    },
    ...overrides,
  };
  return renderer;
}

describe("guardedRenderer", () => {
  const events = successfulRun(1);

  it("an exception in onEvent does not reach the caller; the renderer is reported once, finished, and gets nothing more", async () => {
    const inner = recording();
    inner.onEvent = (event) => {
      inner.seen.push(event.type);
      if (inner.seen.length === 2) throw new Error("listr2 broke");
    };
    const onFailure = vi.fn();
    const renderer = guardedRenderer(inner, { lost: null }, onFailure);
    for (const event of events) expect(() => renderer.onEvent(event)).not.toThrow();
    await renderer.finish();
    expect(inner.seen).toHaveLength(2);
    expect(inner.finished).toBe(1);
    expect(onFailure).toHaveBeenCalledExactlyOnceWith(new Error("listr2 broke"));
  });

  it("a finish that rejects is reported, not thrown", async () => {
    const onFailure = vi.fn();
    const renderer = guardedRenderer(recording({ finish: () => Promise.reject(new Error("flush failed")) }), { lost: null }, onFailure);
    await expect(renderer.finish()).resolves.toBeUndefined();
    expect(onFailure).toHaveBeenCalledExactlyOnceWith(new Error("flush failed"));
  });

  it("once stdout is lost, the renderer is finished at the next event and gets no more", async () => {
    const inner = recording();
    const stdout = { lost: null as string | null };
    const renderer = guardedRenderer(inner, stdout, () => {});
    renderer.onEvent(events[0]!);
    stdout.lost = "EPIPE";
    for (const event of events.slice(1)) renderer.onEvent(event);
    expect(inner.seen).toEqual([events[0]!.type]);
    await renderer.finish();
    expect(inner.finished).toBe(1);
  });

  it("the listr2 tree, finished early because its stdout is lost, still ends (its spinner too)", async () => {
    const stdout = guardOutput(new ClosedPipe(), () => {});
    const io: CliIo = { stdout, stderr: new PassThrough(), stdinIsTTY: false, env: {}, onSignal: () => () => {}, prompt: async () => "" };
    const renderer = guardedRenderer(createRunRenderer("tree", io, { color: false, verbose: false, steps: outline }), stdout, () => {});
    for (const event of events) {
      renderer.onEvent(event);
      await tick();
    }
    expect(stdout.lost).toBe("EPIPE");
    await renderer.finish();
  });
});

describe("lastResort", () => {
  const stderrText = () => {
    const stderr = new PassThrough();
    return { stderr, text: () => String(stderr.read() ?? "") };
  };

  it("reports an error nobody caught and asks the running upgrade to stop at its next safe point", () => {
    const { stderr, text } = stderrText();
    const stop = vi.fn(() => true);
    const exit = vi.fn();
    const resort = lastResort({ stderr, stop, exit });
    resort.handle(new Error("socket hang up"), "unhandledRejection");
    expect(text()).toMatch(/^rollgate: internal error \(unhandledRejection\): Error: socket hang up\n/);
    expect(stop).toHaveBeenCalledOnce();
    expect(exit).not.toHaveBeenCalled();
    // The run's own exit code says what the cluster needs; a run that ended well still exits 1.
    expect(resort.exitCode(6)).toBe(6);
    expect(resort.exitCode(0)).toBe(1);
  });

  it("reports an error that repeats once", () => {
    const { stderr, text } = stderrText();
    const resort = lastResort({ stderr, stop: () => true, exit: () => {} });
    const error = new Error("tick");
    resort.handle(error, "uncaughtException");
    resort.handle(error, "uncaughtException");
    expect(text().match(/internal error/g)).toHaveLength(1);
  });

  it("exits 1 at once when no command takes stop requests", () => {
    const exit = vi.fn();
    lastResort({ stderr: new PassThrough(), stop: () => false, exit }).handle(new Error("boom"), "uncaughtException");
    expect(exit).toHaveBeenCalledExactlyOnceWith(1);
  });

  it("without errors, the command's exit code stands", () => {
    expect(lastResort({ stderr: new PassThrough(), stop: () => true, exit: () => {} }).exitCode(0)).toBe(0);
  });
});
