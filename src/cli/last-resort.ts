// The last resort for an error nobody caught (a throw in an event handler, a promise rejected
// with nobody awaiting it; Node raises both as uncaughtException). It is a bug, and Node's answer
// is to print it and exit 1 at once. For an upgrade in progress that is the worst answer: a node
// left in HA maintenance halfway through apt-get or a reboot, a stale lock, no outcome journaled,
// nobody notified. The engine's own chain of awaits is intact (a throw unwinds only the callback
// that threw), so the run is asked to stop as on SIGTERM instead: the change in flight finishes,
// where it stopped is journaled, notifications go out, the lock is released, exit 6 (unless the
// run was already past its last node), and `upgrade --resume` continues once the bug is looked
// at. Unknown means no: no further change is started by a process in a state nobody planned for.
// A command with nothing to wind down exits 1 at once, as Node would. Only bin/rollgate installs
// this: in tests, an error nobody caught must fail the test.

import { ExitCode } from "../util/errors.js";
import { println, processOutput, stopForInternalError, type Output } from "./io.js";

export interface LastResortDeps {
  stderr: Output;
  /** Asks the running command to stop at its next safe point; false when none takes stop requests. */
  stop(): boolean;
  exit(code: number): void;
}

export interface LastResort {
  handle(error: unknown, origin: string): void;
  /** The process's exit code: a command that ended well still exits 1 after a bug nobody caught. */
  exitCode(commandExitCode: number): number;
}

export function lastResort(deps: LastResortDeps): LastResort {
  const reported = new Set<string>();
  return {
    handle(error, origin) {
      const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
      // An error that repeats (a timer's) is reported once: the first report says it all.
      if (!reported.has(text))
        println(deps.stderr, `rollgate: internal error (${origin}): ${text}\nThis is a bug; please report it with the output above.`);
      reported.add(text);
      if (!deps.stop()) deps.exit(ExitCode.internal);
    },
    exitCode: (code) => (code === ExitCode.ok && reported.size > 0 ? ExitCode.internal : code),
  };
}

/** For bin/rollgate: the process's guarded stderr, its stop requests, its exit. */
export function installLastResort(): LastResort {
  const resort = lastResort({ stderr: processOutput().stderr, stop: stopForInternalError, exit: (code) => process.exit(code) });
  process.on("uncaughtException", (error, origin) => resort.handle(error, origin));
  return resort;
}
