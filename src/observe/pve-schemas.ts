// The PVE API answers rollgate reads, validated: an answer of an unexpected shape is an error
// ("unknown means no"), never silently coerced. PVE sends booleans as the integers 0 and 1.

import { z } from "zod";

const flag = z.union([z.literal(0), z.literal(1)]).transform((v) => v === 1);

export const clusterStatusSchema = z.array(
  z.discriminatedUnion("type", [
    z.looseObject({ type: z.literal("cluster"), name: z.string(), nodes: z.number().int(), quorate: flag }),
    z.looseObject({
      type: z.literal("node"),
      name: z.string(),
      nodeid: z.number().int().optional(),
      ip: z.string().optional(),
      online: flag,
    }),
  ]),
);

/** corosync.conf's nodelist (pve-cluster src/PVE/API2/ClusterConfig.pm `nodes`): every value a string, links as `ringN_addr`. */
export const corosyncNodesSchema = z.array(z.looseObject({ node: z.string() }).catchall(z.unknown()));

export const guestResourceSchema = z.looseObject({
  type: z.enum(["qemu", "lxc"]),
  vmid: z.number().int(),
  name: z.string().optional(),
  node: z.string(),
  // PVE reports "unknown" when pmxcfs has no fresh status (e.g. the guest's node is offline).
  status: z.string(),
  template: flag.optional(),
  maxmem: z.number().optional(),
  mem: z.number().optional(),
  hastate: z.string().optional(),
  lock: z.string().optional(),
});
export const guestResourcesSchema = z.array(guestResourceSchema);

export const nodeResourceSchema = z.looseObject({
  type: z.literal("node"),
  node: z.string(),
  status: z.string(),
  maxmem: z.number().optional(),
  mem: z.number().optional(),
});
export const nodeResourcesSchema = z.array(nodeResourceSchema);

export const vmStatusSchema = z.looseObject({
  status: z.string(),
  qmpstatus: z.string().optional(),
  agent: flag.optional(),
  lock: z.string().optional(),
  // state is null for a resource whose request state is `ignored`, or just added (pve-ha-manager
  // src/PVE/HA/Config.pm get_service_status): HA does not manage it now.
  ha: z.looseObject({ managed: flag, state: z.string().nullable().optional() }).optional(),
  // A running VM's QEMU and machine type (qemu-server src/PVE/QemuServer.pm vmstatus); "unknown" when QEMU did not say.
  "running-qemu": z.string().optional(),
  "running-machine": z.string().optional(),
});

// qemu-server src/PVE/API2/Qemu/Machine.pm types: every machine type the node's installed QEMU runs.
export const machineTypesSchema = z.array(z.looseObject({ id: z.string(), version: z.string() }));

export const nodeStatusSchema = z.looseObject({
  uptime: z.number(),
  pveversion: z.string(),
  kversion: z.string(),
  "current-kernel": z.looseObject({ release: z.string() }).optional(),
});

// With no HA resource ever configured the CRM never becomes active and the status is `{}`: no
// master, no node_status (pve-ha-manager src/PVE/HA/Config.pm read_manager_status, CRM.pm).
export const haManagerStatusSchema = z.looseObject({
  manager_status: z
    .looseObject({
      master_node: z.string().optional(),
      node_status: z.record(z.string(), z.string()).optional(),
    })
    .nullable()
    .optional(),
  quorum: z.looseObject({ quorate: z.union([z.string(), z.number()]) }).optional(),
});

export const haResourcesSchema = z.array(z.looseObject({ sid: z.string() }));

export const taskStatusSchema = z.looseObject({
  upid: z.string(),
  node: z.string(),
  type: z.string(),
  status: z.enum(["running", "stopped"]),
  exitstatus: z.string().optional(),
});

export const tasksListSchema = z.array(
  z.looseObject({
    upid: z.string(),
    type: z.string(),
    id: z.string().optional(),
    starttime: z.number(),
    status: z.string().optional(),
    endtime: z.number().optional(),
  }),
);

export const taskLogSchema = z.array(z.looseObject({ n: z.number(), t: z.string() }));

export const upidSchema = z.string().regex(/^UPID:[^:]+:[0-9A-Fa-f]{8}:[0-9A-Fa-f]{8,9}:[0-9A-Fa-f]{8}:[^:]+:[^:]*:[^:]+:$/, "a UPID");

const notAllowedSchema = z.record(
  z.string(),
  z.looseObject({
    unavailable_storages: z.array(z.string()).optional(),
    // PVE 9: HA resources whose affinity rules keep the guest off that node.
    "blocking-ha-resources": z.array(z.looseObject({ sid: z.string(), cause: z.string().optional() })).optional(),
  }),
);

// qemu-server src/PVE/API2/Qemu.pm migrate_vm_precondition; PVE 9's containers answer the same
// with hyphenated keys (pve-container src/PVE/API2/LXC.pm migrate_vm_precondition).
export const migratePreconditionSchema = z.looseObject({
  running: flag.optional(),
  local_disks: z.array(z.looseObject({ volid: z.string() })).optional(),
  local_resources: z.array(z.string()).optional(),
  not_allowed_nodes: notAllowedSchema.optional(),
  "not-allowed-nodes": notAllowedSchema.optional(),
});

export const storageListSchema = z.array(
  z.looseObject({
    storage: z.string(),
    type: z.string(),
    server: z.string().optional(),
    server2: z.string().optional(),
    volume: z.string().optional(),
    disable: flag.optional(),
    /** Comma-separated content types (images, backup, iso…). */
    content: z.string().optional(),
    /** The nodes it is restricted to, comma-separated; absent: every node. */
    nodes: z.string().optional(),
  }),
);

/** GET /nodes/{node}/storage/{storage}/content: the volumes the caller may access (pve-storage src/PVE/API2/Storage/Content.pm index). */
export const storageContentSchema = z.array(
  z.looseObject({ volid: z.string(), vmid: z.number().int().optional(), ctime: z.number().int().optional(), size: z.number().optional() }),
);

/** Validates an API answer; the error names the path and what did not match. */
export function validated<T>(schema: z.ZodType<T>, data: unknown, what: string): T {
  const result = schema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join(".")}` : "";
    throw new Error(`unexpected answer from ${what}${where}: ${issue?.message ?? "invalid"}`);
  }
  return result.data;
}
