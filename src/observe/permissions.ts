// What the API token may do, as PVE computes it: the effective privileges at each path rollgate
// needs (GET /access/permissions?path=P answers for the caller itself, propagation and more
// specific ACLs included), and which PVE versions the nodes run, since the privilege names differ
// (docs/domain/proxmox-api.md, "Privileges").

import { z } from "zod";
import { configNeeds, type PveMajor } from "../pve/privileges.js";
import { avoidTarget, type ObserveContext } from "./context.js";
import { validated } from "./pve-schemas.js";
import { attempt, type Observed } from "./state.js";

export interface TokenPermissions {
  tokenId: string;
  /** The PVE major versions the cluster's nodes run (two during a major upgrade). */
  majors: PveMajor[];
  /**
   * Per major, effective privileges at each path asked (empty: none at all), as a node of that
   * major computes them: each major ignores the privileges of user.cfg it does not know.
   */
  effective: Partial<Record<PveMajor, Record<string, string[]>>>;
}

const permissionsSchema = z.record(z.string(), z.record(z.string(), z.union([z.literal(0), z.literal(1)])));
const versionSchema = z.looseObject({ version: z.string() });

/** `9.1.2` → "9"; versions rollgate does not know are refused by the gate, not guessed. */
export function majorOf(version: string): PveMajor | null {
  const major = version.split(".")[0];
  return major === "8" || major === "9" ? major : null;
}

export function readPermissions(ctx: ObserveContext): Promise<Observed<TokenPermissions>> {
  return attempt(async () => {
    const get = (path: string, params?: Record<string, string>) => ctx.pve.get(path, params, avoidTarget(ctx));
    // Any node that answers tells its version; one that is down is asked for nothing.
    const versions = await Promise.all(
      ctx.config.nodes.map((n) =>
        get(`/nodes/${n.name}/version`).then(
          (v) => ({ node: n.name, version: validated(versionSchema, v, `/nodes/${n.name}/version`).version }),
          () => null,
        ),
      ),
    );
    const known = versions.filter((v) => v !== null);
    if (known.length === 0) throw new Error("no node answered /nodes/NODE/version");
    const unknown = known.filter((v) => majorOf(v.version) === null).map((v) => v.version);
    if (unknown.length > 0) throw new Error(`the nodes run PVE ${unknown.join(", ")}, which rollgate does not know (it knows 8.4 and 9.x)`);
    const majors = [...new Set(known.map((v) => majorOf(v.version)!))].sort();
    const effective: TokenPermissions["effective"] = {};
    await Promise.all(
      majors.map(async (major) => {
        // Asked of a node of that major only: /access/permissions is answered by the node asked, not proxied.
        const others = known.filter((v) => majorOf(v.version) !== major).map((v) => v.node);
        const avoid = [...avoidTarget(ctx).avoid, ...others];
        const paths = [...new Set(configNeeds(major, ctx.config).map((n) => n.path))];
        const byPath: Record<string, string[]> = {};
        await Promise.all(
          paths.map(async (path) => {
            const answer = validated(
              permissionsSchema,
              await ctx.pve.get("/access/permissions", { path }, { avoid }),
              `/access/permissions?path=${path}`,
            );
            byPath[path] = Object.keys(answer[path] ?? {});
          }),
        );
        effective[major] = byPath;
      }),
    );
    return { tokenId: ctx.config.proxmox.tokenId, majors, effective };
  });
}
