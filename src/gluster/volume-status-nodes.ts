// `volume status` lists bricks and daemons in one table; which is which is told by the name gluster gives the row.

/** The XML `<hostname>` of a self-heal daemon; the text row reads `Self-heal Daemon on HOST`. */
const SELF_HEAL_DAEMON = "Self-heal Daemon";

/** Daemons rollgate does not gate on, as cli-rpc-ops.c (gf_cli_status_cbk) names them; never bricks. */
const OTHER_DAEMONS: readonly string[] = ["NFS Server", "Quota Daemon", "Snapshot Daemon", "Scrubber Daemon", "Bitrot Daemon"];

type StatusNodeKind = "brick" | "self-heal-daemon" | "other-daemon";

export function statusNodeKind(hostnameColumn: string): StatusNodeKind {
  if (hostnameColumn === SELF_HEAL_DAEMON) return "self-heal-daemon";
  return OTHER_DAEMONS.includes(hostnameColumn) ? "other-daemon" : "brick";
}

/** The daemon names as the text table prints them, `<name> on <host>`. */
export const DAEMON_NAMES: readonly string[] = [SELF_HEAL_DAEMON, ...OTHER_DAEMONS];
