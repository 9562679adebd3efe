// Critical groups (the pfSense pair): enough members healthy, on nodes other than the one about to
// go down, and never two on one node when the group asks to be spread. A member is healthy when
// PVE says running, QEMU says running (a paused VM is still "running" to PVE), and every probe of
// the group answers.

import type { CriticalGroup } from "../config/index.js";
import type { CriticalMember, Guest } from "../observe/state.js";
import { describeHaRules, haRuleFindings } from "./ha-rules.js";
import { listed, unobserved, verdict, type Gate, type GateInput, type Verdict } from "./types.js";

/** What keeps a member from being healthy: `short` for the summary ("stopped"), `detail` for the reason; null when it is healthy. */
function memberProblem(member: CriticalMember, group: CriticalGroup): { short: string; detail: string } | null {
  const guest = member.guest;
  if (!guest)
    return { short: "not in the cluster", detail: `${member.vmid}: no such guest in the cluster (fix critical[].vms in cluster.yaml)` };
  const at = `${member.vmid} (${guest.name}) on ${guest.node}`;
  if (guest.status !== "running") return { short: guest.status, detail: `${at}: ${guest.status}` };
  if (!member.current) return { short: "status not read", detail: `${at}: status not read` };
  if (!member.current.ok) return { short: "status unknown", detail: `${at}: status unknown (${member.current.error})` };
  const { status, qmpStatus } = member.current.value;
  if (status !== "running" || (qmpStatus !== null && qmpStatus !== "running")) {
    const qemu = qmpStatus && qmpStatus !== status ? `, QEMU ${qmpStatus}` : "";
    return { short: `${status}${qemu}`, detail: `${at}: ${status}${qemu}` };
  }
  if (member.agent && !member.agent.ok)
    return { short: "agent does not answer", detail: `${at}: guest agent does not answer (${member.agent.error})` };
  // Unknown means no: a declared tcp probe whose result is missing proved nothing.
  for (const probe of group.probes) {
    const target = probe.kind === "tcp" ? `${probe.host}:${probe.port}` : null;
    if (target !== null && !member.tcp.some((t) => t.target === target)) {
      return { short: `tcp ${target} not probed`, detail: `${at}: probe tcp ${target} was not run; its health is unknown` };
    }
  }
  const tcp = member.tcp.find((t) => !t.result.ok);
  if (tcp && !tcp.result.ok)
    return { short: `tcp ${tcp.target} fails`, detail: `${at}: probe tcp ${tcp.target} failed (${tcp.result.error})` };
  return null;
}

/**
 * What the probes proved of the healthy members: "agents answer", "tcp 10.0.0.1:443 answers";
 * naming them when not every member is healthy ("agent answers on 100"); "running" without probes.
 */
function probesProved(group: CriticalGroup, members: CriticalMember[], healthy: CriticalMember[]): string[] {
  if (healthy.length === 0) return [];
  const on = (proved: CriticalMember[]) => (proved.length === members.length ? "" : ` on ${listed(proved.map((m) => String(m.vmid)))}`);
  const said: string[] = [];
  if (group.probes.some((p) => p.kind === "agent")) {
    // The agent is asked only where it is enabled (src/observe/pve.ts): a member not asked proved nothing.
    const answered = healthy.filter((m) => m.agent?.ok);
    const unasked = healthy.filter((m) => !m.agent);
    if (answered.length > 0) said.push(`${answered.length === 1 ? "agent answers" : "agents answer"}${on(answered)}`);
    if (unasked.length > 0) said.push(`agent not probed${on(unasked)}`);
  }
  for (const target of new Set(healthy.flatMap((m) => m.tcp.map((t) => t.target)))) {
    said.push(`tcp ${target} answers${on(healthy.filter((m) => m.tcp.some((t) => t.target === target && t.result.ok)))}`);
  }
  return said.length > 0 ? said : ["running"];
}

/** "routers: 100 on pve1, 101 on pve2, agents answer", with the count when not every member counts: "routers (1/2 healthy off pve1, 2 required): …". */
function groupSummary(group: CriticalGroup, members: CriticalMember[], target: string | null): string {
  const healthy = members.filter((m) => memberProblem(m, group) === null);
  const counted = healthy.filter((m) => m.guest?.node !== target).length;
  const notes: string[] = [];
  if (counted < members.length)
    notes.push(
      `${counted}/${members.length} healthy${target ? ` off ${target}` : ""}${counted < group.minHealthy ? `, ${group.minHealthy} required` : ""}`,
    );
  if (group.spread) {
    const running = members.filter((m) => m.guest?.status === "running");
    for (const node of new Set(running.map((m) => m.guest?.node))) {
      const sharing = running.filter((m) => m.guest?.node === node);
      if (sharing.length > 1) notes.push(`not spread: ${sharing.map((m) => m.vmid).join(", ")} on ${node}`);
    }
  }
  const seen = members.map((m) => {
    const problem = memberProblem(m, group);
    const where = m.guest ? `${m.vmid} on ${m.guest.node}` : String(m.vmid);
    return problem ? `${where} (${problem.short})` : where;
  });
  return `${group.group}${notes.length > 0 ? ` (${notes.join("; ")})` : ""}: ${[listed(seen), ...probesProved(group, members, healthy)].join(", ")}`;
}

/** The command that moves a guest: HA's own for a guest HA manages (else HA would move it back). */
function migrateCommand(guest: Guest, to: string): string {
  if (guest.haState !== null) return `ha-manager migrate ${guest.type === "lxc" ? "ct" : "vm"}:${guest.vmid} ${to}`;
  return guest.type === "lxc" ? `pct migrate ${guest.vmid} ${to} --restart` : `qm migrate ${guest.vmid} ${to} --online`;
}

/** Where the members sharing a node can go: nodes that hold no member of the group, one each. */
function spreadAdvice(sharing: Guest[], members: CriticalMember[], nodes: string[]): string {
  const taken = new Set(members.flatMap((m) => (m.guest ? [m.guest.node] : [])));
  const free = nodes.filter((n) => !taken.has(n));
  const moves = sharing.slice(1).map((guest, i) => (free[i] ? `\`${migrateCommand(guest, free[i])}\`` : null));
  if (moves.some((m) => m === null))
    return "migrate all but one to nodes that hold no member of the group (there are not enough such nodes now)";
  return `move all but one: ${moves.join(", ")}`;
}

function groupReasons(
  group: CriticalGroup,
  members: CriticalMember[],
  target: string | null,
  nodes: string[],
): { reasons: string[]; checked: string[] } {
  const reasons: string[] = [];
  const checked: string[] = [];
  const problems = new Map(members.map((m) => [m.vmid, memberProblem(m, group)]));
  const healthyElsewhere = members.filter((m) => problems.get(m.vmid) === null && m.guest?.node !== target);
  const onTarget = target ? members.filter((m) => m.guest?.node === target) : [];
  const where = target ? ` off ${target}` : "";
  if (healthyElsewhere.length < group.minHealthy) {
    const details = [
      ...[...problems.values()].flatMap((p) => (p ? [p.detail] : [])),
      ...onTarget
        .filter((m) => problems.get(m.vmid) === null)
        .map((m) => `${m.vmid} (${m.guest?.name}) is on ${target}, the node about to go down: migrate it first`),
    ];
    reasons.push(
      `group ${group.group}: ${healthyElsewhere.length} of ${group.minHealthy} required members healthy${where}: ${details.join("; ")}`,
    );
  } else {
    checked.push(`group ${group.group}: ${healthyElsewhere.length} members healthy${where} (minimum ${group.minHealthy})`);
  }
  if (group.spread) {
    const byNode = new Map<string, Guest[]>();
    for (const m of members)
      if (m.guest && m.guest.status === "running") byNode.set(m.guest.node, [...(byNode.get(m.guest.node) ?? []), m.guest]);
    for (const [node, sharing] of byNode) {
      if (sharing.length > 1) {
        reasons.push(
          `group ${group.group}: ${sharing.map((g) => g.vmid).join(" and ")} all run on ${node} (spread: true): one reboot of ${node} would take them all down; ${spreadAdvice(
            sharing,
            members,
            nodes.filter((n) => n !== node),
          )}`,
        );
      }
    }
  }
  return { reasons, checked };
}

/** Where HA's own rules disagree with the groups: said, not refused (the gate is about health now). */
function haWarnings({ config, state }: GateInput): string[] {
  const ha = state.haConfig;
  if (!ha) return [];
  if (!ha.ok) return [`HA's groups or rules could not be read (${ha.error}): whether HA's placement agrees with the groups is unknown`];
  return haRuleFindings(config, ha.value);
}

function evaluateGroups(gate: Pick<Gate, "name" | "title">, input: GateInput, target: string | null): Verdict {
  const { config, state } = input;
  const reasons: string[] = [];
  const checked: string[] = [];
  const guests = state.guests;
  if (config.critical.length === 0) return verdict(gate, "no critical groups declared", [], ["no critical groups declared"]);
  if (!guests?.ok)
    return verdict(
      gate,
      "critical groups unknown (guests not read)",
      [unobserved("guests (API /cluster/resources)", guests?.ok === false ? guests.error : undefined)],
      [],
    );
  if (state.haConfig?.ok) checked.push(...describeHaRules(config, state.haConfig.value).map((rule) => `HA ${rule}`));
  // Groups with something to say first, so a long list cut short still shows them.
  const unwell: string[] = [];
  const well: string[] = [];
  for (const group of config.critical) {
    const members = guests.value.critical[group.group];
    if (!members) {
      reasons.push(unobserved(`group ${group.group}`, undefined));
      unwell.push(`${group.group}: unknown (members not read)`);
      continue;
    }
    const found = groupReasons(
      group,
      members,
      target,
      config.nodes.map((n) => n.name),
    );
    reasons.push(...found.reasons);
    checked.push(...found.checked);
    (found.reasons.length > 0 ? unwell : well).push(groupSummary(group, members, target));
  }
  const warnings = haWarnings(input);
  return { ...verdict(gate, listed([...unwell, ...well], "; "), reasons, checked), ...(warnings.length > 0 ? { warnings } : {}) };
}

export const criticalHealthyGate: Gate = {
  name: "critical-healthy",
  title: "Critical groups healthy (minimum members running, probes answering, spread kept)",
  needs: (config) => (config.critical.length > 0 ? ["guests", "haConfig"] : []),
  evaluate(input) {
    return evaluateGroups(this, input, null);
  },
};

export const criticalHealthyElsewhereGate: Gate = {
  name: "critical-healthy-elsewhere",
  title: "Critical groups healthy on nodes other than the one going down",
  needs: (config) => (config.critical.length > 0 ? ["guests"] : []),
  evaluate(input) {
    if (!input.target) return verdict(this, "no target node given", ["critical-healthy-elsewhere needs a target node (--target NODE)"], []);
    return evaluateGroups(this, input, input.target);
  },
};
