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
      { kind: "step", step: "evacuate" },
      { kind: "run", command: "systemctl restart celery", on: "node", title: "Restart the workers", timeoutMs: null },
      { kind: "gate", gate: "services", wait: { ms: 300_000 } },
      { kind: "run", command: "./notify-team.sh", on: "local", title: "run: ./notify-team.sh", timeoutMs: 30_000 },
    ]);
  });

  it.each([
    ["an unknown step", "node:\n  - step: evacuate\n  - step: reboot-now\n", 'mine.yaml:3:11: node[1].step: expected one of "evacuate", "maintenance-on"'],
    ["an unknown gate", "node:\n  - gate: gluster-happy\n", "mine.yaml:2:11: node[0].gate:"],
    ["an unknown key", "node:\n  - step: evacuate\n    force: true\n", "mine.yaml:3:5: node[0].force: unknown key"],
    ["a bad wait", "node:\n  - gate: services\n    wait: soon\n", "mine.yaml:3:11: node[0].wait: expected a timeout of cluster.yaml (heal, nodeOnline, migrate, apt, reboot) or a duration such as 5m"],
    ["an entry of no known kind", "node:\n  - frobnicate: 1\n", "mine.yaml:2:5: node[0]: expected a mapping with gate:, gates:, step:, run:"],
    ["no node steps", "preflight:\n  - gate: quorum\n", "mine.yaml:1:1: node:"],
  ])("refuses %s with its position", (_, text, where) => {
    expect(parseError(text)).toContain(where);
  });

  it("refuses a playbook that reboots without waiting for the node to come back", () => {
    expect(parseError("node:\n  - step: apt-upgrade\n  - step: reboot-if-needed\n")).toContain("add `- step: wait-online` after reboot-if-needed");
  });

  it("names the file it cannot read", async () => {
    await expect(loadPlaybook({ kind: "file", path: "/nonexistent/p.yaml" })).rejects.toThrow("cannot read playbook /nonexistent/p.yaml: ENOENT");
  });
});
