// contrib/'s systemd units and cron line do what contrib/README.md says: the command they run is
// one rollgate accepts, the timer fires inside the window, and the exit codes they treat as success
// mean what the README says they mean.

import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { inWindow, parseWindow } from "../../src/run/window.js";
import { exitCodeMeanings } from "../../src/util/errors.js";
import { runCli } from "../helpers/cli.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const contrib = (file: string) => readFile(path.join(root, "contrib", file), "utf8");

/** `Key=value` lines of a unit file. */
function directives(unit: string): Map<string, string> {
  return new Map(
    unit
      .split("\n")
      .filter((line) => /^[A-Z]\w*=/.test(line))
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );
}

/** The rollgate arguments of a command line: what follows the `rollgate` word, up to a shell redirection. */
function rollgateArgs(commandLine: string): string[] {
  const words = commandLine.split(/\s+/);
  const at = words.findIndex((w) => w === "rollgate" || w.endsWith("/rollgate"));
  expect(at, commandLine).toBeGreaterThanOrEqual(0);
  const rest = words.slice(at + 1);
  const redirect = rest.findIndex((w) => /^\d?>>?/.test(w));
  return redirect === -1 ? rest : rest.slice(0, redirect);
}

async function expectAccepted(args: string[]): Promise<void> {
  const [command, ...rest] = args;
  expect(command).toBe("upgrade");
  const help = (await runCli([command!, "--help"])).stdout;
  for (const flag of rest.filter((a) => a.startsWith("-"))) expect(help, `rollgate upgrade ${flag}`).toContain(flag);
  const window = rest[rest.indexOf("--window") + 1]!;
  expect(() => parseWindow(window)).not.toThrow();
}

describe("contrib/", () => {
  it("the service runs an unattended upgrade rollgate accepts, and counts only 'outside the window' as success", async () => {
    const service = directives(await contrib("rollgate.service"));
    const args = rollgateArgs(service.get("ExecStart")!);
    await expectAccepted(args);
    // Without --yes an unattended upgrade is a usage error.
    expect(args).toContain("--yes");
    const codes = service.get("SuccessExitStatus")!.split(/\s+/).map(Number);
    expect(codes.map((c) => exitCodeMeanings[c as keyof typeof exitCodeMeanings])).toEqual([
      "outside the maintenance window; no (further) node started",
    ]);
  });

  it("the timer fires inside the service's window", async () => {
    const service = directives(await contrib("rollgate.service"));
    const args = rollgateArgs(service.get("ExecStart")!);
    const window = parseWindow(args[args.indexOf("--window") + 1]!);
    const fires = /^\*-\*-\* (\d\d):(\d\d)/.exec(directives(await contrib("rollgate.timer")).get("OnCalendar")!)!;
    expect(inWindow(window, new Date(2026, 0, 1, Number(fires[1]), Number(fires[2])))).toBe(true);
  });

  it("the cron line runs the same command at a minute inside the window", async () => {
    const line = (await contrib("rollgate.cron")).split("\n").find((l) => /^\d/.test(l))!;
    const [minute, hour, , , , user] = line.split(/\s+/);
    expect(user).toBe("root");
    const args = rollgateArgs(line);
    await expectAccepted(args);
    const service = directives(await contrib("rollgate.service"));
    expect(args).toEqual(rollgateArgs(service.get("ExecStart")!));
    const window = parseWindow(args[args.indexOf("--window") + 1]!);
    expect(inWindow(window, new Date(2026, 0, 1, Number(hour), Number(minute)))).toBe(true);
  });

  it.runIf(existsSync("/usr/bin/systemd-analyze"))("systemd-analyze finds nothing wrong with the units", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "rollgate-contrib-"));
    try {
      // The units name the installed binary; here, the checkout's.
      const service = (await contrib("rollgate.service")).replace("/usr/local/bin/rollgate", path.join(root, "bin", "rollgate"));
      await writeFile(path.join(dir, "rollgate.service"), service);
      await writeFile(path.join(dir, "rollgate.timer"), await contrib("rollgate.timer"));
      const verdict = await promisify(execFile)("systemd-analyze", [
        "verify",
        path.join(dir, "rollgate.service"),
        path.join(dir, "rollgate.timer"),
      ]);
      expect(verdict.stderr.trim()).toBe("");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
