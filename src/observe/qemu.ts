// What QEMU each running VM runs and each node has installed: where a live migration can go
// (docs/domain/major-upgrade.md, "Migrations during a mixed cluster").

import { compareQemu, qemuVersion, type QemuVersion } from "../pve/qemu-version.js";
import { pvePaths } from "../transport/pve-paths.js";
import { avoidTarget, type ObserveContext } from "./context.js";
import { machineTypesSchema, validated, vmStatusSchema } from "./pve-schemas.js";
import { attempt, type Guest, type Observed, type QemuView } from "./state.js";

/** The newest machine version a node's QEMU offers: the version of the QEMU a VM runs on there. */
async function newestMachine(ctx: ObserveContext, node: string): Promise<QemuVersion> {
  const path = `/nodes/${node}/capabilities/qemu/machines`;
  const types = validated(
    machineTypesSchema,
    await pvePaths(ctx.pve, avoidTarget(ctx)).nodes.$(node).capabilities.qemu.machines.$get(),
    path,
  );
  const versions = types.map((t) => qemuVersion(t.version)).filter((v): v is QemuVersion => v !== null);
  const newest = versions.sort((a, b) => compareQemu(b, a))[0];
  if (!newest) throw new Error(`${path} lists no versioned machine type`);
  return newest;
}

/** Every running VM (a dry run moves them in its mind, so not only the target's), every node but the one being upgraded. */
export function readQemu(ctx: ObserveContext, guestList: Promise<Guest[]>): Promise<Observed<QemuView>> {
  return attempt(async () => {
    const api = pvePaths(ctx.pve, avoidTarget(ctx));
    const running = (await guestList).filter((g) => g.type === "qemu" && g.status === "running" && !g.template);
    const [guests, nodes] = await Promise.all([
      Promise.all(
        running.map(async (g) => {
          const path = `/nodes/${g.node}/qemu/${g.vmid}/status/current`;
          const status = validated(vmStatusSchema, await api.nodes.$(g.node).qemu.$(g.vmid).status.current.$get(), path);
          return [g.vmid, { qemu: qemuVersion(status["running-qemu"] ?? ""), machine: status["running-machine"] ?? null }] as const;
        }),
      ),
      Promise.all(
        ctx.config.nodes
          .filter((n) => n.name !== ctx.target)
          .map(async (n) => [n.name, await attempt(() => newestMachine(ctx, n.name))] as const),
      ),
    ]);
    return { guests: Object.fromEntries(guests), nodes: Object.fromEntries(nodes) };
  });
}
