// proxmox-api's typed path tree (`api.cluster.status.$get()`), driven by rollgate's own request
// layer instead of its ProxmoxEngine (which retries POSTs). Only reads go through the tree;
// mutations use PveClient.post directly, where the no-blind-retry rule is visible.

import { proxmoxApi, type Proxmox, type ApiRequestable } from "proxmox-api";
import { MutationInReadOnlyMode } from "./remote-command.js";
import type { PveApi, PveParams, PveRequestOptions } from "./pve.js";

const prefix = "/api2/json";

/** The agent ping is a POST that changes nothing; it is the only POST a read-only view may send. */
const readOnlyPosts = [/^\/nodes\/[^/]+\/qemu\/\d+\/agent\/ping$/];

export function isReadOnlyPost(path: string): boolean {
  return readOnlyPosts.some((p) => p.test(path));
}

export function pvePaths(api: PveApi, options: PveRequestOptions = {}): Proxmox.Api {
  const requestable: ApiRequestable = {
    doRequest(method: string, path: string, _template: string, params?: Record<string, unknown>) {
      const apiPath = path.startsWith(prefix) ? path.slice(prefix.length) : path;
      const verb = method.toUpperCase();
      if (verb !== "GET" && !(verb === "POST" && isReadOnlyPost(apiPath))) {
        throw new MutationInReadOnlyMode(`${verb} ${apiPath} through the read path tree`);
      }
      return verb === "GET" ? api.get(apiPath, params as PveParams, options) : api.post(apiPath, params as PveParams, options);
    },
  };
  return proxmoxApi(requestable);
}

/** An API that can only observe: a mutating POST throws before anything is sent. */
export function readOnlyPve(api: PveApi): PveApi {
  return {
    get: (path, params, options) => api.get(path, params, options),
    post: (path, params, options) => {
      if (!isReadOnlyPost(path)) throw new MutationInReadOnlyMode(`POST ${path}`);
      return api.post(path, params, options);
    },
    close: () => api.close(),
  };
}
