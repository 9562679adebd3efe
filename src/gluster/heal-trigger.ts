// `gluster volume heal VOL`: asks the self-heal daemons for an index crawl. Success is two lines on stdout, exit 0;
// a refusal is `… has been unsuccessful:` and the reason on stderr, exit 1 (glusterfs v10.3 cli-rpc-ops.c).
import { describeGlusterFailure } from "./cli-errors.js";
import { fail, parsing, quote } from "./output-error.js";
import type { GlusterInvocation, Parsed } from "./types.js";

const COMMAND = "volume heal";
const LAUNCHED = /^Launching heal operation to perform index self heal on volume (\S+) has been successful ?$/;
const NEXT_STEP = "Use heal info commands to check status.";
const REFUSED = /^Launching heal operation to perform index self heal on volume (\S+) has been unsuccessful:$/;

interface KnownRefusal {
  pattern: RegExp;
  explain(volume: string, match: RegExpMatchArray): string;
}

const REFUSALS: readonly KnownRefusal[] = [
  {
    // Any brick or self-heal daemon down (docs/domain/gluster.md, "Heal"): wait for them, the heal starts by itself anyway.
    pattern: /^Glusterd Syncop Mgmt brick op 'Heal' failed/,
    explain: (volume) => `a brick or self-heal daemon of volume ${volume} is down, so gluster would not launch the heal`,
  },
  {
    pattern: /^Staging failed on (\S+)\. Error: Self-heal daemon is not running/,
    explain: (_volume, [, host]) => `the self-heal daemon on ${host} is not running`,
  },
  { pattern: /^Volume \S+ is not started/, explain: (volume) => `volume ${volume} is not started` },
  {
    // Also what a distribute (non-replicated) volume answers.
    pattern: /^Self-heal-daemon is disabled/,
    explain: (volume) => `self-heal is disabled on volume ${volume} (cluster.self-heal-daemon off, or not replicated)`,
  },
];

export interface HealLaunch {
  volume: string;
}

function explainRefusal(volume: string, reason: string | undefined): string {
  if (reason === undefined) return `gluster refused to launch the heal of volume ${volume} without saying why`;
  for (const refusal of REFUSALS) {
    const match = reason.match(refusal.pattern);
    if (match) return `${refusal.explain(volume, match)} (gluster printed ${quote(reason)})`;
  }
  return `gluster refused to launch the heal of volume ${volume}: ${quote(reason)}`;
}

export function parseHealTrigger(run: GlusterInvocation): Parsed<HealLaunch> {
  return parsing(() => {
    const lines = `${run.stdout}\n${run.stderr}`.split("\n").filter((line) => line.trim() !== "");
    for (const [index, line] of lines.entries()) {
      const refusedVolume = REFUSED.exec(line)?.[1];
      if (refusedVolume !== undefined) fail(explainRefusal(refusedVolume, lines[index + 1]));
    }
    const failure = describeGlusterFailure(run);
    if (failure !== null) fail(failure);
    const [launched, nextStep] = lines;
    const volume = LAUNCHED.exec(launched ?? "")?.[1];
    if (volume === undefined || nextStep !== NEXT_STEP) {
      fail(`${COMMAND}: expected "Launching heal operation … has been successful",` + ` gluster printed ${quote(lines.join(" "))}`);
    }
    return { volume };
  });
}
