// The lab gluster CLI's `--timeout=` as glusterfs cli/src/cli.c cli_opt_parse reads it: strtol over
// the whole value, more than 0, else "timeout value should be a positive integer" on stderr and
// main() returning parse_cmdline's -2 (exit status 254), before any command word is looked at.

import { describe, expect, it } from "vitest";
import { runGluster } from "../../../src/lab/gluster/cli.js";
import { parseArguments } from "../../../src/lab/gluster/global-options.js";
import { stdoutOf } from "./fixtures.js";
import { LOOPBACK } from "./loopback.js";
import { nodeView } from "./views.js";

const run = (command: string) => {
  const result = runGluster(command.split(" "), nodeView(LOOPBACK.healthy));
  return { stdout: stdoutOf(result), stderr: result.stderr, exitCode: result.exitCode };
};

describe("--timeout=", () => {
  it.each(["abc", "0", "-5", "", "5s", "1.5", "0x10"])("--timeout=%s is refused as the real CLI refuses it", (value) => {
    expect(run(`--timeout=${value} volume list`)).toEqual({
      stdout: "",
      stderr: "timeout value should be a positive integer\n",
      exitCode: 254,
    });
  });

  it.each([
    ["7", 7],
    ["007", 7],
    ["+5", 5],
    [" 5", 5],
  ])("--timeout=%s is strtol's %d", (value, seconds) => {
    expect(parseArguments(["volume", "list", `--timeout=${value}`])).toMatchObject({ kind: "words", timeoutSeconds: seconds });
  });

  it("is refused wherever it stands, and before an unknown command word", () => {
    expect(run("volume frobnicate --timeout=0").exitCode).toBe(254);
  });

  it("options are read in order: an unknown option before it is reported first", () => {
    expect(run("--bogus --timeout=0 volume list").exitCode).toBe(255);
    expect(run("--timeout=0 --bogus volume list").exitCode).toBe(254);
  });

  it("a valid one still runs the command", () => {
    expect(run("--timeout=30 volume list")).toMatchObject({ exitCode: 0, stderr: "" });
  });
});
