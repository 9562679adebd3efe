// Another run going on, as `check`, `plan`, `status` and `upgrade --dry-run` tell it: what the two
// locks mean together, the sentence said first, and no advice about the node that run is upgrading
// (in verdicts, a plan, and a dry run's events), while exit codes and the data stay as they are.

import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import type { CliIo } from "../../../src/cli/io.js";
import { BusyAdvice, busyLine, otherRunLine, otherRunLines } from "../../../src/cli/render/live-run.js";
import { createRunRenderer } from "../../../src/cli/render/run-renderer.js";
import { noStyle } from "../../../src/cli/render/style.js";
import type { Plan } from "../../../src/plan/plan.js";
import type { ClusterLockHolder, ClusterLockState } from "../../../src/run/cluster-lock.js";
import { busyNodes, judgeOtherRuns, type OtherRun } from "../../../src/run/live-run.js";
import type { LockInfo, LockState } from "../../../src/run/lock.js";
import { outline, refusedAtNode, SPLIT_BRAIN, verdict } from "../../helpers/run-events.js";

const STARTED = "2026-11-22T22:50:00.000Z";
const holder: ClusterLockHolder = {
  runId: "20261122T225000Z-3fa2",
  pid: 4242,
  host: "ops1",
  user: "admin",
  command: "upgrade",
  startedAt: STARTED,
  journalDir: "/var/lib/rollgate",
  configFile: "/etc/rollgate/cluster.yaml",
};
const info: LockInfo = { pid: holder.pid, host: holder.host, runId: holder.runId, startedAt: STARTED, command: "upgrade" };
const onCluster = (kind: "live" | "stale", working: { node: string | null; step: string | null } | null): ClusterLockState => ({
  kind,
  holder,
  working,
  ageSeconds: kind === "live" ? 10 : 600,
  writtenAt: "2026-11-22T23:10:00.000Z",
  via: "pve1",
});
const judge = (local: LockState, cluster: ClusterLockState | null, localWorking: OtherRun["working"] = null) =>
  judgeOtherRuns({ dir: "/var/lib/rollgate", local, localWorking, cluster, leaseMs: 180_000 });

const run = (more: Partial<OtherRun> = {}): OtherRun => ({
  liveness: "live",
  runId: holder.runId,
  host: "ops1",
  pid: 4242,
  startedAt: STARTED,
  working: { node: "pve3", step: "apt-upgrade" },
  lastRefresh: null,
  journalDir: null,
  ...more,
});

describe("what the two locks mean together", () => {
  it("nothing held: no run, nothing unknown", () => {
    expect(judge({ kind: "free" }, { kind: "free", via: "pve1" })).toEqual({ runs: [], unknown: [] });
    expect(judge({ kind: "free" }, null)).toEqual({ runs: [], unknown: [] });
  });

  it("a live cluster record alone: the run, its node and step, and where its journal is", () => {
    expect(judge({ kind: "free" }, onCluster("live", { node: "pve3", step: "reboot-if-needed" }))).toEqual({
      runs: [
        run({
          working: { node: "pve3", step: "reboot-if-needed" },
          lastRefresh: "2026-11-22T23:10:00.000Z",
          journalDir: "/var/lib/rollgate",
        }),
      ],
      unknown: [],
    });
  });

  it("the same run in both: one run, where its journal says it is, alive as this host sees its process", () => {
    const found = judge({ kind: "live", info }, onCluster("live", { node: "pve3", step: null }), { node: "pve3", step: "apt-upgrade" });
    expect(found.runs).toEqual([run({ lastRefresh: "2026-11-22T23:10:00.000Z" })]);
    // Its process is gone here: stale, whatever the record says; a record that was refreshed vouches for a foreign one.
    expect(judge({ kind: "stale", info }, onCluster("live", null)).runs.map((r) => r.liveness)).toEqual(["stale"]);
    expect(judge({ kind: "foreign", info }, onCluster("live", null)).runs.map((r) => r.liveness)).toEqual(["live"]);
    expect(judge({ kind: "foreign", info }, onCluster("stale", null)).runs.map((r) => r.liveness)).toEqual(["stale"]);
    expect(judge({ kind: "foreign", info }, { kind: "free", via: "pve1" }).runs.map((r) => r.liveness)).toEqual(["unconfirmed"]);
  });

  it("two different runs: both; what cannot be read: unknown", () => {
    const other = { ...info, runId: "20261123T010000Z-0001", pid: 77 };
    expect(judge({ kind: "live", info: other }, onCluster("live", null)).runs.map((r) => r.runId)).toEqual([other.runId, holder.runId]);
    const unknown = judge(
      { kind: "unreadable", problem: "it is garbled: it is not JSON" },
      { kind: "unknown", problems: [{ node: "pve1", problem: "cannot connect" }] },
    );
    expect(unknown.runs).toEqual([]);
    expect(unknown.unknown).toEqual([
      "the lock /var/lib/rollgate/lock cannot be read: it is garbled: it is not JSON",
      "the cluster lock cannot be read on any node (pve1: cannot connect): whether another run holds it is unknown",
    ]);
  });

  it("the busy nodes: those of runs that may be going on, never of a stale one", () => {
    const found = {
      runs: [
        run(),
        run({ working: { node: null, step: null } }),
        run({ liveness: "unconfirmed", working: { node: "pve1", step: null } }),
        run({ liveness: "stale", working: { node: "pve2", step: null } }),
      ],
      unknown: [],
    };
    expect(busyNodes(found)).toEqual(["pve3", "pve1"]);
  });
});

describe("the sentence said first", () => {
  const who = "a run started at 2026-11-22 22:50:00 UTC on host ops1 (PID 4242)";

  it("names the node and step a live run is upgrading, or says what is not known", () => {
    expect(otherRunLine(run())).toBe(`${who} is upgrading pve3 now (step apt-upgrade)`);
    expect(otherRunLine(run({ working: { node: "pve3", step: null } }))).toBe(`${who} is upgrading pve3 now`);
    expect(otherRunLine(run({ working: { node: null, step: null } }))).toBe(`${who} is running now, upgrading no node at the moment`);
    expect(otherRunLine(run({ working: null }))).toBe(
      `${who} is running now; which node it is upgrading is not known (its lock does not say)`,
    );
    expect(otherRunLine(run({ journalDir: "/srv/rg" }))).toBe(
      `${who} is upgrading pve3 now (step apt-upgrade); \`rollgate status --journal-dir /srv/rg\` on ops1 shows its steps`,
    );
    expect(otherRunLine(run({ liveness: "unconfirmed" }))).toBe(
      `${who} is upgrading pve3 now (step apt-upgrade), as far as its lock tells: it runs on another host, so whether it still does cannot be checked from here`,
    );
  });

  it("a run that stopped refreshing its lock may have died: status, then resume", () => {
    expect(otherRunLine(run({ liveness: "stale", lastRefresh: "2026-11-22T23:10:00.000Z", journalDir: "/srv/rg" }))).toBe(
      `${who} stopped refreshing its lock at 2026-11-22 23:10:00 UTC while upgrading pve3 (step apt-upgrade); it may have died, maybe with a node out of service: ` +
        "check `rollgate status --journal-dir /srv/rg` on ops1 and the cluster, then `rollgate upgrade --resume --break-stale-lock` there continues it",
    );
    expect(otherRunLine(run({ liveness: "stale", working: null }))).toBe(
      `${who} is gone, and left its lock behind; it may have died, maybe with a node out of service: check \`rollgate status\` and the cluster, then \`rollgate upgrade --resume --break-stale-lock\` continues it`,
    );
  });

  it("says what could not be read", () => {
    expect(otherRunLines({ runs: [], unknown: ["the lock x cannot be read: y"] }, noStyle)).toEqual([
      "whether another run is going on cannot be told: the lock x cannot be read: y",
    ]);
  });
});

describe("no advice about a node a live run is upgrading", () => {
  const busy = new BusyAdvice(["pve3"]);

  it("replaces every line naming the node as a word, once, and nothing else", () => {
    const lines = [
      "pve3: in HA maintenance mode (left by an earlier run?): check the node, then `ha-manager crm-command node-maintenance disable pve3`",
      "pve1:/data/brick/gv0: 12 entries pending",
      "pve3:/data/brick/gv0: brick process is offline",
      "pve30: offline",
      "PVE3 over SSH: no answer",
      "pve3-old: offline; pve1 → pve3 (10.10.0.3): no answer",
    ];
    expect(busy.lines(lines)).toEqual([busyLine("pve3"), "pve1:/data/brick/gv0: 12 entries pending", "pve30: offline"]);
    expect(busyLine("pve3")).toBe("pve3 is being upgraded by the live run above; wait for it or see `rollgate status`");
    expect(new BusyAdvice([]).lines(lines)).toEqual(lines);
  });

  it("in verdicts: only a refusal's reasons; the verdict itself stays a refusal", () => {
    const verdicts = [
      verdict("nodes-online", ["pve3: offline in the cluster (corosync): bring it back before upgrading any node"]),
      { ...verdict("quorum"), checked: ["pve3 votes"] },
    ];
    const shown = busy.verdicts(verdicts);
    expect(shown).toEqual([{ ...verdicts[0], reasons: [busyLine("pve3")] }, verdicts[1]]);
    expect(verdicts[0]!.reasons[0]).toMatch(/^pve3: offline/);
  });

  it("in a plan: its gates, and what stops each node", () => {
    const move = {
      vmid: 100,
      name: "fw-a",
      group: "routers",
      action: "migrate",
      to: "pve1",
      problem: "HA would pull 100 back to pve3: set nofailback",
    };
    const plan = {
      gates: [verdict("nodes-online", ["pve3: in HA maintenance mode"])],
      nodes: [
        {
          node: "pve1",
          notes: ["pve3's Gluster mounts: could not be observed", move.problem, "packages unknown: pve1: timeout"],
          moves: [move],
        },
      ],
    } as unknown as Plan;
    const shown = busy.plan(plan);
    expect(shown.gates[0]!.reasons).toEqual([busyLine("pve3")]);
    expect(shown.nodes[0]!.notes).toEqual([busyLine("pve3"), "packages unknown: pve1: timeout"]);
    expect(shown.nodes[0]!.moves[0]!.problem).toBe(busyLine("pve3"));
  });

  it("in a dry run's plain lines: the refusing gate's reasons and the messages built from them", async () => {
    const stdout = Object.assign(new PassThrough(), { isTTY: false });
    let text = "";
    stdout.on("data", (chunk: Buffer) => (text += chunk.toString()));
    const io = {
      stdout,
      stderr: new PassThrough(),
      stdinIsTTY: false,
      env: {},
      onSignal: () => () => {},
      prompt: async () => "",
    } as unknown as CliIo;
    const renderer = busy.renderer(createRunRenderer("plain", io, { color: false, verbose: false, steps: outline }));
    for (const event of refusedAtNode()) renderer.onEvent(event);
    await renderer.finish();
    const lines = text.split("\n").map((line) => line.replace(/^\S+ /, ""));
    expect(lines).toContain("pve1 preflight-gates: gate gluster-healed refuses:");
    expect(lines).toContain(`    ${SPLIT_BRAIN}`);
    expect(lines).toContain(`    ${busyLine("pve3")}`);
    expect(lines).toContain(`run ended: REFUSED (exit 3): gluster-healed: ${SPLIT_BRAIN}; gluster-healed: ${busyLine("pve3")}`);
    expect(text).not.toContain("pve3:/data/brick/gv0 is offline");
  });
});
