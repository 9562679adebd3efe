// The `gluster` CLI: the node's view of the pool comes from the model, the output format from
// the emulation in ../../gluster (byte-compatible with GlusterFS 10.3).

import { runGluster } from "../../gluster/cli.js";
import { glusterViewFrom } from "../../model/gluster-view.js";
import type { LabCommand } from "../context.js";

export const gluster: LabCommand = async (ctx, args) => {
  const result = runGluster(args, glusterViewFrom(ctx.cluster, ctx.node));
  for (const chunk of result.stdout) await ctx.out.stdout(chunk);
  if (result.stderr) ctx.out.stderr(result.stderr);
  if (result.exitCode === 0 && result.effect?.kind === "heal-trigger") ctx.cluster.triggerHeal(result.effect.volume, ctx.source);
  return result.exitCode;
};
