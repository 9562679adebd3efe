// What `rollgate init` proposes from what it found, and the file it writes: every proposal loads
// with the schema the run uses, and each guess says why it was made.

import { describe, expect, it } from "vitest";
import { parseConfigSource } from "../../../src/config/index.js";
import { parseRunningUnits } from "../../../src/init/discover.js";
import { propose, type Discovery } from "../../../src/init/propose.js";
import { renderClusterYaml, type Access } from "../../../src/init/render.js";

const access: Access = {
  api: "https://pve1.example.com:8006",
  tokenId: "rollgate@pve!upgrade",
  tokenSecret: { file: "/etc/rollgate/pve token" },
  verify: { caFile: "/etc/rollgate/pve-root-ca.pem" },
  ssh: { user: "root", port: null, identityFile: "~/.ssh/id_ed25519", knownHostsFile: null },
};

function discovery(overrides: Partial<Discovery> = {}): Discovery {
  return {
    cluster: "storehouse",
    quorate: true,
    nodes: ["pve1", "pve2", "pve3"].map((name, i) => ({
      name,
      ip: `192.168.1.${i + 11}`,
      online: true,
      links: [`10.10.10.${i + 11}`],
    })),
    guests: [
      { vmid: 100, name: "pfsense-a", type: "qemu", node: "pve1", template: false },
      { vmid: 101, name: "pfsense-b", type: "qemu", node: "pve2", template: false },
      { vmid: 102, name: "web", type: "qemu", node: "pve1", template: false },
      { vmid: 9000, name: "router-template", type: "qemu", node: "pve3", template: true },
    ],
    apartRules: [],
    volumes: [
      {
        name: "gv0",
        type: "Replicate",
        status: "Started",
        bricks: ["pve1", "pve2", "pve3"].map((host) => ({ host, path: "/data/brick/gv0" })),
      },
      { name: "scratch", type: "Distribute", status: "Stopped", bricks: [{ host: "pve1", path: "/data/scratch" }] },
    ],
    glusterFrom: "pve1",
    runningUnits: {
      pve1: ["pveproxy.service", "corosync.service", "glusterd.service", "ssh.service", "systemd-journald.service", "getty@tty1.service"],
      pve2: ["celery.service", "celery@worker1.service", "pvedaemon.service", "chrony.service"],
      pve3: ["postfix@-.service", "node-exporter.service"],
    },
    ...overrides,
  };
}

/** VMs on pve1 by these names, from VM id 200 on. */
const guestsNamed = (names: string[]): Discovery["guests"] =>
  names.map((name, i) => ({ vmid: 200 + i, name, type: "qemu", node: "pve1", template: false }));

/** The proposal as the run would load it. */
function loaded(d: Discovery) {
  return parseConfigSource(renderClusterYaml(propose(d), access, "a test"), "cluster.yaml", "/etc/rollgate").config;
}

describe("rollgate init's proposal", () => {
  it("each node reached at the address its name resolves to, its corosync link as the private network", () => {
    const { nodes } = propose(discovery());
    expect(nodes.map(({ name, address, privateAddress }) => ({ name, address, privateAddress }))).toEqual([
      { name: "pve1", address: "192.168.1.11", privateAddress: "10.10.10.11" },
      { name: "pve2", address: "192.168.1.12", privateAddress: "10.10.10.12" },
      { name: "pve3", address: "192.168.1.13", privateAddress: "10.10.10.13" },
    ]);
  });

  it("prefers the link the Gluster bricks use, and says so; corosync on the SSH address is written, marked for review", () => {
    const d = discovery({
      nodes: [
        { name: "pve1", ip: "192.168.1.11", online: true, links: ["172.16.0.11", "10.10.10.11"] },
        { name: "pve2", ip: "192.168.1.12", online: true, links: ["192.168.1.12"] },
        { name: "pve3", ip: "192.168.1.13", online: true, links: [] },
      ],
      volumes: [{ name: "gv0", type: "Replicate", status: "Started", bricks: [{ host: "10.10.10.11", path: "/b" }] }],
    });
    expect(propose(d).nodes).toEqual([
      { name: "pve1", address: "192.168.1.11", privateAddress: "10.10.10.11", note: "corosync link and Gluster bricks" },
      {
        name: "pve2",
        address: "192.168.1.12",
        privateAddress: "192.168.1.12",
        note: "corosync runs on the same address as SSH; if the nodes share a private network, put its address here",
      },
      { name: "pve3", address: "192.168.1.13", privateAddress: null, note: "corosync lists no link address for it: add privateAddress" },
    ]);
    const text = renderClusterYaml(propose(d), access, "a test");
    expect(text).toContain("    # REVIEW: privateAddress: corosync lists no link address for it: add privateAddress\n");
  });

  it("routers found by name form one spread group; a template, or a lone router, does not", () => {
    expect(loaded(discovery()).critical).toEqual([
      { group: "routers", vms: [100, 101], minHealthy: 2, spread: true, probes: [{ kind: "agent" }] },
    ]);
    const lone = discovery({ guests: discovery().guests.filter((g) => g.vmid !== 101) });
    expect(propose(lone).critical).toEqual([]);
    expect(propose(lone).review).toContain(
      "no critical group was found (no negative HA affinity rule, no guest named like a router): declare yours under critical",
    );
    // Words that merely contain the letters are no routers.
    const words = discovery({ guests: guestsNamed(["software", "gwendolyn", "fwupd-mirror", "rtrouble"]) });
    expect(propose(words).critical.map((g) => g.vms)).toEqual([]);
    const named = discovery({ guests: guestsNamed(["opnsense01", "fw-b", "edge-gw", "vyos"]) });
    expect(propose(named).critical.map((g) => g.vms)).toEqual([[200, 201, 202, 203]]);
  });

  it("PVE 9's negative resource-affinity rules become groups first; a guest is never in two groups", () => {
    const d = discovery({
      apartRules: [
        { rule: "keep routers apart", sids: ["vm:100", "vm:101"] },
        { rule: "dns", sids: ["ct:300", "ct:301"] },
      ],
      guests: [
        ...discovery().guests,
        { vmid: 300, name: "dns1", type: "lxc", node: "pve1", template: false },
        { vmid: 301, name: "dns2", type: "lxc", node: "pve2", template: false },
        { vmid: 302, name: "gw-backup", type: "qemu", node: "pve3", template: false },
      ],
    });
    const groups = loaded(d).critical;
    expect(groups.map((g) => [g.group, g.vms])).toEqual([
      ["group-keep-routers-apart", [100, 101]],
      ["dns", [300, 301]],
    ]);
    // The third router-like name is alone once its peers are in a rule's group: no group of one.
    expect(groups.flatMap((g) => g.vms)).not.toContain(302);
  });

  it("services: what runs beside the platform, templated units included, as the schema names them", () => {
    expect(loaded(discovery()).services).toEqual([
      { kind: "unit", name: "celery", node: "pve2", unit: "celery.service" },
      { kind: "unit", name: "celery-worker1", node: "pve2", unit: "celery@worker1.service" },
      { kind: "unit", name: "node-exporter", node: "pve3", unit: "node-exporter.service" },
    ]);
  });

  it("only started volumes are proposed; the others are named, and an offline node or lost quorum is said first", () => {
    const d = discovery({ quorate: false, nodes: discovery().nodes.map((n) => (n.name === "pve3" ? { ...n, online: false } : n)) });
    const proposal = propose(d);
    expect(proposal.volumes.map((v) => v.name)).toEqual(["gv0"]);
    expect(proposal.skippedVolumes).toEqual(["scratch (Stopped)"]);
    const text = renderClusterYaml(proposal, access, "a test");
    expect(text.split("\n").slice(3, 5)).toEqual([
      "# REVIEW: offline when init ran: pve3; their services were not read",
      "# REVIEW: the cluster was not quorate when init ran: check every value below",
    ]);
    expect(text).toContain("    # not proposed, not started: scratch (Stopped)\n");
    expect(loaded(d).gluster.volumes).toEqual(["gv0"]);
  });

  it("writes paths and names YAML would misread quoted, so they load as given", () => {
    const config = loaded(discovery({ cluster: "yes" }));
    expect(config.cluster).toBe("yes");
    expect(config.proxmox.tokenSecret).toEqual({ kind: "file", path: "/etc/rollgate/pve token" });
    expect(config.ssh.knownHostsFile).toMatch(/\/\.ssh\/known_hosts$/);
  });
});

describe("systemctl list-units, as init reads it", () => {
  it("reads the unit of each line, and refuses a line that names none", () => {
    expect(
      parseRunningUnits(
        [
          "celery.service                 loaded active running Celery workers",
          "ssh.service                    loaded active running OpenBSD Secure Shell server",
          "",
        ].join("\n"),
      ),
    ).toEqual(["celery.service", "ssh.service"]);
    expect(() => parseRunningUnits("● celery.service loaded failed failed Celery\n")).toThrow(
      'systemctl list-units printed a line that names no unit: "● celery.service loaded failed failed Celery"',
    );
  });
});
