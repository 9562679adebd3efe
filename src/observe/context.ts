import type { Config } from "../config/index.js";
import type { PveApi } from "../transport/pve.js";
import type { Probes } from "../transport/probes.js";
import type { RemoteShell } from "../transport/remote-command.js";

/** What observing needs: the config, the transports (read-only ones in plan/check/dry-run), the node to spare. */
export interface ObserveContext {
  config: Config;
  shell: RemoteShell;
  pve: PveApi;
  probes: Probes;
  /** The node being upgraded: its API is not asked, and it is not used as a vantage point. */
  target: string | null;
}

/** Nodes to run cluster-wide commands on, the target last (it may be rebooting). */
export function vantageNodes(ctx: ObserveContext): string[] {
  const names = ctx.config.nodes.map((n) => n.name);
  return [...names.filter((n) => n !== ctx.target), ...names.filter((n) => n === ctx.target)];
}

export function avoidTarget(ctx: ObserveContext): { avoid: string[] } {
  return { avoid: ctx.target ? [ctx.target] : [] };
}
