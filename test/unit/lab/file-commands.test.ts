// The lab's coreutils on /etc/pve answer as GNU coreutils 9.1 does: the same messages on stderr
// and the same exit codes, for what rollgate's cluster lock runs and how it can fail.

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { scaledClock, type LabClock } from "../../../src/lab/clock.js";
import { LabCluster } from "../../../src/lab/model/cluster.js";
import { healthyFaults } from "../../../src/lab/model/scenarios.js";
import { buildTopology } from "../../../src/lab/model/topology.js";
import { runCommandLine } from "../../../src/lab/shell/interpreter.js";

let clock: LabClock;
let cluster: LabCluster;

beforeEach(() => {
  clock = scaledClock(1);
  cluster = new LabCluster(buildTopology(3), { ...healthyFaults }, clock);
});
afterEach(() => clock.stop());

async function sh(line: string, stdin = "", node = "pve1"): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const status = await runCommandLine(
    {
      cluster,
      node,
      source: `ssh ${node}`,
      out: {
        stdout: async (chunk) => void (stdout += chunk),
        stderr: (chunk) => void (stderr += chunk),
      },
      stdin: async () => stdin,
      signal: new AbortController().signal,
      dropConnection: () => {},
    },
    line,
  );
  return { status, stdout, stderr };
}

const fails = (stderr: string, status = 1) => ({ status, stdout: "", stderr });
const ok = (stdout = "") => ({ status: 0, stdout, stderr: "" });

// Each line runs after the ones before it, on one cluster.
const steps: Array<[string, { status: number; stdout: string; stderr: string }]> = [
  ["mkdir /etc/pve/priv/lock/x", ok()],
  ["mkdir /etc/pve/priv/lock/x", fails("mkdir: cannot create directory '/etc/pve/priv/lock/x': File exists\n")],
  ["mkdir /etc/pve/nodes/pve1/x", fails("mkdir: cannot create directory '/etc/pve/nodes/pve1/x': No such file or directory\n")],
  ["mkdir -z /etc/pve/priv/y", fails("mkdir: invalid option -- 'z'\nTry 'mkdir --help' for more information.\n")],
  ["mkdir", fails("mkdir: missing operand\nTry 'mkdir --help' for more information.\n")],
  ["mkdir -p /etc/pve/priv/a/b", ok()],
  ["mkdir -p /etc/pve/priv/a/b", ok()],
  ["test -d /etc/pve/priv/a/b", ok()],
  ["rmdir /etc/pve/priv/a", fails("rmdir: failed to remove '/etc/pve/priv/a': Directory not empty\n")],
  ["rmdir /etc/pve/priv/lock/none", fails("rmdir: failed to remove '/etc/pve/priv/lock/none': No such file or directory\n")],
  // A young lock: the unlock request changes nothing, and the mtime 0 it carries is refused.
  ["touch -c -d @0 /etc/pve/priv/lock/x", fails("touch: setting times of '/etc/pve/priv/lock/x': Permission denied\n")],
  // `-c`: no file is created where the lock was.
  ["touch -c -d @0 /etc/pve/priv/lock/gone", ok()],
  ["test -e /etc/pve/priv/lock/gone", fails("")],
  ["touch -d yesterday /etc/pve/priv/t", fails("touch: the lab models only '-d @SECONDS'\n")],
  ["touch -d @x /etc/pve/priv/t", fails("touch: invalid date format '@x'\n")],
  ["touch /etc/pve/priv/t", ok()],
  ["test -f /etc/pve/priv/t", ok()],
  ["stat -c %Y /etc/pve/priv/none", fails("stat: cannot statx '/etc/pve/priv/none': No such file or directory\n")],
  ["mv -f /etc/pve/priv/none /etc/pve/priv/t", fails("mv: cannot stat '/etc/pve/priv/none': No such file or directory\n")],
  [
    "mv -f /etc/pve/priv/lock/x /etc/pve/priv/lock/y",
    fails("mv: cannot move '/etc/pve/priv/lock/x' to '/etc/pve/priv/lock/y': Permission denied\n"),
  ],
  ["rm -f /etc/pve/priv/none", ok()],
  ["rm /etc/pve/priv/none", fails("rm: cannot remove '/etc/pve/priv/none': No such file or directory\n")],
  ["rm -f /etc/pve/priv/lock/x", fails("rm: cannot remove '/etc/pve/priv/lock/x': Is a directory\n")],
  ["cat /etc/pve/priv", fails("cat: /etc/pve/priv: Is a directory\n")],
  ["mkdir /tmp/x", fails("mkdir: the lab models only files under /etc/pve, not '/tmp/x'\n")],
];

describe("with quorum", () => {
  it("answers each command line as coreutils does", async () => {
    const seen: typeof steps = [];
    for (const [line] of steps) seen.push([line, await sh(line)]);
    expect(seen).toEqual(steps);
  });

  it("an unlock request removes an expired lock: silently with -c, and touch says so without", async () => {
    clock.stop();
    // 120 model seconds in a tenth of a real millisecond.
    clock = scaledClock(1_000_000);
    cluster = new LabCluster(buildTopology(3), { ...healthyFaults }, clock);
    for (const lock of ["/etc/pve/priv/lock/x", "/etc/pve/priv/lock/y"]) await sh(`mkdir ${lock}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await sh("touch -c -d @0 /etc/pve/priv/lock/x")).toEqual(ok());
    expect(await sh("touch -d @0 /etc/pve/priv/lock/y")).toEqual(
      fails("touch: setting times of '/etc/pve/priv/lock/y': No such file or directory\n"),
    );
    expect([await sh("test -e /etc/pve/priv/lock/x"), await sh("test -e /etc/pve/priv/lock/y")]).toEqual([fails(""), fails("")]);
  });

  it("writes a file with dd from stdin, renames it over another, and prints its mtime and the time", async () => {
    const before = Math.floor(Date.now() / 1000);
    expect(await sh("dd of=/etc/pve/priv/f.tmp status=none", '{"a":1}\n')).toEqual(ok());
    expect(await sh("dd of=/etc/pve/priv/f status=none", "old\n")).toEqual(ok());
    expect(await sh("mv -f /etc/pve/priv/f.tmp /etc/pve/priv/f", "", "pve2")).toEqual(ok());
    expect(await sh("cat /etc/pve/priv/f", "", "pve3")).toEqual(ok('{"a":1}\n'));
    const mtime = Number((await sh("stat -c %Y /etc/pve/priv/f")).stdout);
    const now = Number((await sh("date +%s")).stdout);
    expect(mtime).toBeGreaterThanOrEqual(before);
    expect(now).toBeGreaterThanOrEqual(mtime);
    expect(cluster.pmxcfs.stat("/etc/pve/priv/f")?.writer).toBe("pve2");
    expect(await sh("dd if=/dev/zero of=/etc/pve/priv/f")).toEqual(fails("dd: the lab models only 'dd of=FILE status=none'\n"));
  });

  it("records every write to /etc/pve apart from the mutations, with its outcome", async () => {
    await sh("mkdir /etc/pve/priv/lock/x");
    await sh("mkdir /etc/pve/priv/lock/x", "", "pve2");
    await sh("rmdir /etc/pve/priv/lock/x", "", "pve3");
    const record = cluster.record.snapshot();
    expect(record.mutations).toEqual([]);
    expect(record.pmxcfs.map(({ source, op, path, outcome }) => [source, op, path, outcome])).toEqual([
      ["ssh pve1", "mkdir", "/etc/pve/priv/lock/x", "ok"],
      ["ssh pve2", "mkdir", "/etc/pve/priv/lock/x", "EEXIST"],
      ["ssh pve3", "rmdir", "/etc/pve/priv/lock/x", "ok"],
    ]);
  });
});

describe("without quorum", () => {
  it("refuses every write with Permission denied, and still reads", async () => {
    await sh("dd of=/etc/pve/priv/f status=none", "data\n");
    await sh("mkdir /etc/pve/priv/lock/x");
    cluster.faults.quorumLost = true;
    expect(await sh("mkdir /etc/pve/priv/lock/y")).toEqual(
      fails("mkdir: cannot create directory '/etc/pve/priv/lock/y': Permission denied\n"),
    );
    // The kernel sees the name exists before pmxcfs is asked.
    expect(await sh("mkdir /etc/pve/priv/lock/x")).toEqual(fails("mkdir: cannot create directory '/etc/pve/priv/lock/x': File exists\n"));
    expect(await sh("rmdir /etc/pve/priv/lock/x")).toEqual(fails("rmdir: failed to remove '/etc/pve/priv/lock/x': Permission denied\n"));
    expect(await sh("dd of=/etc/pve/priv/g status=none", "x")).toEqual(fails("dd: failed to open '/etc/pve/priv/g': Permission denied\n"));
    expect(await sh("mv -f /etc/pve/priv/f /etc/pve/priv/g")).toEqual(
      fails("mv: cannot move '/etc/pve/priv/f' to '/etc/pve/priv/g': Permission denied\n"),
    );
    expect(await sh("rm -f /etc/pve/priv/f")).toEqual(fails("rm: cannot remove '/etc/pve/priv/f': Permission denied\n"));
    expect(await sh("touch /etc/pve/priv/h")).toEqual(fails("touch: cannot touch '/etc/pve/priv/h': Permission denied\n"));
    expect(await sh("touch /etc/pve/priv/f")).toEqual(fails("touch: setting times of '/etc/pve/priv/f': Permission denied\n"));
    expect(await sh("cat /etc/pve/priv/f")).toEqual(ok("data\n"));
  });
});
