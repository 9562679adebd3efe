// Where a running VM can live-migrate, QEMU-wise. The target's `qm start` refuses a machine type
// newer than its installed QEMU ("too old to run machine type", qemu-server src/PVE/QemuServer.pm
// config_to_command), and Proxmox supports live migration to the same or a newer QEMU only: so a VM
// goes to no node whose QEMU is older than the one it runs on. Once a node runs PVE 9, what runs
// there goes only to 9 nodes (docs/domain/major-upgrade.md, "Migrations during a mixed cluster").

import type { QemuView } from "../observe/state.js";
import { compareQemu, formatQemu, machineVersion } from "../pve/qemu-version.js";

export interface QemuRefusal {
  why: string;
  /** The node's QEMU is known, and older (not merely unknown): upgrading the node would make room. */
  older: boolean;
}

/** The nodes among `candidates` whose QEMU is older than the one VM `vmid` runs on, or unknown. */
export function olderQemuNodes(view: QemuView | null, vmid: number, candidates: readonly string[]): Record<string, QemuRefusal> {
  const running = view?.guests[vmid];
  if (!view || !running) return {};
  const machine = running.machine === null ? null : machineVersion(running.machine);
  const floor = running.qemu ?? machine;
  if (!floor) return {};
  const refused: Record<string, QemuRefusal> = {};
  for (const node of candidates) {
    const there = view.nodes[node];
    if (!there) continue;
    if (!there.ok) refused[node] = { why: `its QEMU could not be read (${there.error})`, older: false };
    else if (machine && compareQemu(there.value, machine) < 0)
      refused[node] = {
        why: `QEMU ${formatQemu(there.value)} there cannot run its machine type ${running.machine} ("too old to run machine type")`,
        older: true,
      };
    else if (compareQemu(there.value, floor) < 0)
      refused[node] = {
        why: `QEMU ${formatQemu(there.value)} there is older than the QEMU ${formatQemu(floor)} it runs on (live migration goes to the same or a newer QEMU only)`,
        older: true,
      };
  }
  return refused;
}

/** What the admin can do about a VM that only nodes with an older QEMU could take; null when no such node held it back. */
export function olderQemuAdvice(refused: Record<string, QemuRefusal>): string | null {
  const nodes = Object.keys(refused).filter((n) => refused[n]!.older);
  if (nodes.length === 0) return null;
  const list = nodes.join(" or ");
  return `to move it: upgrade ${list} first (\`--nodes\`), or shut it down, migrate it offline to ${list} and start it there (started there, it gets that node's machine type)`;
}

/** A node's rank for taking guests: the newer its QEMU, the further along the upgrade, and a guest put there need not move again. */
export function qemuRank(view: QemuView | null): (node: string) => number {
  return (node) => {
    const there = view?.nodes[node];
    return there?.ok ? there.value.major * 1000 + there.value.minor : -1;
  };
}
