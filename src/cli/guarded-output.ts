// Output that can no longer be shown is dropped, never thrown at whoever wrote it: that may be
// the engine's emit halfway through a node. The reader of a pipe leaves (`| head -30`: EPIPE),
// the pty of a dropped SSH session vanishes (EIO), a redirect's disk fills up (ENOSPC); a run
// goes on regardless, and its journal has every event. Node reports a failed write both ways:
// thrown by the write (a file: fs.writeSync) or as an 'error' event on a later tick (a pipe, a
// terminal), which with no listener ends the process.

import type { Output } from "./io.js";

export interface GuardedOutput extends Output {
  /** Why nothing more is written (the first failure's code); null while output goes through. */
  readonly lost: string | null;
}

/** The stream as Node gives it: process.stdout and process.stderr are terminals, pipes or files. */
type OutputStream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number; rows?: number };

/**
 * A failure of where the output goes, not of what was written: the system refused the write
 * (an errno error names its syscall), or an earlier refusal has already destroyed the stream.
 */
function isDestinationError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && ("syscall" in error || (error as NodeJS.ErrnoException).code === "ERR_STREAM_DESTROYED");
}

/** `stream`, made safe to write to after its destination is gone; `onLost` hears the first failure once. */
export function guardOutput(stream: OutputStream, onLost: (reason: string) => void): GuardedOutput {
  let lost: string | null = null;
  const lose = (error: NodeJS.ErrnoException) => {
    if (lost !== null) return;
    lost = error.code ?? error.message;
    onLost(lost);
  };
  // After an 'error' event a stream is destroyed, whatever the error was: nothing more gets through.
  stream.on("error", lose);
  const dropped = (callback?: () => void) => {
    if (callback) process.nextTick(callback);
    return true;
  };
  return {
    get lost() {
      return lost;
    },
    // Own, enumerable properties, as on a tty.WriteStream: listr2 hands log-update a copy of the
    // stream's own properties (Object.assign), and log-update sizes the live tree from them.
    get isTTY() {
      return stream.isTTY;
    },
    get columns() {
      return stream.columns;
    },
    get rows() {
      return stream.rows;
    },
    write(text, callback) {
      if (lost !== null) return dropped(callback);
      try {
        return stream.write(text, (error) => {
          if (error) lose(error);
          callback?.();
        });
      } catch (error) {
        if (!isDestinationError(error)) throw error;
        lose(error);
        return dropped(callback);
      }
    },
  };
}
