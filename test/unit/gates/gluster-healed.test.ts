// gluster-healed: every brick of gv0 (from `volume info`) online, reachable, with zero pending entries and
// no split-brain, every self-heal daemon and peer up. Gluster's `-` means unknown and must never count as 0.

import { describe, expect, it } from "vitest";
import {
  brickOf,
  brickProcessOffline,
  brickUnreachable,
  clusterConfig,
  degraded,
  evaluate,
  expectPass,
  expectRefusal,
  glusterdDown,
  healCountUnknown,
  healPending,
  healthyState,
  missingFromHealInfo,
  peerDisconnected,
  peersNotRead,
  peerState,
  peersUnobservable,
  selfHealDaemonOffline,
  selfHealDaemonsListedAs,
  splitBrain,
  splitBrainView,
  strangerInHealInfo,
  volumeStatus,
  volumeType,
  volumeUnobservable,
  type Mutator,
} from "./state-factory.js";

const PVE2 = brickOf("pve2");
const PVE3 = brickOf("pve3");

describe("gluster-healed gate", () => {
  it("passes when every brick is online with 0 entries and no split-brain, and reports 0 per brick", () => {
    const verdict = evaluate("gluster-healed", healthyState());
    expectPass(verdict);
    expect(verdict.metrics).toEqual({ [`gv0 ${brickOf("pve1")}`]: 0, [`gv0 ${PVE2}`]: 0, [`gv0 ${PVE3}`]: 0 });
    expect(verdict.summary).toBe("gv0: 0 entries on 3 bricks, no split-brain");
  });

  it.each<[string, Mutator[], string]>([
    [
      "entries are pending on two bricks",
      [healPending("pve2", 205), healPending("pve3", 12)],
      "gv0: 217 entries pending on 2 of 3 bricks, no split-brain",
    ],
    ["heal info printed `-` for a brick", [healCountUnknown("pve2")], "gv0: 0 entries on 2 of 3 bricks (1 unknown), no split-brain"],
    [
      "a brick is unreachable",
      [brickUnreachable("pve3")],
      "gv0: 0 entries on 2 of 3 bricks (1 unknown), no split-brain on 2 of 3 bricks (1 unknown)",
    ],
    ["a brick process is offline", [brickProcessOffline("pve2")], "gv0: 1 brick process offline, 0 entries on 3 bricks, no split-brain"],
    [
      "a node's glusterd does not answer",
      [glusterdDown("pve3")],
      "gv0: 1 brick not in volume status, 0 entries on 3 bricks, no split-brain",
    ],
    [
      "a self-heal daemon is offline",
      [selfHealDaemonOffline("pve3")],
      "gv0: 1 self-heal daemon offline, 0 entries on 3 bricks, no split-brain",
    ],
    ["entries are in split-brain", [splitBrain("pve2", 2)], "gv0: 0 entries on 3 bricks, 2 entries in split-brain on 1 of 3 bricks"],
    ["the volume is stopped", [volumeStatus("Stopped")], "gv0: Stopped, 0 entries on 3 bricks, no split-brain"],
    [
      "peers are disconnected or not read",
      [peerDisconnected("pve1", "pve3"), peersNotRead("pve2")],
      "gv0: 0 entries on 3 bricks, no split-brain; peers: pve1 sees pve3 disconnected, pve2 not read",
    ],
    ["the volume is unobservable", [volumeUnobservable("Volume gv0 does not exist")], "gv0: unknown (volume status not read)"],
  ])("summarizes the refusal when %s", (_, mutators, summary) => {
    const verdict = evaluate("gluster-healed", degraded(...mutators));
    expect(verdict.pass).toBe(false);
    expect(verdict.summary).toBe(summary);
  });

  it.each<[string, Mutator, string[]]>([
    [
      "entries are pending on a brick",
      healPending("pve2", 205, ["/images/100/vm-100-disk-0.raw", "/images/101/vm-101-disk-0.raw"]),
      [`${PVE2}: 205 entries pending (e.g. /images/100/vm-100-disk-0.raw)`, "`gluster volume heal gv0`"],
    ],
    ["heal info printed `-` for a connected brick", healCountUnknown("pve2"), [`${PVE2}: gluster printed no entry count; state unknown`]],
    [
      "a brick is not reachable from the vantage node",
      brickUnreachable("pve3"),
      [`${PVE3}: not reachable from pve1 (Transport endpoint is not connected); entries unknown`],
    ],
    ["a brick is missing from heal info", missingFromHealInfo("pve3"), [`${PVE3}: missing from \`gluster volume heal gv0 info\``]],
    [
      "a node's glusterd does not answer (its brick is missing from volume status)",
      glusterdDown("pve3"),
      [`${PVE3}: not listed by \`gluster volume status gv0\``, "start glusterd on pve3"],
    ],
    ["a brick process is offline", brickProcessOffline("pve2"), [`${PVE2}: brick process is offline`, "`gluster volume start gv0 force`"]],
    ["a self-heal daemon is offline", selfHealDaemonOffline("pve3"), [`${PVE3}: the self-heal daemon on pve3 is offline`]],
    [
      "entries are in split-brain",
      splitBrain("pve2", 2, ["<gfid:28ef8ead-4861-48dd-8b31-5a154279703a>"]),
      [
        `${PVE2}: 2 entries in split-brain (e.g. <gfid:28ef8ead-4861-48dd-8b31-5a154279703a>)`,
        "waiting will not resolve it",
        "`gluster volume heal gv0 split-brain latest-mtime gfid:28ef8ead-4861-48dd-8b31-5a154279703a`",
        "source-brick HOST:BRICK",
      ],
    ],
    ["the split-brain count is unknown", splitBrain("pve2", null), [`${PVE2}: split-brain state unknown`]],
    ["the volume is stopped", volumeStatus("Stopped"), ["volume gv0 is Stopped, not Started", "gluster volume start gv0"]],
    ["a peer is disconnected", peerDisconnected("pve1", "pve3"), ["pve1 sees peer pve3 as disconnected"]],
    ["a peer is rejected", peerState("pve1", "pve2", "Peer Rejected"), ['pve1 sees peer pve2 as "Peer Rejected"', "restart glusterd"]],
    [
      "a node's peer status is unobservable",
      peersUnobservable("pve2", "Connection failed. Please check if gluster daemon is operational."),
      ["gluster peer status on pve2: could not be observed (Connection failed. Please check if gluster daemon is operational.)"],
    ],
    [
      "a node's peer status was not read at all",
      peersNotRead("pve3"),
      ["gluster peer status on pve3: could not be observed (not collected)"],
    ],
    [
      "the volume is unobservable",
      volumeUnobservable("`gluster volume info gv0 --xml` on pve1: Volume gv0 does not exist"),
      ["volume gv0: could not be observed (`gluster volume info gv0 --xml` on pve1: Volume gv0 does not exist)"],
    ],
  ])("refuses when %s", (_, mutate, texts) => {
    expectRefusal(evaluate("gluster-healed", degraded(mutate)), ...texts);
  });

  it.each<[string, Mutator, boolean]>([
    ["a brick process is offline while its glusterd answers", brickProcessOffline("pve2"), true],
    ["a self-heal daemon is offline", selfHealDaemonOffline("pve3"), true],
    ["entries are in split-brain", splitBrain("pve2", 2, ["/images/101/vm-101-disk-0.raw"]), true],
    ["a peer is rejected", peerState("pve1", "pve2", "Peer Rejected"), true],
    ["entries are pending", healPending("pve2", 205), false],
    ["a node's glusterd does not answer (it may be rebooting)", glusterdDown("pve3"), false],
    ["a brick is not reachable", brickUnreachable("pve3"), false],
    ["a peer is disconnected", peerDisconnected("pve1", "pve3"), false],
  ])("when %s, it is a fault exactly when waiting cannot fix it", (_, mutate, fault) => {
    const verdict = evaluate("gluster-healed", degraded(healPending("pve1", 3), mutate));
    expect(verdict.pass).toBe(false);
    expect((verdict.faults ?? []).length > 0).toBe(fault);
    // The root cause is listed before the entries it holds up.
    if (fault) expect(verdict.reasons[0]).toBe(verdict.faults![0]);
  });

  it.each<[string, Mutator]>([
    ["connected with `Number of entries: -`", healCountUnknown("pve2")],
    ["unreachable (`Transport endpoint is not connected`, `-`)", brickUnreachable("pve2")],
  ])("never reads a brick %s as 0 entries", (_, mutate) => {
    const verdict = evaluate("gluster-healed", degraded(mutate));
    expect(verdict.pass).toBe(false);
    expect(verdict.metrics?.[`gv0 ${PVE2}`]).toBeNull();
    expect(verdict.checked.join("\n")).not.toContain(PVE2);
  });

  it("refuses when one brick of three is fine but another is down, naming only the bad one", () => {
    const verdict = evaluate("gluster-healed", degraded(brickUnreachable("pve3"), peerDisconnected("pve1", "pve3"), glusterdDown("pve3")));
    expect(verdict.pass).toBe(false);
    expect(verdict.reasons.every((r) => !r.startsWith(`${PVE2}:`))).toBe(true);
    expect(verdict.checked).toContain(`${PVE2}: online, 0 entries, no split-brain`);
  });

  it("matches self-heal daemons to bricks by peer id, whatever host name gluster printed", () => {
    // Asked on pve2, gluster calls pve2's daemon `localhost` and pve1's by name; only peer ids line up with bricks.
    const relabel = selfHealDaemonsListedAs({ pve1: "pve1", pve2: "localhost", pve3: "pve3" });
    expectPass(evaluate("gluster-healed", degraded(relabel)));
    expectRefusal(
      evaluate("gluster-healed", degraded(relabel, selfHealDaemonOffline("pve2", "localhost"))),
      `${PVE2}: the self-heal daemon on pve2 is offline`,
    );
  });

  it("passes, saying so, when no volume is declared", () => {
    const verdict = evaluate("gluster-healed", healthyState(), { config: clusterConfig({ volumes: [] }) });
    expectPass(verdict);
    expect(verdict.checked).toContain("no Gluster volumes declared");
    expect(verdict.summary).toBe("no Gluster volumes declared");
  });
});

describe("gluster-healed gate: what it cannot prove healed", () => {
  it("a volume that is not replicated or dispersed has nothing to heal from: refused, its type named", () => {
    const verdict = evaluate("gluster-healed", degraded(volumeType("Distribute")));
    expectRefusal(verdict, "volume gv0 is of type Distribute: rollgate can only prove replicated volumes healed");
    expect(verdict.summary).toContain("type Distribute");
  });

  it("a brick heal info lists but volume info does not: the volume changed while it was read, refused", () => {
    const verdict = evaluate("gluster-healed", degraded(strangerInHealInfo("pve4")));
    expectRefusal(
      verdict,
      "pve4:/data/brick/gv0: reported by heal info but not in `gluster volume info gv0`: the volume changed while rollgate read it",
    );
    expect(verdict.summary).toContain("1 brick in heal info but not in volume info");
  });

  it.each([
    ["missing", "missing from heal info split-brain"],
    ["unreachable", "Transport endpoint is not connected"],
  ] as const)("a brick heal info reached whose split-brain view is %s: split-brain state unknown, refused", (seen, why) => {
    const verdict = evaluate("gluster-healed", degraded(splitBrainView("pve2", seen)));
    expect(verdict.pass).toBe(false);
    expect(verdict.reasons).toContain(`${PVE2}: split-brain state unknown (${why})`);
    expect(verdict.checked.some((c) => c.startsWith(PVE2))).toBe(false);
  });
});
