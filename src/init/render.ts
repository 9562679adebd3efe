// The cluster.yaml `rollgate init` writes: what it found, every guess marked `REVIEW` with the
// reason it was made, and the defaults it relies on named, so the admin edits a file they understand.

import type { Proposal } from "./propose.js";

export interface Access {
  api: string;
  tokenId: string;
  tokenSecret: { file: string } | { env: string };
  verify: { fingerprint: string } | { caFile: string };
  ssh: { user: string; port: number | null; identityFile: string; knownHostsFile: string | null };
}

/** A scalar as YAML reads it back unchanged: plain when that is unambiguous, JSON-quoted otherwise. */
function scalar(value: string): string {
  return /^[A-Za-z0-9_./@~][A-Za-z0-9_./@~:+!-]*$/.test(value) && !/^(true|false|yes|no|on|off|null|~|[-+.\d][\d.:e+-]*)$/i.test(value)
    ? value
    : JSON.stringify(value);
}

const comment = (text: string, indent = "") => `${indent}# ${text}`;

function proxmox(access: Access): string[] {
  return [
    "proxmox:",
    `  api: ${scalar(access.api)}`,
    `  tokenId: ${scalar(access.tokenId)}`,
    "file" in access.tokenSecret
      ? `  tokenSecretFile: ${scalar(access.tokenSecret.file)}`
      : `  tokenSecretEnv: ${scalar(access.tokenSecret.env)}`,
    "fingerprint" in access.verify ? `  fingerprint: ${scalar(access.verify.fingerprint)}` : `  caFile: ${scalar(access.verify.caFile)}`,
  ];
}

function ssh(access: Access): string[] {
  const { user, port, identityFile, knownHostsFile } = access.ssh;
  return [
    "ssh:",
    `  user: ${scalar(user)}`,
    ...(port !== null ? [`  port: ${port}`] : []),
    `  identityFile: ${scalar(identityFile)}`,
    knownHostsFile !== null
      ? `  knownHostsFile: ${scalar(knownHostsFile)}`
      : comment("knownHostsFile: ~/.ssh/known_hosts (the default)", "  "),
  ];
}

function nodes(proposal: Proposal): string[] {
  return [
    "nodes:",
    ...proposal.nodes.flatMap((n) => [
      `  - name: ${scalar(n.name)}`,
      `    address: ${scalar(n.address)}`,
      n.privateAddress !== null
        ? `    privateAddress: ${scalar(n.privateAddress)} # REVIEW: ${n.note}`
        : comment(`REVIEW: privateAddress: ${n.note}`, "    "),
    ]),
  ];
}

function gluster(proposal: Proposal): string[] {
  const skipped = proposal.skippedVolumes.map((v) => comment(`not proposed, not started: ${v}`, "    "));
  if (proposal.volumes.length === 0) return ["gluster:", "  volumes: [] # REVIEW: no started volume was found", ...skipped];
  return [
    "gluster:",
    comment("every volume must be fully healed before a node goes down and after it returns", "  "),
    "  volumes:",
    ...proposal.volumes.flatMap((v) => [`    - ${scalar(v.name)} # ${v.note}`]),
    ...skipped,
  ];
}

function critical(proposal: Proposal): string[] {
  if (proposal.critical.length === 0)
    return ["critical: [] # REVIEW: none found; e.g. - { group: routers, vms: [100, 101], spread: true }"];
  return [
    "critical:",
    ...proposal.critical.flatMap((g) => [
      comment(`REVIEW: ${g.note}`, "  "),
      `  - group: ${scalar(g.group)}`,
      `    vms: [${g.vms.join(", ")}]`,
      comment("minHealthy: every member (the default) must stay healthy off the node being upgraded", "    "),
      "    spread: true",
      comment("agent: the QEMU guest agent answers, for members that have it enabled; tcp: HOST:PORT accepts a connection", "    "),
      "    probes: [{ agent: true }]",
    ]),
  ];
}

function services(proposal: Proposal): string[] {
  if (proposal.services.length === 0)
    return ["services: [] # REVIEW: none found beyond the platform's own; e.g. - { name: celery, node: pve2, unit: celery.service }"];
  return [
    "services:",
    comment(
      "REVIEW: running on their node and not part of Debian, Proxmox VE or GlusterFS: each must be active after its node returns",
      "  ",
    ),
    ...proposal.services.map((s) => `  - { name: ${scalar(s.name)}, node: ${scalar(s.node)}, unit: ${scalar(s.unit)} }`),
  ];
}

export function renderClusterYaml(proposal: Proposal, access: Access, writtenBy: string): string {
  const review = proposal.review.map((line) => comment(`REVIEW: ${line}`));
  return `${[
    comment(`Written by ${writtenBy}.`),
    comment("Lines marked REVIEW are guesses: check each before the first run, then `rollgate check` and `rollgate plan`."),
    comment("Every key: README.md's configuration reference, or `rollgate schema`."),
    ...review,
    `cluster: ${scalar(proposal.cluster)}`,
    ...proxmox(access),
    ...ssh(access),
    ...nodes(proposal),
    ...gluster(proposal),
    ...critical(proposal),
    ...services(proposal),
    "upgrade:",
    "  playbook: proxmox-gluster",
    comment("guests: migrate (the default) moves each guest off the node before it goes down", "  "),
    comment("the maintenance window is a flag of the run: rollgate upgrade --window 01:00-05:00"),
    comment("timeouts: the defaults suit most clusters; heal is the longest wait for Gluster after a node returns (2h)"),
    comment("notify and heartbeat: who is told when a run ends, and a dead man's switch (README, Alerts)"),
  ].join("\n")}\n`;
}
