// The parsers of what nodes print: `pvecm status`, `apt-get -s dist-upgrade`, `proxmox-boot-tool kernel list`,
// and iputils ping's exit status and statistics. Outputs are laid out as PVE 8 on Debian 12 prints them.

import { describe, expect, it } from "vitest";
import { parseAptSimulation } from "../../../src/observe/parsers/apt.js";
import { parseKernelList } from "../../../src/observe/parsers/kernels.js";
import { interpretPing } from "../../../src/observe/parsers/ping.js";
import { parsePvecmStatus } from "../../../src/observe/parsers/pvecm.js";
import type { CommandResult } from "../../../src/transport/remote-command.js";

/** `text` with the one line starting `prefix` replaced by `by` (or removed); the line must exist, so a test cannot edit nothing. */
function replaceLine(text: string, prefix: string, by: string | null): string {
  const lines = text.split("\n");
  const at = lines.findIndex((l) => l.startsWith(prefix));
  if (at < 0) throw new Error(`fixture has no line starting ${JSON.stringify(prefix)}`);
  lines.splice(at, 1, ...(by === null ? [] : [by]));
  return lines.join("\n");
}

describe("pvecm status", () => {
  const pvecmStatus = ({ quorate, total }: { quorate: boolean; total: number }) => {
    const members = ["0x00000001          1 10.0.0.11 (local)", "0x00000002          1 10.0.0.12", "0x00000003          1 10.0.0.13"].slice(
      0,
      total,
    );
    return [
      "Cluster information",
      "-------------------",
      "Name:             storehouse",
      "Config Version:   3",
      "Transport:        knet",
      "Secure auth:      on",
      "",
      "Quorum information",
      "------------------",
      "Date:             Tue Oct 15 03:00:01 2024",
      "Quorum provider:  corosync_votequorum",
      `Nodes:            ${total}`,
      "Node ID:          0x00000001",
      "Ring ID:          1.2c",
      `Quorate:          ${quorate ? "Yes" : "No"}`,
      "",
      "Votequorum information",
      "----------------------",
      "Expected votes:   3",
      "Highest expected: 3",
      `Total votes:      ${total}`,
      `Quorum:           2 ${quorate ? " " : "Activity blocked"}`,
      `Flags:            ${quorate ? "Quorate " : ""}`,
      "",
      "Membership information",
      "----------------------",
      "    Nodeid      Votes Name",
      ...members,
      "",
    ].join("\n");
  };
  const healthy = pvecmStatus({ quorate: true, total: 3 });

  it.each([
    ["a quorate cluster with all 3 votes", healthy, { from: "pve1", expected: 3, total: 3, quorate: true }],
    [
      "a node alone, not quorate, with 1 of 3 votes",
      pvecmStatus({ quorate: false, total: 1 }),
      { from: "pve1", expected: 3, total: 1, quorate: false },
    ],
  ])("reads %s", (_, text, votes) => {
    expect(parsePvecmStatus(text, "pve1")).toEqual(votes);
  });

  it.each([
    ["Quorate:", 'pvecm status on pve2: no "Quorate:" line in its output'],
    ["Expected votes:", 'pvecm status on pve2: no "Expected votes:" line in its output'],
    ["Total votes:", 'pvecm status on pve2: no "Total votes:" line in its output'],
  ])("throws, naming the label, when the %s line is missing", (label, message) => {
    expect(() => parsePvecmStatus(replaceLine(healthy, label, null), "pve2")).toThrow(message);
  });

  it.each([
    ["Total votes:", "Total votes:      3 (3)", 'pvecm status on pve2: "Total votes: 3 (3)" is not a number'],
    ["Expected votes:", "Expected votes:   -", 'pvecm status on pve2: "Expected votes: -" is not a number'],
    ["Quorate:", "Quorate:          Maybe", 'pvecm status on pve2: unexpected "Quorate: Maybe"'],
  ])("throws on a %s value it does not understand", (label, line, message) => {
    expect(() => parsePvecmStatus(replaceLine(healthy, label, line), "pve2")).toThrow(message);
  });

  it("throws on an error message instead of a status", () => {
    expect(() => parsePvecmStatus("Cannot initialize CMAP service\n", "pve3")).toThrow('pvecm status on pve3: no "Quorate:" line');
  });
});

describe("apt-get -s dist-upgrade", () => {
  const simulation = (summary: string, inst: string[]) =>
    [
      "NOTE: This is only a simulation!",
      "      apt-get needs root privileges for real execution.",
      "      Keep also in mind that locking is deactivated,",
      "      so don't depend on the relevance to the real current situation!",
      "Reading package lists...",
      "Building dependency tree...",
      "Reading state information...",
      "Calculating upgrade...",
      ...(inst.length > 0
        ? [
            "The following NEW packages will be installed:",
            "  proxmox-kernel-6.8.12-5-pve-signed",
            "The following packages will be upgraded:",
            "  proxmox-kernel-6.8 pve-manager",
          ]
        : []),
      summary,
      ...inst,
      ...inst.map((line) => line.replace(/^Inst (\S+) (?:\[[^\]]+\] )?/, "Conf $1 ")),
      "",
    ].join("\n");

  it("lists upgrades with their old version and new packages without one", () => {
    const text = simulation("2 upgraded, 1 newly installed, 0 to remove and 0 not upgraded.", [
      "Inst proxmox-kernel-6.8.12-5-pve-signed (6.8.12-5 Proxmox:8.3/pve-no-subscription [amd64])",
      "Inst proxmox-kernel-6.8 [6.8.12-4] (6.8.12-5 Proxmox:8.3/pve-no-subscription [all])",
      "Inst pve-manager [8.2.7] (8.3.0 Proxmox:8.3/pve-no-subscription [amd64])",
    ]);
    expect(parseAptSimulation(text)).toEqual([
      { name: "proxmox-kernel-6.8.12-5-pve-signed", from: null, to: "6.8.12-5" },
      { name: "proxmox-kernel-6.8", from: "6.8.12-4", to: "6.8.12-5" },
      { name: "pve-manager", from: "8.2.7", to: "8.3.0" },
    ]);
  });

  it("counts a package dpkg unpacked but never configured (Conf without Inst) as pending", () => {
    const text = [
      "Reading package lists...",
      "Building dependency tree...",
      "Reading state information...",
      "Calculating upgrade...",
      "0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.",
      "1 not fully installed or removed.",
      "Conf pve-manager (9.1.4 Proxmox:9.1/pve-no-subscription [all])",
      "",
    ].join("\n");
    expect(parseAptSimulation(text)).toEqual([{ name: "pve-manager", from: "9.1.4", to: "9.1.4" }]);
  });

  it("reads an up-to-date node as nothing pending", () => {
    expect(parseAptSimulation(simulation("0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.", []))).toEqual([]);
  });

  it("throws when the summary line is missing (e.g. apt stopped on a lock or a broken source)", () => {
    const text =
      "Reading package lists...\nE: The repository 'https://enterprise.proxmox.com/debian/pve bookworm Release' does not have a Release file.\n";
    expect(() => parseAptSimulation(text)).toThrow('apt-get -s dist-upgrade printed no summary line ("N upgraded, N newly installed, …")');
  });
});

describe("proxmox-boot-tool kernel list", () => {
  const automatic = [
    "Manually selected kernels:",
    "None.",
    "",
    "Automatically selected kernels:",
    "6.5.13-6-pve",
    "6.8.12-4-pve",
    "6.8.12-5-pve",
  ];

  it.each([
    [
      "no manual kernel and an automatic list",
      automatic.join("\n"),
      { kernels: ["6.5.13-6-pve", "6.8.12-4-pve", "6.8.12-5-pve"], pinned: null },
    ],
    [
      "a pinned kernel, listed once",
      [...automatic, "", "Pinned kernel:", "6.8.12-4-pve", ""].join("\n"),
      { kernels: ["6.5.13-6-pve", "6.8.12-4-pve", "6.8.12-5-pve"], pinned: "6.8.12-4-pve" },
    ],
    [
      "a manual kernel and a next-boot pin",
      [
        "Manually selected kernels:",
        "6.2.16-20-pve",
        "",
        "Automatically selected kernels:",
        "6.8.12-4-pve",
        "",
        "Kernel pinned on next-boot:",
        "6.2.16-20-pve",
        "",
      ].join("\n"),
      { kernels: ["6.2.16-20-pve", "6.8.12-4-pve"], pinned: "6.2.16-20-pve" },
    ],
  ])("reads %s", (_, text, expected) => {
    expect(parseKernelList(text)).toEqual(expected);
  });

  it("throws on a line in a list that is not a kernel version", () => {
    const text = [...automatic.slice(0, 5), "grep: /etc/kernel/proxmox-boot-uuids: No such file or directory", ...automatic.slice(5)].join(
      "\n",
    );
    expect(() => parseKernelList(text)).toThrow(
      'proxmox-boot-tool kernel list: unexpected line "grep: /etc/kernel/proxmox-boot-uuids: No such file or directory"',
    );
  });

  it("throws when there is no selected-kernels header", () => {
    expect(() => parseKernelList("6.8.12-4-pve\n")).toThrow('no "selected kernels:" header');
  });
});

describe("ping", () => {
  const result = (exitCode: number | null, stdout: string, stderr = "", signal: string | null = null): CommandResult => ({
    exitCode,
    signal,
    stdout,
    stderr,
  });
  const statistics = (received: 0 | 1, extra = "") =>
    [
      "PING 10.10.0.12 (10.10.0.12) 56(84) bytes of data.",
      ...(received ? ["64 bytes from 10.10.0.12: icmp_seq=1 ttl=64 time=0.190 ms"] : []),
      extra,
      "--- 10.10.0.12 ping statistics ---",
      received
        ? "1 packets transmitted, 1 received, 0% packet loss, time 0ms\nrtt min/avg/max/mdev = 0.190/0.190/0.190/0.000 ms"
        : `1 packets transmitted, 0 received,${extra ? " +1 errors," : ""} 100% packet loss, time 0ms`,
      "",
    ].join("\n");

  it.each([
    ["an answer (exit 0)", result(0, statistics(1)), { reachable: true, detail: "answers (1/1 replies)" }],
    ["no answer (exit 1)", result(1, statistics(0)), { reachable: false, detail: "no answer (1 sent, 0 received)" }],
    [
      "an ICMP error (exit 1)",
      result(1, statistics(0, "From 10.10.0.11 icmp_seq=1 Destination Host Unreachable\n")),
      { reachable: false, detail: "no answer (1 sent, 0 received)" },
    ],
    [
      "a ping that cannot send (exit 2)",
      result(2, "", "ping: connect: Network is unreachable\n"),
      { reachable: false, detail: "cannot send: ping: connect: Network is unreachable" },
    ],
  ])("reads %s", (_, run, path) => {
    expect(interpretPing(run)).toEqual(path);
  });

  it.each([
    [
      "ping is not installed (exit 127)",
      result(127, "", "bash: line 1: ping: command not found\n"),
      "ping exited 127: bash: line 1: ping: command not found; output not understood",
    ],
    [
      "a ping killed by a signal",
      result(null, "PING 10.10.0.12 (10.10.0.12) 56(84) bytes of data.\n", "", "SIGKILL"),
      "ping was killed by SIGKILL; output not understood",
    ],
  ])("throws on %s", (_, run, message) => {
    expect(() => interpretPing(run)).toThrow(message);
  });
});
