// Playbooks compose named steps and gates; a mistake in one is a positioned error, like cluster.yaml's.

import { describe, expect, it } from "vitest";
import { loadPlaybook, parsePlaybook } from "../../../src/playbook/playbook.js";
import { ConfigError } from "../../../src/util/errors.js";

function parseError(text: string): string {
  try {
    parsePlaybook(text, "mine.yaml", "mine");
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("expected a ConfigError");
}

describe("playbooks", () => {
  it("loads both built-in playbooks", async () => {
    const gluster = await loadPlaybook({ kind: "builtin", name: "proxmox-gluster" });
    expect(gluster.node.map((e) => (e.kind === "step" ? e.step : e.kind === "gate" ? e.gate : e.kind))).toEqual([
      "preflight-gates",
      "gluster-storage-failover",
      "evacuate",
      "maintenance-on",
      "critical-healthy-elsewhere",
      "apt-upgrade",
      "reboot-if-needed",
      "wait-online",
      "maintenance-off",
      "private-network",
      "gluster-heal",
      "services",
      "start-guests",
      "critical-healthy",
    ]);
    const only = await loadPlaybook({ kind: "builtin", name: "proxmox-only" });
    expect(JSON.stringify(only)).not.toContain("gluster");
  });

  it("reads run: steps and waits", () => {
    const playbook = parsePlaybook(
      `node:
  - step: evacuate
  - run: systemctl restart celery
    title: Restart the workers
  - gate: services
    wait: 5m
  - run: ./notify-team.sh
    on: local
    timeout: 30s
`,
      "mine.yaml",
      "mine",
    );
    expect(playbook.node).toEqual([
      { id: "node[0]", kind: "step", step: "evacuate" },
      {
        id: "node[1]",
        kind: "run",
        command: "systemctl restart celery",
        on: "node",
        title: "Restart the workers",
        timeoutMs: null,
        unless: null,
        takesNodeDown: false,
      },
      { id: "node[2]", kind: "gate", gate: "services", wait: { ms: 300_000 } },
      {
        id: "node[3]",
        kind: "run",
        command: "./notify-team.sh",
        on: "local",
        title: "run: ./notify-team.sh",
        timeoutMs: 30_000,
        unless: null,
        takesNodeDown: false,
      },
    ]);
  });

  it("reads unless: and takesNodeDown: of run: steps, and what gates: preflight means", () => {
    const playbook = parsePlaybook(
      `preflight:
  - gate: quorum
  - gate: services
node:
  - gates: preflight
  - step: evacuate
  - run: fwupdmgr update -y && reboot
    unless: fwupdmgr get-updates
    takesNodeDown: true
`,
      "mine.yaml",
      "mine",
    );
    expect(playbook.preflightGates).toEqual(["quorum", "services"]);
    expect(playbook.node[2]).toMatchObject({ id: "node[2]", kind: "run", unless: "fwupdmgr get-updates", takesNodeDown: true });
  });

  it.each([
    [
      "an unknown step",
      "node:\n  - step: evacuate\n  - step: reboot-now\n",
      'mine.yaml:3:11: node[1].step: expected one of "evacuate", "maintenance-on"',
    ],
    ["an unknown gate", "node:\n  - gate: gluster-happy\n", "mine.yaml:2:11: node[0].gate:"],
    ["an unknown key", "node:\n  - step: evacuate\n    force: true\n", "mine.yaml:3:5: node[0].force: unknown key"],
    [
      "a bad wait",
      "node:\n  - gate: services\n    wait: soon\n",
      "mine.yaml:3:11: node[0].wait: expected a timeout of cluster.yaml (heal, nodeOnline, migrate, apt, reboot) or a duration such as 5m",
    ],
    [
      "an entry of no known kind",
      "node:\n  - frobnicate: 1\n",
      "mine.yaml:2:5: node[0]: expected a mapping with gate:, gates:, step:, run:",
    ],
    ["no node steps", "preflight:\n  - gate: quorum\n", "mine.yaml:1:1: node:"],
  ])("refuses %s with its position", (_, text, where) => {
    expect(parseError(text)).toContain(where);
  });

  it("refuses a playbook that reboots without waiting for the node to come back", () => {
    expect(parseError("node:\n  - step: evacuate\n  - step: apt-upgrade\n  - step: reboot-if-needed\n")).toContain(
      "mine.yaml:4:5: node[2]: a playbook that reboots must wait for the node afterwards: add `- step: wait-online` after reboot-if-needed",
    );
  });

  it.each([
    [
      "waits for the node before it reboots it",
      "node:\n  - step: evacuate\n  - step: wait-online\n  - step: reboot-if-needed\n",
      "mine.yaml:3:5: node[1]: wait-online comes before reboot-if-needed: it would wait for a reboot that has not been asked for",
    ],
    [
      "reboots with the guests still on the node",
      "node:\n  - step: apt-upgrade\n  - step: reboot-if-needed\n  - step: wait-online\n",
      "mine.yaml:3:5: node[1]: reboot-if-needed takes the node down with its guests still on it: put `- step: evacuate` (and `- step: maintenance-on`) before it",
    ],
    [
      "evacuates only after the reboot",
      "node:\n  - step: reboot-if-needed\n  - step: wait-online\n  - step: evacuate\n",
      "mine.yaml:2:5: node[0]: reboot-if-needed takes the node down with its guests still on it",
    ],
    [
      "has a run: that takes the node down before the evacuation",
      "node:\n  - run: reboot\n    takesNodeDown: true\n  - step: evacuate\n",
      "mine.yaml:2:5: node[0]: a run: entry with takesNodeDown takes the node down with its guests still on it",
    ],
    [
      "switches maintenance on and never off",
      "node:\n  - step: evacuate\n  - step: maintenance-on\n  - step: apt-upgrade\n",
      "mine.yaml:3:5: node[1]: maintenance-on without a maintenance-off after it would leave every node in HA maintenance",
    ],
    [
      "switches maintenance off before on",
      "node:\n  - step: maintenance-off\n  - step: maintenance-on\n",
      "mine.yaml:3:5: node[1]: maintenance-on without a maintenance-off after it",
    ],
  ])("refuses a playbook that %s, at the entry", (_, text, message) => {
    expect(parseError(text)).toContain(message);
  });

  it("accepts an order that evacuates, then maintains, reboots, waits and ends maintenance", () => {
    const ok = parsePlaybook(
      "node:\n  - step: maintenance-on\n  - step: evacuate\n  - step: reboot-if-needed\n  - step: wait-online\n  - step: maintenance-off\n",
      "mine.yaml",
      "mine",
    );
    expect(ok.node.map((e) => e.id)).toEqual(["node[0]", "node[1]", "node[2]", "node[3]", "node[4]"]);
  });

  it("names the file it cannot read", async () => {
    await expect(loadPlaybook({ kind: "file", path: "/nonexistent/p.yaml" })).rejects.toThrow(
      "cannot read playbook /nonexistent/p.yaml: ENOENT",
    );
  });
});

describe("the README's example playbook", () => {
  it("is a valid playbook", async () => {
    const { readFile } = await import("node:fs/promises");
    const readme = await readFile(new URL("../../../README.md", import.meta.url), "utf8");
    const section = readme.slice(readme.indexOf("### A playbook of your own"));
    const yaml = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
    expect(yaml).toBeDefined();
    const playbook = parsePlaybook(yaml!, "README.md", "example");
    expect(playbook.preflightGates).toEqual(["quorum", "services"]);
    expect(playbook.node.find((e) => e.kind === "run")).toMatchObject({ unless: "dpkg -s needrestart" });
  });
});
