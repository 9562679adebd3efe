// iputils ping: exit 0 = answered, 1 = no answer, 2 = could not even send (e.g. no route).

import type { CommandResult } from "../../transport/remote-command.js";

export function interpretPing(result: CommandResult): { reachable: boolean; detail: string } {
  const stats = /(\d+) packets transmitted, (\d+) received/.exec(result.stdout);
  if (result.exitCode === 0 && stats && Number(stats[2]) > 0)
    return { reachable: true, detail: `answers (${stats[2]}/${stats[1]} replies)` };
  if (result.exitCode === 1 && stats) return { reachable: false, detail: `no answer (${stats[1]} sent, ${stats[2]} received)` };
  if (result.exitCode === 2) return { reachable: false, detail: `cannot send: ${result.stderr.trim() || "ping failed"}` };
  const ended = result.exitCode === null ? `was killed by ${result.signal ?? "a signal"}` : `exited ${result.exitCode}`;
  throw new Error(`ping ${ended}${result.stderr.trim() ? `: ${result.stderr.trim()}` : ""}; output not understood`);
}
