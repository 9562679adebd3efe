// PVE's own API schema for the calls the lab serves (a trimmed copy of pve-docs' apidata.js per
// release, api/README.md): which handler a path finds, and the permission check it declares,
// evaluated as pve-access-control's RPCEnvironment does.

import { PermissionDenied, normalizePath, refusal, type PveRelease, type UserConfig } from "./acl.js";

/** PVE's JSON-Schema dialect, the parts the lab reads. */
export interface SchemaNode {
  type?: string | string[];
  optional?: 0 | 1;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  enum?: Array<string | number>;
  additionalProperties?: 0 | 1 | SchemaNode;
  description?: string;
}

/** `["perm", PATH, [PRIVS], "any", 1, "require_param", NAME]`, or `and` / `or` of such checks. */
export type PermissionCheck = ["perm", string, string[], ...Array<string | number>] | ["and" | "or", ...PermissionCheck[]];

export interface Permissions {
  check?: PermissionCheck;
  user?: "all" | "world";
  /** Prose for what the handler filters or checks itself (the lab's filters.ts). */
  description?: string;
}

export interface ApiMethod {
  permissions?: Permissions;
  returns?: SchemaNode;
  parameters?: SchemaNode;
}

export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";

export interface ApiSchema {
  source: { repository: string; file: string; version: string; commit: string };
  /** `METHOD /path` of the calls the lab serves that this release does not have. */
  absent: string[];
  paths: Record<string, Partial<Record<HttpMethod, ApiMethod>>>;
}

const loaded = new Map<PveRelease, ApiSchema>();

/**
 * A release's schema, read on first use (a rollgate that never starts a lab never parses it).
 * Imported as JSON so that tsc copies it next to the code in dist/; scripts/pve-api-subset.mjs
 * writes it from Proxmox's schema, which has the ApiSchema shape.
 */
export async function loadApiSchema(release: PveRelease): Promise<ApiSchema> {
  const cached = loaded.get(release);
  if (cached) return cached;
  const module =
    release === "8.4"
      ? await import("./api/pve-8.4.json", { with: { type: "json" } })
      : await import("./api/pve-9.1.json", { with: { type: "json" } });
  const schema = module.default as unknown as ApiSchema;
  loaded.set(release, schema);
  return schema;
}

export interface SchemaMatch {
  /** The path as the schema spells it, e.g. `/nodes/{node}/tasks/{upid}/status`. */
  template: string;
  method: ApiMethod;
  /** The path's `{param}` values, URI-decoded. */
  params: Record<string, string>;
}

/**
 * The schema entry for a request path, pve-common src/PVE/RESTHandler.pm map_path_to_methods:
 * one path segment per `{param}` (a level of PVE's tree is either literal names or one parameter).
 * Null when the release has no such call (or the lab's subset lacks it:
 * scripts/pve-api-subset.mjs lists what it keeps).
 */
export function findMethod(schema: ApiSchema, method: string, path: string): SchemaMatch | null {
  const segments = path.split("/").filter(Boolean);
  const candidates = Object.keys(schema.paths)
    .map((template) => ({ template, parts: template.split("/").filter(Boolean) }))
    .filter((c) => c.parts.length === segments.length);
  for (const { template, parts } of candidates) {
    const params: Record<string, string> = {};
    const matches = parts.every((part, i) => {
      const name = /^\{(\w+)\}$/.exec(part)?.[1];
      if (!name) return part === segments[i];
      params[name] = decodeURIComponent(segments[i]!);
      return true;
    });
    const info = matches ? schema.paths[template]?.[method as HttpMethod] : undefined;
    if (info) return { template, method: info, params };
  }
  return null;
}

/** Whether the release lacks this call altogether (its pveproxy answers 501), e.g. /cluster/ha/rules before PVE 9. */
export function isAbsent(schema: ApiSchema, method: string, path: string): boolean {
  const absent: ApiSchema = { ...schema, paths: {} };
  for (const call of schema.absent) {
    const [m, template] = call.split(" ") as [HttpMethod, string];
    absent.paths[template] = { ...absent.paths[template], [m]: {} };
  }
  return findMethod(absent, method, path) !== null;
}

/** pve-common src/PVE/Tools.pm template_replace: `{name}` → the parameter, `-` when it is missing or empty. */
export function templateReplace(template: string, params: Record<string, string>): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => params[name] || "-");
}

export interface PermissionContext {
  cfg: UserConfig;
  release: PveRelease;
  authid: string;
  /** The path's parameters merged with the query or body (pve-manager PVE/HTTPServer.pm rest_handler). */
  params: Record<string, string>;
}

/**
 * Null when the caller may make the call, else the refusal: pve-access-control
 * src/PVE/RPCEnvironment.pm check_api2_permissions (root@pam may do anything; no `permissions`
 * means root only; `user: all` lets every authenticated caller in, for the handler to filter).
 */
export function permissionRefusal(permissions: Permissions | undefined, ctx: PermissionContext): PermissionDenied | null {
  if (ctx.authid === "root@pam") return null;
  if (!permissions) return new PermissionDenied("user != root@pam");
  if (permissions.user === "all") return null;
  if (permissions.check) return checkRefusal(permissions.check, ctx);
  return new PermissionDenied();
}

/** pve-access-control src/PVE/RPCEnvironment.pm exec_api2_perm_check, for `perm`, `and` and `or`. */
function checkRefusal(check: PermissionCheck, ctx: PermissionContext): PermissionDenied | null {
  const [test, ...rest] = check;
  if (test === "and") {
    for (const sub of rest as PermissionCheck[]) {
      const refused = checkRefusal(sub, ctx);
      if (refused) return refused;
    }
    return null;
  }
  if (test === "or") return (rest as PermissionCheck[]).some((sub) => checkRefusal(sub, ctx) === null) ? null : new PermissionDenied();
  if (test === "perm") {
    const [template, privileges, ...flat] = rest as [string, string[], ...Array<string | number>];
    const options = new Map<string, string | number>();
    for (let i = 0; i + 1 < flat.length; i += 2) options.set(String(flat[i]), flat[i + 1]!);
    const required = options.get("require_param");
    if (required !== undefined && ctx.params[String(required)] === undefined) return new PermissionDenied();
    const path = normalizePath(templateReplace(template, ctx.params));
    if (path === null) return new PermissionDenied(`${templateReplace(template, ctx.params)}, ${privileges.join("|")}`);
    return refusal(ctx.cfg, ctx.release, ctx.authid, path, privileges, Boolean(options.get("any")));
  }
  throw new Error(`the lab does not evaluate permission test '${String(test)}'`);
}
