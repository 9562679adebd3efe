// Small lookups over the node's view shared by the command printers.

import type { BrickView, GlusterNodeView, SelfHealDaemonView, VolumeView } from "./view.js";

export function findVolume(view: GlusterNodeView, name: string): VolumeView | undefined {
  return view.volumes.find((volume) => volume.name === name);
}

/** glusterd keeps its volume list sorted with strcmp (glusterd_compare_volume_name). */
export function volumesInGlusterdOrder(view: GlusterNodeView): VolumeView[] {
  return [...view.volumes].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function brickName(brick: BrickView): string {
  return `${brick.host}:${brick.path}`;
}

export function isStarted(volume: VolumeView): boolean {
  return volume.status === "Started";
}

export function isLocalDaemon(view: GlusterNodeView, daemon: SelfHealDaemonView): boolean {
  return daemon.peerUuid === view.localUuid;
}

/** The local glusterd answers first, so its own self-heal daemon always leads; peers follow in the view's order. */
export function selfHealDaemonsLocalFirst(view: GlusterNodeView, volume: VolumeView): SelfHealDaemonView[] {
  const local = volume.selfHealDaemons.filter((daemon) => isLocalDaemon(view, daemon));
  const remote = volume.selfHealDaemons.filter((daemon) => !isLocalDaemon(view, daemon));
  return [...local, ...remote];
}

/** gd_is_self_heal_enabled: `cluster.self-heal-daemon` defaults to on for replicate volumes. */
export function selfHealDaemonEnabled(volume: VolumeView): boolean {
  const value = volume.options.find(([key]) => key === "cluster.self-heal-daemon")?.[1];
  return value === undefined || !["off", "no", "false", "disable", "0"].includes(value.toLowerCase());
}
