// The most cluster.yaml (and a playbook) may hold: each bound is the real format's where there is one, and far
// beyond any real cluster where there is not, so that a generated or corrupted file is refused in one line
// instead of being read, checked and reported item by item.

/** A cluster description is a few KiB; a playbook less. */
export const MAX_YAML_BYTES = 1024 * 1024;

/** What a count limit says: `expected at most 384 nodes (why), got 200000`. */
export interface CountLimit {
  max: number;
  /** Plural: "nodes". */
  noun: string;
  why?: string;
}

// corosync: PROCESSOR_COUNT_MAX 384 (include/corosync/totem/totem.h) is the most members a ring can hold.
// PVE sets none below it (pve-docs pvecm.adoc: "no explicit limit", reports of over 50 nodes in production).
export const NODES: CountLimit = { max: 384, noun: "nodes", why: "the most members a corosync cluster can have" };
export const ORDERED_NODES: CountLimit = { ...NODES, noun: "nodes in the order" };
export const FINGERPRINTED_NODES: CountLimit = { ...NODES, noun: "node fingerprints" };
export const VOLUMES: CountLimit = { max: 256, noun: "volumes" };
export const GROUPS: CountLimit = { max: 256, noun: "groups" };
export const GROUP_VMS: CountLimit = { max: 1000, noun: "VM ids in one group" };
export const PROBES: CountLimit = { max: 16, noun: "probes" };
export const SERVICES: CountLimit = { max: 256, noun: "services" };
export const GUEST_OVERRIDES: CountLimit = { max: 10_000, noun: "guest overrides" };
export const NOTIFICATIONS: CountLimit = { max: 16, noun: "notifications" };
export const HEADERS: CountLimit = { max: 32, noun: "headers" };

// pve-cluster src/PVE/API2/ClusterConfig.pm: clustername is `format => 'pve-node', maxLength => 15`.
export const MAX_CLUSTER_NAME = 15;
// A node name is a hostname label (pve-common JSONSchema.pm pve_verify_node_name), at most 63 octets (RFC 1035 2.3.4).
export const MAX_NODE_NAME = 63;
// The CLI allows GD_VOLUME_NAME_MAX (NAME_MAX + 1, cli/src/cli-cmd-parser.c), but the volume's directory under
// /var/lib/glusterd/vols is one file name: at most NAME_MAX, 255.
export const MAX_VOLUME_NAME = 255;
// systemd src/basic/unit-name.h: UNIT_NAME_MAX 256, and a valid name is shorter (`strlen(n) >= UNIT_NAME_MAX`).
export const MAX_UNIT_NAME = 255;
/** Service and group names are rollgate's own labels, shown in reports. */
export const MAX_LABEL = 64;
// Linux PATH_MAX is 4096 bytes with the terminating NUL (include/uapi/linux/limits.h).
export const MAX_PATH_BYTES = 4095;
/** A command line of the admin's own (a power-cycle command): Linux's limit for one argument string. */
export const MAX_COMMAND = 131_072;

/** Names an error shows before "and N more". */
export const MAX_NAMES_SHOWN = 5;
/** Errors a ConfigErrors message shows before "and N more errors". */
export const MAX_ERRORS_SHOWN = 20;

// Every duration in cluster.yaml is at most a week: a longer one is a typo (20000h), not a wait.
export const MAX_CONFIG_DURATION_MS = 7 * 24 * 3_600_000;
/** Shorter than a second, a timeout ends before one SSH command or API request can answer. */
export const MIN_TIMEOUT_MS = 1_000;
/** The lab's fastest poll; below it one look at the cluster (API requests, SSH commands) outlasts the interval. */
export const MIN_POLL_MS = 50;
