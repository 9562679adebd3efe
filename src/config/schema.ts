// cluster.yaml as a zod schema: the single source of validation, of the Config type and of the JSON Schema.
import * as z from "zod";
import { formatWrittenDuration } from "./duration.js";
import {
  apiEndpoint,
  clusterName,
  duration,
  durationWithoutDefault,
  fingerprints,
  host,
  hostPort,
  httpUrl,
  listOf,
  mappingOf,
  nodeName,
  patterned,
  plainName,
  port,
  userPath,
  vmid,
  vmidKey,
  writtenPath,
  type HostPort,
} from "./fields.js";
import * as limits from "./limits.js";
import { expecting } from "./messages.js";
import {
  ENV_VAR,
  HTTP_HEADER_NAME,
  HTTP_HEADER_VALUE,
  PLAYBOOK,
  PLAYBOOK_NAME,
  SYSTEMD_UNIT,
  TOKEN_ID,
  STORAGE_ID,
  UNIX_USER,
  UUID,
  VOLUME_NAME,
} from "./patterns.js";
import { resolveUserPath, type PathBase } from "./paths.js";

/** Unknown keys are errors everywhere: a misspelt key that is silently ignored could switch a safety check off. */
function section<Shape extends z.ZodRawShape>(shape: Shape) {
  return z.strictObject(shape, expecting("a mapping"));
}

/** Where the API token secret is read from; it is never written in cluster.yaml. */
export type TokenSecretSource = { kind: "file"; path: string } | { kind: "env"; name: string };

const TOKEN_ID_EXPECTED = "an API token id USER@REALM!TOKENID (e.g. rollgate@pve!upgrade)";

// PVE writes a whole token as USER@REALM!TOKENID=SECRET: such a value is refused without being repeated.
const tokenId = z
  .string(expecting(TOKEN_ID_EXPECTED))
  .refine((written) => !written.includes("="), {
    abort: true,
    error: `expected ${TOKEN_ID_EXPECTED} without the secret: drop "=" and what follows, and put the secret in the file named by tokenSecretFile or the variable named by tokenSecretEnv`,
  })
  .regex(TOKEN_ID);

function proxmoxSection(base: PathBase) {
  const tokenSecretFile = writtenPath({ echo: false })
    .refine((written) => !UUID.test(written), {
      error:
        "expected the path of a file holding the API token secret, not the secret itself: put the secret in a file (chmod 600) and name that file here",
    })
    .transform((written) => resolveUserPath(written, base));
  const tokenSecretEnv = patterned(
    ENV_VAR,
    'the name of an environment variable (letters, digits, "_"; e.g. PVE_TOKEN), not the secret itself',
    { echo: false },
  );

  return section({
    api: apiEndpoint.describe("URL of any node's API: https://HOST[:PORT], port 8006 by default. The cluster is discovered from it."),
    tokenId: tokenId.describe("API token id, USER@REALM!TOKENID, e.g. rollgate@pve!upgrade"),
    tokenSecretFile: tokenSecretFile
      .optional()
      .describe("File holding the API token secret (mode 600). Exactly one of tokenSecretFile / tokenSecretEnv."),
    tokenSecretEnv: tokenSecretEnv
      .optional()
      .describe("Environment variable holding the API token secret. Exactly one of tokenSecretFile / tokenSecretEnv."),
    fingerprint: fingerprints
      .optional()
      .describe(
        "SHA-256 fingerprint of the API certificate (32 colon-separated hex bytes), or a mapping node name → fingerprint when each node has its own certificate. At least one of fingerprint / caFile.",
      ),
    caFile: userPath(base)
      .optional()
      .describe("CA certificate the API certificate must chain to, e.g. /etc/pve/pve-root-ca.pem. At least one of fingerprint / caFile."),
    timeout: duration("30s", { min: limits.MIN_TIMEOUT_MS }).describe("Timeout of one API request (default 30s)"),
  }).transform(({ tokenSecretFile: file, tokenSecretEnv: env, ...proxmox }, ctx) => {
    const unverified = proxmox.fingerprint === undefined && proxmox.caFile === undefined;
    if (unverified) {
      ctx.issues.push({
        code: "custom",
        input: proxmox,
        message:
          "missing fingerprint or caFile; the API certificate is always verified, so expected fingerprint (its SHA-256) or caFile (e.g. /etc/pve/pve-root-ca.pem)",
      });
    }
    if (file !== undefined && env !== undefined) {
      ctx.issues.push({
        code: "custom",
        input: env,
        path: ["tokenSecretEnv"],
        message: "expected only one of tokenSecretFile / tokenSecretEnv, not both",
      });
      return z.NEVER;
    }
    const tokenSecret: TokenSecretSource | undefined =
      file !== undefined ? { kind: "file", path: file } : env !== undefined ? { kind: "env", name: env } : undefined;
    if (tokenSecret === undefined) {
      ctx.issues.push({
        code: "custom",
        input: proxmox,
        message:
          "missing tokenSecretFile or tokenSecretEnv; expected one of them to say where the API token secret is (it is never written in cluster.yaml)",
      });
    }
    if (unverified || tokenSecret === undefined) return z.NEVER;
    return { ...proxmox, tokenSecret };
  });
}

function sshSection(base: PathBase) {
  return section({
    user: patterned(UNIX_USER, 'a user name (letters, digits, "_", ".", "-")')
      .default("root")
      .describe("User rollgate logs in as (default root)"),
    port: port.default(22).describe("SSH port of every node unless the node sets sshPort (default 22)"),
    identityFile: userPath(base).describe("Private key to log in with; ~ is the home directory, relative paths are relative to this file"),
    knownHostsFile: userPath(base)
      .prefault("~/.ssh/known_hosts")
      .describe(
        "known_hosts file the nodes' host keys are verified against; verification cannot be turned off (default ~/.ssh/known_hosts)",
      ),
    connectTimeout: duration("10s", { min: limits.MIN_TIMEOUT_MS }).describe("Timeout of one SSH connection attempt (default 10s)"),
    commandTimeout: duration("60s", { min: limits.MIN_TIMEOUT_MS }).describe(
      "Timeout of one remote command unless a step says otherwise (default 60s)",
    ),
  });
}

const node = section({
  name: nodeName.describe("PVE node name, as in `pvecm nodes`"),
  address: host.describe("Address rollgate reaches the node at (SSH): IPv4, IPv6 or hostname"),
  privateAddress: host.optional().describe("Address on the private (storage/cluster) network, checked by the private-network gate"),
  sshPort: port.optional().describe("SSH port of this node (default ssh.port)"),
  powerCycle: z
    .string(expecting("a shell command"))
    .min(1)
    .max(limits.MAX_COMMAND)
    .optional()
    .describe(
      "Local command that power-cycles this node out of band (IPMI, a PDU; ROLLGATE_NODE is set), run once when it does not come back within timeouts.nodeOnline after a reboot rollgate asked for",
    ),
});

const gluster = section({
  volumes: listOf(
    patterned(VOLUME_NAME, 'a Gluster volume name (letters, digits, "_", ".", "-"; not starting with "-")', {
      maxLength: { max: limits.MAX_VOLUME_NAME, why: "a volume name is a directory name in /var/lib/glusterd/vols" },
    }),
    limits.VOLUMES,
  )
    .default([])
    .describe("Gluster volumes that must be fully healed before and after each node"),
});

export type Probe = { kind: "agent" } | ({ kind: "tcp" } & HostPort);

const probe = section({
  agent: z.literal(true, expecting("true (ask the QEMU guest agent)")).optional().describe("Healthy when the QEMU guest agent answers"),
  tcp: hostPort.optional().describe('Healthy when HOST:PORT accepts a TCP connection, e.g. "10.0.0.1:443" or "[fd00::1]:443"'),
}).transform(({ agent, tcp }, ctx): Probe => {
  if (agent !== undefined && tcp !== undefined) {
    ctx.issues.push({
      code: "custom",
      input: tcp,
      path: ["tcp"],
      message: "expected agent or tcp in one probe, not both; write two probes",
    });
    return z.NEVER;
  }
  if (tcp !== undefined) return { kind: "tcp", ...tcp };
  if (agent !== undefined) return { kind: "agent" };
  ctx.issues.push({ code: "custom", input: {}, message: 'missing agent or tcp; expected { agent: true } or { tcp: "HOST:PORT" }' });
  return z.NEVER;
});

const criticalGroup = section({
  group: plainName("a group name").describe("Name of the group, e.g. routers"),
  vms: listOf(vmid, limits.GROUP_VMS, { min: 1 }).describe("VM ids of the group's members; a VM belongs to at most one group"),
  minHealthy: z
    .int(expecting("an integer of at least 1"))
    .min(1)
    .optional()
    .describe("Members that must stay healthy off the node being upgraded (default: all of vms)"),
  spread: z.boolean().default(false).describe("Never place two members on one node (default false)"),
  probes: listOf(probe, limits.PROBES).default([]).describe("How a member proves it is healthy, beyond running"),
}).transform((group, ctx) => {
  const minHealthy = group.minHealthy ?? group.vms.length;
  if (minHealthy > group.vms.length) {
    ctx.issues.push({
      code: "custom",
      input: minHealthy,
      path: ["minHealthy"],
      message: `expected at most ${group.vms.length} (the number of vms in the group), got ${minHealthy}`,
    });
    return z.NEVER;
  }
  return { ...group, minHealthy };
});

export type ServiceConfig =
  { kind: "unit"; name: string; node: string; unit: string } | { kind: "http"; name: string; url: string; node?: string };

const service = section({
  name: plainName("a service name").describe("Name shown in reports"),
  node: nodeName.optional().describe("Node the service runs on; required with unit"),
  unit: patterned(SYSTEMD_UNIT, 'a systemd unit name (e.g. celery.service; letters, digits, "@", ".", "_", ":", "\\", "-")', {
    maxLength: { max: limits.MAX_UNIT_NAME, why: "systemd's limit for a unit name" },
  })
    .optional()
    .describe("systemd unit that must be active on node"),
  http: httpUrl.optional().describe("URL that must answer 2xx"),
}).transform(({ name: serviceName, node: serviceNode, unit, http }, ctx): ServiceConfig => {
  if (unit !== undefined && http !== undefined) {
    ctx.issues.push({
      code: "custom",
      input: http,
      path: ["http"],
      message: "expected unit or http in one service, not both; write two services",
    });
    return z.NEVER;
  }
  if (unit !== undefined) {
    if (serviceNode === undefined) {
      ctx.issues.push({
        code: "custom",
        input: undefined,
        path: ["node"],
        message: "missing required key; expected the node that runs the unit (node is required with unit)",
      });
      return z.NEVER;
    }
    return { kind: "unit", name: serviceName, node: serviceNode, unit };
  }
  if (http !== undefined) return { kind: "http", name: serviceName, url: http, ...(serviceNode !== undefined && { node: serviceNode }) };
  ctx.issues.push({
    code: "custom",
    input: {},
    message: "missing unit or http; expected unit (a systemd unit on node) or http (a URL that answers 2xx)",
  });
  return z.NEVER;
});

export type PlaybookRef = { kind: "builtin"; name: string } | { kind: "file"; path: string };
export const GUEST_POLICIES = ["migrate", "shutdown"] as const;
export const GUEST_OVERRIDES = ["migrate", "shutdown", "leave"] as const;
export type GuestOverride = (typeof GUEST_OVERRIDES)[number];

function upgradeSection(base: PathBase) {
  return section({
    playbook: patterned(PLAYBOOK, "a playbook name ([a-z0-9-]+, e.g. proxmox-gluster) or the path of a .yaml file")
      .transform((written): PlaybookRef =>
        PLAYBOOK_NAME.test(written) ? { kind: "builtin", name: written } : { kind: "file", path: resolveUserPath(written, base) },
      )
      .prefault("proxmox-gluster")
      .describe("Built-in playbook name or path of a playbook .yaml (default proxmox-gluster)"),
    order: listOf(nodeName, limits.ORDERED_NODES)
      .optional()
      .describe("Nodes in upgrade order; default puts the node with fewest critical guests first"),
    guests: z.enum(GUEST_POLICIES).default("migrate").describe("What happens to a node's guests before it goes down (default migrate)"),
    guestOverrides: mappingOf(vmidKey, z.enum(GUEST_OVERRIDES), limits.GUEST_OVERRIDES)
      .default({})
      .transform((overrides): Partial<Record<number, GuestOverride>> => overrides)
      .describe("Per-guest exceptions, VM id → migrate | shutdown | leave"),
    canary: section({
      soak: duration("24h", { min: limits.MIN_TIMEOUT_MS }).describe(
        "How long the first node upgraded runs the new version, every gate watched, before the next starts; counted from its upgrade, across runs (default 24h)",
      ),
    })
      .optional()
      .describe("Off unless set: after the first node, a soak with every gate watched; a gate refusing for settle stops the run (exit 3)"),
    sameVersions: z
      .boolean()
      .default(false)
      .describe(
        "Install on every later node the package versions the first node installed (apt-get install NAME=VERSION), so none gets a newer set mid-run (default false)",
      ),
    slow: section({
      factor: z
        .number(expecting("a number of at least 1.5"))
        .min(1.5)
        .default(3)
        .describe("A node or a heal that takes more than factor times its estimate sends the slow notification, once (default 3)"),
      heal: duration("2m", { min: 1 }).describe("What a heal after a node's return usually takes here: its estimate (default 2m)"),
      node: durationWithoutDefault({ min: 1 })
        .optional()
        .describe("What one node usually takes here; default: plan's estimate for it (migrations, packages, reboot, heal)"),
    })
      .prefault({})
      .describe("The time base of the slow notification: rollgate keeps waiting, within its timeouts; this only tells someone"),
    backup: section({
      storage: patterned(STORAGE_ID, 'a PVE storage ID (letters, digits, "-", "_", "."; e.g. pbs)', {
        maxLength: { max: limits.MAX_LABEL },
      }).describe("Storage the backups go to, e.g. a Proxmox Backup Server datastore; it must allow backup content"),
      mode: z
        .enum(["snapshot", "suspend", "stop"])
        .default("snapshot")
        .describe("vzdump's mode (default snapshot: the guests keep running)"),
      compress: z
        .enum(["zstd", "gzip", "lzo", "0"])
        .default("zstd")
        .describe("vzdump's compression (default zstd; a PBS storage ignores it)"),
      timeout: duration("3h", A_SECOND_OR_MORE).describe("Longest wait for one node's backup job to finish (default 3h)"),
    })
      .optional()
      .describe(
        "Off unless set: before the first node, a vzdump of every critical guest to this storage; a backup that fails refuses the run (exit 3)",
      ),
  }).prefault({});
}

const MIN_LOCK_LEASE_MS = 2_000;
const A_SECOND_OR_MORE = { min: limits.MIN_TIMEOUT_MS };

const timeouts = section({
  heal: duration("2h", A_SECOND_OR_MORE).describe("Longest wait for Gluster to heal after a node returns (default 2h)"),
  healStall: duration("10m", A_SECOND_OR_MORE).describe(
    "How long a heal may go without fewer entries pending before the wait stops and says so: waiting longer would not help (default 10m)",
  ),
  nodeOnline: duration("15m", A_SECOND_OR_MORE).describe("Longest wait for a node to come back (SSH + API + quorum) (default 15m)"),
  migrate: duration("30m", A_SECOND_OR_MORE).describe("Longest wait for one guest migration (default 30m)"),
  poll: duration("10s", {
    min: limits.MIN_POLL_MS,
    minWhy: "below that, one look at the cluster takes longer than the interval",
  }).describe("Interval between two looks at the cluster while waiting (default 10s, at least 50ms)"),
  settle: duration("30s").describe("How long a healed state must hold before it counts (default 30s)"),
  apt: duration("1h", A_SECOND_OR_MORE).describe("Longest apt update + dist-upgrade (default 1h)"),
  // No floor but timeouts.poll (below): the lab, its time scaled down, waits as little as 300ms.
  haPickup: duration("1m").describe(
    "Longest wait for the HA manager to take up a maintenance request; its CRM works every 10 s, so one not taken up by then never will be (default 1m)",
  ),
  reboot: duration("15m", A_SECOND_OR_MORE).describe("Longest wait for a node to go down after reboot (default 15m)"),
  lockLease: duration("3m").describe(
    "How long the cluster lock in /etc/pve stays live without a refresh; its holder refreshes it every quarter of this, and a lock not refreshed for longer is stale: its run died (default 3m, at least 2s)",
  ),
})
  .superRefine((waits, ctx) => {
    // "Steady for settle" is judged from polls: with poll >= settle a single sample would count as steady.
    if (waits.poll >= waits.settle) {
      ctx.addIssue({
        code: "custom",
        input: waits.poll,
        path: ["poll"],
        message: `expected a poll interval shorter than timeouts.settle (${formatWrittenDuration(waits.settle)}), got ${formatWrittenDuration(waits.poll)}`,
      });
    }
    // The wait looks at once, then every poll: shorter than a poll, it would give up before looking again.
    if (waits.haPickup < waits.poll) {
      ctx.addIssue({
        code: "custom",
        input: waits.haPickup,
        path: ["haPickup"],
        message: `expected an HA pickup wait of at least timeouts.poll (${formatWrittenDuration(waits.poll)}): a shorter one gives up before its second look, got ${formatWrittenDuration(waits.haPickup)}`,
      });
    }
    // The record's age is read in whole seconds: a lease of a second or less would call a live run stale.
    if (waits.lockLease < MIN_LOCK_LEASE_MS) {
      ctx.addIssue({
        code: "custom",
        input: waits.lockLease,
        path: ["lockLease"],
        message: `expected a lock lease of at least ${formatWrittenDuration(MIN_LOCK_LEASE_MS)}, got ${formatWrittenDuration(waits.lockLease)}`,
      });
    }
  })
  .prefault({});

export const NOTIFY_EVENTS = ["start", "slow", "success", "refusal", "failure", "interrupted"] as const;
export const NOTIFY_FORMATS = ["json", "ntfy", "gotify"] as const;

export const SMTP_SECURITY = ["starttls", "tls", "none"] as const;

/** An address as SMTP's MAIL FROM / RCPT TO take it: no display name, no spaces. */
const EMAIL_ADDRESS = /^[^\s@<>(),;:"\\]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$/;
const emailAddress = patterned(EMAIL_ADDRESS, "an email address, e.g. admin@example.com (no display name)");

function emailSection(base: PathBase) {
  return section({
    to: z.array(emailAddress).min(1).max(16).describe("Recipients (1 to 16)"),
    from: emailAddress.describe("Sender address, e.g. rollgate@pve1.example.com"),
    smtp: section({
      host: host.describe("SMTP server (your relay or smarthost)"),
      port: port.optional().describe("Port (default 587 with starttls, 465 with tls, 25 with none)"),
      security: z
        .enum(SMTP_SECURITY)
        .default("starttls")
        .describe(
          "starttls (default: TLS is required, a server without STARTTLS fails the mail), tls (implicit TLS, port 465), none (a relay on the LAN, no credentials)",
        ),
      authFile: userPath(base)
        .optional()
        .describe("File with the SMTP user and password: `user:password` on one line, or user and password on two lines (mode 600)"),
      caFile: userPath(base).optional().describe("CA the server's certificate must chain to (default: the system's)"),
    })
      .optional()
      .describe("Send through this SMTP server. Exactly one of smtp / sendmail."),
    sendmail: userPath(base)
      .optional()
      .describe("Hand the mail to this sendmail program (e.g. /usr/sbin/sendmail). Exactly one of smtp / sendmail."),
  }).transform((email, ctx) => {
    if ((email.smtp === undefined) === (email.sendmail === undefined))
      ctx.issues.push({ code: "custom", input: email, message: "expected exactly one of smtp / sendmail" });
    else if (email.smtp?.security === "none" && email.smtp.authFile !== undefined)
      ctx.issues.push({
        code: "custom",
        input: email.smtp,
        path: ["smtp", "authFile"],
        message: "credentials are never sent without TLS: use security starttls or tls, or drop authFile",
      });
    return email;
  });
}

function notification(base: PathBase) {
  return section({
    on: z
      .array(z.enum(NOTIFY_EVENTS))
      .min(1)
      .describe(
        "Events that trigger this notification: start (a run begins changing the cluster), slow (a node or a heal takes more than upgrade.slow.factor times its estimate), and the outcomes success, refusal, failure, interrupted",
      ),
    webhook: httpUrl
      .optional()
      .describe(
        "URL that receives the POST: a webhook, an ntfy topic URL, or a Gotify server's /message URL. Exactly one of webhook / email.",
      ),
    format: z
      .enum(NOTIFY_FORMATS)
      .default("json")
      .describe(
        "What is POSTed: json (the whole report), ntfy (the summary as text, Title/Priority/Tags headers), gotify (title, message, priority as JSON; the app token in headers: X-Gotify-Key)",
      ),
    headers: mappingOf(
      patterned(HTTP_HEADER_NAME, "an HTTP header name"),
      patterned(HTTP_HEADER_VALUE, "a header value on one line", { echo: false }),
      limits.HEADERS,
    )
      .default({})
      .describe("Extra HTTP headers sent with the POST"),
    email: emailSection(base).optional().describe("Send a mail instead: its subject the headline, its body the summary and what to do"),
  }).transform(({ on, webhook, format, headers, email }, ctx) => {
    if (webhook !== undefined && email === undefined) return { kind: "webhook" as const, on, webhook, format, headers };
    if (email !== undefined && webhook === undefined) {
      if (Object.keys(headers).length > 0)
        ctx.issues.push({ code: "custom", input: headers, path: ["headers"], message: "headers belong to a webhook, not to email" });
      return { kind: "email" as const, on, email };
    }
    ctx.issues.push({ code: "custom", input: on, message: "expected exactly one of webhook / email" });
    return z.NEVER;
  });
}

function journalSection(base: PathBase) {
  return section({
    dir: userPath(base)
      .prefault("/var/lib/rollgate")
      .describe("Directory of the run journal and lock; relative to this file (default /var/lib/rollgate)"),
  }).prefault({});
}

/** The schema of cluster.yaml; paths in it are resolved against `base`. */
export function configSchema(base: PathBase) {
  return section({
    cluster: clusterName.describe("Name of the cluster, used in reports and the journal"),
    proxmox: proxmoxSection(base).describe("How to reach the Proxmox VE API"),
    ssh: sshSection(base).describe("How to reach the nodes over SSH; host keys are always verified"),
    nodes: listOf(node, limits.NODES, { min: 1 }).describe("The cluster's nodes"),
    gluster: gluster.prefault({}).describe("GlusterFS volumes the cluster's storage lives on"),
    critical: listOf(criticalGroup, limits.GROUPS).default([]).describe("Groups of VMs that must stay healthy throughout"),
    services: listOf(service, limits.SERVICES).default([]).describe("Services checked after each node returns"),
    upgrade: upgradeSection(base).describe("What to run and in which order"),
    timeouts: timeouts.describe("How long to wait for each kind of thing"),
    notify: listOf(notification(base), limits.NOTIFICATIONS).default([]).describe("Where to report the outcome of a run"),
    heartbeat: section({
      url: httpUrl.describe(
        "Healthchecks-style ping URL: URL/start when a run starts, URL when it ends with exit 0 or 7, URL/fail otherwise",
      ),
    })
      .optional()
      .describe("A dead man's switch: the monitoring service alerts when a started run never reports its end"),
    journal: journalSection(base).describe("Where the run journal and lock live"),
  });
}

export type ConfigSchema = ReturnType<typeof configSchema>;
export type Config = z.output<ConfigSchema>;
/** cluster.yaml as written, before defaults and normalisation: for code that writes one (the lab). */
export type ConfigInput = z.input<ConfigSchema>;
export type ProxmoxConfig = Config["proxmox"];
export type SshConfig = Config["ssh"];
export type NodeConfig = Config["nodes"][number];
export type GlusterConfig = Config["gluster"];
export type CriticalGroup = Config["critical"][number];
export type UpgradeConfig = Config["upgrade"];
export type TimeoutsConfig = Config["timeouts"];
export type NotifyConfig = Config["notify"][number];
export type WebhookNotifyConfig = Extract<NotifyConfig, { kind: "webhook" }>;
export type EmailNotifyConfig = Extract<NotifyConfig, { kind: "email" }>;
export type NotifyEvent = (typeof NOTIFY_EVENTS)[number];
export type JournalConfig = Config["journal"];
